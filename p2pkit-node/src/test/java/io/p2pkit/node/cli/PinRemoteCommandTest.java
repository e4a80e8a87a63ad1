package io.p2pkit.node.cli;

import io.p2pkit.ipfs.repo.Repository;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code p2pkit pin remote service add|ls|rm} and {@code pin remote ls|add|rm}'s errors through a
 * daemon in a child process: Kubo's texts, the services kept in the repository's config file. (The
 * pins themselves, against a real pinning service, are {@code PinRemoteKuboInteropTest}'s.)
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class PinRemoteCommandTest {
    @Test
    void servicesAndErrorsGoThroughTheDaemon(@TempDir Path home) throws Exception {
        RepoFixture repo = RepoFixture.init(home);
        int closed;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closed = s.getLocalPort(); // nothing listens there once closed: a service that is down
        }
        String endpoint = "http://127.0.0.1:" + closed;
        DaemonAndPingTest.Daemon d = DaemonAndPingTest.Daemon.start(home, "--listen", "/ip4/127.0.0.1/tcp/0",
                "--dht", "off", "--json");
        try {
            d.next("{\"event\":\"ready\"");
            assertEquals("", repo.ok("pin", "remote", "service", "add", "down", endpoint + "//v1/", "the-key"));
            assertEquals("", repo.ok("pin", "remote", "service", "add", "other", "https://pins.invalid", "k2"));
            assertEquals("down  " + endpoint + "/v1\nother https://pins.invalid", repo.ok("pin", "remote", "service", "ls"));
            // Kubo's tabwriter: the endpoints' column as wide as the longest
            assertEquals("down  " + endpoint + "/v1 invalid\nother https://pins.invalid      invalid",
                    repo.ok("pin", "remote", "service", "ls", "--stat"));
            assertEquals("{\"RemoteServices\":[{\"Service\":\"down\",\"ApiEndpoint\":\"" + endpoint + "/v1\"},"
                    + "{\"Service\":\"other\",\"ApiEndpoint\":\"https://pins.invalid\"}]}",
                    repo.ok("pin", "remote", "service", "ls", "--json"));
            String config = Files.readString(home.resolve("config"));
            assertTrue(config.contains("pinning.remoteServices.down.key = the-key"), config);
            assertFalse(repo.ok("config", "show").contains("the-key"), "config show leaves the keys out");

            CliRunner dup = repo.run("pin", "remote", "service", "add", "down", endpoint, "k");
            assertEquals(1, dup.status());
            assertEquals("p2pkit pin remote service add: error: service already present\n", dup.err());
            assertEquals("p2pkit pin remote service add: error: service endpoint must be a valid HTTP URL\n",
                    repo.run("pin", "remote", "service", "add", "x", "ftp://127.0.0.1/", "k").err());
            assertEquals("p2pkit pin remote ls: error: a service name must be passed\n", repo.run("pin", "remote", "ls").err());
            assertEquals("p2pkit pin remote ls: error: service not known\n",
                    repo.run("pin", "remote", "ls", "--service=nosuch").err());
            assertEquals("p2pkit pin remote ls: error: status \"bogus\" is not valid\n",
                    repo.run("pin", "remote", "ls", "--service=down", "--status=pinned,bogus").err(),
                    "the CLI splits at commas, as Kubo's");
            assertEquals("p2pkit pin remote ls: error: empty response from remote pinning service: Get \"" + endpoint
                    + "/v1/pins?limit=10&status=pinned\": dial tcp 127.0.0.1:" + closed + ": connect: connection refused\n",
                    repo.run("pin", "remote", "ls", "--service=down").err());
            assertEquals("p2pkit pin remote rm: error: error while listing remote pins: empty response from remote "
                    + "pinning service: Get \"" + endpoint + "/v1/pins?limit=10&status=pinned\": dial tcp 127.0.0.1:"
                    + closed + ": connect: connection refused\n", repo.run("pin", "remote", "rm", "--service=down").err());
            assertEquals("p2pkit pin remote add: error: a service name must be passed\n",
                    repo.run("pin", "remote", "add", "bafkqaaa").err());

            assertEquals("", repo.ok("pin", "remote", "service", "rm", "other"));
            assertEquals("down " + endpoint + "/v1", repo.ok("pin", "remote", "service", "ls"));
            assertTrue(Repository.readConfig(home).other().keySet().stream().noneMatch(k -> k.contains("other")));
        } finally {
            d.close();
        }
    }
}
