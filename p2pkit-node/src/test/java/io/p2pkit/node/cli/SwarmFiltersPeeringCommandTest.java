package io.p2pkit.node.cli;

import io.p2pkit.ipfs.repo.Repository;
import io.p2pkit.node.Node;
import io.p2pkit.node.NodeConfig;
import io.p2pkit.testing.Await;
import io.p2pkit.testing.TinyJson;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code p2pkit swarm filters [add|rm]} and {@code p2pkit swarm peering add|ls|rm} against a daemon
 * in a child process: Kubo's text, the filters kept in the repository's config and taken again
 * by the next daemon, a peering peer dialed by the daemon; {@code p2pkit swarm resources} (Kubo's
 * table, JSON with --json) then shows that peer's scope.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class SwarmFiltersPeeringCommandTest {
    @Test
    void filtersLastAcrossARestartAndPeeringPeersAreDialed(@TempDir Path home) throws Exception {
        RepoFixture repo = RepoFixture.init(home);
        DaemonAndPingTest.Daemon d = DaemonAndPingTest.Daemon.start(home, "--listen", "/ip4/127.0.0.1/tcp/0",
                "--dht", "off", "--json");
        try (Node other = Node.start(NodeConfig.builder().listen("/ip4/127.0.0.1/tcp/0").build())) {
            d.next("{\"event\":\"ready\"");
            assertEquals("", repo.ok("swarm", "filters"));
            assertEquals("/ip4/10.0.0.0/ipcidr/8\n/ip6/fd00::/ipcidr/8",
                    repo.ok("swarm", "filters", "add", "/ip4/10.0.0.0/ipcidr/8", "/ip6/fd00::/ipcidr/8"));
            assertEquals("/ip4/10.0.0.0/ipcidr/8\n/ip6/fd00::/ipcidr/8", repo.ok("swarm", "filters"));
            assertEquals("{\"Strings\":[\"/ip6/fd00::/ipcidr/8\"]}", repo.ok("swarm", "filters", "rm", "--json", "/ip6/fd00::/ipcidr/8"));
            assertEquals(Optional.of("/ip4/10.0.0.0/ipcidr/8"), Repository.readConfig(home).get("swarm.addrFilters"));
            CliRunner bad = repo.run("swarm", "filters", "add", "/ip4/10.0.0.0");
            assertEquals(1, bad.status());
            assertTrue(bad.err().contains("invalid multiaddr-filter format"), bad.err());

            String address = other.addresses().getFirst().toString();
            String transport = address.substring(0, address.indexOf("/p2p/"));
            assertEquals("add " + other.peerId() + " success", repo.ok("swarm", "peering", "add", address));
            Await.until("the daemon dials the peering peer", () -> repo.ok("swarm", "peers").contains(other.peerId().toString()),
                    Duration.ofSeconds(20));
            assertEquals(other.peerId() + "\n\t" + transport, repo.ok("swarm", "peering", "ls"));
            List<List<String>> table = repo.ok("swarm", "resources").lines().map(l -> List.of(l.split("\t+"))).toList();
            assertEquals(List.of("Scope", "Limit Name", "Limit Value", "Limit Usage Amount", "Limit Usage Percent"),
                    table.getFirst());
            // the daemon's limits are Kubo's: a peer's inbound connections are limited, what the node dials is not
            assertTrue(table.contains(List.of("peer:" + other.peerId(), "ConnsInbound", "8", "0", "0%")), table::toString);
            assertTrue(table.stream().noneMatch(row -> row.get(1).equals("ConnsOutbound")), table::toString);
            String json = repo.ok("swarm", "resources", "--json");
            Map<?, ?> peers = (Map<?, ?>) ((Map<?, ?>) TinyJson.parse(json)).get("Peers");
            assertEquals(1.0, ((Map<?, ?>) peers.get(other.peerId().toString())).get("ConnsUsage"), json);
            assertEquals("{\"ID\":\"" + other.peerId() + "\",\"Status\":\"success\"}",
                    repo.ok("swarm", "peering", "rm", "--json", other.peerId().toString()));
            assertEquals("{\"Peers\":[]}", repo.ok("swarm", "peering", "ls", "--json"));
        } finally {
            d.close();
        }
        // the next daemon reads Swarm.AddrFilters from the config
        DaemonAndPingTest.Daemon again = DaemonAndPingTest.Daemon.start(home, "--listen", "/ip4/127.0.0.1/tcp/0",
                "--dht", "off", "--json");
        try {
            again.next("{\"event\":\"ready\"");
            assertEquals("/ip4/10.0.0.0/ipcidr/8", repo.ok("swarm", "filters"));
        } finally {
            again.close();
        }
    }
}
