package io.p2pkit.node.exchange;

import io.p2pkit.core.logging.LazyLogger;
import io.p2pkit.core.multiformats.Multihash;
import io.p2pkit.ipfs.blockstore.SyncedFiles;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * What the reprovider keeps across restarts (Kubo's {@code Provide.DHT.ResumeEnabled}), in the
 * repository's {@code provider/} directory: when the last run ended, so that a restart waits for
 * the next one instead of announcing everything again, and the keys the provide queue held when
 * the node stopped, announced when it starts. Both are written atomically; a file that does not
 * read is logged and ignored, which at worst announces again what was announced.
 */
final class ProvideState {
    /** The directory, under the repository. */
    static final String DIR = "provider";
    private static final String LAST_RUN = "last-run";
    private static final String QUEUE = "queue";
    private static final String CYCLE = "cycle";
    private static final System.Logger LOG = LazyLogger.of(ProvideState.class);

    private final Path dir;

    ProvideState(Path repo) {
        this.dir = repo.resolve(DIR);
    }

    /** When the last run ended, if one did and the file reads. */
    Optional<Instant> lastRun() {
        Path f = dir.resolve(LAST_RUN);
        try {
            if (!Files.isRegularFile(f) || Files.size(f) > 64) {
                return Optional.empty();
            }
            return Optional.of(Instant.parse(Files.readString(f, StandardCharsets.UTF_8).strip()));
        } catch (IOException | DateTimeParseException e) {
            LOG.log(System.Logger.Level.WARNING, () -> "reprovider: " + f + " does not read (" + e.getMessage()
                    + "); everything is announced again");
            return Optional.empty();
        }
    }

    /** Remembers that a run ended at {@code at}. */
    void ranAt(Instant at) throws IOException {
        Files.createDirectories(dir);
        SyncedFiles.writeAtomically(dir.resolve(LAST_RUN), at.toString().getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Where the sweeping provider's cycle stands ({@link SweepCycles}), if it was kept and reads.
     */
    Optional<SweepCycles.Cycle> cycle() {
        Path f = dir.resolve(CYCLE);
        try {
            if (!Files.isRegularFile(f) || Files.size(f) > 128) {
                return Optional.empty();
            }
            String[] parts = Files.readString(f, StandardCharsets.UTF_8).strip().split(" ");
            if (parts.length != 2) {
                throw new IOException("not two fields");
            }
            int next = Integer.parseInt(parts[1]);
            if (next < 0 || next > SweepKeystore.SLICES) {
                throw new IOException("slice " + next + " is out of range");
            }
            return Optional.of(new SweepCycles.Cycle(Instant.parse(parts[0]), next, true));
        } catch (IOException | DateTimeParseException | NumberFormatException e) {
            LOG.log(System.Logger.Level.WARNING, () -> "reprovider: " + f + " does not read (" + e.getMessage()
                    + "); a new cycle begins");
            return Optional.empty();
        }
    }

    /** Remembers that the cycle begun at {@code start} has swept the slices below {@code next}. */
    void keepCycle(Instant start, int next) throws IOException {
        Files.createDirectories(dir);
        SyncedFiles.writeAtomically(dir.resolve(CYCLE), (start + " " + next).getBytes(StandardCharsets.UTF_8));
    }

    /** Keeps the keys of the provide queue (one hex multihash a line), replacing those kept before. */
    void keepQueue(Collection<Multihash> keys) throws IOException {
        Path f = dir.resolve(QUEUE);
        if (keys.isEmpty()) {
            Files.deleteIfExists(f);
            return;
        }
        StringBuilder out = new StringBuilder();
        for (Multihash k : keys) {
            out.append(HexFormat.of().formatHex(k.bytes())).append('\n');
        }
        Files.createDirectories(dir);
        SyncedFiles.writeAtomically(f, out.toString().getBytes(StandardCharsets.UTF_8));
    }

    /**
     * The keys kept by {@link #keepQueue}, at most {@code max}, and the file gone; a line that is
     * no multihash is skipped.
     */
    List<Multihash> takeQueue(int max) {
        Path f = dir.resolve(QUEUE);
        List<Multihash> out = new ArrayList<>();
        if (!Files.isRegularFile(f)) {
            return out;
        }
        int skipped = 0;
        try {
            if (Files.size(f) > (long) max * 160) {
                LOG.log(System.Logger.Level.WARNING, () -> "reprovider: " + f + " is larger than a queue can be; ignored");
                Files.deleteIfExists(f);
                return out;
            }
        } catch (IOException e) {
            return out;
        }
        try (var reader = Files.newBufferedReader(f, StandardCharsets.UTF_8)) {
            for (String line = reader.readLine(); line != null && out.size() < max; line = reader.readLine()) {
                try {
                    out.add(Multihash.decode(HexFormat.of().parseHex(line.strip())));
                } catch (IllegalArgumentException e) {
                    skipped++;
                }
            }
        } catch (IOException e) {
            LOG.log(System.Logger.Level.WARNING, () -> "reprovider: " + f + " does not read: " + e.getMessage());
        }
        if (skipped > 0) {
            int n = skipped;
            LOG.log(System.Logger.Level.WARNING, () -> "reprovider: " + n + " lines of " + f
                    + " are no multihash; skipped");
        }
        try {
            Files.deleteIfExists(f);
        } catch (IOException e) {
            LOG.log(System.Logger.Level.WARNING, () -> "reprovider: " + f + " cannot be removed: " + e.getMessage());
        }
        return out;
    }
}
