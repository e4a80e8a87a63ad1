package io.p2pkit.node.rpc;

import io.p2pkit.core.multiformats.Cid;
import io.p2pkit.core.multiformats.Multicodec;
import io.p2pkit.ipfs.block.Block;
import io.p2pkit.ipfs.block.BlockSource;
import io.p2pkit.ipfs.block.LinkReader;
import io.p2pkit.ipfs.car.CarLimits;
import io.p2pkit.ipfs.car.CarReader;
import io.p2pkit.ipfs.codec.Codecs;
import io.p2pkit.ipfs.codec.EncodeException;
import io.p2pkit.ipfs.codec.Limits;
import io.p2pkit.ipfs.ipld.Link;
import io.p2pkit.ipfs.ipld.Node;
import io.p2pkit.ipfs.path.ResolvedPath;
import io.p2pkit.ipfs.pin.GcLock;
import io.p2pkit.ipfs.pin.PinType;
import io.p2pkit.ipfs.pin.Pinner;
import io.p2pkit.ipfs.repo.ImportSettings;
import io.p2pkit.ipfs.repo.Repository;
import io.p2pkit.node.cli.content.BlockNotFoundException;
import io.p2pkit.node.cli.content.CarExport;
import io.p2pkit.node.cli.content.CodecNames;
import io.p2pkit.node.cli.content.DagStats;
import io.p2pkit.node.cli.content.InputData;
import io.p2pkit.node.cli.content.KuboJson;
import io.p2pkit.node.cli.options.RepoOption;
import io.p2pkit.node.exchange.DagSources;
import io.p2pkit.node.exchange.FetchOnMiss;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** {@code dag/put|get|import|stat|export}: IPLD nodes and CAR files, in Kubo's shapes. */
final class DagCommands {
    /** The most bytes of one input to {@code dag put} (the encoded block is held to the block limit). */
    private static final int MAX_INPUT = 8 << 20;

    private DagCommands() {
    }

    static List<RpcCommand> all() {
        return List.of(
                RpcCommand.at("dag/put").text(TextEncoders::dagPut).args(RpcArgument.file("object data", true, true))
                        .options(RpcOption.string("store-codec").withDefault("dag-cbor"),
                                RpcOption.string("input-codec").withDefault("dag-json"), RpcOption.bool("pin"),
                                RpcOption.string("hash"), RpcOption.bool("allow-big-block"))
                        .run(DagCommands::put),
                RpcCommand.at("dag/get").args(RpcArgument.string("ref", true, false).withStdin())
                        .options(RpcOption.string("output-codec").withDefault("dag-json"))
                        .run(DagCommands::get),
                RpcCommand.at("dag/import").text(TextEncoders::dagImport).args(RpcArgument.file("path", true, true))
                        .options(RpcOption.bool("pin-roots"), RpcOption.bool("local-only"), RpcOption.bool("silent"),
                                RpcOption.bool("stats"), RpcOption.bool("allow-big-block"),
                                RpcOption.bool("fast-provide-root"), RpcOption.bool("fast-provide-wait"))
                        .run(DagCommands::importCars),
                RpcCommand.at("dag/stat").args(RpcArgument.string("root", true, true).withStdin())
                        .options(RpcOption.bool("progress", "p").withDefault(true))
                        .run(DagCommands::stat),
                RpcCommand.at("dag/resolve").text(TextEncoders::dagResolve).args(RpcArgument.string("ref", true, false).withStdin())
                        .run(DagCommands::resolve),
                RpcCommand.at("dag/export").args(RpcArgument.string("root", true, false).withStdin())
                        .options(RpcOption.bool("progress", "p"), RpcOption.bool("local-only"))
                        .run(DagCommands::export));
    }

