package io.p2pkit.core.host;

import io.p2pkit.core.muxer.yamux.Yamux;
import io.p2pkit.core.connmgr.ConnectionManager;
import io.p2pkit.core.connmgr.ConnectionManagerConfig;
import io.p2pkit.core.metrics.HostMetrics;
import io.p2pkit.core.metrics.MetricRegistry;
import io.p2pkit.core.muxer.yamux.YamuxConfig;
import io.p2pkit.core.network.Connection;
import io.p2pkit.core.ping.PingService;
import io.p2pkit.core.resource.Resource;
import io.p2pkit.core.resource.ResourceLimits;
import io.p2pkit.core.resource.ResourceManager;
import io.p2pkit.core.resource.ResourceManagerConfig;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * A soak run (not a test; started by {@code scripts/soak}): one server host with limits, a
 * connection manager and metrics, and for the given time churning clients (connect, ping, echo,
 * disconnect), periodic stream floods and waves of half-open connections. Prints a status line
 * every 10 s and checks at the end that threads and descriptors went back to where they started.
 * Arguments: seconds (default 300), churning clients (default 8), seed (default 1).
 */
public final class SoakRun {
    private SoakRun() {
    }

    /** Entry point. */
    public static void main(String[] args) throws Exception {
        long seconds = args.length > 0 ? Long.parseLong(args[0]) : 300;
        int clients = args.length > 1 ? Integer.parseInt(args[1]) : 8;
        long seed = args.length > 2 ? Long.parseLong(args[2]) : 1;
        ResourceManagerConfig limits = ResourceManagerConfig.defaults().toBuilder()
                .peerDefault(ResourceManagerConfig.defaults().peerDefault().with(Resource.INBOUND_STREAMS, 64))
                .transientLimits(ResourceManagerConfig.defaults().transientLimits()
                        .with(Resource.INBOUND_CONNECTIONS, 32))
                .build();
        // Below the number of clients, so that the connection manager trims all the time.
        ConnectionManager cm = new ConnectionManager(new ConnectionManagerConfig(4, 6, Duration.ofSeconds(1),
                Duration.ofSeconds(2)));
        MetricRegistry registry = new MetricRegistry();
        AtomicLong pings = new AtomicLong();
        AtomicLong echoes = new AtomicLong();
        AtomicLong failures = new AtomicLong();
        AtomicLong mismatches = new AtomicLong();
        try (Host server = Host.builder().listen("/ip4/127.0.0.1/tcp/0").resourceManager(new ResourceManager(limits))
                .connectionManager(cm).build()) {
            HostMetrics.attach(server, registry);
            server.setStreamHandler("/echo/1.0.0", s -> s.in().transferTo(s.out()));
            server.setStreamHandler("/hold/1.0.0", s -> s.in().readAllBytes());
            PeerInfo target = new PeerInfo(server.peerId(), server.addresses());
            int port = server.addresses().get(0).toSocketAddress().orElseThrow().getPort();
            int baseThreads = server.network().threadCount();
            long baseFds = fds();
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
            List<Thread> workers = new ArrayList<>();
            for (int i = 0; i < clients; i++) {
                SplittableRandom rnd = new SplittableRandom(seed * 1000 + i);
                workers.add(Thread.ofVirtual().name("soak-client-" + i).start(() -> {
                    while (System.nanoTime() < end) {
                        try (Host c = Host.builder().build()) {
                            c.service(PingService.class).orElseThrow().ping(target);
                            pings.incrementAndGet();
                            int rounds = 1 + rnd.nextInt(10);
                            for (int r = 0; r < rounds; r++) {
                                byte[] data = new byte[rnd.nextInt(64 * 1024)];
                                rnd.nextBytes(data);
                                try (Stream s = c.newStream(target, "/echo/1.0.0")) {
                                    s.out().write(data);
                                    s.closeWrite();
                                    if (!java.util.Arrays.equals(s.in().readAllBytes(), data)) {
                                        mismatches.incrementAndGet();
                                    }
                                    echoes.incrementAndGet();
                                }
                            }
                            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(100 + rnd.nextInt(1000)));
                        } catch (IOException | RuntimeException e) {
                            failures.incrementAndGet(); // trimmed by the connection manager, or refused: churn on
                            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50)); // do not spin while refused
                        }
                    }
                }));
            }
            workers.add(Thread.ofVirtual().name("soak-stream-flood").start(() -> {
                while (System.nanoTime() < end) {
                    try (Host a = Host.builder().resourceManager(new ResourceManager())
                            .muxer(Yamux.factory(YamuxConfig.defaults().withStreamLimits(1000, 5000, 256))).muxers("mplex").build()) {
                        Connection conn = a.connect(target);
                        for (int i = 0; i < 2000; i++) {
                            try {
                                Stream s = a.newStream(conn, "/hold/1.0.0");
                                s.out().write(1);
                                s.out().flush();
                            } catch (IOException e) {
                                // refused: the server's limits at work (counted in its blocked resources)
                            }
                        }
                    } catch (IOException | RuntimeException e) {
                        failures.incrementAndGet();
                    }
                    LockSupport.parkNanos(TimeUnit.SECONDS.toNanos(20));
                }
            }));
            workers.add(Thread.ofVirtual().name("soak-connection-flood").start(() -> {
                while (System.nanoTime() < end) {
                    List<Socket> sockets = new ArrayList<>();
                    for (int i = 0; i < 200; i++) {
                        try {
                            Socket s = new Socket();
                            s.connect(new InetSocketAddress("127.0.0.1", port), 2000);
                            sockets.add(s);
                        } catch (IOException ignored) {
                            // refused under load
                        }
                    }
                    LockSupport.parkNanos(TimeUnit.SECONDS.toNanos(2));
                    for (Socket s : sockets) {
                        try {
                            s.close();
                        } catch (IOException ignored) {
                            // closing anyway
                        }
                    }
                    LockSupport.parkNanos(TimeUnit.SECONDS.toNanos(13));
                }
            }));
            long started = System.nanoTime();
            long maxHeap = 0;
            while (System.nanoTime() < end) {
                LockSupport.parkNanos(TimeUnit.SECONDS.toNanos(10));
                Runtime rt = Runtime.getRuntime();
                long heap = (rt.totalMemory() - rt.freeMemory()) >> 20;
                maxHeap = Math.max(maxHeap, heap);
                ResourceManager rm = server.network().resources();
                System.out.printf("t=%3ds conns=%3d streams=%4d netThreads=%4d fds=%4d heapMiB=%4d pings=%d echoes=%d "
                                + "clientErrors=%d blocked=%s%n",
                        TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started), server.network().connections().size(),
                        rm.system().used(Resource.STREAMS), server.network().threadCount(), fds(), heap, pings.get(),
                        echoes.get(), failures.get(), blockedSummary(rm));
            }
            for (Thread w : workers) {
                w.join(TimeUnit.SECONDS.toMillis(60));
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while ((server.network().threadCount() > baseThreads || fds() > baseFds
                    || !server.network().connections().isEmpty()) && System.nanoTime() < deadline) {
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(100));
            }
            boolean ok = server.network().threadCount() <= baseThreads && fds() <= baseFds
                    && server.network().connections().isEmpty() && mismatches.get() == 0;
            System.out.printf("end: netThreads=%d (start %d) fds=%d (start %d) conns=%d maxHeapMiB=%d pings=%d echoes=%d "
                            + "echoMismatches=%d clientErrors=%d -> %s%n", server.network().threadCount(), baseThreads, fds(),
                    baseFds, server.network().connections().size(), maxHeap, pings.get(), echoes.get(), mismatches.get(),
                    failures.get(), ok ? "OK" : "FAILED");
            System.exit(ok ? 0 : 1);
        }
    }

    private static String blockedSummary(ResourceManager rm) {
        StringBuilder sb = new StringBuilder();
        rm.blocked().forEach((k, v) -> sb.append(k.scope()).append('/').append(k.resource().name().toLowerCase())
                .append('=').append(v).append(' '));
        return sb.toString().trim().replace(' ', ',');
    }

    private static long fds() {
        try (java.util.stream.Stream<Path> s = Files.list(Path.of("/proc/self/fd"))) {
            return s.count();
        } catch (IOException e) {
            return -1;
        }
    }
}
