package io.p2pkit.node.rpc;

import io.p2pkit.core.DecodeException;
import io.p2pkit.core.multiaddr.Multiaddr;
import io.p2pkit.core.multiformats.Cid;
import io.p2pkit.ipfs.graphsync.GraphSync;
import io.p2pkit.ipfs.graphsync.GraphSyncException;
import io.p2pkit.ipfs.path.IpfsPath;
import io.p2pkit.ipfs.selector.Selector;

import java.io.IOException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code graphsync/fetch} (p2pkit's own; Kubo has no GraphSync): the daemon fetches what a CID or
 * an {@code /ipfs/} path names from one peer in one GraphSync request into its repository, so that
 * the CLI's {@code --graphsync} works through a running daemon. A path's segments are walked as
 * UnixFS names ({@link Selector#unixfsPath}), then the whole DAG under its end: the blocks on the
 * path and under its end come, not its siblings.
 */
final class GraphSyncCommands {
    private GraphSyncCommands() {
    }

    static List<RpcCommand> all() {
        return List.of(RpcCommand.at("graphsync/fetch").args(RpcArgument.string("path", true, false))
                .options(RpcOption.string("peer"), RpcOption.string("timeout"))
                .run(GraphSyncCommands::fetch));
    }

    private static void fetch(RpcRequest req, RpcResponse res) throws Exception {
        GraphSync gs = NodeContent.content(req).graphsync()
                .orElseThrow(() -> RpcError.failed("GraphSync is off on this node"));
        IpfsPath path;
        try {
            path = IpfsPath.parse(req.argument(0));
        } catch (DecodeException e) {
            throw RpcError.client("invalid CID or path: " + req.argument(0) + ": " + e.getMessage());
        }
        Cid root = path.root();
        // /ipld/ segments are data-model fields, not UnixFS names: the whole DAG under the root then
        Selector selector = path.namespace() == IpfsPath.Namespace.IPFS
                ? Selector.unixfsPath(path.segments(), Selector.exploreAll()) : Selector.exploreAll();
        String peerArg = req.string("peer").orElseThrow(() -> RpcError.client("graphsync/fetch needs peer: a multiaddr with /p2p/"));
        Multiaddr address;
        try {
            address = Multiaddr.parse(peerArg);
        } catch (IllegalArgumentException e) {
            throw RpcError.client("invalid peer address " + peerArg + ": " + e.getMessage());
        }
        if (!peerArg.contains("/p2p/")) {
            throw RpcError.client("invalid peer address: no peer ID in " + peerArg);
        }
        Duration idle = req.string("timeout").map(GoDuration::parse).orElse(NodeContent.FETCH_IDLE);
        GraphSync.Result r;
        try {
            var connection = req.node().host().connect(address);
            r = gs.request(connection.remotePeer(), root, selector, idle);
        } catch (GraphSyncException e) {
            throw RpcError.failed("fetching " + path + " over GraphSync: " + e.getMessage());
        } catch (IOException e) {
            throw RpcError.failed("fetching " + root + " over GraphSync: cannot reach " + peerArg + ": " + e.getMessage());
        }
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("Cid", root.toString());
        o.put("Path", path.toString());
        o.put("Status", r.status().code());
        o.put("Blocks", r.blocks());
        o.put("Bytes", r.bytes());
        o.put("Missing", r.missing().stream().map(Cid::toString).toList());
        res.single(o);
    }
}
