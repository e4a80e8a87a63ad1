package io.p2pkit.core.host;

import io.p2pkit.core.muxer.yamux.Yamux;
import io.p2pkit.core.multiaddr.IpNetwork;
import io.p2pkit.core.multiaddr.Multiaddr;
import io.p2pkit.core.muxer.yamux.YamuxConfig;
import io.p2pkit.core.network.Connection;
import io.p2pkit.core.ping.PingService;
import io.p2pkit.core.resource.AllowList;
import io.p2pkit.core.resource.Resource;
import io.p2pkit.core.resource.ResourceLimits;
import io.p2pkit.core.resource.ResourceManager;
import io.p2pkit.core.resource.ResourceManagerConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A node under abuse over loopback: a peer opening 10,000 streams, a flood of connections, a peer
 * that never reads. The limits hold, the memory reserved for buffers stays under the connection
 * limit, a well-behaved peer still gets its pings answered, and the node's threads, file
 * descriptors and reserved memory return to their baseline once the abusers leave.
 */
class AbuseTest {
    private static final int PEER_INBOUND_STREAMS = 64;
    private static final int TRANSIENT_INBOUND_CONNECTIONS = 16;
    private static final int SYSTEM_INBOUND_CONNECTIONS = 64;
    /** go's default per-connection memory: about a hundred untouched yamux windows. */
    private static final long CONNECTION_MEMORY = 32L << 20;

    private Host server;
    private Host good;
    private PeerInfo serverOverV6;
    private int baselineNetworkThreads;
    private int baselinePlatformThreads;
    private long baselineFds;
    private long baselineMemory;

    @BeforeEach
    void start() throws Exception {
        ResourceLimits u = ResourceLimits.unlimited();
        ResourceManagerConfig limits = ResourceManagerConfig.builder()
                .system(u.with(Resource.INBOUND_CONNECTIONS, SYSTEM_INBOUND_CONNECTIONS).with(Resource.INBOUND_STREAMS, 1024))
                .transientLimits(u.with(Resource.INBOUND_CONNECTIONS, TRANSIENT_INBOUND_CONNECTIONS)
                        .with(Resource.INBOUND_STREAMS, 128))
                .allowlistedSystem(u.with(Resource.INBOUND_CONNECTIONS, 8))
                .allowlistedTransient(u.with(Resource.INBOUND_CONNECTIONS, 8))
                .peerDefault(u.with(Resource.INBOUND_STREAMS, PEER_INBOUND_STREAMS).with(Resource.INBOUND_CONNECTIONS, 4))
                .connection(u.with(Resource.MEMORY, CONNECTION_MEMORY))
                // The well-behaved peer comes over IPv6 loopback, the abusers over IPv4.
                .allowList(AllowList.empty().withNetwork(IpNetwork.parse("::1/128")))
                .build();
        server = Host.builder().listen("/ip4/127.0.0.1/tcp/0", "/ip6/::1/tcp/0")
                .resourceManager(new ResourceManager(limits)).build();
        good = Host.builder().build();
        serverOverV6 = new PeerInfo(server.peerId(),
                server.addresses().stream().filter(a -> a.toString().startsWith("/ip6/")).toList());
        ping(); // warm up: the baseline includes the good peer's connection
        baselineNetworkThreads = server.network().threadCount();
        baselinePlatformThreads = platformThreads();
        baselineFds = openFds();
        baselineMemory = reservedMemory();
    }

    @AfterEach
    void stop() {
        good.close();
        server.close();
    }

