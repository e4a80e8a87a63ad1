package io.p2pkit.node.rpc;

import io.p2pkit.core.DecodeException;
import io.p2pkit.core.identity.PeerId;
import io.p2pkit.ipfs.bitswap.Bitswap;
import io.p2pkit.ipfs.bitswap.BitswapStats;
import io.p2pkit.ipfs.bitswap.LedgerView;
import io.p2pkit.node.cli.content.KuboJson;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** {@code bitswap/stat|wantlist|ledger} (and {@code stats/bitswap}): what the node's Bitswap does, in Kubo 0.39's shapes. */
final class BitswapCommands {
    private BitswapCommands() {
    }

    static List<RpcCommand> all() {
        RpcCommand stat = RpcCommand.at("bitswap/stat").text(TextEncoders::bitswapStat)
                .options(RpcOption.bool("verbose", "v"), RpcOption.bool("human")).run(BitswapCommands::stat);
        return List.of(stat, stat.alias("stats/bitswap"),
                RpcCommand.at("bitswap/wantlist").text(TextEncoders::wantlist).options(RpcOption.string("peer", "p"))
                        .run(BitswapCommands::wantlist),
                RpcCommand.at("bitswap/ledger").args(RpcArgument.string("peer", true, false))
                        .run(BitswapCommands::ledger));
    }

    private static Bitswap bitswap(RpcRequest req) {
        return NodeContent.content(req).bitswap();
    }

    private static void stat(RpcRequest req, RpcResponse res) throws Exception {
        Bitswap b = bitswap(req);
        BitswapStats s = b.stats();
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("Wantlist", b.wantlist().stream().map(KuboJson::link).toList());
        o.put("Peers", b.peers().stream().map(PeerId::toString).sorted().toList());
        o.put("BlocksReceived", s.blocksReceived());
        o.put("DataReceived", s.dataReceived());
        o.put("DupBlksReceived", s.unwantedBlocks());
        o.put("DupDataReceived", s.unwantedData());
        o.put("MessagesReceived", s.messagesReceived());
        o.put("BlocksSent", s.blocksSent());
        o.put("DataSent", s.dataSent());
        res.single(o);
    }

    private static void wantlist(RpcRequest req, RpcResponse res) throws Exception {
        Optional<String> given = req.string("peer");
        if (given.isPresent()) {
            PeerId peer;
            try {
                peer = PeerId.parse(given.get());
            } catch (RuntimeException e) {
                throw RpcError.failed("failed to parse peer ID: " + e.getMessage());
            }
            if (!peer.equals(req.node().peerId())) { // as Kubo: its own ID is its own wantlist
                res.single(Map.of("Keys", bitswap(req).wantlistOf(peer).stream().map(KuboJson::link).toList()));
                return;
            }
        }
        res.single(Map.of("Keys", bitswap(req).wantlist().stream().map(KuboJson::link).toList()));
    }

    private static void ledger(RpcRequest req, RpcResponse res) throws Exception {
        PeerId peer;
        try {
            peer = PeerId.parse(req.argument(0));
        } catch (DecodeException e) {
            throw RpcError.failed("invalid peer ID: " + req.argument(0) + ": " + e.getMessage());
        }
        LedgerView l = bitswap(req).ledger(peer).orElse(new LedgerView(peer, 0, 0, 0, 0, 0, 0));
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("Peer", peer.toString());
        o.put("Value", l.bytesSent() / (double) (l.bytesReceived() + 1));
        o.put("Sent", l.bytesSent());
        o.put("Recv", l.bytesReceived());
        o.put("Exchanged", l.blocksSent() + l.blocksReceived());
        res.single(o);
    }
}
