package io.p2pkit.node.cli;

import io.p2pkit.core.multiformats.Cid;
import io.p2pkit.core.multiformats.Multicodec;
import io.p2pkit.core.multiformats.Multihash;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code p2pkit daemon --dht …}: a server serves the DHT to {@code p2pkit routing}; auto stays client. */
class DaemonDhtTest {
    private static final Pattern READY = Pattern.compile(
            "\\{\"event\":\"ready\",\"peerId\":\"([^\"]+)\",\"addrs\":\\[\"([^\"]+)\".*");

    private static String readyAddress(DaemonAndPingTest.Daemon d) throws InterruptedException {
        Matcher m = READY.matcher(d.next("{\"event\":\"ready\""));
        assertTrue(m.matches());
        return m.group(2);
    }

    @Test
    void aServerDaemonTakesAndServesProviderRecords(@TempDir Path home) throws Exception {
        try (DaemonAndPingTest.Daemon d = DaemonAndPingTest.Daemon.start(home, "--listen", "/ip4/127.0.0.1/tcp/0",
                "--dht", "server", "--json")) {
            String addr = readyAddress(d);
            String boot = d.next("{\"event\":\"dht-bootstrapped\"");
            assertTrue(boot.contains("\"mode\":\"server\""), boot);
            Cid cid = Cid.v1(Multicodec.RAW, Multihash.digest(Multicodec.SHA2_256, "daemon dht".getBytes()));
            CliRunner p = CliRunner.run("routing", "provide", cid.toString(), "--bootstrap", addr, "--json");
            assertEquals(0, p.status(), p.err());
            assertEquals("{\"event\":\"provided\",\"peers\":1}", p.out().strip());
            // ADD_PROVIDER has no reply: ask until the daemon has stored it (bounded by a deadline).
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            CliRunner f = CliRunner.run("routing", "findprovs", cid.toString(), "--bootstrap", addr, "--json");
            while (f.status() != 0 && System.nanoTime() < deadline) {
                f = CliRunner.run("routing", "findprovs", cid.toString(), "--bootstrap", addr, "--json");
            }
            assertEquals(0, f.status(), "findprovs: " + f.err() + f.out());
            assertTrue(f.out().startsWith("{\"event\":\"provider\",\"peerId\":\""), f.out());
        }
    }

    @Test
    void autoModeIsClientUntilAutoNatExists(@TempDir Path home) throws Exception {
        try (DaemonAndPingTest.Daemon d = DaemonAndPingTest.Daemon.start(home, "--listen", "/ip4/127.0.0.1/tcp/0",
                "--json")) {
            String addr = readyAddress(d);
            String boot = d.next("{\"event\":\"dht-bootstrapped\"");
            assertTrue(boot.contains("\"mode\":\"client\""), boot);
            // A client does not serve the protocol, so the ephemeral node finds no server to take the record.
            Cid cid = Cid.v1(Multicodec.RAW, Multihash.digest(Multicodec.SHA2_256, "client daemon".getBytes()));
            CliRunner p = CliRunner.run("routing", "provide", cid.toString(), "--bootstrap", addr, "--json");
            assertEquals(1, p.status(), p.out());
            assertTrue(p.err().contains("no DHT server took the provider record"), p.err());
        }
    }
}
