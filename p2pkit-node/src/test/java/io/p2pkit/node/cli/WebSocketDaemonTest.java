package io.p2pkit.node.cli;

import io.p2pkit.testing.Dnsmasq;
import io.p2pkit.testing.TestCa;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code p2pkit daemon} listening on ws and wss, pinged by {@code p2pkit ping} over them and through DNS names. */
class WebSocketDaemonTest {
    private static final Pattern READY = Pattern.compile(
            // The addresses, then the repository and HTTP servers when the daemon runs them.
            "\\{\"event\":\"ready\",\"peerId\":\"([^\"]+)\",\"addrs\":\\[([^\\]]*)].*}");

    private static String addressEndingWith(Matcher ready, String suffix) {
        for (String a : ready.group(2).split(",")) {
            String s = a.replace("\"", "");
            if (s.endsWith(suffix + "/p2p/" + ready.group(1))) {
                return s;
            }
        }
        throw new AssertionError("no address ending with " + suffix + " in " + ready.group(2));
    }

    private static void assertPings(String... args) {
        List<String> argv = new ArrayList<>(List.of("ping"));
        argv.addAll(List.of(args));
        argv.addAll(List.of("--count", "2", "--interval", "10ms", "--json"));
        CliRunner r = CliRunner.run(argv.toArray(String[]::new));
        assertEquals(0, r.status(), r.err());
        String[] out = r.out().strip().split("\n");
        assertEquals(3, out.length, r.out());
        assertTrue(out[0].startsWith("{\"event\":\"connected\""), out[0]);
    }

    @Test
    void daemonOnWsAndWss(@TempDir Path home) throws Exception {
        TestCa ca = new TestCa("p2pkit test CA");
        Path chain = home.resolve("chain.pem");
        Path key = home.resolve("key.pem");
        ca.issue(new String[] {"node.test"}, new String[] {"127.0.0.1"}).write(chain, key, ca);
        Path caFile = ca.writeCertificate(home.resolve("ca.pem"));
        try (DaemonAndPingTest.Daemon d = DaemonAndPingTest.Daemon.start(home, "--json", "--listen", "/ip4/127.0.0.1/tcp/0/ws",
                "--listen", "/ip4/127.0.0.1/tcp/0/wss", "--wss-cert", chain.toString(), "--wss-key", key.toString())) {
            Matcher m = READY.matcher(d.next("{\"event\":\"ready\""));
            assertTrue(m.matches(), m.toString());
            String ws = addressEndingWith(m, "/ws");
            String wss = addressEndingWith(m, "/wss");
            assertPings(ws);
            assertPings(wss, "--wss-ca", caFile.toString());
            // Without the test CA the certificate cannot be verified: the dial fails.
            CliRunner untrusted = CliRunner.run("ping", wss, "--count", "1");
            assertEquals(1, untrusted.status(), untrusted.out());

            Dnsmasq.required();
            int wssPort = Integer.parseInt(wss.split("/")[4]);
            try (Dnsmasq dns = Dnsmasq.start(List.of("--local=/test/", "--address=/node.test/127.0.0.1",
                    "--txt-record=_dnsaddr.boot.test,dnsaddr=" + ws))) {
                String server = "127.0.0.1:" + dns.address().getPort();
                assertPings("/dnsaddr/boot.test/p2p/" + m.group(1), "--dns-server", server);
                // The name is kept for TLS: the certificate holds node.test.
                assertPings("/dns4/node.test/tcp/" + wssPort + "/wss/p2p/" + m.group(1), "--dns-server", server,
                        "--wss-ca", caFile.toString());
            }
        }
    }

    @Test
    void wssNeedsCertificateAndKeyTogether() {
        CliRunner r = CliRunner.run("ping", "/ip4/127.0.0.1/tcp/1/ws/p2p/12D3KooWMtYJZzjNKPB4KkXUb4sUmw7LBzbASxbZWyqVbKQKXyjN",
                "--wss-cert", "x.pem");
        assertEquals(2, r.status());
        assertTrue(r.err().contains("--wss-key"), r.err());
    }
}
