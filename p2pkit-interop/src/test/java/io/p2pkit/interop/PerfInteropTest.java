package io.p2pkit.interop;

import io.p2pkit.core.host.Host;
import io.p2pkit.core.host.PeerInfo;
import io.p2pkit.core.network.Connection;
import io.p2pkit.core.perf.PerfListener;
import io.p2pkit.core.perf.PerfResult;
import io.p2pkit.core.perf.PerfService;
import io.p2pkit.testing.Prerequisites;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code /perf/1.0.0} between p2pkit and the js and go perf programs, both directions, over Noise
 * and TLS (yamux). Sizes stay at a few MiB so the suite stays fast.
 */
@InteropArea("Perf (/perf/1.0.0)")
class PerfInteropTest {
    private static final long UPLOAD = 2L << 20;
    private static final long DOWNLOAD = 3L << 20;
    private static final Pattern FINAL = Pattern.compile(
            "\\{\"type\":\"final\",\"timeSeconds\":[0-9.eE+-]+,\"uploadBytes\":(\\d+),\"downloadBytes\":(\\d+)}");

    static java.util.stream.Stream<Arguments> cases() {
        List<Arguments> out = new ArrayList<>();
        for (Implementation impl : List.of(Implementation.JS, Implementation.GO)) {
            for (String security : impl.securities()) {
                out.add(Arguments.of(impl, security));
            }
        }
        return out.stream();
    }

    /** A perf program whose stdout lines arrive on a queue. */
    private record Program(Process process, BlockingQueue<String> lines, StringBuilder stderr) implements AutoCloseable {
        static Program start(Implementation impl, List<String> args) throws IOException {
            List<String> cmd = new ArrayList<>(impl.perfCommand(Toolchains.get().peers()).orElseThrow());
            cmd.addAll(args);
            Process p = new ProcessBuilder(cmd).start();
            BlockingQueue<String> lines = new LinkedBlockingQueue<>();
            StringBuilder err = new StringBuilder();
            Thread.ofVirtual().start(() -> pump(p.getInputStream(), lines::add));
            Thread.ofVirtual().start(() -> pump(p.getErrorStream(), l -> {
                synchronized (err) {
                    err.append(l).append('\n');
                }
            }));
            return new Program(p, lines, err);
        }

