package io.p2pkit.webrtc.bench;

import io.p2pkit.core.host.Host;
import io.p2pkit.core.multiaddr.Multiaddr;
import io.p2pkit.core.network.Connection;
import io.p2pkit.core.perf.PerfListener;
import io.p2pkit.core.perf.PerfResult;
import io.p2pkit.core.perf.PerfService;
import io.p2pkit.core.transport.tcp.TcpTransport;
import io.p2pkit.nat.relay.RelayClient;
import io.p2pkit.nat.relay.RelayConfig;
import io.p2pkit.nat.relay.RelayService;
import io.p2pkit.webrtc.transport.WebRtcDirectTransport;
import io.p2pkit.webrtc.transport.WebRtcTransport;

import java.io.IOException;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Browser-to-browser WebRTC ({@code /webrtc}, signalled through a circuit relay) and WebRTC-direct
 * between two p2pkit hosts on loopback, side by side in one JVM: {@code /perf/1.0.0} upload and
 * download of N MiB, each repetition on a new connection, the two transports alternating; then the
 * time to a new connection and a 1-byte round trip. A {@code /webrtc} connection's time includes
 * the relayed connection it is signalled over (every connection to the server is closed between
 * runs); then the time the client takes to close it (for {@code /webrtc}, the relayed one too). Not a test: {@code scripts/bench-webrtc} runs it.
 *
 * <pre>WebRtcThroughput [MiB] [repetitions] [connect runs]</pre>
 */
public final class WebRtcThroughput {
    private static final long MIB = 1 << 20;

    private WebRtcThroughput() {
    }

    /** Runs the benchmark and prints its table. */
    public static void main(String[] args) throws Exception {
        int mib = args.length > 0 ? Integer.parseInt(args[0]) : 100;
        int reps = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        int connects = args.length > 2 ? Integer.parseInt(args[2]) : 30;
        InetAddress loopback = InetAddress.getLoopbackAddress();
        try (Host relay = Host.builder().listen("/ip4/127.0.0.1/tcp/0").build();
             Host server = peer(loopback, true);
             Host client = peer(loopback, false)) {
            RelayService.attach(relay, RelayConfig.defaults());
            Multiaddr circuit = relay.addresses().get(0).encapsulate("/p2p/" + relay.peerId()).encapsulate("/p2p-circuit");
            server.listen(circuit);
            server.listen(Multiaddr.parse("/webrtc"));
            PerfService.attach(server);
            PerfService perf = PerfService.client(client);
            Multiaddr direct = server.addresses().stream().filter(a -> a.toString().contains("/webrtc-direct/"))
                    .findFirst().orElseThrow().encapsulate("/p2p/" + server.peerId());
            Map<String, Multiaddr> targets = new LinkedHashMap<>();
            targets.put("WebRTC-direct", direct);
            targets.put("/webrtc (through the relay)", circuit.encapsulate("/webrtc/p2p/" + server.peerId()));
            Map<String, Samples> samples = new LinkedHashMap<>();
            targets.keySet().forEach(k -> samples.put(k, new Samples()));

            System.out.printf("%d MiB, %d repetitions (+1 cold), %d connections per transport%n", mib, reps, connects);
            for (int r = 0; r <= reps; r++) {
                List<String> order = new ArrayList<>(targets.keySet());
                if (r % 2 == 1) {
                    java.util.Collections.reverse(order);
                }
                for (String name : order) {
                    Connection c = fresh(client, server, targets.get(name));
                    PerfResult up = perf.measure(c, mib * MIB, 0, PerfListener.NONE);
                    PerfResult down = perf.measure(c, 0, mib * MIB, PerfListener.NONE);
                    double upMibs = mib / seconds(up.upload());
                    double downMibs = mib / seconds(down.download());
                    System.out.printf(Locale.ROOT, "%s rep %d%s: up %.1f MiB/s, down %.1f MiB/s%n", name, r,
                            r == 0 ? " (cold)" : "", upMibs, downMibs);
                    if (r == 0) {
                        samples.get(name).coldUp = upMibs;
                        samples.get(name).coldDown = downMibs;
                    } else {
                        samples.get(name).up.add(upMibs);
                        samples.get(name).down.add(downMibs);
                    }
                }
            }
            for (int i = 0; i < connects; i++) {
                for (String name : targets.keySet()) {
                    closeAll(client, server);
                    long start = System.nanoTime();
                    Connection c = fresh(client, server, targets.get(name));
                    perf.measure(c, 1, 1, PerfListener.NONE);
                    samples.get(name).connect.add((System.nanoTime() - start) / 1e6);
                    long closing = System.nanoTime(); // this connection (for /webrtc, its relayed one too)
                    closeAll(client, server);
                    samples.get(name).close.add((System.nanoTime() - closing) / 1e6);
                }
            }
            System.out.println();
            System.out.println("| transport | up, warm median (min–max) | down, warm median (min–max) | up / down, cold "
                    + "| connection + 1-byte round trip, median (p90) | closing it, median (p90) |");
            System.out.println("|---|---:|---:|---:|---:|---:|");
            for (Map.Entry<String, Samples> e : samples.entrySet()) {
                Samples s = e.getValue();
                System.out.printf(Locale.ROOT, "| %s | %s MiB/s | %s MiB/s | %.0f / %.0f MiB/s | %.1f ms (%.1f ms) | %.1f ms (%.1f ms) |%n",
                        e.getKey(), range(s.up), range(s.down), s.coldUp, s.coldDown,
                        percentile(s.connect, 50), percentile(s.connect, 90),
                        percentile(s.close, 50), percentile(s.close, 90));
            }
        }
    }

    /** A host with TCP (to reach the relay), the relay client, /webrtc and WebRTC-direct on loopback. */
    private static Host peer(InetAddress loopback, boolean listenDirect) throws IOException {
        var b = Host.builder().transport(key -> new TcpTransport()).transport(WebRtcDirectTransport::new);
        if (listenDirect) {
            b.listen("/ip4/127.0.0.1/udp/0/webrtc-direct");
        }
        Host h = b.build();
        RelayClient.attach(h);
        WebRtcTransport.attach(h, WebRtcTransport.Config.defaults().withHostAddresses(List.of(loopback)));
        return h;
    }

    /** A new connection to {@code server} at {@code address}, every earlier one to it closed first. */
    private static Connection fresh(Host client, Host server, Multiaddr address) throws IOException {
        closeAll(client, server);
        return client.connect(address);
    }

    private static void closeAll(Host client, Host server) {
        for (Connection old : client.network().connections(server.peerId())) {
            old.close();
        }
    }

    private static double seconds(java.time.Duration d) {
        return d.toNanos() / 1e9;
    }

    private static String range(List<Double> v) {
        return String.format(Locale.ROOT, "%.0f (%.0f–%.0f)", percentile(v, 50),
                v.stream().mapToDouble(Double::doubleValue).min().orElse(0),
                v.stream().mapToDouble(Double::doubleValue).max().orElse(0));
    }

    private static double percentile(List<Double> values, int p) {
        List<Double> v = new ArrayList<>(values);
        v.sort(null);
        if (v.isEmpty()) {
            return Double.NaN;
        }
        int i = (int) Math.ceil(p / 100.0 * v.size()) - 1;
        return v.get(Math.max(0, Math.min(v.size() - 1, i)));
    }

    private static final class Samples {
        final List<Double> up = new ArrayList<>();
        final List<Double> down = new ArrayList<>();
        final List<Double> connect = new ArrayList<>();
        final List<Double> close = new ArrayList<>();
        double coldUp;
        double coldDown;
    }
}
