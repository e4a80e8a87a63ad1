package io.p2pkit.interop;

import io.p2pkit.core.host.Host;
import io.p2pkit.core.host.LimitedConnections;
import io.p2pkit.core.host.Reachability;
import io.p2pkit.core.host.Stream;
import io.p2pkit.core.identify.IdentifyService;
import io.p2pkit.core.identity.PeerId;
import io.p2pkit.core.multiaddr.Multiaddr;
import io.p2pkit.core.multiaddr.Protocol;
import io.p2pkit.core.network.Connection;
import io.p2pkit.core.ping.PingService;
import io.p2pkit.nat.autorelay.AutoRelay;
import io.p2pkit.nat.autorelay.AutoRelayConfig;
import io.p2pkit.nat.relay.RelayClient;
import io.p2pkit.nat.relay.RelayConfig;
import io.p2pkit.nat.relay.RelayService;
import io.p2pkit.nat.relay.Reservation;
import io.p2pkit.testing.Await;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static io.p2pkit.interop.P2pkitInteropTest.ECHO;
import static io.p2pkit.interop.P2pkitInteropTest.STEP;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Circuit relay v2 with real go-libp2p, rust-libp2p and js-libp2p peers on loopback (TCP, Noise,
 * yamux), both ways round: a p2pkit relay serving the other implementation's clients, and the
 * other implementation's relay serving p2pkit. Every relayed connection is secured end to end
 * over the relayed stream, checked with identify, ping and a small echo (relays limit a relayed
 * connection to 128 KiB each way by default).
 */
@InteropArea("Circuit relay v2 (tcp, noise, yamux)")
class RelayInteropTest {
    /** Small enough for the relays' 128 KiB per direction, with identify, ping and Noise framing. */
    static final int RELAYED_ECHO_BYTES = 16 * 1024;
    static final int RELAYED_STREAMS = 4;
    static final String LISTEN = "/ip4/127.0.0.1/tcp/0";

    private static Host host() throws IOException {
        Host h = Host.builder().security("noise").muxers("yamux").agentVersion("p2pkit/interop")
                .listen(LISTEN).build();
        h.setStreamHandler(ECHO, s -> s.in().transferTo(s.out()), LimitedConnections.ALLOW);
        RelayClient.attach(h);
        return h;
    }

    private static Multiaddr direct(Host h) {
        return h.addresses().getFirst().encapsulate("/p2p/" + h.peerId());
    }

    private static List<String> listenArgs(String... more) {
        List<String> args = new ArrayList<>(List.of("--listen", LISTEN, "--security", "noise", "--muxer", "yamux"));
        args.addAll(List.of(more));
        return args;
    }

    private static List<String> dialArgs(Multiaddr target) {
        return List.of("--dial", target.toString(), "--security", "noise", "--muxer", "yamux",
                "--echo-bytes", Integer.toString(RELAYED_ECHO_BYTES), "--streams", Integer.toString(RELAYED_STREAMS));
    }

    /** The relay's first ready address, which ends in {@code /p2p/<relay>}. */
    private static Multiaddr relayAddress(PeerEvent ready) {
        return Multiaddr.parse(ready.strings("addrs").stream().filter(a -> a.contains("/tcp/")).findFirst()
                .orElseThrow(() -> new AssertionError("no TCP address in " + ready.strings("addrs"))));
    }

    /** p2pkit dials {@code target} through a relay and checks the relayed connection. */
    private static void dialThrough(Host host, Multiaddr circuit, PeerId target, Implementation impl) throws Exception {
        Connection c = host.connect(circuit.encapsulate("/p2p/" + target));
        assertTrue(c.remoteAddress().hasProtocol(Protocol.P2P_CIRCUIT), "relayed: " + c.remoteAddress());
        assertTrue(c.isLimited(), "the relay's default limit makes it limited");
        assertEquals("/noise", c.security());
        var id = host.service(IdentifyService.class).orElseThrow().awaitIdentified(c, STEP);
        if (impl != null) {
            assertTrue(id.agentVersion().contains(impl.id() + "-libp2p"), "agent " + id.agentVersion());
        }
        assertTrue(host.service(PingService.class).orElseThrow().session(c).ping().toNanos() > 0);
        byte[] data = new byte[RELAYED_ECHO_BYTES];
        new SplittableRandom(7).nextBytes(data);
        try (Stream s = host.newStream(c, LimitedConnections.ALLOW, ECHO)) {
            Thread writer = Thread.ofVirtual().start(() -> {
                try {
                    s.out().write(data);
                    s.closeWrite();
                } catch (IOException e) {
                    s.reset();
                }
            });
            byte[] back = s.in().readAllBytes();
            Await.join(writer);
            assertArrayEquals(data, back, "echo through the relay");
        }
    }

    /** A dialer peer of {@code impl} runs its scripted steps against {@code target} through a relay. */
    private static void peerDialsThrough(Implementation impl, Multiaddr circuitToTarget) throws Exception {
        try (PeerProcess dialer = PeerProcess.start(impl, Toolchains.get().peers(), dialArgs(circuitToTarget))) {
            dialer.awaitEvent("connected", STEP);
            dialer.awaitEvent("identify", STEP);
            dialer.awaitEvent("ping", STEP).pingRoundTrip(STEP);
            assertTrue(dialer.awaitEvent("echo", STEP).bool("ok"));
            assertEquals(RELAYED_STREAMS, dialer.awaitEvent("streams", STEP).number("count").intValue());
            dialer.awaitEvent("done", STEP);
            assertEquals(0, dialer.awaitExit(STEP));
        }
    }

