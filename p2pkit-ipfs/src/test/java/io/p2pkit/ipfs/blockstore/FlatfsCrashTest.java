package io.p2pkit.ipfs.blockstore;

import io.p2pkit.core.multiformats.Cid;
import io.p2pkit.ipfs.block.Block;
import io.p2pkit.ipfs.testing.ChildJvm;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Kill -9 in the middle of a 1 GiB import, three times over.
 *
 * <p>A child JVM imports 4096 seeded random 256 KiB raw blocks (1 GiB) into a flatfs store with
 * synced writes and prints each CID after its {@code put} returned. After a random number of
 * printed puts (200 to 599) the test sends it SIGKILL ({@link Process#destroyForcibly()}), so the
 * child dies somewhere inside a later put: before its temp file, while writing it, between fsync
 * and rename, or after. The test then reopens the store and checks that
 * <ul>
 * <li>every block whose put returned is present and intact (re-hashed against its CID),</li>
 * <li>no temporary file is left (open removed what the kill left) and every block file in the
 *     store re-hashes correctly, so no partial block exists under a block's name,</li>
 * <li>the counts match the files.</li>
 * </ul>
 * Each round imports other blocks into the same store, so earlier rounds' blocks are checked
 * again after later kills. The import stops when the kill comes, not after 1 GiB: what this
 * proves is that the death of the process at any point of a put loses nothing that was
 * acknowledged and leaves nothing torn. It does not cut power, so it cannot prove the fsyncs
 * (which a power loss needs) reach the disk; that part rests on the write order documented in
 * {@link FlatfsBlockstore}.
 */
class FlatfsCrashTest {
    private static final int BLOCKS = 4096;
    private static final int BLOCK_SIZE = 256 * 1024;
    private static final int ROUNDS = 3;

    @TempDir
    Path dir;

    @Test
    @Timeout(value = 6, unit = TimeUnit.MINUTES)
    void everyAcknowledgedPutSurvivesKillNineAndNothingIsTorn() throws Exception {
        long seed = System.nanoTime();
        SplittableRandom random = new SplittableRandom(seed);
        Path store = dir.resolve("blocks");
        List<Cid> acknowledged = new ArrayList<>();
        for (int round = 0; round < ROUNDS; round++) {
            int killAfter = random.nextInt(200, 600);
            String context = "seed " + seed + ", round " + round + ", kill after " + killAfter + " puts";
            int printed = 0;
            int before = acknowledged.size();
            int leftoverTemps;
            try (ChildJvm child = ChildJvm.start(CrashImporter.class, dir.resolve("child-" + round + ".err"),
                    store.toString(), Long.toString(seed + round), Integer.toString(BLOCKS), Integer.toString(BLOCK_SIZE))) {
                assertTrue(child.nextLine(Duration.ofSeconds(60)).startsWith("open "), context);
                while (printed < killAfter) {
                    String line = child.nextLine(Duration.ofSeconds(60));
                    acknowledged.add(parse(line, context));
                    printed++;
                }
                child.kill9();
                // puts that returned between our last read and the kill were printed too
                for (String line : child.remainingLines(Duration.ofSeconds(30))) {
                    if (line.endsWith(" ok")) {
                        acknowledged.add(parse(line, context));
                    } // a line cut by the kill has no " ok": its put is not counted
                }
                leftoverTemps = countTemps(store);
            }
            int acknowledgedThisRound = acknowledged.size() - before;
            assertTrue(acknowledgedThisRound >= killAfter, context);
            try (FlatfsBlockstore s = FlatfsBlockstore.open(store, FlatfsBlockstore.Options.defaults())) {
                assertEquals(leftoverTemps, s.removedTempFiles(), context);
                assertEquals(0, countTemps(store), context + ": temp files left after open");
                for (Cid cid : acknowledged) {
                    Block b = s.get(cid).orElseThrow(() -> new AssertionError(context + ": lost " + cid));
                    Block.verified(cid, b.data()); // throws if damaged
                    assertEquals(BLOCK_SIZE, b.size(), context);
                }
                VerifyReport report = s.verify();
                assertTrue(report.ok(), context + ": " + report.badBlocks());
                assertEquals(report.checked(), s.count(), context);
                assertTrue(s.count() == acknowledged.size() || s.count() == acknowledged.size() + 1,
                        context + ": at most the put in flight may have landed, " + s.count() + " vs " + acknowledged.size());
                assertEquals(s.count() * BLOCK_SIZE, s.totalSize(), context);
                // the put in flight may have landed, so what is stored next round is counted from the store
                acknowledged.clear();
                try (Stream<io.p2pkit.core.multiformats.Multihash> keys = s.keys()) {
                    keys.forEach(k -> acknowledged.add(Cid.v1(io.p2pkit.core.multiformats.Multicodec.RAW, k)));
                }
            }
            System.out.printf("crash round %d (%s): %d puts acknowledged before SIGKILL, %d temp file(s) left by it,"
                    + " all %d stored blocks intact%n", round, context, acknowledgedThisRound, leftoverTemps,
                    acknowledged.size());
        }
    }

    private static Cid parse(String line, String context) {
        if (!line.startsWith("put ") || !line.endsWith(" ok")) {
            throw new AssertionError(context + ": unexpected child output '" + line + "'");
        }
        return Cid.parse(line.substring(4, line.length() - 3));
    }

    private static int countTemps(Path store) throws IOException {
        if (!Files.isDirectory(store)) {
            return 0;
        }
        try (Stream<Path> files = Files.walk(store)) {
            return (int) files.filter(p -> p.getFileName().toString().startsWith(SyncedFiles.TEMP_PREFIX)).count();
        }
    }
}
