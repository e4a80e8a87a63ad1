package io.p2pkit.node.rpc;

import io.p2pkit.core.multiaddr.Multiaddr;
import io.p2pkit.core.identity.PeerId;
import io.p2pkit.node.Node;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code swarm/peers|connect|disconnect|addrs|addrs/local|addrs/listen}: the node's connections, in Kubo's
 * shapes; {@code swarm/peers?verbose=true} adds each peer's reputation {@code Score}. {@code swarm/resources}
 * is {@link SwarmResources}.
 */
final class SwarmCommands {
    private SwarmCommands() {
    }

    static List<RpcCommand> all() {
        return List.of(
                RpcCommand.at("swarm/peers")
                        .options(RpcOption.bool("verbose", "v"), RpcOption.bool("streams"), RpcOption.bool("latency"),
                                RpcOption.bool("direction"), RpcOption.bool("identify"))
                        .run(SwarmCommands::peers),
                RpcCommand.at("swarm/connect").args(RpcArgument.string("address", true, true).withStdin()).run(SwarmCommands::connect),
                RpcCommand.at("swarm/disconnect").args(RpcArgument.string("address", true, true).withStdin())
                        .run(SwarmCommands::disconnect),
                RpcCommand.at("swarm/addrs").run(SwarmCommands::addrs),
                RpcCommand.at("swarm/addrs/local").options(RpcOption.bool("id")).run(SwarmCommands::localAddrs),
                RpcCommand.at("swarm/addrs/listen").text(TextEncoders::lines).run(SwarmCommands::listenAddrs),
                RpcCommand.at("swarm/addrs/autonat").text(TextEncoders::autoNat).run(SwarmCommands::autoNat),
                RpcCommand.at("swarm/resources").text(SwarmResources::text)
                        .run((req, res) -> res.single(SwarmResources.report(req.node().host().network().resources()))));
    }

    private static void peers(RpcRequest req, RpcResponse res) throws Exception {
        boolean verbose = req.bool("verbose");
        List<Map<String, Object>> peers = new ArrayList<>();
        for (var c : req.node().host().network().connections()) {
            Map<String, Object> o = new LinkedHashMap<>();
            o.put("Addr", c.remoteAddress().toString());
            o.put("Peer", c.remotePeer().toString());
            if (verbose || req.bool("direction")) {
                // Kubo's network.Direction: 1 inbound, 2 outbound
                o.put("Direction", c.direction().name().equals("INBOUND") ? 1 : 2);
            }
            if (verbose) {
                o.put("Muxer", c.muxer());
                // p2pkit's addition: the peer's reputation, in (-1, 1), see docs/TOOLKIT.md
                o.put("Score", Math.round(req.node().host().reputation().score(c.remotePeer()) * 1000) / 1000.0);
            }
            peers.add(o);
        }
        peers.sort(Comparator.comparing(o -> o.get("Addr").toString()));
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("Peers", peers.isEmpty() ? null : peers); // Go writes an empty slice it never filled as null
        res.single(out);
    }

    private static void connect(RpcRequest req, RpcResponse res) throws Exception {
        List<String> lines = new ArrayList<>();
        for (String arg : req.arguments()) {
            Multiaddr address = address(arg);
            try {
                var c = req.node().host().connect(address);
                lines.add("connect " + c.remotePeer() + " success");
            } catch (java.io.IOException e) {
                throw RpcError.failed("connect " + peerOf(arg) + " failure: " + e.getMessage());
            }
        }
        res.single(Map.of("Strings", lines));
    }

    private static void disconnect(RpcRequest req, RpcResponse res) throws Exception {
        List<String> lines = new ArrayList<>();
        for (String arg : req.arguments()) {
            address(arg);
            PeerId peer = PeerId.parse(peerOf(arg));
            var connections = req.node().host().network().connections(peer);
            if (connections.isEmpty()) {
                lines.add("disconnect " + peer + " failure: not connected");
                continue;
            }
            connections.forEach(io.p2pkit.core.network.Connection::close);
            lines.add("disconnect " + peer + " success");
        }
        res.single(Map.of("Strings", lines));
    }

