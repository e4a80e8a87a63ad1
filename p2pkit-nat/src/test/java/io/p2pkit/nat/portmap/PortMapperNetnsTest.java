package io.p2pkit.nat.portmap;

import io.p2pkit.testing.netns.Miniupnpd;
import io.p2pkit.testing.netns.NatTestbed;
import io.p2pkit.testing.netns.NatVariant;
import io.p2pkit.testing.netns.NetnsProbe;
import io.p2pkit.testing.netns.NetnsProcess;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The port mapper against a real miniupnpd on a testbed NAT router (p2pkit only, not
 * cross-implementation interop): the mapper runs on LAN host lan1h1 (192.168.1.11) behind nat1
 * (public 12.0.0.2), and pub1 (11.0.0.2) connects through the mapped port.
 */
@Timeout(180)
class PortMapperNetnsTest {
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final String LAN_HOST = "lan1h1";

    @BeforeAll
    static void machine() {
        NatTestbed.require();
        Miniupnpd.required();
    }

    @Test
    void natPmpMapsRenewsAndRemovesOnShutdown() throws Exception {
        mapRenewRemove(false, "--no-upnp", "NAT_PMP", "NAT-PMP", 4101);
    }

    @Test
    void upnpIgdV2MapsRenewsAndRemovesOnShutdown() throws Exception {
        mapRenewRemove(false, "--no-natpmp", "UPNP", "UPnP WANIPConnection:2", 4201);
    }

    @Test
    void upnpIgdV1MapsRenewsAndRemovesOnShutdown() throws Exception {
        mapRenewRemove(true, "--no-natpmp", "UPNP", "UPnP WANIPConnection:1", 4301);
    }

    /**
     * Maps TCP {@code port} and UDP {@code port + 1} with a 4 s lease through one method, checks
     * the router's DNAT rules, two renewals and reachability from pub1, then that SIGTERM removes them.
     */
    private void mapRenewRemove(boolean igdV1, String only, String state, String method, int port) throws Exception {
        String tcp = String.valueOf(port);
        String udp = String.valueOf(port + 1);
        try (NatTestbed tb = NatTestbed.start(NatVariant.eim(), NatVariant.eim());
             Miniupnpd igd = Miniupnpd.start(tb, 1, igdV1, List.of())) {
            NetnsProcess mapper = probe(tb, "--lease", "4", only, "--tcp", tcp, "--udp", udp);
            mapper.awaitOutput("status " + state + " " + method + " on 192.168.1.1, external address 12.0.0.2", WAIT);
            mapper.awaitOutput("mapped TCP " + tcp + " 12.0.0.2:" + tcp + " " + method, WAIT);
            mapper.awaitOutput("mapped UDP " + udp + " 12.0.0.2:" + udp + " " + method, WAIT);
            assertTrue(tb.nftRuleset("nat1").contains("dport " + tcp + " dnat ip to 192.168.1.11:" + tcp), igd::log);
            // renewed at half the lease, twice: the mapping outlives its first lease
            awaitCount(mapper, "renewed TCP " + tcp + " 12.0.0.2:" + tcp, 2);
            assertReachable(tb, "tcp", port);
            assertReachable(tb, "udp", port + 1);
            mapper.close();
            mapper.awaitOutput("closed", WAIT);
            String rules = tb.nftRuleset("nat1");
            assertFalse(rules.contains("dport " + tcp) || rules.contains("dport " + udp), () -> "left on nat1: " + rules);
            assertEquals(1, connect(tb, "tcp", port).exit());
        }
    }

