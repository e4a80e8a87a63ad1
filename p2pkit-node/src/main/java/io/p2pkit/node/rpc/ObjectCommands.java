package io.p2pkit.node.rpc;

import io.p2pkit.core.multiformats.Cid;
import io.p2pkit.ipfs.block.Block;
import io.p2pkit.ipfs.pin.GcLock;
import io.p2pkit.ipfs.repo.Repository;
import io.p2pkit.node.cli.content.GoQuote;
import io.p2pkit.node.cli.content.KuboJson;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code object} commands Kubo 0.39 still serves (deprecated there): {@code object/diff} and
 * {@code object/patch/add-link|rm-link}, in its shapes and words. The others answer Kubo's
 * "removed" error ({@link RemovedCommands}).
 */
final class ObjectCommands {
    /** Kubo's soft limit on a patched root's cumulative size without {@code allow-big-block}. */
    private static final long SOFT_BLOCK_LIMIT = 1024 * 1024;

    private ObjectCommands() {
    }

    static List<RpcCommand> all() {
        // allow-big-block is an option of object/patch in Kubo, which its subcommands take
        return List.of(
                RpcCommand.at("object/diff").text(ObjectCommands::diffText)
                        .args(RpcArgument.string("obj_a", true, false), RpcArgument.string("obj_b", true, false))
                        .options(RpcOption.bool("verbose", "v"))
                        .run(ObjectCommands::diff),
                RpcCommand.at("object/patch/add-link").text(ObjectCommands::hashText)
                        .args(RpcArgument.string("root", true, false), RpcArgument.string("name", true, false),
                                RpcArgument.string("ref", true, false))
                        .options(RpcOption.bool("create", "p"), RpcOption.bool("allow-big-block"))
                        .run(ObjectCommands::addLink),
                RpcCommand.at("object/patch/rm-link").text(ObjectCommands::hashText)
                        .args(RpcArgument.string("root", true, false), RpcArgument.string("name", true, false))
                        .options(RpcOption.bool("allow-big-block"))
                        .run(ObjectCommands::rmLink));
    }

    private static void addLink(RpcRequest req, RpcResponse res) throws Exception {
        List<Block> nodes = nodes(req, req.argument(0), req.argument(2));
        FetchingBlocks blocks = FetchingBlocks.of(req);
        DagPbPatch patch = new DagPbPatch(blocks);
        Block root = patch.addLink(nodes.get(0), req.argument(1), nodes.get(1), req.bool("create"));
        answer(req, res, patch, root);
    }

    private static void rmLink(RpcRequest req, RpcResponse res) throws Exception {
        Block base = nodes(req, req.argument(0)).getFirst();
        DagPbPatch patch = new DagPbPatch(FetchingBlocks.of(req));
        Block root = patch.rmLink(base, req.argument(1));
        answer(req, res, patch, root);
    }

    /** Stores the new nodes, then (as Kubo, after storing) holds the root to the soft limit. */
    private static void answer(RpcRequest req, RpcResponse res, DagPbPatch patch, Block root) throws Exception {
        Repository repo = NodeContent.repository(req);
        GcLock.Held held = repo.gcLock().pinLock(); // no collection between the writes
        try {
            repo.blocks().putMany(patch.written());
        } finally {
            held.close();
        }
        if (!req.bool("allow-big-block") && DagPbPatch.sizeOf(root) > SOFT_BLOCK_LIMIT) {
            throw RpcError.failed("produced block is over 1MiB: big blocks can't be exchanged with other peers. "
                    + "consider using UnixFS for automatic chunking of bigger files, or pass --allow-big-block to override");
        }
        res.single(Map.of("Hash", root.cid().toString()));
    }

    private static void diff(RpcRequest req, RpcResponse res) throws Exception {
        List<Block> roots = nodes(req, req.argument(0), req.argument(1));
        List<Object> changes = new ArrayList<>();
        for (DagDiff.Change c : new DagDiff(FetchingBlocks.of(req)).diff(roots.get(0), roots.get(1))) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("Type", c.type().ordinal());
            m.put("Path", c.path());
            m.put("Before", c.before() == null ? null : KuboJson.link(c.before()));
            m.put("After", c.after() == null ? null : KuboJson.link(c.after()));
            changes.add(m);
        }
        res.single(Map.of("Changes", changes));
    }

    /**
     * The blocks the arguments lead to, as Kubo's {@code ResolveNode}: every argument is checked
     * as a path before any is resolved, then each is resolved and read in turn.
     */
    private static List<Block> nodes(RpcRequest req, String... args) throws Exception {
        for (String arg : args) {
            KuboPaths.parse(arg);
        }
        Repository repo = NodeContent.repository(req);
        FetchingBlocks blocks = FetchingBlocks.of(req);
        List<Block> out = new ArrayList<>();
        for (String arg : args) {
            Cid cid = KuboPaths.resolveCid(req, blocks, arg);
            out.add(blocks.get(cid).orElseThrow(() -> KuboPaths.notFound(cid)));
        }
        return out;
    }

    private static String hashText(RpcRequest req, Object v) {
        return ((Map<?, ?>) v).get("Hash") + "\n";
    }

    /** Kubo's lines: {@code + <after> "path"}, {@code ~ <before> <after> "path"}, {@code - <before> "path"}, or sentences with {@code verbose}. */
    private static String diffText(RpcRequest req, Object v) {
        boolean verbose = req.bool("verbose");
        StringBuilder b = new StringBuilder();
        for (Object o : (List<?>) ((Map<?, ?>) v).get("Changes")) {
            Map<?, ?> c = (Map<?, ?>) o;
            String path = GoQuote.quote(String.valueOf(c.get("Path")));
            String before = cid(c.get("Before"));
            String after = cid(c.get("After"));
            switch (((Number) c.get("Type")).intValue()) {
                case 0 -> b.append(verbose ? "Added new link " + path + " pointing to " + after + "."
                        : "+ " + after + " " + path);
                case 2 -> b.append(verbose ? "Changed " + path + " from " + before + " to " + after + "."
                        : "~ " + before + " " + after + " " + path);
                default -> b.append(verbose ? "Removed link " + path + " (was " + before + ")."
                        : "- " + before + " " + path);
            }
            b.append('\n');
        }
        return b.toString();
    }

    private static String cid(Object link) {
        return link instanceof Map<?, ?> m ? String.valueOf(m.get("/")) : "";
    }
}