        private static void pump(java.io.InputStream in, java.util.function.Consumer<String> sink) {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    sink.accept(line);
                }
            } catch (IOException ignored) {
                // the process ended
            }
        }

        String next(String prefix) throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (true) {
                String line = lines.poll(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                if (line == null) {
                    String err;
                    synchronized (stderr) {
                        err = stderr.toString();
                    }
                    throw new AssertionError("no line starting with " + prefix + "; alive=" + process.isAlive()
                            + "; stderr:\n" + err);
                }
                if (line.startsWith(prefix)) {
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

    private static void requireBuilt(Implementation impl) {
        Toolchains.require(impl);
    }

    @ParameterizedTest(name = "p2pkit client, {0} server, {1}")
    @MethodSource("cases")
    void p2pkitMeasuresAgainstTheirServer(Implementation impl, String security) throws Exception {
        requireBuilt(impl);
        try (Program server = Program.start(impl, List.of("--run-server", "--server-address", "127.0.0.1:0",
                "--security", security));
             Host client = Host.builder().security(security).muxers("yamux").build()) {
            String addr = server.next("/ip4/127.0.0.1/tcp/");
            Connection c = client.connect(PeerInfo.parse(addr));
            PerfService perf = PerfService.client(client);
            PerfResult r = perf.measure(c, UPLOAD, DOWNLOAD, PerfListener.NONE);
            assertEquals(UPLOAD, r.uploadBytes());
            assertEquals(DOWNLOAD, r.downloadBytes());
            // Zero bytes both ways: the request and an immediate half-close from each side.
            assertEquals(0, perf.measure(c, 0, 0, PerfListener.NONE).downloadBytes());
        }
    }

    @ParameterizedTest(name = "{0} client, p2pkit server, {1}")
    @MethodSource("cases")
    void theirClientMeasuresAgainstP2pkit(Implementation impl, String security) throws Exception {
        requireBuilt(impl);
        try (Host server = Host.builder().listen("/ip4/127.0.0.1/tcp/0").security(security).muxers("yamux")
                .perf(true).build()) {
            String addr = server.addresses().get(0).encapsulate("/p2p/" + server.peerId()).toString();
            try (Program client = Program.start(impl, List.of("--server-address", addr, "--security", security,
                    "--upload-bytes", Long.toString(UPLOAD), "--download-bytes", Long.toString(DOWNLOAD),
                    "--runs", "2"))) {
                for (int run = 0; run < 2; run++) {
                    Matcher m = FINAL.matcher(client.next("{\"type\":\"final\""));
                    assertTrue(m.matches());
                    assertEquals(UPLOAD, Long.parseLong(m.group(1)));
                    assertEquals(DOWNLOAD, Long.parseLong(m.group(2)));
                }
                assertTrue(client.process().waitFor(60, TimeUnit.SECONDS));
                assertEquals(0, client.process().exitValue(), client.stderr()::toString);
            }
        }
    }

    /**
     * Over QUIC, three runs from one client process, each on a new connection. js-libp2p's QUIC
     * resumes the TLS session of the first connection on the next ones and sends no certificate;
     * p2pkit then verifies the peer from the session (it used to close those connections).
     */
    @ParameterizedTest(name = "{0} client, p2pkit server, quic-v1")
    @EnumSource(value = Implementation.class, names = {"JS", "GO"})
    void theirClientMeasuresAgainstP2pkitOverQuic(Implementation impl) throws Exception {
        requireBuilt(impl);
        Prerequisites.require(io.p2pkit.quic.QuicTransport.isAvailable(), "Netty's native QUIC library does not load on this machine");
        try (Host server = Host.builder().listen("/ip4/127.0.0.1/udp/0/quic-v1")
                .transport(key -> new io.p2pkit.core.transport.tcp.TcpTransport())
                .transport(io.p2pkit.quic.QuicTransport::new).perf(true).build()) {
            String addr = server.addresses().get(0).encapsulate("/p2p/" + server.peerId()).toString();
            try (Program client = Program.start(impl, List.of("--server-address", addr, "--transport", "quic-v1",
                    "--upload-bytes", "1000", "--download-bytes", "1000", "--runs", "3"))) {
                for (int run = 0; run < 3; run++) {
                    Matcher m = FINAL.matcher(client.next("{\"type\":\"final\""));
                    assertTrue(m.matches());
                    assertEquals(1000, Long.parseLong(m.group(2)));
                }
                assertTrue(client.process().waitFor(60, TimeUnit.SECONDS));
                assertEquals(0, client.process().exitValue(), client.stderr()::toString);
            }
        }
    }

    /** Over plain WebSocket (then Noise and yamux), the benchmark runner's ws row: two runs per client. */
    @ParameterizedTest(name = "{0} client, p2pkit server, ws")
    @EnumSource(value = Implementation.class, names = {"JS", "GO"})
    void theirClientMeasuresAgainstP2pkitOverWebSocket(Implementation impl) throws Exception {
        requireBuilt(impl);
        try (Host server = Host.builder().transport(key -> new io.p2pkit.core.transport.tcp.TcpTransport())
                .transport(key -> new io.p2pkit.websocket.WebSocketTransport())
                .listen("/ip4/127.0.0.1/tcp/0/ws").perf(true).build()) {
            String addr = server.addresses().get(0).encapsulate("/p2p/" + server.peerId()).toString();
            try (Program client = Program.start(impl, List.of("--server-address", addr, "--transport", "ws",
                    "--upload-bytes", "1000", "--download-bytes", "1000", "--runs", "2"))) {
                for (int run = 0; run < 2; run++) {
                    Matcher m = FINAL.matcher(client.next("{\"type\":\"final\""));
                    assertTrue(m.matches());
                    assertEquals(1000, Long.parseLong(m.group(2)));
                }
                assertTrue(client.process().waitFor(60, TimeUnit.SECONDS));
                assertEquals(0, client.process().exitValue(), client.stderr()::toString);
            }
        }
    }
}