    @Test
    void aConflictingMappingGetsAnotherPort() throws Exception {
        // lan1h2 holds external port 4311 first; lan1h1 then asks for the same port
        try (NatTestbed tb = NatTestbed.start(NatVariant.eim(), NatVariant.eim(), 2);
             Miniupnpd igd = Miniupnpd.start(tb, 1, false, List.of())) {
            NetnsProcess first = tb.start("lan1h2", tb.javaCommand(PortMapperProbe.class.getName(),
                    List.of("--no-natpmp", "--tcp", "4311")));
            first.awaitOutput("mapped TCP 4311 12.0.0.2:4311", WAIT);
            // IGD v2: ConflictInMappingEntry, then AddAnyPortMapping gives another port
            NetnsProcess second = probe(tb, "--no-natpmp", "--tcp", "4311");
            second.awaitOutput("mapped TCP 4311 12.0.0.2:", WAIT);
            assertFalse(second.output().contains("mapped TCP 4311 12.0.0.2:4311 "), second::output);
            String line = second.output().lines().filter(l -> l.startsWith("mapped TCP 4311")).findFirst().orElseThrow();
            int port = Integer.parseInt(line.split(" ")[3].split(":")[1]);
            NatTestbed.Result r = connect(tb, "tcp", port);
            assertTrue(r.output().startsWith("from 11.0.0.2:"), r.output());
            second.close();
            second.awaitOutput("closed", WAIT);
            // NAT-PMP: the server maps another external port itself (RFC 6886 §3.3)
            NetnsProcess pmp = probe(tb, "--no-upnp", "--tcp", "4311");
            pmp.awaitOutput("mapped TCP 4311 12.0.0.2:", WAIT);
            assertFalse(pmp.output().contains("mapped TCP 4311 12.0.0.2:4311 "), pmp::output);
        }
    }

    @Test
    void noDeviceAndNoGatewayAreClearResults() throws Exception {
        try (NatTestbed tb = NatTestbed.start(NatVariant.eim(), NatVariant.eim())) {
            // no miniupnpd on nat1: neither NAT-PMP nor UPnP answers
            NetnsProcess mapper = probe(tb, "--tcp", "4401");
            mapper.awaitOutput("status NO_DEVICE the gateway 192.168.1.1 offers no port mapping (NAT-PMP: ", WAIT);
            mapper.awaitOutput("UPnP: no IGD answered the SSDP search)", WAIT);
            mapper.awaitOutput("failed TCP 4401 the gateway 192.168.1.1 offers no port mapping", WAIT);
            // the internet router has no default route
            NetnsProcess none = tb.start("inet", tb.javaCommand(PortMapperProbe.class.getName(), List.of("--tcp", "4402")));
            none.awaitOutput("status NO_GATEWAY no IPv4 default gateway in /proc/net/route", WAIT);
            none.awaitOutput("failed TCP 4402 no IPv4 default gateway", WAIT);
        }
    }

    @Test
    void theHostsListenPortsAreMappedAndReportedAsExternalAddresses() throws Exception {
        try (NatTestbed tb = NatTestbed.start(NatVariant.eim(), NatVariant.eim());
             Miniupnpd igd = Miniupnpd.start(tb, 1, false, List.of())) {
            NetnsProcess host = probe(tb, "--host", "--tcp", "4501");
            host.awaitOutput("external [/ip4/12.0.0.2/tcp/4501]", WAIT);
            assertTrue(tb.nftRuleset("nat1").contains("dport 4501 dnat ip to 192.168.1.11:4501"), igd::log);
            host.close();
            host.awaitOutput("closed", WAIT);
            assertFalse(tb.nftRuleset("nat1").contains("dport 4501"), () -> "left on nat1: " + ruleset(tb));
        }
    }

    private static NetnsProcess probe(NatTestbed tb, String... args) throws Exception {
        NetnsProcess p = tb.start(LAN_HOST, tb.javaCommand(PortMapperProbe.class.getName(), List.of(args)));
        p.awaitOutput("started", WAIT);
        return p;
    }

    private static void awaitCount(NetnsProcess p, String line, int count) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (p.output().lines().filter(l -> l.startsWith(line)).count() < count) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("fewer than " + count + " '" + line + "':\n" + p.output());
            }
            p.awaitOutput(line, WAIT); // returns at once once seen; the loop's deadline bounds it
            p.process().waitFor(100, java.util.concurrent.TimeUnit.MILLISECONDS);
        }
    }

    private static void assertReachable(NatTestbed tb, String proto, int port) throws Exception {
        NatTestbed.Result r = connect(tb, proto, port);
        assertEquals(0, r.exit(), r.output());
        assertTrue(r.output().startsWith("from 11.0.0.2:"), r.output());
    }

    private static NatTestbed.Result connect(NatTestbed tb, String proto, int port) throws Exception {
        List<String> args = new ArrayList<>(List.of("connect", proto, "12.0.0.2", String.valueOf(port), "3000"));
        return tb.run("pub1", WAIT, tb.javaCommand(NetnsProbe.class.getName(), args).toArray(String[]::new));
    }

    private static String ruleset(NatTestbed tb) {
        try {
            return tb.nftRuleset("nat1");
        } catch (Exception e) {
            return e.toString();
        }
    }
}
