package io.p2pkit.node.cli;

import io.p2pkit.core.multiformats.Cid;
import io.p2pkit.kad.Mode;
import io.p2pkit.node.Node;
import io.p2pkit.node.NodeConfig;
import io.p2pkit.testing.Await;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code p2pkit provide once} (Kubo 0.42's) through a daemon whose strategy ({@code roots}, nothing
 * pinned) names none of the CIDs: from arguments, from stdin streamed to the daemon, and with
 * {@code -r}; a DHT server beside it holds the records.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class ProvideOnceCommandTest {
    @Test
    void cidsFromArgumentsAndStdinAreAnnounced(@TempDir Path home) throws Exception {
        RepoFixture repo = RepoFixture.init(home);
        String a = repo.runWithInput("first\n", "add", "-Q", "--pin=false").out().strip();
        String b = repo.runWithInput("second\n", "add", "-Q", "--pin=false").out().strip();
        String c = repo.runWithInput("third\n", "add", "-Q", "--pin=false").out().strip();
        CliRunner noDaemon = repo.run("provide", "once", a);
        assertEquals(1, noDaemon.status());
        assertTrue(noDaemon.err().contains("no daemon is running"), noDaemon.err());
        try (Node server = Node.start(NodeConfig.builder().listen("/ip4/127.0.0.1/tcp/0")
                .dht(NodeConfig.Dht.of(Mode.SERVER)).build());
             DaemonAndPingTest.Daemon d = DaemonAndPingTest.Daemon.start(home, "--listen", "/ip4/127.0.0.1/tcp/0",
                     "--dht", "server", "--reprovider-strategy", "roots", "--json")) {
            d.next("{\"event\":\"ready\"");
            repo.ok("swarm", "connect", server.addresses().getFirst() + "/p2p/" + server.peerId());

            assertEquals("queued 1 CID(s) for immediate provide", repo.ok("provide", "once", a, a));
            CliRunner piped = repo.runWithInput((b + "\n" + c + "\n").getBytes(StandardCharsets.UTF_8), "provide", "once",
                    "--json");
            assertEquals(0, piped.status(), piped.err());
            assertEquals("{\"Queued\":\"" + b + "\"}\n{\"Queued\":\"" + c + "\"}\n", piped.out());
            Await.until("the server holds the three records", () -> List.of(a, b, c).stream().allMatch(cid ->
                    server.dht().orElseThrow().providerStore().providers(Cid.parse(cid).multihash().bytes())
                            .size() == 1), Duration.ofSeconds(30));

            CliRunner missing = repo.run("provide", "once", "bafkreifjjcie6lypi6ny7amxnfftagclbuxndqonfipmb64f2km2devei4");
            assertEquals(1, missing.status());
            assertTrue(missing.err().contains("not found locally, cannot provide"), missing.err());
        }
    }
}
