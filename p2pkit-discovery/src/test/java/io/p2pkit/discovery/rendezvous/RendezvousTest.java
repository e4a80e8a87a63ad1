package io.p2pkit.discovery.rendezvous;

import io.p2pkit.core.crypto.PrivateKey;
import io.p2pkit.core.host.Host;
import io.p2pkit.core.host.PeerInfo;
import io.p2pkit.core.identity.PeerRecord;
import io.p2pkit.discovery.rendezvous.RendezvousMessage.Register;
import io.p2pkit.testing.Await;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A rendezvous point and clients as p2pkit hosts over loopback TCP. */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class RendezvousTest {
    private final List<Closeable> closeables = new ArrayList<>();
    private final AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2026-01-01T00:00:00Z"));
    private final InstantSource clock = now::get;

    @TempDir
    Path dir;

    @AfterEach
    void closeAll() throws IOException {
        for (Closeable c : closeables.reversed()) {
            c.close();
        }
    }

    private <T extends Closeable> T keep(T c) {
        closeables.add(c);
        return c;
    }

    private Host host() throws IOException {
        return keep(Host.builder().listen("/ip4/127.0.0.1/tcp/0").build());
    }

    private RendezvousConfig config() {
        return RendezvousConfig.defaults().withClock(clock).withTtl(Duration.ofSeconds(1), Duration.ofHours(72));
    }

    private static PeerInfo info(Host h) {
        return new PeerInfo(h.peerId(), h.addresses());
    }

    private static Set<String> peers(List<Registration> regs) {
        return regs.stream().map(r -> r.peerId().toString()).collect(Collectors.toSet());
    }

    @Test
    void registerDiscoverUnregister() throws IOException {
        Host point = host();
        keep(RendezvousServer.attach(point, keep(RendezvousStore.inMemory()), config()));
        Host a = host();
        Host b = host();
        Host d = host();
        RendezvousClient ca = keep(RendezvousClient.attach(a));
        RendezvousClient cb = keep(RendezvousClient.attach(b));
        RendezvousClient cd = keep(RendezvousClient.attach(d));

        assertEquals(RendezvousConfig.DEFAULT_TTL, ca.register(info(point), "my-app", null));
        assertEquals(Duration.ofHours(3), cb.register(info(point), "my-app", Duration.ofHours(3)));
        cb.register(info(point), "other-app", null);

        List<Registration> found = cd.discoverAll(info(point), "my-app");
        assertEquals(Set.of(a.peerId().toString(), b.peerId().toString()), peers(found));
        Registration ra = found.stream().filter(r -> r.peerId().equals(a.peerId())).findFirst().orElseThrow();
        assertEquals(a.addresses(), ra.record().addresses());
        assertEquals("my-app", ra.namespace());
        // the discovered addresses are in the peer store: d can dial a by ID
        assertEquals(a.addresses(), d.peerStore().addresses(a.peerId()));
        d.connect(a.peerId());

        assertEquals(3, cd.discoverAll(info(point), null).size());

        ca.unregister(info(point), "my-app");
        Await.until("a's registration is gone", () -> {
            try {
                return peers(cd.discoverAll(info(point), "my-app")).equals(Set.of(b.peerId().toString()));
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }, Duration.ofSeconds(20));
    }

    @Test
    void rustsOlderRecordFormatIsAcceptedAndHandedOnAsSigned() throws IOException {
        Host point = host();
        keep(RendezvousServer.attach(point, keep(RendezvousStore.inMemory()), config()));
        Host a = host();
        Host d = host();
        keep(RendezvousClient.attach(a, RecordFormat.RUST_LEGACY)).register(info(point), "ns", null);
        List<Registration> found = keep(RendezvousClient.attach(d)).discoverAll(info(point), "ns");
        assertEquals(Set.of(a.peerId().toString()), peers(found));
        assertEquals(RecordFormat.RUST_LEGACY, RecordFormat.open(found.get(0).envelope().marshal()).format());
        assertEquals(a.addresses(), d.peerStore().addresses(a.peerId()));
    }

    @Test
    void cookiesPageAndReturnOnlyNewRegistrations() throws IOException {
        Host point = host();
        keep(RendezvousServer.attach(point, keep(RendezvousStore.inMemory()), config()));
        Host d = host();
        RendezvousClient cd = keep(RendezvousClient.attach(d));
        List<Host> peers = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            Host h = host();
            peers.add(h);
            keep(RendezvousClient.attach(h)).register(info(point), "ns", null);
        }
        DiscoverPage p1 = cd.discover(info(point), "ns", 2, null);
        DiscoverPage p2 = cd.discover(info(point), "ns", 2, p1.cookie());
        DiscoverPage p3 = cd.discover(info(point), "ns", 2, p2.cookie());
        DiscoverPage p4 = cd.discover(info(point), "ns", 2, p3.cookie());
        assertEquals(List.of(2, 2, 1, 0), List.of(p1.registrations().size(), p2.registrations().size(),
                p3.registrations().size(), p4.registrations().size()));
        Set<String> seen = new java.util.HashSet<>();
        for (DiscoverPage p : List.of(p1, p2, p3)) {
            seen.addAll(peers(p.registrations()));
        }
        assertEquals(5, seen.size());

        Host late = host();
        keep(RendezvousClient.attach(late)).register(info(point), "ns", null);
        DiscoverPage p5 = cd.discover(info(point), "ns", 0, p4.cookie());
        assertEquals(Set.of(late.peerId().toString()), peers(p5.registrations()));

        // a cookie of another namespace, of all namespaces, of another point, or malformed
        RendezvousException e = assertThrows(RendezvousException.class, () -> cd.discover(info(point), "other", 0, p1.cookie()));
        assertEquals(Status.E_INVALID_COOKIE, e.status());
        assertEquals(Status.E_INVALID_COOKIE, assertThrows(RendezvousException.class,
                () -> cd.discover(info(point), null, 0, p1.cookie())).status());
        byte[] foreign = new Cookie(new java.security.SecureRandom().nextLong() | Long.MIN_VALUE, "ns").encode();
        assertEquals(Status.E_INVALID_COOKIE, assertThrows(RendezvousException.class,
                () -> cd.discover(info(point), "ns", 0, foreign)).status());
        assertEquals(Status.E_INVALID_COOKIE, assertThrows(RendezvousException.class,
                () -> cd.discover(info(point), "ns", 0, new byte[] {1, 2, 3})).status());
        // the stream was answered, not reset: the point still serves
        assertEquals(6, cd.discoverAll(info(point), "ns").size());
    }

    @Test
    void badRequestsGetStatusCodes() throws IOException {
        Host point = host();
        RendezvousStore store = keep(RendezvousStore.inMemory());
        RendezvousServer server = keep(RendezvousServer.attach(point, store,
                config().withTtl(Duration.ofMinutes(2), Duration.ofHours(1)).withMaxNamespaceLength(8)));
        Host a = host();
        RendezvousClient ca = keep(RendezvousClient.attach(a));
        assertEquals(Status.E_INVALID_TTL, assertThrows(RendezvousException.class,
                () -> ca.register(info(point), "ns", Duration.ofSeconds(30))).status());
        assertEquals(Status.E_INVALID_TTL, assertThrows(RendezvousException.class,
                () -> ca.register(info(point), "ns", Duration.ofHours(2))).status());
        assertEquals(Status.E_INVALID_TTL, assertThrows(RendezvousException.class,
                () -> ca.register(info(point), "ns", null)).status()); // the default 2 h is over this point's maximum
        assertEquals(Status.E_INVALID_NAMESPACE, assertThrows(RendezvousException.class,
                () -> ca.register(info(point), "123456789", Duration.ofHours(1))).status());
        assertEquals(Status.E_INVALID_NAMESPACE, assertThrows(RendezvousException.class,
                () -> ca.register(info(point), "", Duration.ofHours(1))).status());
        assertEquals(Status.E_INVALID_NAMESPACE, assertThrows(RendezvousException.class,
                () -> ca.discover(info(point), "123456789", 0, null)).status());

        // a record of another peer, a bad record, no record: straight to the handler
        PrivateKey other = PrivateKey.generateEd25519();
        byte[] foreign = new PeerRecord(other.publicKey().toPeerId(), 1, List.of()).seal(other).marshal();
        assertEquals(Status.E_NOT_AUTHORIZED, server.register(a.peerId(), new Register("ns", foreign, 3600L)).status());
        assertEquals(Status.E_INVALID_SIGNED_PEER_RECORD,
                server.register(a.peerId(), new Register("ns", new byte[] {1, 2, 3}, 3600L)).status());
        assertEquals(Status.E_INVALID_SIGNED_PEER_RECORD, server.register(a.peerId(), new Register("ns", null, 3600L)).status());
        assertEquals(0, store.size());
    }

    @Test
    void capsPerPeerPerNamespaceAndInTotal() throws IOException {
        Host point = host();
        keep(RendezvousServer.attach(point, keep(RendezvousStore.inMemory()), config().withCaps(2, 2, 3, 10)));
        Host a = host();
        Host b = host();
        Host c = host();
        RendezvousClient ca = keep(RendezvousClient.attach(a));
        RendezvousClient cb = keep(RendezvousClient.attach(b));
        RendezvousClient cc = keep(RendezvousClient.attach(c));
        ca.register(info(point), "x", null);
        ca.register(info(point), "y", null);
        ca.register(info(point), "y", null); // a refresh takes no new place
        assertEquals(Status.E_UNAVAILABLE, assertThrows(RendezvousException.class,
                () -> ca.register(info(point), "z", null)).status()); // per peer
        cb.register(info(point), "x", null);
        assertEquals(Status.E_UNAVAILABLE, assertThrows(RendezvousException.class,
                () -> cc.register(info(point), "x", null)).status()); // per namespace
        assertEquals(Status.E_UNAVAILABLE, assertThrows(RendezvousException.class,
                () -> cc.register(info(point), "w", null)).status()); // in total
        ca.unregister(info(point), "y");
        Await.until("c may register once a left y", () -> {
            try {
                cc.register(info(point), "w", null);
                return true;
            } catch (RendezvousException e) {
                return false;
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }, Duration.ofSeconds(20));
    }

    @Test
    void registrationsExpire() throws IOException {
        Host point = host();
        RendezvousStore store = keep(RendezvousStore.inMemory());
        keep(RendezvousServer.attach(point, store, config()));
        Host a = host();
        Host d = host();
        keep(RendezvousClient.attach(a)).register(info(point), "ns", Duration.ofSeconds(60));
        RendezvousClient cd = keep(RendezvousClient.attach(d));
        List<Registration> found = cd.discoverAll(info(point), "ns");
        assertEquals(1, found.size());
        assertEquals(Duration.ofSeconds(60), found.get(0).ttl());
        now.set(now.get().plusSeconds(45));
        assertEquals(Duration.ofSeconds(15), cd.discoverAll(info(point), "ns").get(0).ttl());
        now.set(now.get().plusSeconds(15));
        assertTrue(cd.discoverAll(info(point), "ns").isEmpty());
        assertEquals(1, store.expire(now.get()));
        assertEquals(0, store.size());
    }

    @Test
    void registrationsSurviveARestartOfThePoint() throws IOException {
        Path file = dir.resolve("rendezvous.mv");
        Host point = host();
        RendezvousStore store = RendezvousStore.open(file);
        RendezvousServer server = RendezvousServer.attach(point, store, config());
        Host a = host();
        keep(RendezvousClient.attach(a)).register(info(point), "ns", null);
        Host d = host();
        RendezvousClient cd = keep(RendezvousClient.attach(d));
        DiscoverPage before = cd.discover(info(point), "ns", 0, null);
        server.close();
        store.close();

        RendezvousStore reopened = keep(RendezvousStore.open(file));
        keep(RendezvousServer.attach(point, reopened, config()));
        assertEquals(1, reopened.size());
        List<Registration> found = cd.discoverAll(info(point), "ns");
        assertEquals(Set.of(a.peerId().toString()), peers(found));
        // the cookie handed out before the restart is still good, and nothing is new since
        assertTrue(cd.discover(info(point), "ns", 0, before.cookie()).registrations().isEmpty());
    }

    @Test
    void registerAndRefreshRegistersAgainBeforeExpiry() throws IOException {
        Host point = host();
        RendezvousConfig real = RendezvousConfig.defaults().withTtl(Duration.ofSeconds(1), Duration.ofHours(1));
        keep(RendezvousServer.attach(point, keep(RendezvousStore.inMemory()), real));
        Host a = host();
        Host d = host();
        RendezvousClient ca = keep(RendezvousClient.attach(a));
        RendezvousClient cd = keep(RendezvousClient.attach(d));
        Closeable refresh = ca.registerAndRefresh(info(point), "ns", Duration.ofSeconds(2));
        DiscoverPage first = cd.discover(info(point), "ns", 0, null);
        assertEquals(1, first.registrations().size());
        // a refresh is a new registration: the cookie of the first page then finds it again
        Await.until("the registration is refreshed", () -> {
            try {
                return !cd.discover(info(point), "ns", 0, first.cookie()).registrations().isEmpty();
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }, Duration.ofSeconds(30));
        refresh.close();
        assertFalse(cd.discoverAll(info(point), "ns").isEmpty());
    }
    @Test
    void aPeerWhoseDialFailedIsDialedAgainInLaterRounds() throws IOException {
        Host point = host();
        keep(RendezvousServer.attach(point, keep(RendezvousStore.inMemory()), config()));
        io.p2pkit.core.network.FilterGater gater = new io.p2pkit.core.network.FilterGater();
        Host a = keep(Host.builder().listen("/ip4/127.0.0.1/tcp/0").connectionGater(gater).build());
        Host b = host();
        gater.denyPeer(b.peerId()); // a's first dial to b fails
        keep(RendezvousClient.attach(b)).register(info(point), "team", null);
        RendezvousDiscovery.Config config = new RendezvousDiscovery.Config(List.of(info(point)), "team",
                Duration.ofSeconds(1), 10);
        RendezvousDiscovery discovery = keep(RendezvousDiscovery.attach(a, keep(RendezvousClient.attach(a)), config));
        Await.until("a found b and failed to dial it", () -> discovery.toRetry().contains(b.peerId()), Duration.ofSeconds(30));
        gater.undenyPeer(b.peerId());
        // b's registration is behind a's cookie now: only the retry can bring the connection
        Await.until("a dialed b again", () -> a.network().connection(b.peerId()).isPresent(), Duration.ofSeconds(30));
        Await.until("and forgot the failure", () -> discovery.toRetry().isEmpty(), Duration.ofSeconds(30));
    }
}
