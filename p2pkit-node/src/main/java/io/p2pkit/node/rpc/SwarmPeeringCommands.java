package io.p2pkit.node.rpc;

import io.p2pkit.core.host.PeerInfo;
import io.p2pkit.core.identity.PeerId;
import io.p2pkit.core.multiaddr.Multiaddr;
import io.p2pkit.core.multiaddr.Protocol;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code swarm/peering/add|ls|rm}: the peers the node keeps connected ({@link io.p2pkit.node.Peering}),
 * in Kubo's shapes. As in Kubo, changes last until the node stops (they are not written to the config).
 */
final class SwarmPeeringCommands {
    private SwarmPeeringCommands() {
    }

    static List<RpcCommand> all() {
        return List.of(
                RpcCommand.at("swarm/peering/add").args(RpcArgument.string("address", true, true))
                        .text((req, v) -> "add " + field(v, "ID") + " " + field(v, "Status") + "\n")
                        .run(SwarmPeeringCommands::add),
                RpcCommand.at("swarm/peering/ls").text(SwarmPeeringCommands::lsText).run(SwarmPeeringCommands::ls),
                RpcCommand.at("swarm/peering/rm").args(RpcArgument.string("ID", true, true))
                        .text((req, v) -> "remove " + field(v, "ID") + " " + field(v, "Status") + "\n")
                        .run(SwarmPeeringCommands::rm));
    }

    private static Object field(Object value, String name) {
        return value instanceof Map<?, ?> m ? m.get(name) : null;
    }

    private static Map<String, Object> result(PeerId peer) {
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("ID", peer.toString());
        o.put("Status", "success");
        return o;
    }

    private static void add(RpcRequest req, RpcResponse res) throws Exception {
        // go-libp2p's AddrInfosFromP2pAddrs: every address names its peer; a peer's addresses are merged
        Map<PeerId, List<Multiaddr>> peers = new LinkedHashMap<>();
        for (String arg : req.arguments()) {
            Multiaddr a;
            try {
                a = Multiaddr.parse(arg);
            } catch (IllegalArgumentException e) { // DecodeException too
                throw RpcError.failed("failed to parse multiaddr \"" + arg + "\": " + e.getMessage());
            }
            PeerId peer = a.peerId().orElseThrow(() -> RpcError.failed("invalid p2p multiaddr"));
            List<Multiaddr> addrs = peers.computeIfAbsent(peer, p -> new ArrayList<>());
            Multiaddr transport = a.decapsulate(Protocol.P2P);
            if (!transport.components().isEmpty()) {
                addrs.add(transport);
            }
        }
        for (Map.Entry<PeerId, List<Multiaddr>> p : peers.entrySet()) {
            try {
                req.node().peering().add(new PeerInfo(p.getKey(), p.getValue()));
            } catch (IllegalArgumentException e) {
                throw RpcError.failed(e.getMessage());
            }
            res.emit(result(p.getKey()));
        }
    }

    private static void ls(RpcRequest req, RpcResponse res) throws Exception {
        List<Map<String, Object>> peers = new ArrayList<>();
        for (PeerInfo p : req.node().peering().list()) {
            Map<String, Object> o = new LinkedHashMap<>();
            o.put("ID", p.peerId().toString());
            o.put("Addrs", p.addresses().stream().map(Multiaddr::toString).toList());
            peers.add(o);
        }
        res.single(Map.of("Peers", peers));
    }

    /** Kubo's text: each peer's ID, then its addresses indented. */
    private static String lsText(RpcRequest req, Object value) {
        StringBuilder b = new StringBuilder();
        if (field(value, "Peers") instanceof List<?> peers) {
            for (Object p : peers) {
                b.append(field(p, "ID")).append('\n');
                if (field(p, "Addrs") instanceof List<?> addrs) {
                    addrs.forEach(a -> b.append('\t').append(a).append('\n'));
                }
            }
        }
        return b.toString();
    }

    private static void rm(RpcRequest req, RpcResponse res) throws Exception {
        for (String arg : req.arguments()) {
            PeerId peer;
            try {
                peer = PeerId.parse(arg);
            } catch (IllegalArgumentException e) { // DecodeException too
                throw RpcError.failed("failed to parse peer ID: " + e.getMessage());
            }
            req.node().peering().remove(peer);
            res.emit(result(peer));
        }
    }
}
