package io.p2pkit.node.cli;

import io.p2pkit.testing.Await;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Runs {@code p2pkit daemon} as a real process and pings it with {@code p2pkit ping}. */
class DaemonAndPingTest {
    private static final Pattern READY = Pattern.compile(
            "\\{\"event\":\"ready\",\"peerId\":\"([^\"]+)\",\"addrs\":\\[\"([^\"]+)\".*");

    /** A daemon process whose stdout lines arrive on a queue. */
    record Daemon(Process process, BlockingQueue<String> lines, Path stderr) implements AutoCloseable {
        /** A daemon whose HTTP servers (on when {@code home} has a repository) take free ports, unless asked otherwise. */
        static Daemon start(Path home, String... args) throws IOException {
            List<String> all = new ArrayList<>(List.of(args));
            // never announce on the machine's LAN from a test (mDNS also stays off on loopback-only nodes)
            if (!all.contains("--no-mdns")) {
                all.add("--no-mdns");
            }
            for (String http : List.of("--api", "--gateway")) {
                if (!all.contains(http)) {
                    all.addAll(List.of(http, "127.0.0.1:0"));
                }
            }
            return command(home, "daemon", all.toArray(String[]::new));
        }

        /** Any long-running p2pkit command as a process (the perf server, for one). */
        static Daemon command(Path home, String command, String... args) throws IOException {
            return command(home, List.of(), command, args);
        }

        /** The same, with {@code jvmOptions} before the class path. */
        static Daemon command(Path home, List<String> jvmOptions, String command, String... args) throws IOException {
            List<String> cmd = new ArrayList<>();
            cmd.add(ProcessHandle.current().info().command().orElse("java"));
            cmd.addAll(jvmOptions);
            cmd.add("-cp");
            cmd.add(System.getProperty("java.class.path"));
            cmd.add(Main.class.getName());
            cmd.add(command);
            cmd.addAll(List.of(args));
            Path stderr = java.nio.file.Files.createTempFile(home, "daemon", ".err");
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectError(stderr.toFile());
            pb.environment().put("P2PKIT_HOME", home.toString());
            Process p = pb.start();
            BlockingQueue<String> lines = new LinkedBlockingQueue<>();
            Thread.ofVirtual().start(() -> {
                try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                    String line;
                    while ((line = r.readLine()) != null) {
                        lines.add(line);
                    }
                } catch (IOException ignored) {
                    // process ended
                }
            });
            return new Daemon(p, lines, stderr);
        }

        String next(String startsWith) throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (true) {
                String line = lines.poll(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                if (line == null) {
                    String err;
                    try {
                        err = java.nio.file.Files.readString(stderr);
                    } catch (IOException e) {
                        err = e.toString();
                    }
                    throw new AssertionError("daemon printed no line starting with " + startsWith + "; alive="
                            + process.isAlive() + (process.isAlive() ? "" : " exit=" + process.exitValue())
                            + " pending=" + lines + "; stderr:\n" + err);
                }
                if (line.startsWith(startsWith)) {
                    return line;
                }
            }
        }

        @Override
        public void close() throws InterruptedException {
            process.destroy();
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
    }

    @ParameterizedTest
    @CsvSource({"noise, yamux", "noise, mplex", "tls, yamux", "tls, mplex", "plaintext, yamux"})
    void pingsADaemon(String security, String muxer, @TempDir Path home) throws Exception {
        try (Daemon d = Daemon.start(home, "--listen", "/ip4/127.0.0.1/tcp/0", "--json",
                "--security", security, "--muxer", muxer)) {
            Matcher m = READY.matcher(d.next("{\"event\":\"ready\""));
            assertTrue(m.matches());
            String addr = m.group(2);
            assertTrue(addr.startsWith("/ip4/127.0.0.1/tcp/") && addr.endsWith("/p2p/" + m.group(1)), addr);

            CliRunner r = CliRunner.run("ping", addr, "--count", "3", "--interval", "10ms", "--json",
                    "--security", security, "--muxer", muxer);
            assertEquals(0, r.status(), r.err());
            String[] out = r.out().strip().split("\n");
            assertEquals(4, out.length, r.out());
            assertTrue(out[0].startsWith("{\"event\":\"connected\""), out[0]);
            assertTrue(out[0].contains("\"muxer\":\"/" + muxer), out[0]);
            assertTrue(out[0].contains("\"agentVersion\":\"p2pkit/"), out[0]);
            assertTrue(out[0].contains("\"/ipfs/ping/1.0.0\""), out[0]);
            for (int i = 1; i < 4; i++) {
                assertTrue(out[i].matches("\\{\"event\":\"ping\",\"rttMillis\":[0-9.]+}"), out[i]);
            }
            assertNotNull(d.next("{\"event\":\"connected\""));
        }
    }

