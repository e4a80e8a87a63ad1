package io.p2pkit.discovery.mdns;

import io.p2pkit.testing.netns.BridgedLan;
import io.p2pkit.testing.netns.NetnsProcess;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * mDNS between p2pkit nodes on a LAN of network namespaces joined by a bridge (never the machine's
 * own interfaces): each node finds the others and pings them over the address it found.
 */
class MdnsNetnsTest {
    private static final Duration WAIT = Duration.ofSeconds(60);

    @Test
    @Timeout(180)
    void nodesOnTwoHostsFindEachOtherOverIpv4() throws Exception {
        findEachOther("ipv4");
    }

    @Test
    @Timeout(180)
    void nodesOnTwoHostsFindEachOtherOverIpv6() throws Exception {
        findEachOther("ipv6");
    }

    @Test
    @Timeout(180)
    void twoNodesShareTheMdnsPortOfOneHost() throws Exception {
        BridgedLan.require();
        try (BridgedLan lan = BridgedLan.start(2)) {
            NetnsProcess a = node(lan, 1, "ipv4", 4001);
            NetnsProcess b = node(lan, 1, "ipv4", 4002);
            NetnsProcess c = node(lan, 2, "ipv4", 4001);
            String ida = id(a);
            String idb = id(b);
            String idc = id(c);
            c.awaitOutput("pinged " + ida, WAIT);
            c.awaitOutput("pinged " + idb, WAIT);
            a.awaitOutput("pinged " + idc, WAIT);
            b.awaitOutput("pinged " + idc, WAIT);
            // the two on one host find each other too (multicast loops back to the host)
            a.awaitOutput("pinged " + idb, WAIT);
        }
    }

    private static void findEachOther(String family) throws Exception {
        BridgedLan.require();
        try (BridgedLan lan = BridgedLan.start(2)) {
            NetnsProcess a = node(lan, 1, family, 4001);
            NetnsProcess b = node(lan, 2, family, 4001);
            String ida = id(a);
            String idb = id(b);
            a.awaitOutput("pinged " + idb, WAIT);
            b.awaitOutput("pinged " + ida, WAIT);
            String expect = family.equals("ipv4") ? "/ip4/" + BridgedLan.ipv4(2) + "/tcp/4001"
                    : "/ip6/" + BridgedLan.ipv6(2) + "/tcp/4001";
            assertTrue(a.output().contains(expect), a.output());
        }
    }

    private static NetnsProcess node(BridgedLan lan, int h, String family, int port) throws Exception {
        return lan.start(h, BridgedLan.javaCommand(MdnsNode.class.getName(), List.of(family, String.valueOf(port))));
    }

    private static String id(NetnsProcess p) throws InterruptedException {
        p.awaitOutput("ready ", WAIT);
        return p.output().lines().filter(l -> l.startsWith("ready ")).findFirst().orElseThrow().substring(6).trim();
    }
}
