package io.p2pkit.node.cli;

import io.p2pkit.node.NodeConfig;
import io.p2pkit.testing.netns.BridgedLan;
import io.p2pkit.testing.netns.NetnsProcess;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code p2pkit daemon} runs mDNS by default: two daemons on a namespace LAN (never the machine's
 * interfaces) find and connect to each other; one started with {@code --no-mdns} is neither found
 * nor looks. A {@link NodeConfig} leaves mDNS off.
 */
@Timeout(180)
class DaemonMdnsTest {
    private static final Duration WAIT = Duration.ofSeconds(90);
    private static final Pattern PEER_ID = Pattern.compile("\"event\":\"ready\",\"peerId\":\"([^\"]+)\"");

    @Test
    void daemonsFindAndConnectToEachOtherUnlessNoMdns(@TempDir Path home) throws Exception {
        assertTrue(NodeConfig.builder().build().mdns().isEmpty());
        BridgedLan.require();
        try (BridgedLan lan = BridgedLan.start(3)) {
            NetnsProcess quiet = daemon(lan, 3, home.resolve("c"), "--no-mdns");
            String quietId = id(quiet);
            NetnsProcess a = daemon(lan, 1, home.resolve("a"));
            NetnsProcess b = daemon(lan, 2, home.resolve("b"));
            String ida = id(a);
            String idb = id(b);
            assertTrue(a.output().contains("\"mdns\":[\"eth0\"]"), a::output);
            a.awaitOutput("\"event\":\"discovered\",\"peerId\":\"" + idb + "\",\"addrs\":[\"/ip4/11.0.0.2/tcp/4001\"", WAIT);
            b.awaitOutput("\"event\":\"discovered\",\"peerId\":\"" + ida + "\"", WAIT);
            // found peers are connected to: one side dials, both see the connection
            a.awaitOutput("\"event\":\"connected\",\"peerId\":\"" + idb + "\"", WAIT);
            b.awaitOutput("\"event\":\"connected\",\"peerId\":\"" + ida + "\"", WAIT);
            assertFalse(quiet.output().contains("\"mdns\""), quiet::output);
            assertFalse(quiet.output().contains("\"discovered\""), quiet::output);
            assertFalse(a.output().contains(quietId) || b.output().contains(quietId), a.output() + b.output());
        }
    }

    private static NetnsProcess daemon(BridgedLan lan, int h, Path home, String... args) throws Exception {
        Files.createDirectories(home);
        List<String> cmd = new ArrayList<>(List.of("env", "P2PKIT_HOME=" + home));
        List<String> argv = new ArrayList<>(List.of("daemon", "--json", "--identity", home.resolve("id.key").toString(),
                "--listen", "/ip4/0.0.0.0/tcp/4001", "--api", "off", "--gateway", "off", "--no-port-mapping"));
        argv.addAll(List.of(args));
        cmd.addAll(BridgedLan.javaCommand(Main.class.getName(), argv));
        return lan.start(h, cmd);
    }

    private static String id(NetnsProcess p) throws InterruptedException {
        p.awaitOutput("\"event\":\"ready\"", WAIT);
        Matcher m = PEER_ID.matcher(p.output());
        assertTrue(m.find(), p::output);
        return m.group(1);
    }
}
