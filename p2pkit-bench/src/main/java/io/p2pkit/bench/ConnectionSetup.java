package io.p2pkit.bench;

import io.p2pkit.core.host.Host;
import io.p2pkit.core.host.PeerInfo;
import io.p2pkit.core.host.Stream;
import io.p2pkit.core.network.Connection;
import io.p2pkit.core.transport.tcp.TcpTransport;

import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import java.util.TreeMap;

/**
 * Connection establishment plus a 1-byte round trip between two p2pkit hosts in this JVM over
 * loopback TCP+Noise (or TLS)+yamux: dial, upgrade, open a stream, send one byte and read its echo, then
 * close the connection. Prints the median and 95th percentile of the runs, how many one-way
 * flights the exchange took on the wire (see {@link FlightRecorder}), and the wire log of the
 * first run with the fewest flights. Both hosts have their default services (identify, ping) on, as in real use.
 *
 * <p>Arguments: {@code [runs] [warm-up runs] [security]}, default 100, 20 and {@code noise}
 * ({@code tls} for TLS 1.3). Run it with {@code scripts/bench-connect}.
 */
public final class ConnectionSetup {
    private static final String ECHO = "/echo/1.0.0";

    private ConnectionSetup() {
    }

    /** Runs the benchmark. */
    public static void main(String[] args) throws Exception {
        int runs = args.length > 0 ? Integer.parseInt(args[0]) : 100;
        int warmup = args.length > 1 ? Integer.parseInt(args[1]) : 20;
        String security = args.length > 2 ? args[2] : "noise";
        FlightRecorder recorder = new FlightRecorder();
        try (Host listener = Host.builder().listen("/ip4/127.0.0.1/tcp/0").security(security)
                .transport(key -> recorder.wrap(new TcpTransport(), false)).build();
             Host dialer = Host.builder().security(security)
                     .transport(key -> recorder.wrap(new TcpTransport(false), true)).build()) {
            serveEcho(listener);
            PeerInfo target = new PeerInfo(listener.peerId(), listener.addresses());
            long[] nanos = new long[runs];
            TreeMap<Integer, Integer> flights = new TreeMap<>();
            FlightRecorder.Wire best = null;
            int bestFlight = Integer.MAX_VALUE;
            for (int i = -warmup; i < runs; i++) {
                long start = System.nanoTime();
                Connection c = dialer.connect(target);
                echo(dialer, c);
                long took = System.nanoTime() - start;
                FlightRecorder.Wire wire = recorder.wire(c.localAddress());
                int flight = wire.dialerFlight();
                c.close();
                if (i >= 0) {
                    nanos[i] = took;
                    flights.merge(flight, 1, Integer::sum);
                    if (flight < bestFlight) {
                        best = wire;
                        bestFlight = flight;
                    }
                }
            }
            Arrays.sort(nanos);
            System.out.printf("dial + upgrade (%s) + stream + 1-byte echo, %d runs after %d warm-up runs:%n",
                    security, runs, warmup);
            System.out.printf("  median %.3f ms, p95 %.3f ms, min %.3f ms, max %.3f ms%n", nanos[runs / 2] / 1e6,
                    nanos[(int) Math.ceil(runs * 0.95) - 1] / 1e6, nanos[0] / 1e6, nanos[runs - 1] / 1e6);
            System.out.println("  flight on which the dialer had read the echo (runs): " + flights
                    + "; add the TCP handshake's round trip");
            System.out.println("wire log of the first run with the fewest flights (sizes are TCP payload bytes):");
            List<FlightRecorder.Event> events = best.events();
            long t0 = events.getFirst().micros();
            for (FlightRecorder.Event e : events) {
                System.out.println("  " + new FlightRecorder.Event(e.micros() - t0, e.side(), e.op(), e.bytes(), e.flight()));
            }
        }
    }

    /** Makes {@code listener} answer the echo protocol: the byte it reads, then the stream's end. */
    static void serveEcho(Host listener) {
        listener.setStreamHandler(ECHO, s -> {
            int b = s.in().read();
            s.out().write(b);
            s.out().flush();
            s.close();
        });
    }

    /** Opens an echo stream on {@code c}, sends one byte and checks that it comes back. */
    static void echo(Host dialer, Connection c) throws IOException {
        try (Stream s = dialer.newStream(c, ECHO)) {
            s.out().write(42);
            s.out().flush();
            if (s.in().read() != 42) {
                throw new IOException("wrong echo");
            }
        }
    }
}
