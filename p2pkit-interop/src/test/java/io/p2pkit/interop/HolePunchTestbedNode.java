package io.p2pkit.interop;

import io.p2pkit.core.host.Host;
import io.p2pkit.core.identify.IdentifyService;
import io.p2pkit.core.multiaddr.Multiaddr;
import io.p2pkit.core.network.Connection;
import io.p2pkit.core.network.ConnectionListener;
import io.p2pkit.core.transport.tcp.TcpTransport;
import io.p2pkit.nat.holepunch.HolePunchConfig;
import io.p2pkit.nat.holepunch.HolePunchEvent;
import io.p2pkit.nat.holepunch.HolePunchService;
import io.p2pkit.nat.relay.RelayClient;
import io.p2pkit.nat.relay.RelayConfig;
import io.p2pkit.nat.relay.RelayService;
import io.p2pkit.quic.QuicTransport;

import java.io.IOException;
import java.io.OutputStream;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A p2pkit node for {@link HolePunchTestbedInteropTest}, run as its own JVM inside a testbed
 * namespace; it prints one JSON event per line as the peer programs do and runs until stdin closes.
 *
 * <pre>
 * relay LISTEN[,LISTEN…]     a relay service: {"event":"ready","peerId":…,"addrs":[…]}
 * listener LISTEN RELAY      reserve on RELAY (/…/p2p/ID): {"event":"ready","peerId":…}
 * dialer LISTEN TARGET       connect to TARGET (a /p2p-circuit address): {"event":"connected","self":…,…}
 * </pre>
 *
 * Listener and dialer run DCUtR and print each {@link HolePunchEvent} as {@code holePunch} and
 * every connection opened or closed as {@code conn}.
 */
public final class HolePunchTestbedNode {
    private static final Duration WAIT = Duration.ofSeconds(60);

    private HolePunchTestbedNode() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 2 || (!args[0].equals("relay") && args.length < 3)) {
            throw new IllegalArgumentException("usage: relay LISTEN | listener LISTEN RELAY | dialer LISTEN TARGET");
        }
        // TCP and QUIC; LISTEN may name several addresses, comma-separated
        try (Host h = Host.builder().transport(key -> new TcpTransport()).transport(QuicTransport::new)
                .listen(args[1].split(",")).build()) {
            switch (args[0]) {
                case "relay" -> {
                    RelayService.attach(h, RelayConfig.defaults());
                    NodeEvents.emit(Map.of("event", "ready", "peerId", h.peerId().toString(), "addrs",
                            h.localAddresses().stream().map(a -> a.encapsulate("/p2p/" + h.peerId()).toString()).toList()));
                }
                case "listener" -> {
                    holePunching(h);
                    Multiaddr relay = Multiaddr.parse(args[2]);
                    Connection toRelay = h.connect(relay);
                    // the relay's observation of us is what we offer in CONNECT
                    h.service(IdentifyService.class).orElseThrow().awaitIdentified(toRelay, WAIT);
                    h.listen(relay.encapsulate("/p2p-circuit"));
                    NodeEvents.emit(Map.of("event", "ready", "peerId", h.peerId().toString()));
                }
                case "dialer" -> {
                    holePunching(h);
                    Multiaddr target = Multiaddr.parse(args[2]);
                    Connection c = h.connect(target);
                    NodeEvents.emit(Map.of("event", "connected", "self", h.peerId().toString(), "peerId", c.remotePeer().toString(),
                            "addr", c.remoteAddress().toString(), "limited", c.isLimited()));
                }
                default -> throw new IllegalArgumentException("mode " + args[0]);
            }
            awaitStdinClosed();
        } catch (Exception e) {
            NodeEvents.emit(Map.of("event", "error", "step", args[0], "message", String.valueOf(e)));
            System.exit(1);
        }
        System.exit(0);
    }

    private static void holePunching(Host h) throws IOException {
        RelayClient.attach(h);
        HolePunchService hp = HolePunchService.attach(h, HolePunchConfig.defaults().withRelayedCloseGrace(Duration.ofMillis(500)));
        hp.addListener(e -> {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("event", "holePunch");
            m.put("peerId", e.peer().toString());
            m.put("role", e.role().name());
            m.put("outcome", e.outcome().name());
            m.put("attempts", e.attempts());
            m.put("direct", e.direct().map(Multiaddr::toString).orElse(""));
            m.put("detail", e.detail());
            NodeEvents.emit(m);
        });
        h.addConnectionListener(new ConnectionListener() {
            @Override
            public void connected(Connection c) {
                NodeEvents.emit(conn("open", c));
            }

            @Override
            public void disconnected(Connection c) {
                NodeEvents.emit(conn("closed", c));
            }
        });
    }

    private static Map<String, Object> conn(String state, Connection c) {
        return Map.of("event", "conn", "state", state, "peerId", c.remotePeer().toString(),
                "addr", c.remoteAddress().toString(), "limited", c.isLimited());
    }

    static void awaitStdinClosed() throws InterruptedException {
        CountDownLatch closed = new CountDownLatch(1);
        Thread.ofVirtual().start(() -> {
            try {
                System.in.transferTo(OutputStream.nullOutputStream());
            } catch (IOException e) {
                // a broken stdin ends the run as a closed one does
            }
            closed.countDown();
        });
        // bounded: the harness closes stdin or stops the namespace's processes long before
        closed.await(10, TimeUnit.MINUTES);
    }
}
