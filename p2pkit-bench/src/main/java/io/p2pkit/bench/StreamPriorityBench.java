package io.p2pkit.bench;

import io.p2pkit.core.host.Host;
import io.p2pkit.core.host.HostBuilder;
import io.p2pkit.core.host.PeerInfo;
import io.p2pkit.core.host.Stream;
import io.p2pkit.core.muxer.StreamPriority;
import io.p2pkit.core.network.Connection;
import io.p2pkit.core.transport.memory.MemoryNetwork;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Stream priorities under contention: two hosts on loopback TCP + Noise + yamux, one connection.
 * Several bulk streams write continuously from the dialer to the listener and saturate the
 * connection; meanwhile one request/response stream on the same connection sends a request of
 * {@code --request} bytes and waits for a 100-byte answer, {@code --requests} times with a short
 * pause between. Each round runs twice on a fresh connection: without priorities (every stream
 * NORMAL) and with them (bulk LOW, request HIGH); the rounds alternate so that drift of the
 * machine hits both. Reports the request's latency (median, p99) and the bulk throughput (what
 * the listener received while requests ran).
 *
 * <pre>
 * scripts/bench-priorities [--bulk-streams 4] [--requests 200] [--request 100,65536] [--rounds 2]
 *                          [--link tcp|memory] [--pipe-kib 256] [--delay-ms 1]   (memory: a link with a small buffer)
 * </pre>
 */
public final class StreamPriorityBench {
    private static final String BULK = "/bench/bulk/1.0.0";
    private static final String RPC = "/bench/rpc/1.0.0";
    private static final int RESPONSE = 100;
    private static final int CHUNK = 64 * 1024;

    private StreamPriorityBench() {
    }

    /** What one measurement gave. */
    private record Result(double[] latencyMicros, double bulkMiBs) {
    }

