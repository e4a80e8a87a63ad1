package io.p2pkit.interop;

import io.p2pkit.testing.Await;
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
 * Browser-to-browser WebRTC ({@code /webrtc}) between two p2pkit nodes behind two <em>symmetric</em>
 * NATs of the testbed ({@code masquerade fully-random}: every flow gets a new random port, so the
 * address a STUN server sees is useless to the other peer), with a real TURN server: coturn's
 * {@code turnserver} with long-term credentials and a p2pkit relay ({@link HolePunchTestbedNode})
 * on {@code pub1}, node B on {@code lan1h1} reserving on the relay and listening on
 * {@code /webrtc}, node A on {@code lan2h1} dialing {@code <relay>/p2p-circuit/webrtc/p2p/<B>}
 * ({@link WebRtcTestbedNode}). Both NATs drop unsolicited inbound packets. No pair of host or
 * server-reflexive candidates can work; a pair through a TURN allocation can.
 */
@InteropArea("WebRTC across NATs with TURN")
@Timeout(180)
class WebRtcTurnTestbedInteropTest {
    private static final Duration WAIT = Duration.ofSeconds(90);
    private static final String USER = "p2pkit";
    private static final String PASSWORD = "relay-me";

    private static NatTestbed tb;
    private static Coturn turn;
    private static String relayAddress;

    @BeforeAll
    static void up() throws Exception {
        NatTestbed.require();
        Coturn.required();
        tb = NatTestbed.start(NatVariant.symmetric(), NatVariant.symmetric());
        tb.dropUnsolicitedInbound();
        turn = Coturn.startTurn(tb, "pub1", NatTestbed.pub1(), USER, PASSWORD);
        relayAddress = WebRtcTestbedNode.startRelay(tb, WAIT);
    }

    @AfterAll
    static void down() throws Exception {
        if (tb != null) {
            tb.close();
        }
    }

    private static String server() {
        return turn.address().getAddress().getHostAddress() + ":" + turn.address().getPort();
    }

    @Test
    void p2pkitBehindOneSymmetricNatDialsP2pkitBehindAnotherOverWebRtcThroughTurn() throws Exception {
        String turnServer = USER + ":" + PASSWORD + "@" + server();
        int logged = turn.log().length();
        try (NetnsProcess b = node("lan1h1", "listener", relayAddress, "-", "-", turnServer)) {
            PeerEvent ready = await(b, "ready", e -> true);
            String bId = ready.string("peerId");
            try (NetnsProcess a = node("lan2h1", "dialer", relayAddress + "/p2p-circuit/webrtc/p2p/" + bId, "-", "-",
                    turnServer)) {
                PeerEvent connected = await(a, "connected", e -> true);
                assertEquals("/webrtc", connected.string("security"), connected.toString());
                assertFalse(connected.bool("limited"), "not the relayed libp2p connection: " + connected);
                assertEquals(bId, connected.string("peerId"));
                PeerEvent checked = await(a, "checked", e -> true);
                assertTrue(checked.bool("ping"), checked.toString());
                assertTrue(checked.string("agent").startsWith("p2pkit"), "B identified: " + checked);
                assertEquals(1 << 20, checked.number("echoed").intValue(), "1 MiB echoed intact over /webrtc: " + checked);
                assertTheTrafficWentThroughTheTurnRelay(logged);
                assertFalse(a.output().contains(PASSWORD) || b.output().contains(PASSWORD), "the password is never logged");
            }
        }
    }

    @Test
    void withStunOnlyTheSymmetricNatsLeaveNoPairAndTheDialFailsClearly() throws Exception {
        // coturn answers Binding requests too: a STUN server, whose mapped addresses do not help here
        try (NetnsProcess b = node("lan1h1", "listener", relayAddress, server())) {
            String bId = await(b, "ready", e -> true).string("peerId");
            try (NetnsProcess a = node("lan2h1", "dialer", relayAddress + "/p2p-circuit/webrtc/p2p/" + bId, server(), "8")) {
                PeerEvent error = NetnsEvents.awaitError(a, WAIT);
                assertTrue(error.string("message").contains("ICE found no working candidate pair"), error.toString());
                assertTrue(error.string("message").contains("12.0.0.2"), "B's server-reflexive candidate was tried: " + error);
                assertTrue(NetnsEvents.events(a).stream().noneMatch(e -> e.type().equals("connected")), a.output());
            }
        }
    }

    /**
     * A's NAT holds a replied UDP flow to one of coturn's relay ports (not its 3478) and B's to
     * coturn's 3478, where its allocation lives; no flow between the two NATs' public addresses
     * ever got a reply; and coturn bound a channel and relayed more than 1 MiB between a relayed
     * address and its peer (its periodic "peer usage" lines, summed).
     */
    private static void assertTheTrafficWentThroughTheTurnRelay(int logged) throws Exception {
        Predicate<String> replied = l -> l.startsWith("udp") && !l.contains("UNREPLIED");
        List<String> nat2 = tb.conntrack("nat2");
        assertTrue(nat2.stream().anyMatch(l -> replied.test(l) && l.contains("src=192.168.2.11 dst=11.0.0.2 ")
                && !l.contains("dport=" + Coturn.PORT + " ")), () -> "nat2, a flow to a relayed address: " + nat2);
        List<String> nat1 = tb.conntrack("nat1");
        assertTrue(nat1.stream().anyMatch(l -> replied.test(l) && l.contains("src=192.168.1.11 dst=11.0.0.2 ")
                && l.contains("dport=" + Coturn.PORT + " ")), () -> "nat1, B's allocation: " + nat1);
        assertTrue(nat1.stream().noneMatch(l -> replied.test(l) && l.contains("dst=13.0.0.2 ")), () -> "nat1: " + nat1);
        assertTrue(nat2.stream().noneMatch(l -> replied.test(l) && l.contains("dst=12.0.0.2 ")), () -> "nat2: " + nat2);
        assertTrue(turn.log().substring(logged).contains("CHANNEL_BIND processed, success"), turn::log);
        Await.until("coturn reports more than 1 MiB relayed", () -> turn.log().substring(logged).lines()
                .filter(l -> l.contains("peer usage:")).mapToLong(l -> number(l, "rb=") + number(l, "sb=")).sum() > 1 << 20,
                WAIT);
    }

    private static long number(String line, String key) {
        int at = line.indexOf(key);
        if (at < 0) {
            return 0;
        }
        int end = at + key.length();
        while (end < line.length() && Character.isDigit(line.charAt(end))) {
            end++;
        }
        return Long.parseLong(line.substring(at + key.length(), end));
    }

    private static NetnsProcess node(String host, String... args) throws Exception {
        return WebRtcTestbedNode.start(tb, host, args);
    }

    private static PeerEvent await(NetnsProcess p, String type, Predicate<PeerEvent> matches) {
        return NetnsEvents.await(p, type, matches, WAIT);
    }
}
