package io.p2pkit.node.cli;

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
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code p2pkit daemon --static-relay} through the NAT testbed: a relay daemon
 * ({@code --relay-service}) on pub1, a daemon behind nat1 given it as its static relay (and no
 * {@code /p2p-circuit} listen address: AutoRelay reserves), and {@code p2pkit ping} from behind
 * nat2 through the relayed address.
 */
@Timeout(240)
class DaemonAutoRelayNatTest {
    private static final Duration WAIT = Duration.ofSeconds(90);
    private static final Pattern PEER = Pattern.compile("\"event\":\"ready\",\"peerId\":\"([^\"]+)\"");

    @Test
    void aDaemonBehindANatIsPingedThroughItsStaticRelay(@TempDir Path home) throws Exception {
        NatTestbed.require();
        NatTestbed tb = NatTestbed.start(NatVariant.eim(), NatVariant.eim());
        try {
            NetnsProcess relay = p2pkit(tb, "pub1", home.resolve("relay"), "daemon", "--listen",
                    "/ip4/0.0.0.0/tcp/4001", "--relay-service");
            String relayId = readyPeer(relay);
            String relayAddr = "/ip4/11.0.0.2/tcp/4001/p2p/" + relayId;
            NetnsProcess b = p2pkit(tb, "lan1h1", home.resolve("b"), "daemon", "--listen", "/ip4/0.0.0.0/tcp/4001",
                    "--static-relay", relayAddr);
            String bId = readyPeer(b);

            // the relay learns B's relayed address from identify (pushed once the reservation is made)
            relay.awaitOutput(relayAddr + "/p2p-circuit", WAIT);

            String via = relayAddr + "/p2p-circuit/p2p/" + bId;
            AtomicReference<String> out = new AtomicReference<>("");
            io.p2pkit.testing.Await.until("a ping from behind nat2 through the relay", () -> {
                try {
                    NetnsProcess ping = p2pkit(tb, "lan2h1", home.resolve("a"), "ping", via, "--count", "1");
                    try {
                        int exit = ping.waitFor(Duration.ofSeconds(60));
                        out.set(ping.output());
                        return exit == 0;
                    } finally {
                        ping.close();
                    }
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }, WAIT);
            assertTrue(out.get().contains("\"relayed\":true"), out.get());
        } finally {
            tb.close();
        }
    }

    private static String readyPeer(NetnsProcess p) throws InterruptedException {
        p.awaitOutput("\"event\":\"ready\"", WAIT);
        Matcher m = PEER.matcher(p.output());
        assertTrue(m.find(), p.output());
        return m.group(1);
    }

    private static NetnsProcess p2pkit(NatTestbed tb, String node, Path home, String command, String... args)
            throws Exception {
        Files.createDirectories(home);
        List<String> cmd = new ArrayList<>(List.of("env", "P2PKIT_HOME=" + home));
        List<String> argv = new ArrayList<>(List.of(command, "--json", "--identity", home.resolve("id.key").toString()));
        argv.addAll(List.of(args));
        cmd.addAll(tb.javaCommand(Main.class.getName(), argv));
        return tb.start(node, cmd);
    }
}
