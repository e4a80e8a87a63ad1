package io.p2pkit.node.cli.command.dag;

import io.p2pkit.core.multiformats.Cid;
import io.p2pkit.ipfs.block.Block;
import io.p2pkit.ipfs.car.CarLimits;
import io.p2pkit.ipfs.car.CarReader;
import io.p2pkit.ipfs.ipld.MapNode;
import io.p2pkit.ipfs.pin.GcLock;
import io.p2pkit.ipfs.pin.PinType;
import io.p2pkit.ipfs.repo.ImportSettings;
import io.p2pkit.ipfs.repo.Repository;
import io.p2pkit.ipfs.unixfs.importer.BlockSink;
import io.p2pkit.node.cli.CliCommand;
import io.p2pkit.node.cli.CommandFailedException;
import io.p2pkit.node.cli.ProgressBar;
import io.p2pkit.node.cli.UsageException;
import io.p2pkit.node.cli.content.DaemonApi;
import io.p2pkit.node.cli.content.InputData;
import io.p2pkit.node.cli.content.KuboJson;
import io.p2pkit.node.cli.content.MultipartUpload;
import io.p2pkit.node.cli.options.CidBaseOption;
import io.p2pkit.node.cli.options.FastProvideOption;
import io.p2pkit.node.cli.options.JsonOption;
import io.p2pkit.node.cli.options.ProgressOption;
import io.p2pkit.node.cli.options.RepoOption;
import io.p2pkit.node.multiformats.CidEncoder;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.BufferedInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

/** {@code p2pkit dag import}: stores the blocks of CAR files and pins their roots, as Kubo does. */
@Command(name = "import", description = {
        "Import the blocks of CAR files (version 1 or 2) and pin their roots.",
        "",
        "Reads each FILE (or stdin) as a stream, one block at a time, and checks every block against its CID before "
                + "storing it; a truncated or corrupt CAR stops the import with an error naming the file and the "
                + "block. All blocks are imported, not only those below the roots. Then, unless --pin-roots=false, "
                + "each root named in the CAR headers is pinned recursively ('Pinned root <tab> <cid> <tab> "
                + "success'); a root whose DAG is incomplete fails on its own and the exit status is 1. Blocks over 2 "
                + "MiB are refused unless --allow-big-block. A partial CAR ('dag export --local-only') goes in with "
                + "--local-only, which pins nothing.",
        ""},
        footer = {"", "With --json: {\"Root\":{\"Cid\":{\"/\":<cid>},\"PinErrorMsg\":…}} per root and, with --stats, "
                + "{\"Stats\":{\"BlockCount\":…,\"BlockBytesCount\":…}} (Kubo's shapes)."})
final class DagImportCommand extends CliCommand {
    @Parameters(paramLabel = "FILE", arity = "0..*", description = "CAR files (default: stdin)")
    private List<Path> files = new ArrayList<>();

    @Option(names = "--pin-roots", arity = "0..1", fallbackValue = "true", paramLabel = "BOOL",
            description = "pin the roots the CAR headers name (default true; --pin-roots=false does not)")
    private Boolean pinRootsGiven;

    @Option(names = "--local-only", description = "import a partial CAR (such as 'dag export --local-only' writes): "
            + "implies --pin-roots=false")
    private boolean localOnly;

    /** Whether the roots are pinned: unless --pin-roots=false or --local-only. */
    private boolean pinRoots;

    @Option(names = "--stats", description = "print how many blocks and bytes were imported")
    private boolean stats;

    @Option(names = "--silent", description = "print nothing")
    private boolean silent;

    @Option(names = "--allow-big-block", description = "accept blocks over 2 MiB (they cannot be exchanged over Bitswap)")
    private boolean allowBigBlock;

    @Mixin
    private ProgressOption progress;

    @Mixin
    private RepoOption repo;

    @Mixin
    private JsonOption output;

    @Mixin
    private CidBaseOption cids;

    @Mixin
    private FastProvideOption fastProvide;

    /** How the roots' text is written: Kubo's low-level encoder (its JSON keeps the CIDs as they are). */
    private CidEncoder enc;

    @Override
    protected int run() throws Exception {
        if (silent && output.json()) {
            throw new UsageException("--silent and --json cannot be used together");
        }
        if (localOnly && Boolean.TRUE.equals(pinRootsGiven)) {
            throw new UsageException("--local-only implies --pin-roots=false and cannot be combined with --pin-roots=true: "
                    + "drop one of them");
        }
        pinRoots = !localOnly && !Boolean.FALSE.equals(pinRootsGiven);
        enc = output.json() ? CidEncoder.DEFAULT : cids.lowLevel();
        List<InputData> inputs = files.isEmpty() ? List.of(InputData.stdin(console()))
                : files.stream().map(InputData::file).toList();
        AtomicInteger failedThroughDaemon = new AtomicInteger();
        if (DaemonApi.use(repo.root(), api -> failedThroughDaemon.set(throughDaemon(api)))) {
            return failedThroughDaemon.get() == 0 ? 0 : 1;
        }
        int failed = 0;
        try (Repository r = repo.openForAdding(allowBigBlock)) {
            CarLimits limits = CarLimits.DEFAULT.withMaxBlockSize(InputData.blockLimit(RepoOption.bigBlocksAllowed(r)));
            // As Kubo: hold the pin lock for the whole import, so no collection takes blocks before their roots are pinned.
            GcLock.Held held = r.gcLock().pinLock();
            try {
                Set<Cid> roots = new LinkedHashSet<>();
                long[] counts = {0, 0};
                BlockSink batches = ImportSettings.writeBatch(r.config()).sink(r.blocks());
                try (ProgressBar bar = progress.bar(console(), "importing", totalSize(inputs), ProgressBar.Unit.BYTES, "")) {
                    for (InputData in : inputs) {
                        importCar(batches, in, limits, bar, roots, counts);
                    }
                }
                if (pinRoots) {
                    for (Cid root : roots) {
                        String error = pin(r, root);
                        if (error != null) {
                            failed++;
                        }
                        report(root, error);
                    }
                }
                if (stats) {
                    printStats(counts[0], counts[1]);
                }
            } finally {
                held.close();
            }
        }
        return failed == 0 ? 0 : 1;
    }

