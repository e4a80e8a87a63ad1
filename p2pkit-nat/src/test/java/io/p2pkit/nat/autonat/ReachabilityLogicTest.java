package io.p2pkit.nat.autonat;

import io.p2pkit.core.crypto.PrivateKey;
import io.p2pkit.core.host.Reachability;
import io.p2pkit.core.identity.PeerId;
import io.p2pkit.core.multiaddr.Multiaddr;
import io.p2pkit.testing.ManualScheduler;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;

import static io.p2pkit.core.host.Reachability.PRIVATE;
import static io.p2pkit.core.host.Reachability.PUBLIC;
import static io.p2pkit.core.host.Reachability.UNKNOWN;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The sans-I/O parts: go's confidence rules, the per-address verdicts, the rate limiters, address classes. */
@Timeout(10)
class ReachabilityLogicTest {
    @Test
    void oneSuccessMakesPublicButFailuresOnlyWearTheConfidenceDown() {
        ReachabilityConfidence c = new ReachabilityConfidence();
        assertEquals(PRIVATE, c.record(PRIVATE), "from unknown with no confidence, one failure decides");
        assertEquals(PUBLIC, c.record(PUBLIC), "a success switches at once");
        for (int i = 0; i < 3; i++) {
            c.record(PUBLIC);
        }
        assertEquals(3, c.confidence());
        for (int i = 0; i < 3; i++) {
            assertEquals(PUBLIC, c.record(PRIVATE), "failure " + i + " only lowers the confidence");
        }
        assertEquals(PRIVATE, c.record(PRIVATE));
        assertEquals(0, c.confidence());
        assertEquals(UNKNOWN, c.record(UNKNOWN));
    }

    @Test
    void anAddressIsDecidedByTwoMoreResultsOneWayThanTheOther() {
        AddressVerdicts v = new AddressVerdicts();
        Multiaddr a = Multiaddr.parse("/ip4/11.0.0.1/tcp/1");
        assertEquals(UNKNOWN, v.record(a, true));
        assertEquals(PUBLIC, v.record(a, true));
        assertEquals(UNKNOWN, v.record(a, false));
        assertEquals(UNKNOWN, v.record(a, false));
        assertEquals(UNKNOWN, v.record(a, false), "two successes, three failures: one short");
        assertEquals(PRIVATE, v.record(a, false), "the oldest success left the window of five");
    }

    @Test
    void v2LimitsSlideOverAMinute() {
        ManualScheduler time = new ManualScheduler();
        V2RateLimiter l = new V2RateLimiter(new AutoNatConfig.V2Limits(3, 2, 1, 1, Duration.ZERO,
                Duration.ofSeconds(1), Duration.ofSeconds(1)), time.clock());
        PeerId p = PrivateKey.generateEd25519().publicKey().toPeerId();
        PeerId q = PrivateKey.generateEd25519().publicKey().toPeerId();
        assertTrue(l.accept(p));
        assertFalse(l.accept(p), "one at a time per peer");
        l.done(p);
        assertTrue(l.accept(p));
        l.done(p);
        assertFalse(l.accept(p), "two a minute per peer");
        assertTrue(l.accept(q));
        l.done(q);
        PeerId r = PrivateKey.generateEd25519().publicKey().toPeerId();
        assertFalse(l.accept(r), "three a minute from everyone");
        assertTrue(l.acceptDialData());
        assertFalse(l.acceptDialData());
        time.advance(Duration.ofSeconds(59));
        assertFalse(l.accept(r));
        time.advance(Duration.ofSeconds(1));
        assertTrue(l.accept(r));
        assertTrue(l.acceptDialData());
    }

    @Test
    void v1ThrottleCountsPerPeriod() {
        ManualScheduler time = new ManualScheduler();
        V1Throttle t = new V1Throttle(new AutoNatConfig.V1Limits(Duration.ofSeconds(1), 16, 3, 2,
                Duration.ofMinutes(1), Duration.ZERO, false), time.clock());
        PeerId p = PrivateKey.generateEd25519().publicKey().toPeerId();
        PeerId q = PrivateKey.generateEd25519().publicKey().toPeerId();
        assertTrue(t.accept(p));
        assertTrue(t.accept(p));
        assertFalse(t.accept(p));
        assertTrue(t.accept(q));
        assertFalse(t.accept(PrivateKey.generateEd25519().publicKey().toPeerId()), "30 → here 3 from everyone");
        time.advance(Duration.ofMinutes(1));
        assertTrue(t.accept(p));
    }

    @Test
    void publicMeansRoutable() {
        for (String a : new String[]{"/ip4/127.0.0.1/tcp/1", "/ip4/10.1.2.3/tcp/1", "/ip4/192.168.0.1/tcp/1",
                "/ip4/172.16.0.1/tcp/1", "/ip4/100.64.0.1/tcp/1", "/ip4/169.254.1.1/tcp/1", "/ip6/::1/tcp/1",
                "/ip6/fd00::1/tcp/1", "/ip6/fe80::1/tcp/1", "/ip4/0.0.0.0/tcp/1", "/ip4/11.0.0.1/tcp/1/p2p-circuit",
                "/dns4/example.com/tcp/1"}) {
            assertFalse(Addresses.isPublic(Multiaddr.parse(a)), a);
        }
        for (String a : new String[]{"/ip4/11.0.0.1/tcp/1", "/ip4/13.1.1.1/udp/1/quic-v1", "/ip6/2001:db8::1/tcp/1"}) {
            assertTrue(Addresses.isPublic(Multiaddr.parse(a)), a);
        }
    }
}
