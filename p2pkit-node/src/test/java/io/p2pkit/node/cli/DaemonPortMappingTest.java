package io.p2pkit.node.cli;

import io.p2pkit.node.NodeConfig;
import io.p2pkit.testing.netns.Miniupnpd;
import io.p2pkit.testing.netns.NatTestbed;
import io.p2pkit.testing.netns.NatVariant;
import io.p2pkit.testing.netns.NetnsProcess;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code p2pkit daemon} maps its listen port on the gateway by default: run on a testbed LAN host
 * behind a NAT router with miniupnpd, it reports the external address; {@code --no-port-mapping}
 * leaves the gateway alone.
 */
@Timeout(180)
class DaemonPortMappingTest {
    private static final Duration WAIT = Duration.ofSeconds(90);

    @Test
    void nodeConfigLeavesItOffAndTheDaemonTurnsItOn(@TempDir Path home) throws Exception {
        assertFalse(NodeConfig.builder().build().portMapping());
        NatTestbed.require();
        Miniupnpd.required();
        try (NatTestbed tb = NatTestbed.start(NatVariant.eim(), NatVariant.eim());
             Miniupnpd igd = Miniupnpd.start(tb, 1, false, List.of())) {
            NetnsProcess on = daemon(tb, home.resolve("a"), "--listen", "/ip4/0.0.0.0/tcp/4601");
            on.awaitOutput("\"event\":\"portMapping\",\"external\":[\"/ip4/12.0.0.2/tcp/4601\"]", WAIT);
            assertTrue(tb.nftRuleset("nat1").contains("dport 4601 dnat ip to 192.168.1.11:4601"), igd::log);
            on.close();
            Await.gone(tb, "dport 4601");

            NetnsProcess off = daemon(tb, home.resolve("b"), "--listen", "/ip4/0.0.0.0/tcp/4602", "--no-port-mapping");
            off.awaitOutput("\"event\":\"ready\"", WAIT);
            assertFalse(off.output().contains("portMapping"), off::output);
            assertFalse(igd.log().contains("4602"), igd::log);
        }
    }

    private static NetnsProcess daemon(NatTestbed tb, Path home, String... args) throws Exception {
        java.nio.file.Files.createDirectories(home);
        List<String> cmd = new ArrayList<>(List.of("env", "P2PKIT_HOME=" + home));
        List<String> argv = new ArrayList<>(List.of("daemon", "--json", "--identity", home.resolve("id.key").toString()));
        argv.addAll(List.of(args));
        cmd.addAll(tb.javaCommand(Main.class.getName(), argv));
        return tb.start("lan1h1", cmd);
    }

    /** Waits for the daemon's shutdown to remove its mapping from the router. */
    private static final class Await {
        static void gone(NatTestbed tb, String rule) {
            io.p2pkit.testing.Await.until("the mapping removed from nat1", () -> {
                try {
                    return !tb.nftRuleset("nat1").contains(rule);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }, WAIT);
        }
    }
}
