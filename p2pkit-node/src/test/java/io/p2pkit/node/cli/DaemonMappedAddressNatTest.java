package io.p2pkit.node.cli;

import io.p2pkit.testing.netns.Miniupnpd;
import io.p2pkit.testing.netns.NatTestbed;
import io.p2pkit.testing.netns.NatVariant;
import io.p2pkit.testing.netns.NetnsProcess;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The mapped address's whole path through the NAT testbed, with {@code p2pkit daemon} processes:
 * a daemon behind nat1 (miniupnpd there) maps its port; AutoNAT v2 servers on pub1 and pub2 (two
 * more daemons, its bootstrap peers) dial the external address through the mapping; once both
 * have, the daemon advertises it, and the servers see it among its identify listen addresses.
 * When the mapping is gone (miniupnpd stopped, so the renewals fail until the lease is over), the
 * address is withdrawn and an identify push says so.
 */
@Timeout(240)
class DaemonMappedAddressNatTest {
    private static final Duration WAIT = Duration.ofSeconds(90);
    private static final String MAPPED = "/ip4/12.0.0.2/tcp/4001";
    private static final Pattern PEER = Pattern.compile("\"event\":\"ready\",\"peerId\":\"([^\"]+)\"");

    @Test
    void aMappedAddressIsAdvertisedOnceAutoNatConfirmsItAndWithdrawnWhenTheMappingIsGone(@TempDir Path home)
            throws Exception {
        NatTestbed.require();
        Miniupnpd.required();
        try (NatTestbed tb = NatTestbed.start(NatVariant.eim(), NatVariant.eim())) {
            Miniupnpd igd = Miniupnpd.start(tb, 1, false, List.of());
            try {
                NetnsProcess s1 = daemon(tb, "pub1", home.resolve("s1"), "--no-port-mapping");
                NetnsProcess s2 = daemon(tb, "pub2", home.resolve("s2"), "--no-port-mapping");
                String s1Id = readyPeer(s1);
                String s2Id = readyPeer(s2);
                NetnsProcess b = daemon(tb, "lan1h1", home.resolve("b"), "--port-mapping-lease", "6s",
                        "--bootstrap", "/ip4/11.0.0.2/tcp/4001/p2p/" + s1Id,
                        "--bootstrap", "/ip4/14.0.0.2/tcp/4001/p2p/" + s2Id);
                String bId = readyPeer(b);

                b.awaitOutput("\"event\":\"portMapping\",\"external\":[\"" + MAPPED + "\"]", WAIT);
                assertTrue(tb.nftRuleset("nat1").contains("dport 4001 dnat ip to 192.168.1.11:4001"), igd::log);
                // advertised only once confirmed: the two servers dialed it through the mapping, and the
                // push of the new address reached both
                for (NetnsProcess server : List.of(s1, s2)) {
                    io.p2pkit.testing.Await.until("the mapped address among B's listen addresses at a server",
                            () -> lastListenAddrs(server.output(), bId).map(a -> a.contains(MAPPED)).orElse(false),
                            WAIT);
                    assertFalse(firstListenAddrs(server.output(), bId).contains(MAPPED),
                            "not advertised before the servers had dialed it: " + server.output());
                }

                // the router forgets (miniupnpd stops): the renewals fail, the lease ends, the address goes
                igd.close();
                b.awaitOutput("\"event\":\"portMapping\",\"external\":[]", WAIT);
                io.p2pkit.testing.Await.until("the mapped address withdrawn from B's listen addresses",
                        () -> lastListenAddrs(s1.output(), bId).map(a -> !a.contains(MAPPED)).orElse(false), WAIT);
                assertFalse(lastListenAddrs(s1.output(), bId).orElseThrow().contains(MAPPED), s1::output);
            } finally {
                igd.close();
            }
        }
    }

    /** The listen addresses of {@code peer}'s latest identify (or push) a daemon printed, as JSON text. */
    private static Optional<String> lastListenAddrs(String output, String peer) {
        String found = null;
        for (String line : output.split("\n")) {
            if (line.contains("\"event\":\"identified\"") && line.contains("\"peerId\":\"" + peer + "\"")) {
                int i = line.indexOf("\"listenAddrs\":");
                found = i < 0 ? "" : line.substring(i);
            }
        }
        return Optional.ofNullable(found);
    }

    /** The listen addresses of {@code peer}'s first identify a daemon printed. */
    private static String firstListenAddrs(String output, String peer) {
        for (String line : output.split("\n")) {
            if (line.contains("\"event\":\"identified\"") && line.contains("\"peerId\":\"" + peer + "\"")) {
                return line.substring(Math.max(0, line.indexOf("\"listenAddrs\":")));
            }
        }
        return "";
    }

    private static String readyPeer(NetnsProcess p) throws InterruptedException {
        p.awaitOutput("\"event\":\"ready\"", WAIT);
        Matcher m = PEER.matcher(p.output());
        assertTrue(m.find(), p.output());
        return m.group(1);
    }

    private static NetnsProcess daemon(NatTestbed tb, String node, Path home, String... args) throws Exception {
        Files.createDirectories(home);
        List<String> cmd = new ArrayList<>(List.of("env", "P2PKIT_HOME=" + home));
        List<String> argv = new ArrayList<>(List.of("daemon", "--json", "--identity", home.resolve("id.key").toString(),
                "--listen", "/ip4/0.0.0.0/tcp/4001", "--no-mdns"));
        argv.addAll(List.of(args));
        cmd.addAll(tb.javaCommand(Main.class.getName(), argv));
        return tb.start(node, cmd);
    }
}