    @Test
    void pingsADaemonOverQuic(@TempDir Path home) throws Exception {
        try (Daemon d = Daemon.start(home, "--listen", "/ip4/127.0.0.1/udp/0/quic-v1", "--json")) {
            Matcher m = READY.matcher(d.next("{\"event\":\"ready\""));
            assertTrue(m.matches());
            String addr = m.group(2);
            assertTrue(addr.startsWith("/ip4/127.0.0.1/udp/") && addr.endsWith("/quic-v1/p2p/" + m.group(1)), addr);

            CliRunner r = CliRunner.run("ping", addr, "--count", "2", "--interval", "10ms", "--json");
            assertEquals(0, r.status(), r.err());
            String[] out = r.out().strip().split("\n");
            assertEquals(3, out.length, r.out());
            assertTrue(out[0].contains("\"muxer\":\"/quic-v1\""), out[0]);
            assertNotNull(d.next("{\"event\":\"connected\""));
        }
    }

    @Test
    void pingsThroughARelayDaemon(@TempDir Path relayHome, @TempDir Path home) throws Exception {
        try (Daemon relay = Daemon.start(relayHome, "--listen", "/ip4/127.0.0.1/tcp/0", "--json", "--relay-service")) {
            Matcher r = READY.matcher(relay.next("{\"event\":\"ready\""));
            assertTrue(r.matches());
            String circuit = r.group(2) + "/p2p-circuit";
            try (Daemon target = Daemon.start(home, "--listen", "/ip4/127.0.0.1/tcp/0", "--listen", circuit, "--json")) {
                Matcher t = READY.matcher(target.next("{\"event\":\"ready\""));
                assertTrue(t.matches());
                CliRunner ping = CliRunner.run("ping", circuit + "/p2p/" + t.group(1), "--count", "2", "--interval",
                        "10ms", "--json");
                assertEquals(0, ping.status(), ping.err());
                String[] out = ping.out().strip().split("\n");
                assertEquals(3, out.length, ping.out());
                assertTrue(out[0].contains("\"relayed\":true") && out[0].contains("\"limited\":true"), out[0]);
                assertTrue(out[0].contains("/p2p-circuit"), out[0]);
                CliRunner text = CliRunner.run("ping", circuit + "/p2p/" + t.group(1), "--count", "1");
                assertEquals(0, text.status(), text.err());
                assertTrue(text.out().contains("relayed, limited to 120 s and 131072 bytes"), text.out());
            }
        }
    }

    @Test
    void pingsThroughAStaticRelayAutoRelayReservedOn(@TempDir Path relayHome, @TempDir Path home) throws Exception {
        try (Daemon relay = Daemon.start(relayHome, "--listen", "/ip4/127.0.0.1/tcp/0", "--json", "--relay-service")) {
            Matcher r = READY.matcher(relay.next("{\"event\":\"ready\""));
            assertTrue(r.matches());
            // no --listen …/p2p-circuit: AutoRelay reserves on the static relay by itself
            try (Daemon target = Daemon.start(home, "--listen", "/ip4/127.0.0.1/tcp/0", "--static-relay", r.group(2),
                    "--json")) {
                Matcher t = READY.matcher(target.next("{\"event\":\"ready\""));
                assertTrue(t.matches());
                String via = r.group(2) + "/p2p-circuit/p2p/" + t.group(1);
                AtomicReference<CliRunner> ping = new AtomicReference<>();
                Await.until("a ping through the relay (once the reservation is made)", () -> {
                    ping.set(CliRunner.run("ping", via, "--count", "1", "--json"));
                    return ping.get().status() == 0;
                }, Duration.ofSeconds(30));
                assertTrue(ping.get().out().contains("\"relayed\":true"), ping.get().out());
            }
        }
    }