    /**
     * The same through the running daemon: the CAR files go up as a multipart form (each file a
     * part, read as it is sent) to {@code dag/import}, whose root and stats events are printed as
     * the local import prints them.
     *
     * @return how many roots failed to pin
     */
    private int throughDaemon(DaemonApi api) throws IOException {
        Map<String, String> o = new LinkedHashMap<>();
        o.put("pin-roots", Boolean.toString(pinRoots));
        o.put("stats", Boolean.toString(stats));
        o.put("allow-big-block", Boolean.toString(allowBigBlock));
        fastProvide.addTo(o);
        MultipartUpload upload = files.isEmpty() ? MultipartUpload.stdin(console().in())
                : MultipartUpload.of(files, true, false, false);
        int failed = 0;
        try (InputStream in = new BufferedInputStream(api.upload("dag/import", List.of(), o, upload.contentType(),
                upload.body()))) {
            for (MapNode m; (m = DaemonApi.nextObject(in)) != null; ) {
                if (m.get("Root").orElse(null) instanceof MapNode root) {
                    String error = DaemonApi.text(root, "PinErrorMsg");
                    if (!error.isEmpty()) {
                        failed++;
                    }
                    report(DaemonApi.cid(root, "Cid"), error.isEmpty() ? null : error);
                } else if (m.get("Stats").orElse(null) instanceof MapNode s) {
                    printStats(DaemonApi.number(s, "BlockCount"), DaemonApi.number(s, "BlockBytesCount"));
                }
            }
        }
        return failed;
    }

    private void printStats(long blocks, long bytes) {
        if (output.json()) {
            Map<String, Object> s = new LinkedHashMap<>();
            s.put("BlockCount", blocks);
            s.put("BlockBytesCount", bytes);
            console().json(Map.of("Stats", s));
        } else if (!silent) {
            console().println("Imported " + blocks + " blocks (" + bytes + " bytes)");
        }
    }

    private static long totalSize(List<InputData> inputs) {
        long total = 0;
        for (InputData in : inputs) {
            long size = in.size();
            if (size < 0) {
                return -1;
            }
            total += size;
        }
        return total;
    }

    /** One CAR's blocks into {@code batches} (Kubo's write batches), all of them stored when it returns or fails. */
    private static void importCar(BlockSink batches, InputData in, CarLimits limits, ProgressBar bar, Set<Cid> roots,
                                  long[] counts) throws IOException {
        Cid previous = null;
        try (CarReader car = CarReader.open(counted(in.open(), bar), limits)) {
            roots.addAll(car.roots());
            for (Optional<Block> b = car.next(); b.isPresent(); b = car.next()) {
                batches.put(b.get());
                counts[0]++;
                counts[1] += b.get().size();
                previous = b.get().cid();
            }
            batches.flush();
        } catch (IOException | IllegalArgumentException e) {
            if (e instanceof java.nio.file.NoSuchFileException) {
                throw e;
            }
            batches.flushAfter(e); // the blocks before the failure are imported, as the message says
            throw new CommandFailedException(in.name() + ": import failed " + (previous == null ? "at the start"
                    : "after block " + previous) + ": " + e.getMessage() + " (the blocks before it were imported)", e);
        }
    }

    private static InputStream counted(InputStream in, ProgressBar bar) {
        return new FilterInputStream(in) {
            @Override
            public int read() throws IOException {
                int b = super.read();
                if (b >= 0) {
                    bar.add(1);
                }
                return b;
            }

            @Override
            public int read(byte[] buf, int off, int len) throws IOException {
                int n = super.read(buf, off, len);
                if (n > 0) {
                    bar.add(n);
                }
                return n;
            }
        };
    }

    /** Pins a root; the error's message, or null when it is pinned. */
    private static String pin(Repository r, Cid root) throws InterruptedException {
        try {
            r.pinner().pin(root, PinType.RECURSIVE, "");
            return null;
        } catch (IOException | IllegalArgumentException e) {
            return e.getMessage();
        }
    }

    private void report(Cid root, String error) {
        if (output.json()) {
            Map<String, Object> meta = new LinkedHashMap<>();
            meta.put("Cid", KuboJson.link(root));
            meta.put("PinErrorMsg", error == null ? "" : error);
            console().json(Map.of("Root", meta));
        } else if (error != null) {
            console().info("p2pkit dag import: error: pinning root \"" + enc.encode(root) + "\" FAILED: " + error);
        } else if (!silent) {
            console().println("Pinned root\t" + enc.encode(root) + "\tsuccess");
        }
    }
}
