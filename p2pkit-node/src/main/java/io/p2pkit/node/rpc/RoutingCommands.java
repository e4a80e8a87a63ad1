package io.p2pkit.node.rpc;

import io.p2pkit.core.DecodeException;
import io.p2pkit.core.identity.PeerId;
import io.p2pkit.core.multiaddr.Multiaddr;
import io.p2pkit.core.multiformats.Cid;
import io.p2pkit.core.host.PeerInfo;
import io.p2pkit.kad.GetResult;
import io.p2pkit.kad.KadDht;
import io.p2pkit.kad.PutResult;
import io.p2pkit.node.cli.UsageException;
import io.p2pkit.node.cli.command.RoutingCommand;
import io.p2pkit.node.cli.content.CidArgument;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code routing/findprovs|findpeer|provide|get|put}: the DHT, answered as Kubo's
 * {@code routing.QueryEvent} values ({@code {"ID","Type","Responses","Extra"}}).
 */
final class RoutingCommands {
    /** go-libp2p's QueryEventType values used here. */
    private static final int FINAL_PEER = 2;
    private static final int PROVIDER = 4;
    private static final int VALUE = 5;

    private RoutingCommands() {
    }

    static List<RpcCommand> all() {
        return List.of(
                RpcCommand.at("routing/findprovs").args(RpcArgument.string("key", true, true))
                        .options(RpcOption.bool("verbose", "v"), RpcOption.integer("num-providers", "n").withDefault(20))
                        .run(RoutingCommands::findProviders),
                RpcCommand.at("routing/findpeer").args(RpcArgument.string("peerID", true, true))
                        .options(RpcOption.bool("verbose", "v"))
                        .run(RoutingCommands::findPeer),
                RpcCommand.at("routing/provide").args(RpcArgument.string("key", true, true).withStdin())
                        .options(RpcOption.bool("verbose", "v"), RpcOption.bool("recursive", "r"))
                        .run(RoutingCommands::provide),
                // Kubo's text is the value's bytes: 'ipfs routing get /ipns/… > record' feeds 'name inspect'
                RpcCommand.at("routing/get").args(RpcArgument.string("key", true, true))
                        .text(new ValueBytes()).run(RoutingCommands::get),
                RpcCommand.at("routing/put")
                        .args(RpcArgument.string("key", true, false), RpcArgument.file("value-file", true, false))
                        .options(RpcOption.bool("allow-offline"))
                        .run(RoutingCommands::put));
    }

    /** Kubo's text of a value event: the value's bytes, as they are. */
    private static final class ValueBytes implements RpcCommand.Text {
        @Override
        public String encode(RpcRequest request, Object value) {
            return new String(bytes(request, value), java.nio.charset.StandardCharsets.ISO_8859_1);
        }

        @Override
        public byte[] bytes(RpcRequest request, Object value) {
            return value instanceof Map<?, ?> m && m.get("Extra") instanceof String extra
                    ? Base64.getDecoder().decode(extra) : new byte[0];
        }
    }

    /** The node's DHT, or the error Kubo's routers give when there is none. */
    static KadDht dht(RpcRequest req) {
        return req.node().dht().orElseThrow(() -> RpcError.failed("routing: operation or key not supported"));
    }

    static Map<String, Object> event(int type, List<Map<String, Object>> responses, String extra) {
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("ID", "");
        o.put("Type", type);
        o.put("Responses", responses);
        o.put("Extra", extra);
        return o;
    }

    private static Map<String, Object> addrInfo(PeerInfo p) {
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("ID", p.peerId().toString());
        o.put("Addrs", p.addresses().stream().map(Multiaddr::toString).toList());
        return o;
    }

    private static Cid cid(String s) {
        String text;
        try {
            text = CidArgument.rootOfUri(s).orElse(s);
        } catch (IllegalArgumentException e) {
            throw RpcError.failed(e.getMessage());
        }
        try {
            return Cid.parse(text);
        } catch (DecodeException e) {
            throw RpcError.failed("invalid cid: " + e.getMessage());
        }
    }