    @Test
    void aPeerOpeningTenThousandStreams() throws Exception {
        AtomicInteger running = new AtomicInteger();
        AtomicInteger maxRunning = new AtomicInteger();
        server.setStreamHandler("/hold/1.0.0", s -> {
            maxRunning.accumulateAndGet(running.incrementAndGet(), Math::max);
            try {
                s.in().readAllBytes();
            } finally {
                running.decrementAndGet();
            }
        });
        try (Host abuser = Host.builder().resourceManager(new ResourceManager())
                .muxer(Yamux.factory(YamuxConfig.defaults().withStreamLimits(1000, 20_000, 256))).muxers("mplex").build()) {
            Connection c = abuser.connect(new PeerInfo(server.peerId(), ipv4(server)));
            int refused = 0;
            List<io.p2pkit.core.host.Stream> open = new ArrayList<>();
            long maxMemory = 0;
            for (int i = 0; i < 10_000; i++) {
                if (i % 100 == 0) {
                    maxMemory = Math.max(maxMemory, reservedMemory());
                }
                try {
                    io.p2pkit.core.host.Stream s = abuser.newStream(c, "/hold/1.0.0");
                    s.out().write(1);
                    s.out().flush();
                    open.add(s);
                } catch (IOException e) {
                    refused++; // reset by the server's limits, or the yamux cap
                }
            }
            waitFor(() -> server.network().resources().peerScope(abuser.peerId())
                    .map(p -> p.used(Resource.INBOUND_STREAMS)).orElse(0L) >= PEER_INBOUND_STREAMS / 2, "streams held");
            long held = server.network().resources().peerScope(abuser.peerId()).orElseThrow()
                    .used(Resource.INBOUND_STREAMS);
            assertTrue(held <= PEER_INBOUND_STREAMS, "peer stream limit held: " + held);
            assertTrue(maxRunning.get() <= PEER_INBOUND_STREAMS, "handlers at once: " + maxRunning.get());
            ping(); // the node still answers a well-behaved peer
            assertTrue(refused + open.size() == 10_000);
            long blocked = server.network().resources().blocked().entrySet().stream()
                    .filter(e -> e.getKey().resource() == Resource.INBOUND_STREAMS).mapToLong(e -> e.getValue()).sum();
            assertTrue(blocked > 0, "the resource manager refused streams");
            // Every accepted stream reserves its yamux window: the abuser's connection stays under its limit.
            maxMemory = Math.max(maxMemory, reservedMemory());
            assertTrue(maxMemory <= CONNECTION_MEMORY + baselineMemory, "reserved memory bounded: " + maxMemory);
            assertTrue(maxMemory > 0, "stream windows were reserved");
        }
        assertBackToBaseline();
        assertEquals(0, running.get());
    }

