package io.p2pkit.testing.netns;

import io.p2pkit.testing.Prerequisites;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The testbed itself: LAN hosts reach the internet through their NAT, and only as each variant allows back. */
class NatTestbedTest {
    private static final Duration RUN = Duration.ofSeconds(30);
    private static final String PROBE = NetnsProbe.class.getName();

    @BeforeAll
    static void machine() {
        NatTestbed.require();
        // the port-mapping tests start miniupnpd in the testbed: CI installs it with the rest
        Prerequisites.program("miniupnpd", "Debian: apt-get install miniupnpd miniupnpd-nftables");
    }

    @Test
    void lanHostsGoOutThroughTheirNatAndCannotBeReachedFromOutside() throws Exception {
        String prefix;
        try (NatTestbed tb = NatTestbed.start(NatVariant.eim(), NatVariant.symmetric())) {
            prefix = tb.prefix();
            listen(tb, "pub1", "tcp", 7000);
            listen(tb, "pub1", "udp", 7000);
            listen(tb, "pub2", "udp", 7000);

            // the public host sees the NAT's public address, and the NAT's conntrack table holds the flow
            String seen = connect(tb, "lan1h1", "tcp", "11.0.0.2", 7000).output();
            assertTrue(seen.startsWith("from 12.0.0.2:"), seen);
            assertTrue(tb.conntrack("nat1").stream().anyMatch(l -> l.startsWith("tcp") && l.contains("src=192.168.1.11")
                    && l.contains("dst=11.0.0.2") && l.contains("dport=7000") && l.contains("dst=12.0.0.2")),
                    () -> "conntrack of nat1: " + conntrack(tb, "nat1"));
            seen = connect(tb, "lan2h1", "tcp", "11.0.0.2", 7000).output();
            assertTrue(seen.startsWith("from 13.0.0.2:"), seen);

            // eim: one local port keeps its mapping towards two servers; symmetric: each server sees another port
            assertEquals(externalPort(tb, "lan1h1", "11.0.0.2", 40001), externalPort(tb, "lan1h1", "14.0.0.2", 40001));
            assertNotEquals(externalPort(tb, "lan2h1", "11.0.0.2", 40002), externalPort(tb, "lan2h1", "14.0.0.2", 40002));

            // nothing comes in unasked: not through the NAT's public address, not to the private one
            listen(tb, "lan1h1", "tcp", 7001);
            listen(tb, "lan2h1", "tcp", 7001);
            for (String to : List.of("12.0.0.2", "192.168.1.11", "13.0.0.2", "192.168.2.11")) {
                NatTestbed.Result r = connect(tb, "pub1", "tcp", to, 7001);
                assertEquals(1, r.exit(), "pub1 → " + to + ": " + r.output());
            }
            assertEquals(7, NatTestbed.namespaces(prefix).size(), () -> "namespaces of " + prefix);
        }
        assertEquals(List.of(), NatTestbed.namespaces(prefix), "left behind");
    }

    @Test
    void aForwardedPortReachesTheLansFirstHost() throws Exception {
        try (NatTestbed tb = NatTestbed.start(NatVariant.forwarded(7002), NatVariant.eim(), 2)) {
            listen(tb, "lan1h1", "tcp", 7002);
            listen(tb, "lan1h1", "udp", 7002);
            listen(tb, "lan1h2", "tcp", 7003);
            NatTestbed.Result tcp = connect(tb, "pub1", "tcp", "12.0.0.2", 7002);
            assertEquals(0, tcp.exit(), tcp.output());
            assertTrue(tcp.output().startsWith("from 11.0.0.2:"), tcp.output());
            NatTestbed.Result udp = connect(tb, "pub2", "udp", "12.0.0.2", 7002);
            assertTrue(udp.output().startsWith("from 14.0.0.2:"), udp.output());
            // only that port, only that host; the LANs' hosts still reach each other through the NATs
            assertEquals(1, connect(tb, "pub1", "tcp", "12.0.0.2", 7003).exit());
            String seen = connect(tb, "lan2h1", "tcp", "12.0.0.2", 7002).output();
            assertTrue(seen.startsWith("from 13.0.0.2:"), seen);
        }
    }

    @Test
    void upRemovesLeftoversOfTheSamePrefixAndDownRemovesEverything() throws Exception {
        NatTestbed.require();
        Path script = NatTestbed.script().orElseThrow();
        String prefix = "p2pkit-nat-" + ProcessHandle.current().pid() + "-leftover";
        try {
            script(script, "up", "--prefix", prefix, "--lan-hosts", "2");
            script(script, "up", "--prefix", prefix, "--nat1", "symmetric"); // over the leftovers
            List<String> names = NatTestbed.namespaces(prefix);
            assertEquals(7, names.size(), names::toString);
            assertTrue(names.contains(prefix + "-lan1h1") && !names.contains(prefix + "-lan1h2"), names::toString);
        } finally {
            script(script, "down", "--prefix", prefix);
        }
        assertEquals(List.of(), NatTestbed.namespaces(prefix));
    }

    private static void listen(NatTestbed tb, String node, String proto, int port) throws Exception {
        NetnsProcess p = tb.start(node, tb.javaCommand(PROBE, List.of("listen", proto, String.valueOf(port))));
        p.awaitOutput("listening " + port, RUN);
    }

    private static NatTestbed.Result connect(NatTestbed tb, String node, String proto, String host, int port,
                                             String... localPort) throws Exception {
        List<String> args = new ArrayList<>(List.of("connect", proto, host, String.valueOf(port), "3000"));
        args.addAll(List.of(localPort));
        return tb.run(node, RUN, tb.javaCommand(PROBE, args).toArray(String[]::new));
    }

    /** The source port a public host sees for a UDP datagram sent from {@code localPort} of {@code node}. */
    private static int externalPort(NatTestbed tb, String node, String to, int localPort) throws Exception {
        NatTestbed.Result r = connect(tb, node, "udp", to, 7000, String.valueOf(localPort));
        assertEquals(0, r.exit(), r.output());
        String out = r.output().strip();
        return Integer.parseInt(out.substring(out.lastIndexOf(':') + 1));
    }

    private static String conntrack(NatTestbed tb, String router) {
        try {
            return String.join("\n", tb.conntrack(router));
        } catch (IOException | InterruptedException e) {
            return e.toString();
        }
    }

    private static void script(Path script, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(script.toString()));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertEquals(0, p.waitFor(), out);
    }
}
