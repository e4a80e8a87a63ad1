package io.p2pkit.interop;

import io.p2pkit.testing.netns.Coturn;
import io.p2pkit.testing.netns.NatTestbed;
import io.p2pkit.testing.netns.NatVariant;
import io.p2pkit.testing.netns.NetnsProcess;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.List;
import java.util.function.Predicate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Browser-to-browser WebRTC ({@code /webrtc}) between two p2pkit nodes behind two NATs of the
 * testbed, with a real STUN server: coturn's {@code turnserver} (STUN only) and a p2pkit relay
 * ({@link HolePunchTestbedNode}) on {@code pub1}, node B on {@code lan1h1} behind {@code nat1}
 * reserving on the relay and listening on {@code /webrtc}, node A on {@code lan2h1} behind
 * {@code nat2} dialing {@code <relay>/p2p-circuit/webrtc/p2p/<B>} ({@link WebRtcTestbedNode}).
 * Both NATs map endpoint-independently ({@code eim}) and drop unsolicited inbound packets, as home
 * routers do, so the only way between the two is the pair of server-reflexive candidates the
 * STUN server reported, each side's checks opening its own NAT for the other's.
 */
@InteropArea("WebRTC across NATs with STUN")
@Timeout(180)
class WebRtcStunTestbedInteropTest {
    private static final Duration WAIT = Duration.ofSeconds(90);

    private static NatTestbed tb;
    private static Coturn stun;
    private static String relayAddress;

    @BeforeAll
    static void up() throws Exception {
        NatTestbed.require();
        Coturn.required();
        tb = NatTestbed.start(NatVariant.eim(), NatVariant.eim());
        tb.dropUnsolicitedInbound();
        stun = Coturn.startStun(tb, "pub1", NatTestbed.pub1());
        relayAddress = WebRtcTestbedNode.startRelay(tb, WAIT);
    }

    @AfterAll
    static void down() throws Exception {
        if (tb != null) {
            tb.close();
        }
    }

    @Test
    void p2pkitBehindANatDialsP2pkitBehindAnotherNatOverWebRtcWithAStunServer() throws Exception {
        String server = stun.address().getAddress().getHostAddress() + ":" + stun.address().getPort();
        try (NetnsProcess b = node("lan1h1", "listener", relayAddress, server)) {
            PeerEvent ready = await(b, "ready", e -> true);
            String bId = ready.string("peerId");
            String target = relayAddress + "/p2p-circuit/webrtc/p2p/" + bId;
            assertTrue(ready.strings("addrs").contains(relayAddress + "/p2p-circuit/webrtc"), ready.toString());
            try (NetnsProcess a = node("lan2h1", "dialer", target, server)) {
                PeerEvent connected = await(a, "connected", e -> true);
                assertEquals("/webrtc", connected.string("security"), connected.toString());
                assertFalse(connected.bool("limited"), "a direct connection, not the relayed one: " + connected);
                assertEquals(bId, connected.string("peerId"));
                PeerEvent checked = await(a, "checked", e -> true);
                assertTrue(checked.bool("ping"), checked.toString());
                assertTrue(checked.string("agent").startsWith("p2pkit"), "B identified: " + checked);
                assertEquals(1 << 20, checked.number("echoed").intValue(), "1 MiB echoed intact over /webrtc: " + checked);
                assertNatsCarryTheDirectUdpFlow();
            }
        }
    }

    @Test
    void withoutAStunServerTheyHaveNoPairAndTheDialFailsClearly() throws Exception {
        try (NetnsProcess b = node("lan1h1", "listener", relayAddress, "-")) {
            String bId = await(b, "ready", e -> true).string("peerId");
            try (NetnsProcess a = node("lan2h1", "dialer", relayAddress + "/p2p-circuit/webrtc/p2p/" + bId, "-", "8")) {
                PeerEvent error = NetnsEvents.awaitError(a, WAIT);
                assertTrue(error.string("message").contains("ICE found no working candidate pair"), error.toString());
                assertTrue(error.string("message").contains("192.168.1.11"), "B's host candidate, all A had: " + error);
                assertTrue(NetnsEvents.events(a).stream().noneMatch(e -> e.type().equals("connected")), a.output());
            }
        }
    }

    /**
     * Each NAT holds a UDP flow from its LAN host to the other NAT's public address that has seen
     * replies: the ICE checks and the DTLS and SCTP traffic went straight through both NATs.
     */
    private static void assertNatsCarryTheDirectUdpFlow() throws Exception {
        Predicate<String> live = l -> l.startsWith("udp") && !l.contains("UNREPLIED");
        List<String> nat1 = tb.conntrack("nat1");
        assertTrue(nat1.stream().anyMatch(l -> live.test(l) && l.contains("src=192.168.1.11 dst=13.0.0.2 ")),
                () -> "nat1: " + nat1);
        List<String> nat2 = tb.conntrack("nat2");
        assertTrue(nat2.stream().anyMatch(l -> live.test(l) && l.contains("src=192.168.2.11 dst=12.0.0.2 ")),
                () -> "nat2: " + nat2);
    }

    private static NetnsProcess node(String host, String... args) throws Exception {
        return WebRtcTestbedNode.start(tb, host, args);
    }

    private static PeerEvent await(NetnsProcess p, String type, Predicate<PeerEvent> matches) {
        return NetnsEvents.await(p, type, matches, WAIT);
    }
}
