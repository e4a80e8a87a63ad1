package io.p2pkit.interop;

import io.p2pkit.core.host.Host;
import io.p2pkit.core.identify.IdentifyResult;
import io.p2pkit.core.identify.IdentifyService;
import io.p2pkit.core.multiaddr.Multiaddr;
import io.p2pkit.core.network.Connection;
import io.p2pkit.core.ping.PingService;
import io.p2pkit.core.ping.PingSession;
import io.p2pkit.core.transport.tcp.TcpTransport;
import io.p2pkit.nat.relay.RelayClient;
import io.p2pkit.webrtc.transport.WebRtcTransport;
import io.p2pkit.webrtc.turn.TurnServer;
import io.p2pkit.testing.netns.NatTestbed;
import io.p2pkit.testing.netns.NetnsProcess;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A p2pkit node with browser-to-browser WebRTC ({@code /webrtc}) for
 * {@link WebRtcStunTestbedInteropTest} and {@link WebRtcTurnTestbedInteropTest}, run as its own JVM inside a testbed namespace (the relay
 * is {@link HolePunchTestbedNode}'s). It prints one JSON event per line and runs until stdin closes.
 *
 * <pre>
 * listener RELAY STUN [S [TURN]]  reserve on RELAY (/…/p2p/ID), listen on /webrtc: {"event":"ready","peerId":…}
 * dialer TARGET STUN [S [TURN]]  dial TARGET (…/p2p-circuit/webrtc/p2p/ID), then ping, identify and echo 1 MiB
 *                                (checked here; a mismatch is an error event):
 *                                {"event":"connected",…}, {"event":"checked",…}
 * </pre>
 *
 * STUN is {@code IP:PORT}, or {@code -} for no STUN server; S the handshake's time limit in
 * seconds, or {@code -} for the default (30, as {@link WebRtcTransport.Config#defaults()}); TURN a
 * TURN server as {@code USER:PASSWORD@IP:PORT}. Host candidates are the namespace's own addresses
 * (its LAN address); TCP only dials.
 */
public final class WebRtcTestbedNode {
    private static final Duration WAIT = Duration.ofSeconds(60);

    private WebRtcTestbedNode() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 3 || args.length > 5 || !(args[0].equals("listener") || args[0].equals("dialer"))) {
            throw new IllegalArgumentException("usage: listener RELAY STUN [SECONDS [TURN]] | dialer TARGET STUN [SECONDS [TURN]]");
        }
        try (Host h = Host.builder().transport(key -> new TcpTransport()).build()) {
            RelayClient.attach(h);
            WebRtcTransport.Config d = WebRtcTransport.Config.defaults();
            Duration handshake = args.length >= 4 && !args[3].equals("-") ? Duration.ofSeconds(Long.parseLong(args[3]))
                    : d.handshakeTimeout();
            List<TurnServer> turn = args.length == 5 ? List.of(TurnServer.parse(args[4])) : List.of();
            WebRtcTransport.attach(h, new WebRtcTransport.Config(d.maxConnections(), d.maxHandshakes(), handshake,
                    d.acceptBacklog(), d.hostAddresses(), d.sctp(), stun(args[2]), turn, false));
            h.setStreamHandler(P2pkitInteropTest.ECHO, s -> s.in().transferTo(s.out()));
            if (args[0].equals("listener")) {
                Multiaddr relay = Multiaddr.parse(args[1]);
                h.connect(relay);
                h.listen(relay.encapsulate("/p2p-circuit"));
                h.listen(Multiaddr.parse("/webrtc"));
                NodeEvents.emit(Map.of("event", "ready", "peerId", h.peerId().toString(),
                        "addrs", h.addresses().stream().map(Multiaddr::toString).toList()));
            } else {
                Connection c = h.connect(Multiaddr.parse(args[1]));
                NodeEvents.emit(Map.of("event", "connected", "peerId", c.remotePeer().toString(),
                        "addr", c.remoteAddress().toString(), "security", String.valueOf(c.security()),
                        "limited", c.isLimited()));
                NodeEvents.emit(check(h, c));
            }
            HolePunchTestbedNode.awaitStdinClosed();
        } catch (Exception | AssertionError e) {
            NodeEvents.emit(Map.of("event", "error", "step", args[0], "message", String.valueOf(e)));
            System.exit(1);
        }
        System.exit(0);
    }

    /** Starts this program in {@code host} of {@code tb} with {@code args}. */
    static NetnsProcess start(NatTestbed tb, String host, String... args) throws IOException {
        return tb.start(host, tb.javaCommand(WebRtcTestbedNode.class.getName(), new ArrayList<>(List.of(args))));
    }

    /** Starts {@link HolePunchTestbedNode}'s relay on {@code pub1} and returns its TCP address once it is ready. */
    static String startRelay(NatTestbed tb, Duration wait) throws IOException {
        NetnsProcess relay = tb.start("pub1", tb.javaCommand(HolePunchTestbedNode.class.getName(),
                List.of("relay", "/ip4/11.0.0.2/tcp/4001")));
        return NetnsEvents.await(relay, "ready", e -> true, wait).strings("addrs").stream()
                .filter(a -> a.contains("/tcp/")).findFirst().orElseThrow();
    }

    /** Ping, identify and a 1 MiB echo on the /webrtc connection {@code c}. */
    private static Map<String, Object> check(Host h, Connection c) throws Exception {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("event", "checked");
        try (PingSession ping = h.service(PingService.class).orElseThrow().session(c)) {
            out.put("ping", !ping.ping().isNegative());
        }
        IdentifyResult id = h.service(IdentifyService.class).orElseThrow().awaitIdentified(c, WAIT);
        out.put("agent", id.agentVersion());
        // over the /webrtc connection: the echo protocol refuses the limited relayed one
        P2pkitInteropTest.echo(h, c.remotePeer(), 1 << 20, 7);
        out.put("echoed", 1 << 20);
        return out;
    }

    /** {@code IP:PORT} (an IPv4 literal, never looked up), or none for {@code -}. */
    private static List<InetSocketAddress> stun(String arg) throws IOException {
        List<InetSocketAddress> out = new ArrayList<>();
        if (!arg.equals("-")) {
            int colon = arg.lastIndexOf(':');
            out.add(new InetSocketAddress(InetAddress.getByName(arg.substring(0, colon)), Integer.parseInt(arg.substring(colon + 1))));
        }
        return out;
    }
}