    @Test
    void rendezvousPointsNeedTheirPeerIdAndTheNamespaceNeedsAPoint(@TempDir Path home) {
        String id = home.resolve("id.key").toString();
        CliRunner noPeer = CliRunner.run("daemon", "--identity", id, "--listen", "/ip4/127.0.0.1/tcp/0",
                "--rendezvous", "/ip4/127.0.0.1/tcp/1");
        assertEquals(2, noPeer.status());
        assertTrue(noPeer.err().contains("does not end in /p2p/<point>"), noPeer.err());
        CliRunner noPoint = CliRunner.run("daemon", "--identity", id, "--listen", "/ip4/127.0.0.1/tcp/0",
                "--rendezvous-ns", "team");
        assertEquals(2, noPoint.status());
        assertTrue(noPoint.err().contains("--rendezvous-ns needs --rendezvous"), noPoint.err());
        CliRunner badNs = CliRunner.run("daemon", "--identity", id, "--listen", "/ip4/127.0.0.1/tcp/0",
                "--rendezvous", "/ip4/127.0.0.1/tcp/1/p2p/12D3KooWMtYJZzjNKPB4KkXUb4sUmw7LBzbASxbZWyqVbKQKXyjN",
                "--rendezvous-ns", "");
        assertEquals(2, badNs.status());
        assertTrue(badNs.err().contains("1 to 255 bytes"), badNs.err());
    }

    @Test
    void staticRelaysNeedAutoRelay(@TempDir Path home) {
        CliRunner r = CliRunner.run("daemon", "--identity", home.resolve("id.key").toString(), "--listen",
                "/ip4/127.0.0.1/tcp/0", "--no-auto-relay", "--static-relay",
                "/ip4/127.0.0.1/tcp/1/p2p/12D3KooWMtYJZzjNKPB4KkXUb4sUmw7LBzbASxbZWyqVbKQKXyjN");
        assertEquals(2, r.status());
        assertTrue(r.err().contains("--no-auto-relay"), r.err());
    }

    /**
     * A daemon that listens on TCP alone never asks whether the native QUIC library loads, which
     * would start Netty (docs/PERFORMANCE.md, "QUIC made on its first use"); one whose addresses
     * include QUIC does.
     */
    @Test
    void aDaemonOnTcpAloneNeverStartsQuic(@TempDir Path home) throws Exception {
        for (boolean quic : new boolean[] {false, true}) {
            Path log = home.resolve("init-" + quic + ".log");
            List<String> args = new ArrayList<>(List.of("--listen", "/ip4/127.0.0.1/tcp/0", "--json", "--no-mdns",
                    "--api", "127.0.0.1:0", "--gateway", "127.0.0.1:0"));
            if (quic) {
                args.addAll(List.of("--listen", "/ip4/127.0.0.1/udp/0/quic-v1"));
            }
            try (Daemon d = Daemon.command(home, List.of("-Xlog:class+init=info:file=" + log), "daemon",
                    args.toArray(String[]::new))) {
                d.next("{\"event\":\"ready\"");
            }
            List<String> netty = java.nio.file.Files.readAllLines(log).stream()
                    .filter(l -> l.contains("Initializing 'io/netty/")).toList();
            assertEquals(quic, !netty.isEmpty(), (quic ? "QUIC listens without Netty? " : "a TCP daemon initialised Netty: ")
                    + netty.stream().limit(5).toList());
        }
    }

    @Test
    void stopsCleanlyOnSigterm(@TempDir Path home) throws Exception {
        Daemon d = Daemon.start(home, "--listen", "/ip4/127.0.0.1/tcp/0", "--json");
        d.next("{\"event\":\"ready\"");
        // SIGTERM through the handle: Process.destroy() would also close our end of its stdout.
        d.process().toHandle().destroy();
        assertEquals("{\"event\":\"stopped\"}", d.next("{\"event\":\"stopped\""));
        assertTrue(d.process().waitFor(30, TimeUnit.SECONDS));
    }

    @Test
    void pingOfAnUnreachablePeerFails() {
        CliRunner r = CliRunner.run("ping", "/ip4/127.0.0.1/tcp/1/p2p/12D3KooWMtYJZzjNKPB4KkXUb4sUmw7LBzbASxbZWyqVbKQKXyjN",
                "--count", "1");
        assertEquals(1, r.status());
        assertTrue(r.err().contains("cannot dial"), r.err());
    }

    @Test
    void pingNeedsAPeerId() {
        CliRunner r = CliRunner.run("ping", "/ip4/127.0.0.1/tcp/1");
        assertEquals(2, r.status());
        assertTrue(r.err().contains("/p2p/"), r.err());
    }
}
