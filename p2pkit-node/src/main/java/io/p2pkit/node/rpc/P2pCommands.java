package io.p2pkit.node.rpc;

import io.p2pkit.core.host.PeerInfo;
import io.p2pkit.core.identity.PeerId;
import io.p2pkit.core.multiaddr.Multiaddr;
import io.p2pkit.core.multiaddr.Protocol;
import io.p2pkit.node.cli.content.GoQuote;
import io.p2pkit.node.cli.content.TabTable;
import io.p2pkit.node.p2p.MountedStreamInfo;
import io.p2pkit.node.p2p.P2pListener;
import io.p2pkit.node.p2p.StreamMounting;

import java.io.IOException;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * Kubo's {@code p2p} commands, libp2p stream mounting ({@link StreamMounting}): {@code listen},
 * {@code forward}, {@code ls}, {@code close}, {@code stream/ls} and {@code stream/close}, with
 * Kubo's JSON, texts and errors. They answer Kubo's {@code libp2p stream mounting not enabled}
 * unless the node was started with it ({@code Experimental.Libp2pStreamMounting}).
 */
final class P2pCommands {
    private static final BigInteger MAX_UINT64 = BigInteger.ONE.shiftLeft(64).subtract(BigInteger.ONE);

    private P2pCommands() {
    }

    static List<RpcCommand> all() {
        return List.of(
                RpcCommand.at("p2p/listen").args(RpcArgument.string("protocol", true, false),
                                RpcArgument.string("target-address", true, false))
                        .options(RpcOption.bool("allow-custom-protocol"), RpcOption.bool("report-peer-id", "r"))
                        .run(P2pCommands::listen),
                RpcCommand.at("p2p/forward").args(RpcArgument.string("protocol", true, false),
                                RpcArgument.string("listen-address", true, false),
                                RpcArgument.string("target-address", true, false))
                        .options(RpcOption.bool("allow-custom-protocol"))
                        .run(P2pCommands::forward),
                RpcCommand.at("p2p/ls").options(RpcOption.bool("headers", "v")).text(P2pCommands::lsText)
                        .run(P2pCommands::ls),
                RpcCommand.at("p2p/close").options(RpcOption.bool("all", "a"), RpcOption.string("protocol", "p"),
                                RpcOption.string("listen-address", "l"), RpcOption.string("target-address", "t"))
                        .text((req, v) -> "Closed " + v + " stream(s)\n")
                        .run(P2pCommands::close),
                RpcCommand.at("p2p/stream/ls").options(RpcOption.bool("headers", "v")).text(P2pCommands::streamLsText)
                        .run(P2pCommands::streamLs),
                RpcCommand.at("p2p/stream/close").args(RpcArgument.string("id", false, false))
                        .options(RpcOption.bool("all", "a"))
                        .run(P2pCommands::streamClose));
    }

    /** The node's stream mounting, or Kubo's error when it is off. */
    private static StreamMounting mounting(RpcRequest req) {
        return req.node().streamMounting()
                .orElseThrow(() -> RpcError.failed("libp2p stream mounting not enabled"));
    }

    /** go-multiaddr's NewMultiaddr, with its error as Kubo returns it. */
    private static Multiaddr multiaddr(String text) {
        try {
            return Multiaddr.parse(text);
        } catch (IllegalArgumentException e) { // a DecodeException among them
            // go-multiaddr's words for an empty text and a missing slash; p2pkit's parser's for the rest
            String why = text.isEmpty() ? "empty multiaddr" : !text.startsWith("/") ? "must begin with /" : e.getMessage();
            throw RpcError.failed("failed to parse multiaddr " + GoQuote.quote(text) + ": " + why);
        }
    }

    private static void listen(RpcRequest req, RpcResponse res) {
        StreamMounting m = mounting(req);
        String protocol = req.argument(0);
        Multiaddr target = multiaddr(req.argument(1));
        try {
            StreamMounting.checkPort(target);
            StreamMounting.checkProtocol(protocol, req.bool("allow-custom-protocol"));
            m.listen(protocol, target, req.bool("report-peer-id"));
        } catch (IllegalArgumentException | IllegalStateException e) {
            throw RpcError.failed(e.getMessage());
        }
    }

    private static void forward(RpcRequest req, RpcResponse res) {
        StreamMounting m = mounting(req);
        String protocol = req.argument(0);
        Multiaddr listen = multiaddr(req.argument(1));
        PeerInfo target = peer(multiaddr(req.argument(2)));
        try {
            StreamMounting.checkProtocol(protocol, req.bool("allow-custom-protocol"));
            m.forward(protocol, listen, target);
        } catch (IllegalArgumentException | IllegalStateException | IOException e) {
            throw RpcError.failed(e.getMessage());
        }
    }