    private static void put(RpcRequest req, RpcResponse res) throws Exception {
        Repository repo = NodeContent.repository(req);
        Codecs known = RepoOption.codecs(true);
        long in = CodecNames.supportedCodec("input-codec", req.string("input-codec").orElseThrow(), known);
        long store = CodecNames.supportedCodec("store-codec", req.string("store-codec").orElseThrow(), known);
        String hashName = req.has("hash") ? req.string("hash").orElseThrow()
                : ImportSettings.hashFunctionName(repo.configOnDisk()); // Kubo reads Import.HashFunction per call
        long hash = CodecNames.hashFunction("hash", hashName);
        int limit = InputData.blockLimit(req.bool("allow-big-block") || RepoOption.bigBlocksAllowed(repo));
        int inputLimit = Math.max(limit, MAX_INPUT);
        Codecs reader = Codecs.standard(Limits.DEFAULT.withMaxBlockSize(inputLimit));
        Uploads files = req.files();
        GcLock.Held held = repo.gcLock().pinLock();
        try {
            for (Uploads.Entry e; (e = files.next()) != null; ) {
                byte[] bytes = NodeContent.readBounded(e.body(), inputLimit, "the input");
                Node node;
                try {
                    node = reader.get(in).decode(bytes);
                } catch (IllegalArgumentException x) {
                    throw RpcError.failed("not valid " + Multicodec.nameOf(in) + ": " + x.getMessage());
                }
                Block block;
                try {
                    block = reader.encode(store, hash, node);
                } catch (EncodeException x) {
                    throw RpcError.failed("cannot be stored as " + Multicodec.nameOf(store) + ": " + x.getMessage());
                }
                if (block.size() > limit) {
                    throw RpcError.failed("produced block is over " + limit + " bytes");
                }
                repo.blocks().put(block);
                if (req.bool("pin")) {
                    repo.pinner().pin(block.cid(), PinType.RECURSIVE, "");
                }
                NodeContent.announceAdded(req, List.of(block.cid()), List.of(), List.of(), req.bool("pin"));
                res.emit(Map.of("Cid", KuboJson.link(block.cid())));
            }
        } finally {
            held.close();
        }
    }

    private static void importCars(RpcRequest req, RpcResponse res) throws Exception {
        // pin-roots is true unless given false; local-only (a partial CAR) implies false, as Kubo 0.42's
        boolean localOnly = req.bool("local-only");
        if (localOnly && req.bool("pin-roots")) {
            throw RpcError.failed("--local-only implies --pin-roots=false and cannot be combined with --pin-roots=true; "
                    + "please drop one of them");
        }
        boolean pinRoots = !localOnly && (!req.has("pin-roots") || req.bool("pin-roots"));
        Repository repo = NodeContent.repository(req);
        CarLimits limits = CarLimits.DEFAULT.withMaxBlockSize(
                InputData.blockLimit(req.bool("allow-big-block") || RepoOption.bigBlocksAllowed(repo)));
        Uploads files = req.files();
        Set<Cid> roots = new LinkedHashSet<>();
        // Kubo's write batches (Import.BatchMaxNodes, Import.BatchMaxSize), read per command as Kubo does
        ImportSettings.WriteBatch batch;
        try {
            batch = ImportSettings.writeBatch(repo.configOnDisk());
        } catch (IllegalArgumentException e) {
            throw RpcError.failed(e.getMessage());
        }
        WrittenKeys written = new WrittenKeys(batch.sink(repo.blocks()));
        long blocks = 0;
        long bytes = 0;
        // As Kubo: the pin lock is held for the whole import, so no collection takes blocks before their roots are pinned.
        GcLock.Held held = repo.gcLock().pinLock();
        try {
            for (Uploads.Entry e; (e = files.next()) != null; ) {
                Cid previous = null;
                try (CarReader car = CarReader.open(e.body(), limits)) {
                    roots.addAll(car.roots());
                    for (Optional<Block> b = car.next(); b.isPresent(); b = car.next()) {
                        written.put(b.get());
                        blocks++;
                        bytes += b.get().size();
                        previous = b.get().cid();
                    }
                    written.flush();
                } catch (IOException | IllegalArgumentException x) {
                    written.flushAfter(x);
                    throw RpcError.failed("import failed " + (previous == null ? "at the start" : "after block "
                            + previous) + ": " + x.getMessage());
                }
            }
            if (pinRoots) {
                // as Kubo's import: a root pins with what the CAR and the repository hold, nothing is fetched
                Pinner.DagSource here = DagSources.local(repo.blocks().local());
                for (Cid root : roots) {
                    String error = "";
                    try {
                        repo.pinner().pin(root, PinType.RECURSIVE, "", n -> { }, here);
                    } catch (BlockNotFoundException x) {
                        error = KuboPaths.notFound(x.cid()).getMessage();
                    } catch (IOException | IllegalArgumentException x) {
                        error = x.getMessage() == null ? x.toString() : x.getMessage();
                    }
                    Map<String, Object> meta = new LinkedHashMap<>();
                    meta.put("Cid", KuboJson.link(root));
                    meta.put("PinErrorMsg", error);
                    res.emit(Map.of("Root", meta));
                }
            }
            // Kubo announces each root of the import at once (and, under 'all', every block written)
            NodeContent.announceAdded(req, List.copyOf(roots), written.written(), List.copyOf(roots), pinRoots);
            if (req.bool("stats")) {
                Map<String, Object> stats = new LinkedHashMap<>();
                stats.put("BlockCount", blocks);
                stats.put("BlockBytesCount", bytes);
                res.emit(Map.of("Stats", stats));
            }
        } finally {
            held.close();
        }
    }

