package io.p2pkit.node.rpc;

import io.p2pkit.core.multiformats.Cid;
import io.p2pkit.core.multiformats.Multihash;
import io.p2pkit.ipfs.block.Block;
import io.p2pkit.ipfs.pin.GcLock;
import io.p2pkit.ipfs.pin.PinStatus;
import io.p2pkit.ipfs.pin.PinType;
import io.p2pkit.ipfs.repo.ImportSettings;
import io.p2pkit.ipfs.repo.Repository;
import io.p2pkit.node.cli.content.CodecNames;
import io.p2pkit.node.cli.content.InputData;
import io.p2pkit.node.cli.options.RepoOption;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

/** {@code block/get|put|stat|rm}: raw blocks, in Kubo's shapes. */
final class BlockCommands {
    private BlockCommands() {
    }

    static List<RpcCommand> all() {
        return List.of(
                RpcCommand.at("block/get").args(RpcArgument.string("cid", true, false).withStdin()).run(BlockCommands::get),
                RpcCommand.at("block/stat").text(TextEncoders::blockStat).args(RpcArgument.string("cid", true, false).withStdin()).run(BlockCommands::stat),
                RpcCommand.at("block/put").text(TextEncoders::key).args(RpcArgument.file("data", true, true))
                        .options(RpcOption.string("cid-codec").withDefault(""), RpcOption.string("mhtype"),
                                RpcOption.integer("mhlen").withDefault(-1), RpcOption.bool("pin").withDefault(false),
                                RpcOption.bool("allow-big-block").withDefault(false), RpcOption.string("format", "f"))
                        .run(BlockCommands::put),
                RpcCommand.at("block/rm").args(RpcArgument.string("cid", true, true))
                        .options(RpcOption.bool("force", "f"), RpcOption.bool("quiet", "q"))
                        .run(BlockCommands::rm));
    }

    private static void get(RpcRequest req, RpcResponse res) throws Exception {
        Repository repo = NodeContent.repository(req);
        FetchingBlocks blocks = FetchingBlocks.of(req);
        Cid cid = KuboPaths.resolveCid(req, blocks, req.argument(0));
        Block block = blocks.get(cid).orElseThrow(() -> KuboPaths.notFound(cid)); // the one block, fetched when elsewhere
        res.stream().write(block.data());
    }

    private static void stat(RpcRequest req, RpcResponse res) throws Exception {
        Repository repo = NodeContent.repository(req);
        FetchingBlocks blocks = FetchingBlocks.of(req);
        Cid cid = KuboPaths.resolveCid(req, blocks, req.argument(0));
        blocks.get(cid); // fetched when it is elsewhere
        OptionalInt size = repo.blocks().sizeOf(cid.multihash());
        if (size.isEmpty()) {
            throw KuboPaths.notFound(cid);
        }
        res.single(keySize(cid, size.getAsInt()));
    }

    private static Map<String, Object> keySize(Cid cid, int size) {
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("Key", cid.toString());
        o.put("Size", size);
        return o;
    }

    private static void put(RpcRequest req, RpcResponse res) throws Exception {
        Repository repo = NodeContent.repository(req);
        String hashName = req.has("mhtype") ? req.string("mhtype").orElseThrow()
                : ImportSettings.hashFunctionName(repo.configOnDisk()); // Kubo reads Import.HashFunction per call
        long hash = CodecNames.hashFunction("mhtype", hashName);
        String codecName = req.string("cid-codec").orElse("");
        boolean v0 = false;
        if (req.has("format")) {
            if (!codecName.isEmpty()) {
                throw RpcError.failed("unable to use \"format\" (deprecated) and a custom \"cid-codec\" at the same time");
            }
            String format = req.string("format").orElseThrow();
            v0 = format.equals("v0");
            codecName = switch (format) {
                case "v0", "protobuf" -> "dag-pb";
                case "cbor" -> "dag-cbor";
                default -> format;
            };
        }
        long codec = CodecNames.cidCodec("cid-codec", codecName.isEmpty() ? "raw" : codecName);
        int mhlen = req.number("mhlen").orElse(-1L).intValue();
        boolean big = req.bool("allow-big-block") || RepoOption.bigBlocksAllowed(repo);
        int limit = InputData.blockLimit(big);
        Uploads files = req.files();
        GcLock.Held held = repo.gcLock().pinLock(); // a collection must not take a block before it is pinned
        try {
            for (Uploads.Entry e; (e = files.next()) != null; ) {
                if (e.kind() != Uploads.Kind.FILE) {
                    throw RpcError.failed("block put takes files, and " + e.path() + " is a " + e.kind().name().toLowerCase(java.util.Locale.ROOT));
                }
                byte[] data = NodeContent.readBounded(e.body(), limit, "the block");
                Multihash mh = mhlen == -1 ? Multihash.digest(hash, data) : Multihash.digest(hash, data, mhlen);
                Block block = Block.of(v0 ? Cid.v0(mh) : Cid.v1(codec, mh), data);
                repo.blocks().put(block);
                if (req.bool("pin")) {
                    repo.pinner().pin(block.cid(), PinType.RECURSIVE, "");
                }
                NodeContent.announceAdded(req, List.of(block.cid()), List.of(), List.of(), req.bool("pin"));
                res.emit(keySize(block.cid(), block.size()));
            }
        } catch (IllegalArgumentException e) {
            throw RpcError.failed(e.getMessage());
        } finally {
            held.close();
        }
    }

    private static void rm(RpcRequest req, RpcResponse res) throws Exception {
        Repository repo = NodeContent.repository(req);
        boolean force = req.bool("force");
        boolean quiet = req.bool("quiet");
        boolean failed = false;
        for (String arg : req.arguments()) {
            Map<String, Object> o = new LinkedHashMap<>();
            Cid cid = KuboPaths.resolveCid(req, arg);
            o.put("Hash", cid.toString());
            String error = remove(repo, cid, force);
            if (error != null) {
                o.put("Error", error);
                failed = true;
            }
            if (error != null || !quiet) {
                res.emit(o);
            }
        }
        if (failed) {
            throw RpcError.failed("some blocks not removed");
        }
    }

    /** Removes one block unless pinned; returns Kubo's error text, or null. */
    private static String remove(Repository repo, Cid cid, boolean force) throws java.io.IOException, InterruptedException {
        try (GcLock.Held held = repo.gcLock().gcLock()) {
            Optional<PinStatus> pin = repo.pinner().status(cid);
            if (pin.isPresent()) {
                return pin.get().kuboRemovalError();
            }
            if (!repo.blocks().has(cid.multihash())) {
                return force ? null : "ipld: could not find " + cid;
            }
            repo.blocks().delete(cid.multihash());
            return null;
        }
    }
}