    /** go-libp2p's AddrInfoFromP2pAddr: the peer the address ends in, and its transport address if any. */
    private static PeerInfo peer(Multiaddr a) {
        Optional<PeerId> id = a.peerId();
        if (id.isEmpty()) {
            throw RpcError.failed("invalid p2p multiaddr");
        }
        Multiaddr transport = a.decapsulate(Protocol.P2P);
        return new PeerInfo(id.get(), transport.components().isEmpty() ? List.of() : List.of(transport));
    }

    private static void ls(RpcRequest req, RpcResponse res) throws IOException {
        List<Map<String, Object>> out = new ArrayList<>();
        for (P2pListener l : mounting(req).listeners()) {
            Map<String, Object> o = new LinkedHashMap<>();
            o.put("Protocol", l.protocol());
            o.put("ListenAddress", l.listenAddress().toString());
            o.put("TargetAddress", l.targetAddress().toString());
            out.add(o);
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("Listeners", out.isEmpty() ? null : out); // Go's nil slice
        res.single(body);
    }

    /** Kubo's table: a header before each row with {@code -v} (as Kubo prints it), cells padded by Go's tabwriter. */
    private static String lsText(RpcRequest req, Object value) {
        return table(req, value, "Listeners", "Protocol\tListen Address\tTarget Address",
                List.of("Protocol", "ListenAddress", "TargetAddress"));
    }

    private static String streamLsText(RpcRequest req, Object value) {
        return table(req, value, "Streams", "ID\tProtocol\tOrigin\tTarget",
                List.of("HandlerID", "Protocol", "OriginAddress", "TargetAddress"));
    }

    private static String table(RpcRequest req, Object value, String field, String header, List<String> columns) {
        TabTable t = new TabTable(1, 1);
        if (value instanceof Map<?, ?> m && m.get(field) instanceof List<?> rows) {
            for (Object row : rows) {
                if (req.bool("headers")) {
                    t.line(header);
                }
                List<String> cells = new ArrayList<>();
                for (String c : columns) {
                    cells.add(row instanceof Map<?, ?> r ? String.valueOf(r.get(c)) : "");
                }
                t.line(String.join("\t", cells));
            }
        }
        return t.flush();
    }

    private static void close(RpcRequest req, RpcResponse res) throws IOException {
        StreamMounting m = mounting(req);
        boolean all = req.bool("all");
        boolean p = req.has("protocol");
        boolean l = req.has("listen-address");
        boolean t = req.has("target-address");
        String protocol = req.string("protocol").orElse("");
        Multiaddr listen = l ? multiaddr(req.string("listen-address").orElseThrow()) : null;
        Multiaddr target = t ? multiaddr(req.string("target-address").orElseThrow()) : null;
        if (!(all || p || l || t)) {
            throw RpcError.failed("no matching options given");
        }
        if (all && (p || l || t)) {
            throw RpcError.failed("can't combine --all with other matching options");
        }
        Predicate<P2pListener> match = x -> all || (!p || protocol.equals(x.protocol()))
                && (!l || listen.equals(x.listenAddress())) && (!t || target.equals(x.targetAddress()));
        res.single(m.close(match));
    }

    private static void streamLs(RpcRequest req, RpcResponse res) throws IOException {
        List<Map<String, Object>> out = new ArrayList<>();
        for (MountedStreamInfo s : mounting(req).streams()) {
            Map<String, Object> o = new LinkedHashMap<>();
            o.put("HandlerID", Long.toUnsignedString(s.id()));
            o.put("Protocol", s.protocol());
            o.put("OriginAddress", s.origin().toString());
            o.put("TargetAddress", s.target().toString());
            out.add(o);
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("Streams", out.isEmpty() ? null : out);
        res.single(body);
    }

    private static void streamClose(RpcRequest req, RpcResponse res) {
        StreamMounting m = mounting(req);
        if (req.bool("all")) {
            m.resetAll();
            return;
        }
        if (req.arguments().isEmpty()) {
            throw RpcError.failed("no id specified");
        }
        BigInteger id = parseUint64(req.argument(0));
        if (id.bitLength() < 64) { // a larger ID was never given out
            m.resetStream(id.longValue());
        }
    }

    /** Go's strconv.ParseUint(s, 10, 64), with its errors. */
    private static BigInteger parseUint64(String s) {
        if (s.isEmpty() || !s.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw RpcError.failed("strconv.ParseUint: parsing " + GoQuote.quote(s) + ": invalid syntax");
        }
        BigInteger v = new BigInteger(s);
        if (v.compareTo(MAX_UINT64) > 0) {
            throw RpcError.failed("strconv.ParseUint: parsing " + GoQuote.quote(s) + ": value out of range");
        }
        return v;
    }
}
