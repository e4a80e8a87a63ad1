package io.p2pkit.node.cli.command.dag;

import io.p2pkit.core.multiformats.Cid;
import io.p2pkit.ipfs.car.CarReader;
import io.p2pkit.ipfs.block.BlockSource;
import io.p2pkit.ipfs.repo.Repository;
import io.p2pkit.node.cli.CliCommand;
import io.p2pkit.node.cli.CommandFailedException;
import io.p2pkit.node.cli.ProgressBar;
import io.p2pkit.node.cli.UsageException;
import io.p2pkit.node.cli.content.DaemonApi;
import io.p2pkit.node.cli.content.BlockNotFoundException;
import io.p2pkit.node.cli.content.CarExport;
import io.p2pkit.node.cli.content.KuboJson;
import io.p2pkit.node.cli.content.OnlineRepository;
import io.p2pkit.node.cli.content.StdoutStream;
import io.p2pkit.node.cli.options.FetchOption;
import io.p2pkit.node.exchange.FetchOnMiss;
import io.p2pkit.node.cli.options.JsonOption;
import io.p2pkit.node.cli.options.ProgressOption;
import io.p2pkit.node.cli.options.RepoOption;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.BufferedOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** {@code p2pkit dag export}: a whole DAG as a CARv1, streamed block by block. */
@Command(name = "export", description = {
        "Write a whole DAG as a CAR (version 1) to stdout.",
        "",
        "Takes a CID or a path. Blocks are written depth first, each before its children, each once (Kubo's order), "
                + "one at a time as they are read: memory does not grow with the DAG. Identity CIDs are not written. "
                + "A block missing below the root stops the export with an error naming it (the CAR written so far is "
                + "incomplete; with --output the file is removed).",
        "",
        "--local-only writes what the repository has instead (Kubo's best-effort export): a missing or unreadable "
                + "block is left out with what only it leads to, so the CAR may be partial; the root must be here. "
                + "It fetches nothing, so it does not go with --bootstrap.",
        "",
        "With --bootstrap MADDR (repeatable), the CAR streams while what the repository lacks is fetched over "
                + "Bitswap by a short-lived node connected to those peers and to the providers the DHT names (from "
                + "the first block missing on, the rest of the DAG many blocks at a time); --fetch-timeout gives up "
                + "when no block arrives for that long (default 60s).",
        ""},
        footer = {"", "With --json (which needs --output): {\"Root\":{\"/\":<cid>},\"Blocks\":…,\"Size\":<bytes>,\"Output\":…}"})
final class DagExportCommand extends CliCommand {
    @Parameters(index = "0", paramLabel = "CID|PATH", description = "the root of the DAG")
    private String arg;

    @Option(names = {"-o", "--output"}, paramLabel = "FILE", description = "write the CAR to FILE instead of stdout")
    private Path file;

    @Option(names = "--local-only", description = "export only the blocks here, leaving out what is missing (a partial CAR); "
            + "fetches nothing")
    private boolean localOnly;

    @Mixin
    private ProgressOption progress;

    @Mixin
    private RepoOption repo;

    @Mixin
    private FetchOption fetch;

    @Mixin
    private JsonOption output;

    @Override
    protected int run() throws Exception {
        if (output.json() && file == null) {
            throw new UsageException("--json prints a summary, so the CAR needs --output FILE");
        }
        if (localOnly && fetch.fetches()) {
            throw new UsageException("--local-only fetches nothing, so it does not go with --bootstrap: drop one of them");
        }
        Optional<DaemonApi> daemon = fetch.daemon(repo);
        if (daemon.isPresent()) {
            try (DaemonApi api = daemon.get()) {
                fetch.fetchThroughDaemon(api, List.of(arg));
                try (InputStream car = api.post("dag/export", List.of(arg),
                        localOnly ? Map.of("local-only", "true") : Map.of())) {
                    throughDaemon(car);
                }
            }
            return 0;
        }
        long[] counts;
        Cid root;
        try (OnlineRepository online = fetch.open(repo, console())) {
            Repository r = online.repo();
            root = online.resolveCid(arg, !localOnly, progress, console());
            Optional<FetchOnMiss> fetching = localOnly ? Optional.empty() : online.fetchOnMiss(root);
            if (fetching.isEmpty() && !localOnly) {
                online.fetchDag(root, progress, console()); // over GraphSync, one request; offline, nothing
            }
            try (FetchOnMiss source = fetching.orElse(null)) {
                BlockSource local = r.blocks().local();
                CarExport car;
                try {
                    car = localOnly ? CarExport.available(local, RepoOption.codecs(true), root)
                            : CarExport.whole(source != null ? source : local, RepoOption.codecs(true), root);
                } catch (BlockNotFoundException e) {
                    throw missing(e);
                }
                counts = write(car);
            }
        }
        if (output.json()) {
            Map<String, Object> o = new LinkedHashMap<>();
            o.put("Root", KuboJson.link(root));
            o.put("Blocks", counts[0]);
            o.put("Size", counts[1]);
            o.put("Output", file.toString());
            console().json(o);
        }
        return 0;
    }

    /** Writes the CAR to stdout or the file (removed when the export fails); returns the blocks and bytes written. */
    private long[] write(CarExport car) throws IOException {
        if (file == null) {
            try (StdoutStream out = new StdoutStream(console().out())) {
                long blocks = export(car, out);
                return new long[] {blocks, out.count()};
            }
        }
        long[] written = {0, 0};
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file), 1 << 16)) {
            written[0] = export(car, new FilterOutputStream(out) {
                @Override
                public void write(byte[] b, int off, int len) throws IOException {
                    out.write(b, off, len);
                    written[1] += len;
                }
            });
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(file);
            throw e;
        }
        return written;
    }

    /** A block missing offline: what to do about it. */
    private CommandFailedException missing(BlockNotFoundException e) {
        return new CommandFailedException(e.getMessage() + (fetch.fetches() ? ""
                : "; --bootstrap MADDR fetches what is missing, --local-only exports what is here"));
    }

    /**
     * Writes the CAR the running daemon exports; with {@code --json}, reads it back for the
     * summary (the daemon's answer is the CAR alone).
     */
    private void throughDaemon(InputStream car) throws IOException {
        if (file == null) {
            try (StdoutStream out = new StdoutStream(console().out())) {
                car.transferTo(out);
            }
            return;
        }
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file), 1 << 16)) {
            car.transferTo(out);
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(file);
            throw e;
        }
        if (output.json()) {
            long blocks = 0;
            Cid root;
            try (CarReader reader = CarReader.open(new java.io.BufferedInputStream(Files.newInputStream(file)))) {
                root = reader.roots().get(0);
                while (reader.nextSection().isPresent()) {
                    blocks++;
                }
            }
            Map<String, Object> o = new LinkedHashMap<>();
            o.put("Root", KuboJson.link(root));
            o.put("Blocks", blocks);
            o.put("Size", Files.size(file));
            o.put("Output", file.toString());
            console().json(o);
        }
    }

    private long export(CarExport car, OutputStream out) throws IOException {
        try (ProgressBar bar = progress.bar(console(), "exporting", -1, ProgressBar.Unit.BYTES, "")) {
            try {
                return car.writeTo(new FilterOutputStream(out) {
                    @Override
                    public void write(byte[] b, int off, int len) throws IOException {
                        out.write(b, off, len);
                        bar.add(len);
                    }
                });
            } catch (BlockNotFoundException e) {
                throw missing(e);
            }
        }
    }
}
