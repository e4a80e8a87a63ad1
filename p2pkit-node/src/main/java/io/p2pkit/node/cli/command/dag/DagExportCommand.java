package io.p2pkit.node.cli.command.dag;

import io.p2pkit.core.multiformats.Cid;
import io.p2pkit.core.multiformats.Multicodec;
import io.p2pkit.ipfs.car.CarReader;
import io.p2pkit.ipfs.car.CarWriter;
import io.p2pkit.ipfs.repo.Repository;
import io.p2pkit.node.cli.CliCommand;
import io.p2pkit.node.cli.ProgressBar;
import io.p2pkit.node.cli.UsageException;
import io.p2pkit.node.cli.content.DaemonApi;
import io.p2pkit.node.cli.content.DagTraversal;
import io.p2pkit.node.cli.content.KuboJson;
import io.p2pkit.node.cli.content.OnlineRepository;
import io.p2pkit.node.cli.content.StdoutStream;
import io.p2pkit.node.cli.options.FetchOption;
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
                + "one at a time: memory does not grow with the DAG. Identity CIDs are not written. A block missing "
                + "from the repository stops the export with an error naming it (the CAR written so far is "
                + "incomplete; with --output the file is removed).",
        "",
        "With --bootstrap MADDR (repeatable), what the repository lacks is first fetched over Bitswap by a "
                + "short-lived node connected to those peers and to the providers the DHT names; "
                + "--fetch-timeout gives up when no block arrives for that long (default 60s).",
        ""},
        footer = {"", "With --json (which needs --output): {\"Root\":{\"/\":<cid>},\"Blocks\":…,\"Size\":<bytes>,\"Output\":…}"})
final class DagExportCommand extends CliCommand {
    @Parameters(index = "0", paramLabel = "CID|PATH", description = "the root of the DAG")
    private String arg;

    @Option(names = {"-o", "--output"}, paramLabel = "FILE", description = "write the CAR to FILE instead of stdout")
    private Path file;

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
        long blocks;
        long bytes;
        Cid root;
        Optional<DaemonApi> daemon = fetch.daemon(repo);
        if (daemon.isPresent()) {
            try (DaemonApi api = daemon.get()) {
                fetch.fetchThroughDaemon(api, List.of(arg));
                try (InputStream car = api.post("dag/export", List.of(arg), Map.of())) {
                    throughDaemon(car);
                }
            }
            return 0;
        }
        try (OnlineRepository online = fetch.open(repo, console())) {
            Repository r = online.repo();
            root = online.resolveCid(arg, true, progress, console());
            online.fetchDag(root, progress, console());
            if (file == null) {
                try (StdoutStream out = new StdoutStream(console().out())) {
                    blocks = export(r, root, out);
                    bytes = out.count();
                }
            } else {
                long[] written = {0};
                try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file), 1 << 16)) {
                    blocks = export(r, root, new FilterOutputStream(out) {
                        @Override
                        public void write(byte[] b, int off, int len) throws IOException {
                            out.write(b, off, len);
                            written[0] += len;
                        }
                    });
                } catch (IOException | RuntimeException e) {
                    Files.deleteIfExists(file);
                    throw e;
                }
                bytes = written[0];
            }
        }
        if (output.json()) {
            Map<String, Object> o = new LinkedHashMap<>();
            o.put("Root", KuboJson.link(root));
            o.put("Blocks", blocks);
            o.put("Size", bytes);
            o.put("Output", file.toString());
            console().json(o);
        }
        return 0;
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

    private long export(Repository r, Cid root, OutputStream out) throws IOException {
        long[] count = {0};
        try (ProgressBar bar = progress.bar(console(), "exporting", -1, ProgressBar.Unit.BYTES, "");
             CarWriter car = CarWriter.create(new FilterOutputStream(out) {
                 @Override
                 public void write(byte[] b, int off, int len) throws IOException {
                     out.write(b, off, len);
                     bar.add(len);
                 }

                 @Override
                 public void close() throws IOException {
                     out.flush(); // the caller closes its own stream
                 }
             }, List.of(root))) {
            new DagTraversal(r.blocks().local(), RepoOption.codecs(true)).walk(root, block -> {
                if (block.cid().multihash().code() != Multicodec.IDENTITY) {
                    car.write(block);
                    count[0]++;
                }
            });
        }
        return count[0];
    }
}