    /** Runs the benchmark and prints a Markdown table. */
    public static void main(String[] args) throws Exception {
        int bulkStreams = 4;
        int requests = 200;
        int rounds = 2;
        int[] requestSizes = {100, 65536};
        String link = "tcp";
        int pipeKib = 256;
        int delayMillis = 1;
        for (int i = 0; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--bulk-streams" -> bulkStreams = Integer.parseInt(args[i + 1]);
                case "--requests" -> requests = Integer.parseInt(args[i + 1]);
                case "--rounds" -> rounds = Integer.parseInt(args[i + 1]);
                case "--link" -> link = args[i + 1];
                case "--pipe-kib" -> pipeKib = Integer.parseInt(args[i + 1]);
                case "--delay-ms" -> delayMillis = Integer.parseInt(args[i + 1]);
                case "--request" -> requestSizes = Arrays.stream(args[i + 1].split(",")).mapToInt(Integer::parseInt).toArray();
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        AtomicLong received = new AtomicLong();
        HostBuilder listenerBuilder = Host.builder().security("noise").muxers("yamux");
        HostBuilder dialerBuilder = Host.builder().security("noise").muxers("yamux");
        String linkName;
        if (link.equals("memory")) {
            MemoryNetwork network = new MemoryNetwork(pipeKib * 1024);
            Duration oneWay = Duration.ofMillis(delayMillis);
            network.latency((from, to) -> oneWay);
            listenerBuilder.transport(key -> network.transport()).listen("/memory/0");
            dialerBuilder.transport(key -> network.transport());
            linkName = "in-memory link, " + pipeKib + " KiB buffered per direction, " + delayMillis + " ms one way, Noise + yamux";
        } else {
            listenerBuilder.listen("/ip4/127.0.0.1/tcp/0");
            linkName = "loopback TCP + Noise + yamux";
        }
        try (Host listener = listenerBuilder.build();
             Host dialer = dialerBuilder.build()) {
            listener.setStreamHandler(BULK, s -> {
                byte[] buf = new byte[CHUNK];
                InputStream in = s.in();
                int n;
                while ((n = in.read(buf)) > 0) {
                    received.addAndGet(n);
                }
            });
            listener.setStreamHandler(RPC, s -> {
                DataInputStream in = new DataInputStream(s.in());
                DataOutputStream out = new DataOutputStream(s.out());
                byte[] answer = new byte[RESPONSE];
                while (true) {
                    int length;
                    try {
                        length = in.readInt();
                    } catch (java.io.EOFException end) {
                        return;
                    }
                    in.skipNBytes(length);
                    out.writeInt(answer.length);
                    out.write(answer);
                    out.flush();
                }
            });
            PeerInfo target = new PeerInfo(listener.peerId(), listener.addresses());
            System.out.printf(Locale.ROOT, "%s: %d bulk streams, %d requests per measurement, answer %d B, %d rounds%n%n",
                    linkName, bulkStreams, requests, RESPONSE, rounds);
            // warm-up: compiles the data path before anything is counted
            for (int size : requestSizes) {
                run(dialer, target, received, bulkStreams, Math.max(50, requests / 4), size, false);
                run(dialer, target, received, bulkStreams, Math.max(50, requests / 4), size, true);
            }
            System.out.println("| request | priorities | latency median (µs) | latency p99 (µs) | bulk throughput (MiB/s) |");
            System.out.println("|---:|---|---:|---:|---:|");
            for (int size : requestSizes) {
                Result idle = run(dialer, target, received, 0, requests, size, false);
                print(size, "none, idle connection (no bulk)", idle);
                List<Double> offLat = new ArrayList<>();
                List<Double> onLat = new ArrayList<>();
                double offBulk = 0;
                double onBulk = 0;
                for (int r = 0; r < rounds; r++) {
                    Result off = run(dialer, target, received, bulkStreams, requests, size, false);
                    Result on = run(dialer, target, received, bulkStreams, requests, size, true);
                    Arrays.stream(off.latencyMicros).forEach(offLat::add);
                    Arrays.stream(on.latencyMicros).forEach(onLat::add);
                    offBulk += off.bulkMiBs / rounds;
                    onBulk += on.bulkMiBs / rounds;
                }
                print(size, "without (all NORMAL)", new Result(offLat.stream().mapToDouble(Double::doubleValue).toArray(), offBulk));
                print(size, "with (bulk LOW, request HIGH)", new Result(onLat.stream().mapToDouble(Double::doubleValue).toArray(), onBulk));
            }
        }
    }

    private static void print(int size, String mode, Result r) {
        double[] sorted = r.latencyMicros.clone();
        Arrays.sort(sorted);
        System.out.printf(Locale.ROOT, "| %s | %s | %.0f | %.0f | %s |%n", size >= 1024 ? size / 1024 + " KiB" : size + " B", mode,
                percentile(sorted, 50), percentile(sorted, 99), r.bulkMiBs > 0 ? String.format(Locale.ROOT, "%.0f", r.bulkMiBs) : "–");
    }

    private static double percentile(double[] sorted, double p) {
        int i = (int) Math.ceil(p / 100 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, i))];
    }

    /** One measurement on a fresh connection. */
    private static Result run(Host dialer, PeerInfo target, AtomicLong received, int bulkStreams, int requests,
                              int requestSize, boolean priorities) throws Exception {
        Connection c = dialer.connect(target);
        AtomicBoolean stop = new AtomicBoolean();
        List<Thread> writers = new ArrayList<>();
        List<Stream> bulk = new ArrayList<>();
        try {
            for (int i = 0; i < bulkStreams; i++) {
                Stream s = dialer.newStream(c, BULK);
                s.setPriority(priorities ? StreamPriority.LOW : StreamPriority.NORMAL);
                bulk.add(s);
                writers.add(Thread.ofVirtual().start(() -> {
                    byte[] chunk = new byte[CHUNK];
                    try {
                        while (!stop.get()) {
                            s.out().write(chunk);
                        }
                        s.out().flush();
                    } catch (IOException e) {
                        stop.set(true);
                    }
                }));
            }
            double[] latency = new double[requests];
            try (Stream rpc = dialer.newStream(c, RPC)) {
                rpc.setPriority(priorities ? StreamPriority.HIGH : StreamPriority.NORMAL);
                DataOutputStream out = new DataOutputStream(rpc.out());
                DataInputStream in = new DataInputStream(rpc.in());
                byte[] request = new byte[requestSize];
                // the bulk streams get going before anything is timed
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(bulkStreams > 0 ? 300 : 0));
                long bytesBefore = received.get();
                long start = System.nanoTime();
                for (int i = 0; i < requests; i++) {
                    long t0 = System.nanoTime();
                    out.writeInt(request.length);
                    out.write(request);
                    out.flush();
                    int length = in.readInt();
                    in.skipNBytes(length);
                    latency[i] = (System.nanoTime() - t0) / 1e3;
                    LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(2));
                }
                double seconds = (System.nanoTime() - start) / 1e9;
                double mibs = (received.get() - bytesBefore) / seconds / (1024 * 1024);
                rpc.closeWrite();
                return new Result(latency, mibs);
            }
        } finally {
            stop.set(true);
            for (Thread t : writers) {
                t.join(TimeUnit.SECONDS.toMillis(30));
            }
            for (Stream s : bulk) {
                s.reset();
            }
            c.close();
        }
    }
}
