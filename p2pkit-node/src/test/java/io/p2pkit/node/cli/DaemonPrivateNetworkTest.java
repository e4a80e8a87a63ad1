package io.p2pkit.node.cli;

import io.p2pkit.core.pnet.PreSharedKey;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code p2pkit daemon} in a private network: --swarm-key, the home's swarm.key, LIBP2P_FORCE_PNET. */
class DaemonPrivateNetworkTest {
    private static final Pattern READY = Pattern.compile(
            "\\{\"event\":\"ready\",\"peerId\":\"([^\"]+)\",\"addrs\":\\[\"([^\"]+)\".*");

    @Test
    void daemonsWithTheSameKeyConnect(@TempDir Path one, @TempDir Path two) throws Exception {
        PreSharedKey key = PreSharedKey.generate();
        Path file = one.resolve("my.key");
        Files.write(file, key.encode());
        Files.write(two.resolve("swarm.key"), key.encode()); // found in the home without an option
        try (DaemonAndPingTest.Daemon a = DaemonAndPingTest.Daemon.start(one, "--listen", "/ip4/127.0.0.1/tcp/0",
                "--json", "--swarm-key", file.toString())) {
            Matcher m = READY.matcher(a.next("{\"event\":\"ready\""));
            assertTrue(m.matches());
            assertTrue(!m.group(0).contains("quic"), m.group(0));
            try (DaemonAndPingTest.Daemon b = DaemonAndPingTest.Daemon.start(two, "--listen", "/ip4/127.0.0.1/tcp/0",
                    "--json", "--bootstrap", m.group(2))) {
                String connected = b.next("{\"event\":\"connected\"");
                assertTrue(connected.contains(m.group(1)), connected);
                assertTrue(Files.readString(b.stderr()).contains("Swarm key fingerprint: " + key.fingerprintHex()));
            }
        }
    }

    @Test
    void aMalformedKeyFileIsAClearError(@TempDir Path home) throws Exception {
        Path file = home.resolve("bad.key");
        Files.writeString(file, "/key/swarm/psk/1.0.0/\n/base16/\nnot hex\n");
        CliRunner r = CliRunner.run("daemon", "--swarm-key", file.toString(), "--listen", "/ip4/127.0.0.1/tcp/0");
        assertNotEquals(0, r.status());
        assertTrue(r.err().contains("--swarm-key") && r.err().contains("base16"), r.err());
    }

    @Test
    void forcedPrivateNetworkRefusesToStartWithoutAKey(@TempDir Path home) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(List.of(ProcessHandle.current().info().command().orElse("java"), "-cp",
                System.getProperty("java.class.path"), Main.class.getName(), "daemon", "--listen", "/ip4/127.0.0.1/tcp/0"))
                .redirectErrorStream(true);
        pb.environment().put("P2PKIT_HOME", home.toString());
        pb.environment().put(PreSharedKey.FORCE_ENV, "1");
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertNotEquals(0, p.exitValue(), out);
        assertTrue(out.contains("LIBP2P_FORCE_PNET=1"), out);
    }
}