    @Test
    void peersOpeningHundredsOfConnections() throws Exception {
        int port = ipv4(server).get(0).toSocketAddress().orElseThrow().getPort();
        ConcurrentLinkedQueue<Socket> sockets = new ConcurrentLinkedQueue<>();
        AtomicLong maxTransient = new AtomicLong();
        AtomicLong maxSystem = new AtomicLong();
        ResourceManager rm = server.network().resources();
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int wave = 0; wave < 3; wave++) {
                CountDownLatch done = new CountDownLatch(200);
                for (int i = 0; i < 200; i++) {
                    pool.execute(() -> {
                        try {
                            Socket s = new Socket();
                            s.connect(new InetSocketAddress("127.0.0.1", port), 5000);
                            sockets.add(s); // connect and never speak: a half-open handshake
                        } catch (IOException refused) {
                            // the accept backlog overflowed: also a way of holding
                        } finally {
                            maxTransient.accumulateAndGet(rm.transientScope().used(Resource.INBOUND_CONNECTIONS), Math::max);
                            maxSystem.accumulateAndGet(rm.system().used(Resource.INBOUND_CONNECTIONS), Math::max);
                            done.countDown();
                        }
                    });
                }
                assertTrue(done.await(60, TimeUnit.SECONDS));
                // While the flood holds the transient scope, the allow-listed peer still gets in.
                good.network().connections(server.peerId()).forEach(Connection::close);
                waitFor(() -> good.network().connections(server.peerId()).isEmpty(), "good peer disconnected");
                ping();
            }
        } finally {
            for (Socket s : sockets) {
                s.close();
            }
        }
        assertTrue(maxTransient.get() <= TRANSIENT_INBOUND_CONNECTIONS, "transient held: " + maxTransient);
        assertTrue(maxSystem.get() <= SYSTEM_INBOUND_CONNECTIONS, "system held: " + maxSystem);
        assertTrue(rm.blocked().keySet().stream().anyMatch(k -> k.resource() == Resource.INBOUND_CONNECTIONS),
                "connections were refused");
        assertBackToBaseline();
    }

    @Test
    void aPeerThatNeverReads() throws Exception {
        AtomicLong written = new AtomicLong();
        AtomicReference<Thread> writer = new AtomicReference<>();
        CountDownLatch ended = new CountDownLatch(1);
        server.setStreamHandler("/flood/1.0.0", s -> {
            writer.set(Thread.currentThread());
            byte[] chunk = new byte[16 * 1024];
            try {
                s.in().read();
                while (true) {
                    s.out().write(chunk);
                    written.addAndGet(chunk.length);
                }
            } finally {
                ended.countDown();
            }
        });
        try (Host abuser = Host.builder().build()) {
            io.p2pkit.core.host.Stream s = abuser.newStream(new PeerInfo(server.peerId(), ipv4(server)), "/flood/1.0.0");
            s.out().write(1);
            s.out().flush();
            // The server's writer runs out of flow-control credit and parks; it never buffers more.
            waitFor(() -> {
                Thread t = writer.get();
                return t != null && written.get() >= 128 * 1024 && t.getState() == Thread.State.WAITING;
            }, "the writer blocked on credit");
            long before = written.get();
            assertTrue(before <= 256 * 1024, "bounded by the initial yamux window: " + before);
            ping();
            assertEquals(before, written.get(), "still blocked after the ping");
            assertTrue(reservedMemory() <= CONNECTION_MEMORY + baselineMemory, "reserved: " + reservedMemory());
        }
        assertTrue(ended.await(20, TimeUnit.SECONDS), "the handler ended when the abuser left");
        assertBackToBaseline();
    }

    // ------------------------------------------------------------------ helpers

    private void ping() throws IOException {
        good.service(PingService.class).orElseThrow().ping(serverOverV6);
    }

    private static List<Multiaddr> ipv4(Host h) {
        return h.addresses().stream().filter(a -> a.toString().startsWith("/ip4/")).toList();
    }

    private void assertBackToBaseline() throws InterruptedException, IOException {
        ResourceManager rm = server.network().resources();
        waitFor(() -> server.network().connections().size() == 1, "only the good peer's connection left");
        waitFor(() -> rm.transientScope().usage().isEmpty(), "transient scope empty");
        waitFor(() -> rm.system().used(Resource.INBOUND_STREAMS) + rm.system().used(Resource.OUTBOUND_STREAMS) == 0,
                "no streams held");
        waitFor(() -> server.network().threadCount() <= baselineNetworkThreads,
                () -> "network threads " + server.network().threadCount() + " > " + baselineNetworkThreads);
        waitFor(() -> platformThreads() <= baselinePlatformThreads,
                () -> "platform threads " + platformThreads() + " > " + baselinePlatformThreads);
        waitFor(() -> openFds() <= baselineFds, () -> "fds " + openFds() + " > " + baselineFds);
        waitFor(() -> reservedMemory() <= baselineMemory,
                () -> "reserved memory " + reservedMemory() + " > " + baselineMemory);
        ping();
    }

    private long reservedMemory() {
        return server.network().resources().system().used(Resource.MEMORY);
    }

    /** Platform threads other than virtual-thread carriers, whose pool keeps idle ones for a while. */
    private static int platformThreads() {
        return (int) Thread.getAllStackTraces().keySet().stream()
                .filter(t -> !t.isVirtual() && !t.getName().startsWith("ForkJoinPool")).count();
    }

    private static long openFds() {
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            return fds.count();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void waitFor(BooleanSupplier condition, String what) throws InterruptedException {
        waitFor(condition, () -> what);
    }

    private static void waitFor(BooleanSupplier condition, java.util.function.Supplier<String> what)
            throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for: " + what.get());
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10)); // poll the condition, bounded by the deadline
        }
    }
}
