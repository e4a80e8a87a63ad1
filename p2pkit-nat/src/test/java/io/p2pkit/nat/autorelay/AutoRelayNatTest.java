package io.p2pkit.nat.autorelay;

import io.p2pkit.nat.holepunch.HolePunchNatSetup;
import io.p2pkit.nat.holepunch.HolePunchNode;
import io.p2pkit.testing.netns.NatTestbed;
import io.p2pkit.testing.netns.NatVariant;
import io.p2pkit.testing.netns.NetnsProcess;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * AutoRelay through real Linux NAT (the NAT testbed, root required), each node its own JVM in its
 * namespace: a relay on pub1, an AutoNAT server on pub2, and a node behind nat1 (endpoint
 * independent) that AutoNAT finds private, whose AutoRelay then finds the relay among its
 * connected peers and reserves on it. A node behind nat2 reaches it through the relayed address
 * it advertises, and DCUtR turns that into a direct connection.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class AutoRelayNatTest {
    private static final Duration START = Duration.ofSeconds(60);
    private static final Duration STEP = Duration.ofSeconds(90);
    private static final int PORT = 4001;

    @BeforeAll
    static void machine() {
        NatTestbed.require();
    }

    @Test
    void aNodeAutoNatFindsPrivateGetsARelayedAddressAndIsReachedThroughIt() throws Exception {
        NatTestbed tb = NatTestbed.start(NatVariant.eim(), NatVariant.eim());
        try {
            tb.dropUnsolicitedInbound();
            NetnsProcess relay = tb.start("pub1", tb.javaCommand(HolePunchNode.class.getName(),
                    List.of("relay", String.valueOf(PORT))));
            NetnsProcess server = tb.start("pub2", tb.javaCommand(AutoRelayNode.class.getName(),
                    List.of("autonat-server", String.valueOf(PORT))));
            relay.awaitOutput("ready ", START);
            server.awaitOutput("ready ", START);
            String relayAddr = "/ip4/11.0.0.2/tcp/" + PORT + "/p2p/" + HolePunchNatSetup.readyId(relay);
            String serverAddr = "/ip4/14.0.0.2/tcp/" + PORT + "/p2p/" + HolePunchNatSetup.readyId(server);

            NetnsProcess b = tb.start("lan1h1", tb.javaCommand(AutoRelayNode.class.getName(),
                    List.of("private", String.valueOf(PORT), serverAddr, relayAddr)));
            b.awaitOutput("relays ", STEP);
            String out = b.output();
            assertTrue(out.contains("reachability PRIVATE"), out);
            String advertised = relayAddr + "/p2p-circuit";
            assertTrue(out.lines().anyMatch(l -> l.equals("relayed " + advertised)), "advertises " + advertised + ": " + out);

            // A behind nat2 dials the advertised address (…/p2p-circuit/p2p/B), then DCUtR punches through
            String target = out.lines().filter(l -> l.startsWith("peer ")).findFirst().orElseThrow().substring(5).trim();
            NetnsProcess a = tb.start("lan2h1", tb.javaCommand(HolePunchNode.class.getName(),
                    List.of("dialer", String.valueOf(PORT), advertised.substring(0, advertised.length() - "/p2p-circuit".length()),
                            target)));
            a.awaitOutput("round 0 ", STEP);
            String aOut = a.output();
            assertTrue(aOut.contains("relayed " + advertised + " limited=true"), aOut);
            assertTrue(aOut.contains("round 0 ok"), aOut);
            assertTrue(aOut.contains("connections [/ip4/12.0.0.2/tcp/" + PORT + "]"), aOut);
        } finally {
            tb.close(); // ends the nodes' processes with the namespaces
        }
    }
}
