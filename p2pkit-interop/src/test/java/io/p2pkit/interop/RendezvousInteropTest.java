package io.p2pkit.interop;

import io.p2pkit.core.host.Host;
import io.p2pkit.core.host.PeerInfo;
import io.p2pkit.core.multiaddr.Multiaddr;
import io.p2pkit.discovery.rendezvous.DiscoverPage;
import io.p2pkit.discovery.rendezvous.RecordFormat;
import io.p2pkit.discovery.rendezvous.Registration;
import io.p2pkit.discovery.rendezvous.RendezvousClient;
import io.p2pkit.discovery.rendezvous.RendezvousConfig;
import io.p2pkit.discovery.rendezvous.RendezvousServer;
import io.p2pkit.discovery.rendezvous.RendezvousStore;
import io.p2pkit.testing.Await;
import io.p2pkit.testing.Prerequisites;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Rendezvous ({@code /rendezvous/1.0.0}) with rust-libp2p 0.57.1's libp2p-rendezvous
 * ({@code peers/rust/rendezvous-peer}), client and server both ways, on loopback TCP. rust signs
 * and reads only its older peer record format ({@link RecordFormat#RUST_LEGACY}); p2pkit reads
 * both and signs that one where rust has to read it.
 */
@InteropArea("Rendezvous")
@Timeout(120)
class RendezvousInteropTest {
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final String NS = "p2pkit-interop";

    private static PeerProcess rust(String... args) {
        Path peers = Toolchains.require(Implementation.RUST);
        Path p = peers.resolve("rust").resolve("rendezvous-peer");
        Prerequisites.require(Files.isExecutable(p), "peers/rust/rendezvous-peer is not built (peers/build.sh rust)");
        List<String> cmd = new ArrayList<>(List.of(p.toString()));
        cmd.addAll(List.of(args));
        return PeerProcess.startProgram(Implementation.RUST, cmd);
    }

    private static Host host() throws IOException {
        return Host.builder().listen("/ip4/127.0.0.1/tcp/0").build();
    }

    private static String address(Host h) {
        return h.localAddresses().getFirst().encapsulate("/p2p/" + h.peerId()).toString();
    }

    private static PeerInfo info(Host h) {
        return new PeerInfo(h.peerId(), h.addresses());
    }

    /** The peer IDs in a rust event's {@code registrations}. */
    private static Set<String> peers(PeerEvent e) {
        if (!(e.fields().get("registrations") instanceof List<?> regs)) {
            return Set.of();
        }
        return regs.stream().map(r -> (String) ((Map<?, ?>) r).get("peer")).collect(Collectors.toSet());
    }

    private static Set<String> ids(List<Registration> regs) {
        return regs.stream().map(r -> r.peerId().toString()).collect(Collectors.toSet());
    }

    private static List<Registration> discoverAll(RendezvousClient c, PeerInfo point) {
        try {
            return c.discoverAll(point, NS);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    // ---------------------------------------------------------------- p2pkit client, rust server

    @Test
    void p2pkitClientRegistersDiscoversAndUnregistersAtRustServer() throws Exception {
        try (PeerProcess server = rust("--mode", "server"); Host a = host(); Host d = host()) {
            PeerInfo point = PeerInfo.fromMultiaddr(Multiaddr.parse(server.awaitEvent("listening", WAIT).strings("addrs").getFirst()));
            // rust's point takes only its older record format
            RendezvousClient ca = RendezvousClient.attach(a, RecordFormat.RUST_LEGACY);
            RendezvousClient cd = RendezvousClient.attach(d);
            assertEquals(RendezvousConfig.DEFAULT_TTL, ca.register(point, NS, null));
            assertEquals(a.peerId().toString(), server.awaitEvent("registered", WAIT).string("peer"));

            DiscoverPage first = cd.discover(point, NS, 0, null);
            assertEquals(Set.of(a.peerId().toString()), ids(first.registrations()));
            assertEquals(a.addresses(), first.registrations().getFirst().record().addresses());
            // rust's cookie: nothing new since the first page
            assertTrue(cd.discover(point, NS, 0, first.cookie()).registrations().isEmpty());

            ca.unregister(point, NS);
            assertEquals(a.peerId().toString(), server.awaitEvent("unregistered", WAIT).string("peer"));
            assertTrue(discoverAll(cd, point).isEmpty());
        }
    }

    @Test
    void p2pkitClientDiscoversRustClientAtRustServer() throws Exception {
        try (PeerProcess server = rust("--mode", "server"); Host d = host()) {
            String pointAddr = server.awaitEvent("listening", WAIT).strings("addrs").getFirst();
            try (PeerProcess client = rust("--mode", "client", "--dial", pointAddr, "--ns", NS, "--register")) {
                String rustId = client.awaitEvent("listening", WAIT).string("peer");
                client.awaitEvent("registered", WAIT);
                List<Registration> found = RendezvousClient.attach(d).discoverAll(PeerInfo.fromMultiaddr(Multiaddr.parse(pointAddr)), NS);
                assertEquals(Set.of(rustId), ids(found));
                assertTrue(!found.getFirst().record().addresses().isEmpty(), "the rust client's record has its address");
            }
        }
    }

    // ---------------------------------------------------------------- rust client, p2pkit server

    @Test
    void rustClientRegistersDiscoversAndUnregistersAtP2pkitServer() throws Exception {
        try (Host point = host(); RendezvousStore store = RendezvousStore.inMemory(); Host d = host()) {
            RendezvousServer.attach(point, store, RendezvousConfig.defaults());
            RendezvousClient cd = RendezvousClient.attach(d);
            try (PeerProcess client = rust("--mode", "client", "--dial", address(point), "--ns", NS,
                    "--register", "--discover", "--unregister")) {
                String rustId = client.awaitEvent("listening", WAIT).string("peer");
                assertEquals(7200, client.awaitEvent("registered", WAIT).number("ttl").intValue());
                PeerEvent page1 = client.awaitEvent("discovered", WAIT);
                assertEquals(Set.of(rustId), peers(page1));
                PeerEvent page2 = client.awaitEvent("discovered", WAIT);
                assertEquals(Set.of(), peers(page2), "rust's second discover, with our cookie, finds nothing new");
                client.awaitEvent("unregister-sent", WAIT);
                Await.until("the rust peer's registration is gone", () -> discoverAll(cd, info(point)).isEmpty(), WAIT);
            }
        }
    }

    @Test
    void rustClientDiscoversP2pkitClientThroughP2pkitServer() throws Exception {
        try (Host point = host(); RendezvousStore store = RendezvousStore.inMemory(); Host a = host()) {
            RendezvousServer.attach(point, store, RendezvousConfig.defaults());
            // rust's client reads only its older record format
            RendezvousClient.attach(a, RecordFormat.RUST_LEGACY).register(info(point), NS, null);
            try (PeerProcess client = rust("--mode", "client", "--dial", address(point), "--ns", NS, "--discover")) {
                PeerEvent page = client.awaitEvent("discovered", WAIT);
                assertEquals(Set.of(a.peerId().toString()), peers(page));
                Map<?, ?> reg = (Map<?, ?>) ((List<?>) page.fields().get("registrations")).getFirst();
                assertEquals(a.addresses().stream().map(Multiaddr::toString).toList(), reg.get("addrs"));
                assertEquals(NS, reg.get("ns"));
            }
        }
    }
}
