package io.p2pkit.nat.holepunch;

import io.p2pkit.testing.netns.NatTestbed;
import io.p2pkit.testing.netns.NatVariant;
import io.p2pkit.testing.netns.NetnsProcess;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * DCUtR through real Linux NAT (the NAT testbed, root required): a p2pkit relay on pub1, a p2pkit
 * node B behind nat1 with a reservation on it, a p2pkit node A behind nat2 that reaches B through
 * the relay; each its own JVM ({@link HolePunchNode}) in its namespace. Behind two
 * endpoint-independent NATs the hole punch succeeds over TCP and the relayed connection closes;
 * behind symmetric NATs it fails and both stay on the relay. The same over QUIC, where B sends
 * random packets to A's NAT address and only A dials (the spec's QUIC variant).
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class HolePunchNatTest {
    private static final Duration START = Duration.ofSeconds(60);
    private static final Duration PUNCH = Duration.ofSeconds(90);
    static final int PORT = 4001;

    @BeforeAll
    static void machine() {
        NatTestbed.require();
    }

    /** The three nodes, B reserved on the relay and A connected to B through it. */
    private record Nodes(NetnsProcess relay, NetnsProcess listener, NetnsProcess dialer) {
    }

    /** The three nodes over TCP, or over QUIC only when {@code quic}. */
    static Nodes start(NatTestbed tb, boolean quic) throws Exception {
        tb.dropUnsolicitedInbound();
        String main = HolePunchNode.class.getName();
        List<String> flag = quic ? List.of("--quic") : List.of();
        NetnsProcess relay = tb.start("pub1", tb.javaCommand(main, join(flag, "relay", String.valueOf(PORT))));
        relay.awaitOutput("ready ", START);
        String relayId = HolePunchNatSetup.readyId(relay);
        String relayAddr = "/ip4/11.0.0.2" + transport(quic) + "/p2p/" + relayId;
        NetnsProcess b = tb.start("lan1h1", tb.javaCommand(main, join(flag, "listener", String.valueOf(PORT), relayAddr)));
        b.awaitOutput("ready ", START);
        NetnsProcess a = tb.start("lan2h1", tb.javaCommand(main,
                join(flag, "dialer", String.valueOf(PORT), relayAddr, HolePunchNatSetup.readyId(b))));
        a.awaitOutput("relayed ", START);
        return new Nodes(relay, b, a);
    }

    private static List<String> join(List<String> flag, String... args) {
        return java.util.stream.Stream.concat(flag.stream(), java.util.Arrays.stream(args)).toList();
    }

    /** The transport part of the nodes' addresses at {@link #PORT}. */
    private static String transport(boolean quic) {
        return quic ? "/udp/" + PORT + "/quic-v1" : "/tcp/" + PORT;
    }

    @Test
    void holePunchesThroughTwoEndpointIndependentNats() throws Exception {
        holePunchesThroughEim(false);
    }

    @Test
    void fallsBackToTheRelayBehindSymmetricNats() throws Exception {
        fallsBackBehindSymmetric(false);
    }

    /** Over QUIC B punches (random packets to A's NAT address) and only A dials. */
    @Test
    void holePunchesOverQuicThroughTwoEndpointIndependentNats() throws Exception {
        holePunchesThroughEim(true);
    }

    @Test
    void fallsBackToTheRelayOverQuicBehindSymmetricNats() throws Exception {
        fallsBackBehindSymmetric(true);
    }

    private static void holePunchesThroughEim(boolean quic) throws Exception {
        try (NatTestbed tb = NatTestbed.start(NatVariant.eim(), NatVariant.eim())) {
            Nodes n = start(tb, quic);
            n.dialer().awaitOutput("round 0 ", PUNCH);
            String a = n.dialer().output();
            assertTrue(a.contains("round 0 ok"), a);
            assertTrue(a.contains("relayed /ip4/11.0.0.2" + transport(quic) + "/p2p/"), a);
            assertTrue(a.contains("event role=RECEIVER outcome=HOLE_PUNCHED"), a);
            assertTrue(a.contains("relayed-closed"), a);
            // the one connection left is the direct one, to B's NAT's public address (over QUIC
            // A's own dial: B punched and did not dial)
            assertTrue(a.contains("connections [/ip4/12.0.0.2" + transport(quic) + "]"), a);

            n.listener().awaitOutput("event ", PUNCH);
            String b = n.listener().output();
            assertTrue(b.contains("event role=INITIATOR outcome=HOLE_PUNCHED attempts=1 direct=/ip4/13.0.0.2"
                    + transport(quic)), b);

            // both NATs carry the direct flow between the two LAN hosts' listening ports: TCP
            // ESTABLISHED, or UDP answered both ways
            Predicate<String> live = quic ? l -> l.startsWith("udp") && !l.contains("UNREPLIED")
                    : l -> l.startsWith("tcp") && l.contains("ESTABLISHED");
            List<String> nat1 = tb.conntrack("nat1");
            assertTrue(nat1.stream().anyMatch(l -> live.test(l)
                    && l.contains("src=192.168.1.11 dst=13.0.0.2 sport=" + PORT + " dport=" + PORT)), () -> "nat1: " + nat1);
            List<String> nat2 = tb.conntrack("nat2");
            assertTrue(nat2.stream().anyMatch(l -> live.test(l)
                    && l.contains("src=192.168.2.11 dst=12.0.0.2 sport=" + PORT + " dport=" + PORT)), () -> "nat2: " + nat2);
        }
    }

    private static void fallsBackBehindSymmetric(boolean quic) throws Exception {
        try (NatTestbed tb = NatTestbed.start(NatVariant.symmetric(), NatVariant.symmetric())) {
            Nodes n = start(tb, quic);
            n.listener().awaitOutput("event role=INITIATOR", PUNCH);
            String b = n.listener().output();
            assertTrue(b.contains("event role=INITIATOR outcome=FAILED attempts=3"), b);
            assertTrue(b.contains("staying on the relayed connection"), b);
            n.dialer().awaitOutput("round 0 ", PUNCH);
            String a = n.dialer().output();
            assertTrue(a.contains("round 0 failed"), a);
            assertFalse(a.contains("relayed-closed"), a);
            String connections = a.lines().filter(l -> l.startsWith("connections ")).findFirst().orElseThrow();
            assertTrue(connections.contains(transport(quic) + "/p2p/") && connections.contains("/p2p-circuit"),
                    "A stays on the relayed connection: " + connections);
            assertEquals(1, connections.split(",").length, connections);
        }
    }
}
