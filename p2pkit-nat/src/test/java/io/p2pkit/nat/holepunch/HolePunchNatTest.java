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

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * DCUtR through real Linux NAT (the NAT testbed, root required): a p2pkit relay on pub1, a p2pkit
 * node B behind nat1 with a reservation on it, a p2pkit node A behind nat2 that reaches B through
 * the relay; each its own JVM ({@link HolePunchNode}) in its namespace. Behind two
 * endpoint-independent NATs the hole punch succeeds over TCP and the relayed connection closes;
 * behind symmetric NATs it fails and both stay on the relay.
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

    static Nodes start(NatTestbed tb) throws Exception {
        tb.dropUnsolicitedInbound();
        String main = HolePunchNode.class.getName();
        NetnsProcess relay = tb.start("pub1", tb.javaCommand(main, List.of("relay", String.valueOf(PORT))));
        relay.awaitOutput("ready ", START);
        String relayId = HolePunchNatSetup.readyId(relay);
        String relayAddr = "/ip4/11.0.0.2/tcp/" + PORT + "/p2p/" + relayId;
        NetnsProcess b = tb.start("lan1h1", tb.javaCommand(main, List.of("listener", String.valueOf(PORT), relayAddr)));
        b.awaitOutput("ready ", START);
        NetnsProcess a = tb.start("lan2h1", tb.javaCommand(main,
                List.of("dialer", String.valueOf(PORT), relayAddr, HolePunchNatSetup.readyId(b))));
        a.awaitOutput("relayed ", START);
        return new Nodes(relay, b, a);
    }

    @Test
    void holePunchesThroughTwoEndpointIndependentNats() throws Exception {
        try (NatTestbed tb = NatTestbed.start(NatVariant.eim(), NatVariant.eim())) {
            Nodes n = start(tb);
            n.dialer().awaitOutput("round 0 ", PUNCH);
            String a = n.dialer().output();
            assertTrue(a.contains("round 0 ok"), a);
            assertTrue(a.contains("relayed /ip4/11.0.0.2/tcp/" + PORT + "/p2p/"), a);
            assertTrue(a.contains("event role=RECEIVER outcome=HOLE_PUNCHED"), a);
            assertTrue(a.contains("relayed-closed"), a);
            // the one connection left is the direct one, to B's NAT's public address
            assertTrue(a.contains("connections [/ip4/12.0.0.2/tcp/" + PORT + "]"), a);

            n.listener().awaitOutput("event ", PUNCH);
            String b = n.listener().output();
            assertTrue(b.contains("event role=INITIATOR outcome=HOLE_PUNCHED attempts=1 direct=/ip4/13.0.0.2/tcp/" + PORT), b);

            // both NATs carry the direct flow between the two LAN hosts' listening ports
            List<String> nat1 = tb.conntrack("nat1");
            assertTrue(nat1.stream().anyMatch(l -> l.startsWith("tcp") && l.contains("ESTABLISHED")
                    && l.contains("src=192.168.1.11 dst=13.0.0.2 sport=" + PORT + " dport=" + PORT)), () -> "nat1: " + nat1);
            List<String> nat2 = tb.conntrack("nat2");
            assertTrue(nat2.stream().anyMatch(l -> l.startsWith("tcp") && l.contains("ESTABLISHED")
                    && l.contains("src=192.168.2.11 dst=12.0.0.2 sport=" + PORT + " dport=" + PORT)), () -> "nat2: " + nat2);
        }
    }

    @Test
    void fallsBackToTheRelayBehindSymmetricNats() throws Exception {
        try (NatTestbed tb = NatTestbed.start(NatVariant.symmetric(), NatVariant.symmetric())) {
            Nodes n = start(tb);
            n.listener().awaitOutput("event role=INITIATOR", PUNCH);
            String b = n.listener().output();
            assertTrue(b.contains("event role=INITIATOR outcome=FAILED attempts=3"), b);
            assertTrue(b.contains("staying on the relayed connection"), b);
            n.dialer().awaitOutput("round 0 ", PUNCH);
            String a = n.dialer().output();
            assertTrue(a.contains("round 0 failed"), a);
            assertFalse(a.contains("relayed-closed"), a);
            String connections = a.lines().filter(l -> l.startsWith("connections ")).findFirst().orElseThrow();
            assertTrue(connections.contains("/p2p-circuit"), "A stays on the relayed connection: " + connections);
            assertEquals(1, connections.split(",").length, connections);
        }
    }
}