    private static void stat(RpcRequest req, RpcResponse res) throws Exception {
        Repository repo = NodeContent.repository(req);
        DagStats stats = new DagStats();
        boolean progress = req.bool("progress");
        FetchingBlocks blocks = FetchingBlocks.of(req);
        for (String arg : req.arguments()) {
            ResolvedPath resolved = KuboPaths.resolve(req, blocks, arg);
            if (!resolved.remainder().isEmpty()) {
                throw RpcError.failed(arg + " leads inside block " + resolved.cid() + ": dag stat counts whole DAGs");
            }
            if (!NodeContent.offline(req)) {
                NodeContent.fetchDag(req, resolved.cid()); // the walk below reads every block of it
            }
            stats.add(repo, resolved.cid(), () -> {
                if (progress) {
                    // Kubo sends the running summary after each block; the client shows the last one
                    try {
                        res.emit(stats.json());
                    } catch (IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                }
            });
        }
        res.emit(stats.json());
    }

    /** Kubo's {@code dag resolve}: the block a path ends in, and what is left of the path inside it. */
    private static void resolve(RpcRequest req, RpcResponse res) throws Exception {
        ResolvedPath resolved = KuboPaths.resolve(req, FetchingBlocks.of(req), req.argument(0));
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("Cid", Map.of("/", resolved.cid().toString()));
        o.put("RemPath", String.join("/", resolved.remainder()));
        res.single(o); // Kubo's EmitOnce: not a stream of values
    }

    private static void get(RpcRequest req, RpcResponse res) throws Exception {
        Repository repo = NodeContent.repository(req);
        Codecs codecs = RepoOption.codecs(true);
        long codec = CodecNames.supportedCodec("output-codec", req.string("output-codec").orElseThrow(), codecs);
        FetchingBlocks blocks = FetchingBlocks.of(req);
        ResolvedPath resolved = KuboPaths.resolve(req, blocks, req.argument(0));
        Node node = resolved.node();
        if (node instanceof Link link) {
            Block block = blocks.get(link.cid()).orElseThrow(() -> KuboPaths.notFound(link.cid()));
            node = codecs.decode(block);
        }
        byte[] bytes;
        try {
            bytes = codecs.get(codec).encode(node);
        } catch (EncodeException e) {
            throw RpcError.failed("cannot encode this " + node.kind() + " as " + Multicodec.nameOf(codec) + ": " + e.getMessage());
        }
        res.stream().write(bytes);
    }

    private static void export(RpcRequest req, RpcResponse res) throws Exception {
        boolean localOnly = req.bool("local-only");
        if (localOnly && req.has("offline") && !req.bool("offline")) {
            throw RpcError.failed("--local-only implies --offline and cannot be combined with --offline=false; "
                    + "please drop one of them");
        }
        boolean offline = localOnly || NodeContent.offline(req);
        Repository repo = NodeContent.repository(req);
        LinkReader links = RepoOption.codecs(true);
        BlockSource local = repo.blocks().local();
        FetchingBlocks fetching = offline ? null : FetchingBlocks.of(req);
        Cid root = KuboPaths.resolveCid(req, offline ? FetchingBlocks.of(NodeContent.content(req), false) : fetching,
                req.argument(0));
        // As Kubo's: the CAR streams as its blocks are read, and a block missing below the root
        // ends it with the error in the trailer. Online, the blocks here are read until one is
        // missing; then a fetch of the whole DAG brings the rest, many at a time, while it streams.
        try (FetchOnMiss online = offline ? null : new FetchOnMiss(local, () -> NodeContent.arriving(req, fetching, root))) {
            CarExport car;
            try {
                car = localOnly ? CarExport.available(local, links, root)
                        : CarExport.whole(offline ? local : online, links, root);
            } catch (BlockNotFoundException e) {
                throw notFound(req, e);
            }
            try {
                car.writeTo(res.stream());
            } catch (BlockNotFoundException e) {
                throw notFound(req, e);
            }
        }
    }

    /** Kubo's error for a block that is not here, with its hint when the request was offline. */
    private static RpcError notFound(RpcRequest req, BlockNotFoundException e) {
        String message = KuboPaths.notFound(e.cid()).getMessage();
        return RpcError.failed(req.bool("local-only") || !req.bool("offline") ? message
                : message + " (currently offline, perhaps retry without the offline flag)");
    }
}