    private static void addrs(RpcRequest req, RpcResponse res) throws Exception {
        var store = req.node().host().peerStore();
        Map<String, Object> addrs = new TreeMap<>();
        for (PeerId p : store.peers()) {
            List<String> list = store.addresses(p).stream().map(Multiaddr::toString).sorted().toList();
            if (!list.isEmpty()) {
                addrs.put(p.toString(), list);
            }
        }
        res.single(Map.of("Addrs", addrs));
    }

    private static void localAddrs(RpcRequest req, RpcResponse res) throws Exception {
        Node node = req.node();
        List<String> out = new ArrayList<>();
        for (Multiaddr a : node.addresses()) {
            String s = a.toString();
            boolean hasId = s.contains("/p2p/");
            String bare = hasId ? s.substring(0, s.indexOf("/p2p/")) : s;
            out.add(req.bool("id") ? bare + "/p2p/" + node.peerId() : bare);
        }
        res.single(Map.of("Strings", out));
    }

    /** Kubo's: the addresses listened on, an unspecified IP expanded to each interface's, sorted. */
    private static void listenAddrs(RpcRequest req, RpcResponse res) throws Exception {
        List<String> out = req.node().host().localAddresses().stream().map(Multiaddr::toString).sorted().toList();
        res.single(io.p2pkit.node.cli.content.KuboJson.strings(out, true));
    }

    /**
     * Kubo 0.40's {@code swarm addrs autonat}: the host's reachability ({@code Unknown},
     * {@code Public} or {@code Private}, go's names) and, with AutoNAT on, the addresses its v2
     * probes check by what they found (go-libp2p's {@code ConfirmedAddrs}); empty lists are left
     * out, as Kubo's {@code omitempty}. Kubo 0.43's {@code nat} (CGNAT or double NAT) is not
     * determined here and so left out, as Kubo leaves it when it cannot tell.
     */
    private static void autoNat(RpcRequest req, RpcResponse res) throws Exception {
        io.p2pkit.core.host.Host host = req.node().host();
        Map<String, Object> o = new LinkedHashMap<>();
        String state = host.reachability().reachability().name();
        o.put("reachability", state.charAt(0) + state.substring(1).toLowerCase(java.util.Locale.ROOT));
        host.service(io.p2pkit.nat.autonat.AutoNat.class).ifPresent(a -> {
            io.p2pkit.nat.autonat.AutoNat.ConfirmedAddresses c = a.confirmedAddresses();
            putAddresses(o, "reachable", c.reachable());
            putAddresses(o, "unreachable", c.unreachable());
            putAddresses(o, "unknown", c.unknown());
        });
        res.single(o);
    }

    private static void putAddresses(Map<String, Object> o, String key, List<Multiaddr> addresses) {
        if (!addresses.isEmpty()) {
            o.put(key, addresses.stream().map(Multiaddr::toString).toList());
        }
    }

    private static Multiaddr address(String arg) {
        try {
            Multiaddr m = Multiaddr.parse(arg);
            if (!arg.contains("/p2p/") && !arg.contains("/ipfs/")) {
                throw RpcError.failed("invalid peer address: no peer ID in " + arg);
            }
            return m;
        } catch (RuntimeException e) {
            if (e instanceof RpcError r) {
                throw r;
            }
            throw RpcError.failed("invalid peer address: " + e.getMessage());
        }
    }

    private static String peerOf(String arg) {
        int at = Math.max(arg.lastIndexOf("/p2p/"), arg.lastIndexOf("/ipfs/"));
        String rest = arg.substring(at + (arg.startsWith("/ipfs/", at) ? 6 : 5));
        int slash = rest.indexOf('/');
        return slash < 0 ? rest : rest.substring(0, slash);
    }
}
