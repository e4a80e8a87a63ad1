package io.p2pkit.node.cli;

import io.p2pkit.node.Node;
import io.p2pkit.node.NodeConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code p2pkit swarm peers [--verbose] [--json]} against a daemon in a child process, and the
 * {@code Score} that {@code swarm/peers?verbose=true} adds: a peer the daemon dialed successfully
 * once scores (1 - 0) / (1 + 0 + 1) = 0.5.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class SwarmPeersCommandTest {
    private static final Pattern API = Pattern.compile("\"api\":\"(http://[^\"]+)\"");

    @Test
    void listsTheDaemonsPeersWithTheirReputation(@TempDir Path home) throws Exception {
        RepoFixture repo = RepoFixture.init(home);
        CliRunner none = repo.run("swarm", "peers");
        assertEquals(1, none.status());
        assertTrue(none.err().contains("no daemon is running"), none.err());
        // closed in finally, not as a resource: its close() may throw InterruptedException (a lint warning)
        DaemonAndPingTest.Daemon d = DaemonAndPingTest.Daemon.start(home, "--listen", "/ip4/127.0.0.1/tcp/0",
                "--dht", "off", "--json");
        try (Node other = Node.start(NodeConfig.builder().listen("/ip4/127.0.0.1/tcp/0").build());
             HttpClient http = HttpClient.newHttpClient()) {
            Matcher api = API.matcher(d.next("{\"event\":\"ready\""));
            assertTrue(api.find());
            String address = other.addresses().getFirst().toString();
            if (!address.contains("/p2p/")) {
                address += "/p2p/" + other.peerId();
            }
            HttpResponse<String> connect = http.send(HttpRequest.newBuilder(URI.create(api.group(1)
                            + "/api/v0/swarm/connect?arg=" + URLEncoder.encode(address, StandardCharsets.UTF_8)))
                    .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, connect.statusCode(), connect.body());

            assertEquals(address, repo.ok("swarm", "peers"));
            assertEquals(address + " outbound /yamux/1.0.0 score 0.5", repo.ok("swarm", "peers", "--verbose"));
            String json = repo.ok("swarm", "peers", "-v", "--json");
            assertTrue(json.startsWith("{\"Addr\":\"/ip4/127.0.0.1/tcp/") && json.endsWith("\",\"Peer\":\""
                    + other.peerId() + "\",\"Direction\":2,\"Muxer\":\"/yamux/1.0.0\",\"Score\":0.5}"), json);
            HttpResponse<String> rpc = http.send(HttpRequest.newBuilder(URI.create(api.group(1)
                    + "/api/v0/swarm/peers?verbose=true")).POST(HttpRequest.BodyPublishers.noBody()).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertTrue(rpc.body().contains("\"Score\":0.5"), rpc.body());
        } finally {
            d.close();
        }
    }
}