    // ------------------------------------------------------------------ p2pkit relays

    @ParameterizedTest(name = "p2pkit relay: {0} reserves, p2pkit dials {0} through it")
    @EnumSource(Implementation.class)
    void p2pkitRelayServesTheirReservation(Implementation impl) throws Exception {
        Toolchains.require(impl);
        try (Host relay = host(); Host dialer = host()) {
            RelayService service = RelayService.attach(relay, RelayConfig.defaults());
            Multiaddr circuit = direct(relay).encapsulate("/p2p-circuit");
            try (PeerProcess peer = PeerProcess.start(impl, Toolchains.get().peers(),
                    listenArgs("--reserve", direct(relay).toString()))) {
                PeerId them = PeerId.parse(peer.awaitEvent("ready", STEP).string("peerId"));
                PeerEvent reserved = peer.awaitEvent("reserved", STEP);
                assertTrue(service.hasReservation(them));
                assertFalse(reserved.strings("addrs").isEmpty(), "the p2pkit relay sends its addresses");
                dialThrough(dialer, circuit, them, impl);
            }
        }
    }

    @ParameterizedTest(name = "p2pkit relay: {0} reserves, another {0} dials it through the relay")
    @EnumSource(Implementation.class)
    void p2pkitRelaysBetweenTwoOfTheirs(Implementation impl) throws Exception {
        Toolchains.require(impl);
        try (Host relay = host()) {
            RelayService service = RelayService.attach(relay, RelayConfig.defaults());
            Multiaddr circuit = direct(relay).encapsulate("/p2p-circuit");
            try (PeerProcess listener = PeerProcess.start(impl, Toolchains.get().peers(),
                    listenArgs("--reserve", direct(relay).toString()))) {
                PeerId them = PeerId.parse(listener.awaitEvent("ready", STEP).string("peerId"));
                listener.awaitEvent("reserved", STEP);
                peerDialsThrough(impl, circuit.encapsulate("/p2p/" + them));
                Await.until("the relay saw the circuit end", () -> service.circuitCount() == 0);
            }
        }
    }

    // ------------------------------------------------------------------ their relays

    @ParameterizedTest(name = "{0} relay: p2pkit reserves, {0} dials p2pkit through it")
    @EnumSource(Implementation.class)
    void theirRelayServesP2pkit(Implementation impl) throws Exception {
        Toolchains.require(impl);
        try (PeerProcess relay = PeerProcess.start(impl, Toolchains.get().peers(), listenArgs("--relay-service"));
             Host listener = host()) {
            Multiaddr relayAddr = relayAddress(relay.awaitEvent("ready", STEP));
            Multiaddr circuit = relayAddr.encapsulate("/p2p-circuit");
            listener.listen(circuit);
            Reservation r = listener.service(RelayClient.class).orElseThrow()
                    .reservation(relayAddr.peerId().orElseThrow()).orElseThrow();
            // rust-libp2p relays send no voucher; go and js relays sign one
            assertEquals(impl != Implementation.RUST, r.voucher().isPresent(), "voucher " + r.voucher());
            assertTrue(r.addresses().contains(relayAddr), "the address we reached the relay at: " + r.addresses());
            assertTrue(listener.addresses().contains(circuit), "announced: " + listener.addresses());
            peerDialsThrough(impl, circuit.encapsulate("/p2p/" + listener.peerId()));
        }
    }

    @ParameterizedTest(name = "{0} relay: p2pkit''s AutoRelay finds it by identify and reserves, {0} dials p2pkit through it")
    @EnumSource(Implementation.class)
    void p2pkitAutoRelayReservesOnTheirRelay(Implementation impl) throws Exception {
        Toolchains.require(impl);
        try (PeerProcess relay = PeerProcess.start(impl, Toolchains.get().peers(), listenArgs("--relay-service"));
             Host listener = host()) {
            Multiaddr relayAddr = relayAddress(relay.awaitEvent("ready", STEP));
            Multiaddr circuit = relayAddr.encapsulate("/p2p-circuit");
            AutoRelay auto = AutoRelay.attach(listener, AutoRelayConfig.defaults().withBootDelay(Duration.ZERO)
                    .withCheckInterval(Duration.ofMillis(500)));
            listener.connect(relayAddr); // not told it is a relay: identify says so
            listener.reachability().set(Reachability.PRIVATE); // as AutoNAT would
            Await.until("AutoRelay reserved on the " + impl + " relay",
                    () -> auto.relays().contains(relayAddr.peerId().orElseThrow())
                            && listener.addresses().contains(circuit), STEP);
            peerDialsThrough(impl, circuit.encapsulate("/p2p/" + listener.peerId()));
        }
    }

    @ParameterizedTest(name = "{0} relay: {0} reserves, p2pkit dials {0} through it")
    @EnumSource(Implementation.class)
    void p2pkitDialsThroughTheirRelay(Implementation impl) throws Exception {
        Toolchains.require(impl);
        try (PeerProcess relay = PeerProcess.start(impl, Toolchains.get().peers(), listenArgs("--relay-service"));
             Host dialer = host()) {
            Multiaddr relayAddr = relayAddress(relay.awaitEvent("ready", STEP));
            try (PeerProcess peer = PeerProcess.start(impl, Toolchains.get().peers(),
                    listenArgs("--reserve", relayAddr.toString()))) {
                PeerId them = PeerId.parse(peer.awaitEvent("ready", STEP).string("peerId"));
                peer.awaitEvent("reserved", STEP);
                dialThrough(dialer, relayAddr.encapsulate("/p2p-circuit"), them, impl);
            }
        }
    }
}