    private static void findProviders(RpcRequest req, RpcResponse res) throws Exception {
        int n = req.number("num-providers").orElse(20L).intValue();
        if (n < 1) {
            throw RpcError.failed("number of providers must be greater than 0");
        }
        if (req.arguments().size() > 1) {
            throw RpcError.failed("specify only one key at a time");
        }
        Cid cid = cid(req.argument(0));
        KadDht dht = dht(req);
        java.util.Set<PeerId> ignored = req.node().config().ignoredProviders();
        try {
            dht.findProviders(cid.multihash().bytes(), n, p -> {
                if (ignored.contains(p.peerId())) {
                    return; // Kubo's Routing.IgnoreProviders
                }
                try {
                    res.emit(event(PROVIDER, List.of(addrInfo(p)), ""));
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }

    private static void findPeer(RpcRequest req, RpcResponse res) throws Exception {
        PeerId peer;
        try {
            peer = PeerId.parse(req.argument(0));
        } catch (RuntimeException e) {
            throw RpcError.failed("failed to parse peer ID: " + e.getMessage());
        }
        if (peer.equals(req.node().peerId())) {
            throw RpcError.failed("cannot search for own peer ID");
        }
        Optional<PeerInfo> found = dht(req).findPeer(peer).peer();
        if (found.isEmpty()) {
            throw RpcError.failed("routing: not found");
        }
        res.emit(event(FINAL_PEER, List.of(addrInfo(found.get())), ""));
    }

    private static void provide(RpcRequest req, RpcResponse res) throws Exception {
        KadDht dht = dht(req);
        if (ProvideCommands.announcesNothing(req)) {
            throw ProvideCommands.nothingAnnounced(); // Kubo refuses with Provide.Enabled false
        }
        if (req.node().host().network().connections().isEmpty()) {
            throw RpcError.failed("cannot provide, no connected peers");
        }
        req.parseBodyArguments();
        var repo = NodeContent.repository(req);
        for (String arg : req.arguments()) {
            Cid c = cid(arg);
            if (!repo.blocks().has(c.multihash())) {
                throw RpcError.failed("block " + c + " not found locally, cannot provide");
            }
        }
        // with recursive, every block of each DAG too (what is missing fetched, as Kubo's walk), each once
        io.p2pkit.node.exchange.DagKeys keys = new io.p2pkit.node.exchange.DagKeys(FetchingBlocks.of(req),
                io.p2pkit.node.cli.options.RepoOption.codecs(true));
        for (String arg : req.arguments()) {
            try {
                keys.walk(cid(arg), req.bool("recursive"), c -> dht.provide(c.multihash().bytes()));
            } catch (io.p2pkit.node.cli.content.BlockNotFoundException e) {
                throw RpcError.failed("block " + e.cid() + " not found locally, cannot provide");
            }
        }
    }

    private static byte[] key(String arg) {
        try {
            return RoutingCommand.recordKey(arg);
        } catch (UsageException e) {
            throw RpcError.failed("invalid key: " + e.getMessage());
        }
    }

    private static void get(RpcRequest req, RpcResponse res) throws Exception {
        GetResult r = dht(req).getValue(key(req.argument(0)), 1);
        byte[] value = r.value().orElseThrow(() -> RpcError.failed("routing: not found"));
        res.emit(event(VALUE, null, Base64.getEncoder().encodeToString(value)));
    }

    private static void put(RpcRequest req, RpcResponse res) throws Exception {
        byte[] key = key(req.argument(0));
        Uploads.Entry file = req.files().next();
        if (file == null || file.kind() != Uploads.Kind.FILE) {
            throw RpcError.failed("expected a file argument");
        }
        byte[] value = NodeContent.readBounded(file.body(), 64 * 1024, "the value");
        PutResult r = dht(req).putValue(key, value);
        if (r.peers() == 0 && !req.bool("allow-offline")) {
            throw RpcError.failed("can't put while offline: pass `--allow-offline` to override");
        }
        res.emit(event(VALUE, null, ""));
    }
}
