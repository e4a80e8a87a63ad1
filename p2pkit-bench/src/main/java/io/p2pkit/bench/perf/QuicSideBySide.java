package io.p2pkit.bench.perf;

import io.p2pkit.core.crypto.PrivateKey;
import io.p2pkit.core.Direction;
import io.p2pkit.core.multiaddr.Multiaddr;
import io.p2pkit.core.muxer.MuxedConnection;
import io.p2pkit.core.muxer.MuxedStream;
import io.p2pkit.core.resource.ConnectionSpan;
import io.p2pkit.core.resource.ResourceManager;
import io.p2pkit.core.security.tls.HostCertificate;
import io.p2pkit.core.transport.ReadyConnection;
import io.p2pkit.core.transport.Listener;
import io.p2pkit.quic.QuicConfig;
import io.p2pkit.quic.QuicTransport;
import tech.kwik.core.QuicClientConnection;
import tech.kwik.core.QuicConnection;
import tech.kwik.core.QuicStream;
import tech.kwik.core.log.NullLogger;
import tech.kwik.core.server.ApplicationProtocolConnection;
import tech.kwik.core.server.ApplicationProtocolConnectionFactory;
import tech.kwik.core.server.ServerConnectionConfig;
import tech.kwik.core.server.ServerConnector;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * One QUIC stream on loopback, 100 MiB one way, with two QUIC implementations in one JVM, runs
 * alternating: (a) p2pkit's {@link QuicTransport} (Netty's quiche codec, as p2pkit configures it,
 * with libp2p TLS and our blocking stream layer) and (b) kwik, a QUIC implementation in Java, with
 * a plain self-signed certificate and its own blocking streams. Both sides of each pair run in this
 * process, so the figures are for two endpoints sharing the machine's cores, as in the perf runner.
 * The receiver answers one byte after the FIN, so the time covers every byte's arrival. Reported:
 * wall throughput, the process's CPU time per GiB moved (which stays comparable on a loaded machine)
 * with the kernel's share, the heap allocated per GiB moved, and the share of that CPU time the JIT
 * compiler threads took (a fixed cost of each fresh JVM that is not the data path's, and large
 * in runs this short).
 *
 * <pre>java -cp … io.p2pkit.bench.perf.QuicSideBySide [MiB] [runs] [stream window MiB] [impls]</pre>
 *
 * {@code impls} is a comma-separated subset of {@code quiche,kwik} (default both); {@code quiche-base}
 * is p2pkit's transport with the packet settings it had before issue 23 (1200-byte packets, no GSO)
 * and {@code quiche-nogso} the same with path-MTU discovery up to 1452 bytes but without GSO.
 */
public final class QuicSideBySide {
    private static final int WRITE = 64 * 1024;
    private static final String ALPN = "perf-bench";
    private static final Duration RUN_DEADLINE = Duration.ofSeconds(120);

    private QuicSideBySide() {
    }

    /** One implementation's client and server, connected once, moving {@code bytes} per run. */
    private interface Pair extends AutoCloseable {
        /** Sends {@code bytes} on a new stream and returns when the receiver confirmed all of them. */
        void move(long bytes) throws Exception;

        @Override
        void close();
    }

    public static void main(String[] args) throws Exception {
        long bytes = (args.length > 0 ? Long.parseLong(args[0]) : 100) << 20;
        int runs = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        long window = (args.length > 2 ? Long.parseLong(args[2]) : 1) << 20;
        List<String> impls = List.of((args.length > 3 ? args[3] : "quiche,kwik").split(","));
        var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        // heap allocated by every thread (virtual threads count on their carriers)
        var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        Map<String, Pair> pairs = new LinkedHashMap<>();
        try {
            for (String impl : impls) {
                pairs.put(impl, open(impl, window));
            }
            Map<String, List<Double>> mibs = new LinkedHashMap<>();
            Map<String, List<Double>> cpu = new LinkedHashMap<>();
            Map<String, List<Double>> kernel = new LinkedHashMap<>();
            Map<String, List<Double>> heap = new LinkedHashMap<>();
            Map<String, List<Double>> jit = new LinkedHashMap<>();
            // one untimed warm-up run each, then alternate so that load changes hit both alike
            for (var e : pairs.entrySet()) {
                try {
                    moveWithDeadline(e.getValue(), bytes);
                } catch (Exception ex) {
                    System.err.printf(Locale.ROOT, "  %s warm-up failed: %s%n", e.getKey(), ex);
                    e.getValue().close();
                    e.setValue(open(e.getKey(), window));
                }
            }
            for (int i = 0; i < runs; i++) {
                for (var e : pairs.entrySet()) {
                    long cpu0 = os.getProcessCpuTime();
                    long heap0 = threads.getTotalThreadAllocatedBytes();
                    long sys0 = systemTicks();
                    long jit0 = compilerTicks();
                    long t0 = System.nanoTime();
                    try {
                        moveWithDeadline(e.getValue(), bytes);
                    } catch (Exception ex) {
                        // a stalled transfer is a result too: count it, reconnect, go on
                        System.err.printf(Locale.ROOT, "  %s run %d failed: %s%n", e.getKey(), i + 1, ex);
                        e.getValue().close();
                        e.setValue(open(e.getKey(), window));
                        continue;
                    }
                    long wall = System.nanoTime() - t0;
                    long cpuNanos = os.getProcessCpuTime() - cpu0;
                    long allocated = threads.getTotalThreadAllocatedBytes() - heap0;
                    long sysTicks = systemTicks() - sys0;
                    long jitTicks = compilerTicks() - jit0;
                    mibs.computeIfAbsent(e.getKey(), k -> new ArrayList<>()).add(bytes / (wall / 1e9) / (1 << 20));
                    cpu.computeIfAbsent(e.getKey(), k -> new ArrayList<>())
                            .add(cpuNanos / 1e6 * ((1L << 30) / (double) bytes));
                    // the kernel's share: the UDP system calls and loopback delivery
                    double sysShare = sysTicks < 0 ? Double.NaN : sysTicks * 10e6 / cpuNanos;
                    kernel.computeIfAbsent(e.getKey(), k -> new ArrayList<>()).add(sysShare);
                    heap.computeIfAbsent(e.getKey(), k -> new ArrayList<>()).add(allocated / (double) bytes);
                    double jitShare = jitTicks < 0 ? Double.NaN : jitTicks * 10e6 / cpuNanos;
                    jit.computeIfAbsent(e.getKey(), k -> new ArrayList<>()).add(jitShare);
                    System.err.printf(Locale.ROOT,
                            "  %s run %d: %.0f MiB/s, CPU %.0f ms per GiB (%.0f %% in the kernel), heap %.2f GiB per GiB,"
                                    + " JIT compilers %.0f %%%n",
                            e.getKey(), i + 1, mibs.get(e.getKey()).getLast(), cpu.get(e.getKey()).getLast(),
                            100 * sysShare, heap.get(e.getKey()).getLast(), 100 * jitShare);
                }
            }
            for (String impl : pairs.keySet()) {
                List<Double> m = mibs.getOrDefault(impl, List.of());
                System.out.printf(Locale.ROOT, "%s: %d of %d runs done", impl, m.size(), runs);
                if (!m.isEmpty()) {
                    System.out.printf(Locale.ROOT,
                            ", median %.0f MiB/s (%.0f–%.0f), CPU %.0f ms per GiB (median), %.0f %% of it in the kernel,"
                                    + " heap allocated %.2f GiB per GiB, %.0f %% of the CPU in the JIT compilers",
                            Stats.median(m), Stats.min(m), Stats.max(m), Stats.median(cpu.get(impl)),
                            100 * Stats.median(kernel.get(impl)), Stats.median(heap.get(impl)),
                            100 * Stats.median(jit.get(impl)));
                }
                System.out.println();
            }
        } finally {
            pairs.values().forEach(Pair::close);
        }
    }

    /**
     * Runs one transfer, giving up after {@link #RUN_DEADLINE}: a stalled transfer whose connection
     * stays alive (kwik under load) would otherwise block forever. The caller closes the pair,
     * which ends the blocked writer.
     */
    private static void moveWithDeadline(Pair pair, long bytes) throws Exception {
        CompletableFuture<Void> run = new CompletableFuture<>();
        Thread.ofPlatform().daemon().start(() -> {
            try {
                pair.move(bytes);
                run.complete(null);
            } catch (Exception | Error e) {
                run.completeExceptionally(e);
            }
        });
        try {
            run.get(RUN_DEADLINE.toSeconds(), TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
            throw e.getCause() instanceof Exception cause ? cause : e;
        }
    }

    /**
     * This process's CPU time in the kernel, in clock ticks of 10 ms (field 15 of /proc/self/stat,
     * USER_HZ 100 on Linux); -1 where there is no /proc.
     */
    private static long systemTicks() {
        try {
            String stat = java.nio.file.Files.readString(java.nio.file.Path.of("/proc/self/stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return Long.parseLong(f[12]); // stime: the 15th field, the 13th after the command name
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /**
     * CPU time of the JIT compiler threads ("C1 CompilerThre…", "C2 CompilerThre…"), user and
     * kernel, in clock ticks of 10 ms, from /proc/self/task; -1 where there is no /proc. A compiler
     * thread that exits between two readings takes its time with it (the JVM adds and removes
     * compiler threads only beyond its minimum, which on a small machine is all it has).
     */
    private static long compilerTicks() {
        try (var tasks = java.nio.file.Files.list(java.nio.file.Path.of("/proc/self/task"))) {
            long ticks = 0;
            for (var task : (Iterable<java.nio.file.Path>) tasks::iterator) {
                String stat;
                try {
                    stat = java.nio.file.Files.readString(task.resolve("stat"));
                } catch (IOException gone) {
                    continue; // the thread exited
                }
                String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
                if (name.startsWith("C1 Compiler") || name.startsWith("C2 Compiler")) {
                    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                    ticks += Long.parseLong(f[11]) + Long.parseLong(f[12]); // utime, stime
                }
            }
            return ticks;
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    private static Pair open(String spec, long defaultWindow) throws Exception {
        // "impl@N": this pair with an N MiB stream window instead of the default
        String impl = spec.contains("@") ? spec.substring(0, spec.indexOf('@')) : spec;
        long window = spec.contains("@") ? Long.parseLong(spec.substring(spec.indexOf('@') + 1)) << 20 : defaultWindow;
        return switch (impl) {
            case "quiche" -> new QuichePair(window, QuicConfig.defaults().withPackets(1452, true));
            // the packet settings before issue 23: 1200-byte packets, no path-MTU discovery, no GSO
            case "quiche-base" -> new QuichePair(window, QuicConfig.defaults().withPackets(1200, false));
            case "quiche-nogso" -> new QuichePair(window, QuicConfig.defaults().withPackets(1452, false));
            case "kwik" -> new KwikPair(window);
            default -> throw new IllegalArgumentException("unknown implementation " + impl);
        };
    }

    /** Writes {@code bytes} and closes the write side, then waits for the receiver's one byte. */
    private static void send(InputStream in, OutputStream out, long bytes, Runnable closeWrite) throws IOException {
        byte[] chunk = new byte[WRITE];
        for (long left = bytes; left > 0; left -= WRITE) {
            out.write(chunk, 0, (int) Math.min(WRITE, left));
        }
        closeWrite.run();
        if (in.read() != 1) {
            throw new IOException("the receiver did not confirm");
        }
    }

    /** Reads to the end, then answers one byte. */
    private static void receive(InputStream in, OutputStream out, long expected) throws IOException {
        byte[] buf = new byte[WRITE];
        long got = 0;
        for (int n; (n = in.read(buf)) >= 0; ) {
            got += n;
        }
        if (got != expected) {
            throw new IOException("received " + got + " of " + expected + " bytes");
        }
        out.write(1);
        out.close();
    }

    private static final class QuichePair implements Pair {
        private final QuicTransport server;
        private final QuicTransport client;
        private final MuxedConnection dialed;
        private final MuxedConnection accepted;
        private final ConnectionSpan dialedSpan;
        private final ConnectionSpan acceptedSpan;

        QuichePair(long window, QuicConfig packets) throws Exception {
            QuicConfig config = packets.withWindows(window, Math.max(16L << 20, window), (int) window);
            PrivateKey key = PrivateKey.generateEd25519();
            server = new QuicTransport(key, config);
            client = new QuicTransport(PrivateKey.generateEd25519(), config);
            Listener listener = server.listen(Multiaddr.parse("/ip4/127.0.0.1/udp/0/quic-v1"));
            CompletableFuture<MuxedConnection> in = CompletableFuture.supplyAsync(() -> {
                try {
                    return (MuxedConnection) listener.accept();
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            dialed = client.dial(listener.address(), key.publicKey().toPeerId(), Duration.ofSeconds(10));
            accepted = in.get(10, TimeUnit.SECONDS);
            // as the swarm does at the upgrade: a stream reads nothing before its connection is charged
            ResourceManager resources = new ResourceManager();
            dialedSpan = resources.openConnection(Direction.OUTBOUND, false);
            acceptedSpan = resources.openConnection(Direction.INBOUND, false);
            ((ReadyConnection) dialed).chargeTo(dialedSpan);
            ((ReadyConnection) accepted).chargeTo(acceptedSpan);
        }

        @Override
        public void move(long bytes) throws Exception {
            MuxedStream s = dialed.openStream();
            // the stream reaches the server with its first bytes
            CompletableFuture<Void> receiver = CompletableFuture.runAsync(() -> {
                try {
                    MuxedStream r = accepted.acceptStream();
                    receive(r.in(), r.out(), bytes);
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }, Thread::startVirtualThread);
            send(s.in(), s.out(), bytes, () -> {
                try {
                    s.closeWrite();
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            receiver.get(60, TimeUnit.SECONDS);
            s.close();
        }

        @Override
        public void close() {
            client.close();
            server.close();
            dialedSpan.close();
            acceptedSpan.close();
        }
    }

    private static final class KwikPair implements Pair {
        private final ServerConnector server;
        private final QuicClientConnection client;
        private final java.util.concurrent.BlockingQueue<QuicStream> incoming =
                new java.util.concurrent.LinkedBlockingQueue<>();

        KwikPair(long window) throws Exception {
            HostCertificate certificate = HostCertificate.generate(PrivateKey.generateEd25519());
            KeyStore keys = KeyStore.getInstance("PKCS12");
            keys.load(null, null);
            char[] password = "bench".toCharArray();
            keys.setKeyEntry("host", certificate.certificateKey(), password,
                    new Certificate[] {certificate.certificate()});
            DatagramSocket socket = socket(InetAddress.getLoopbackAddress());
            int port = socket.getLocalPort();
            ServerConnectionConfig config = ServerConnectionConfig.builder().maxIdleTimeoutInSeconds(30)
                    .maxOpenPeerInitiatedBidirectionalStreams(16).maxConnectionBufferSize(Math.max(16L << 20, window))
                    .maxBidirectionalStreamBufferSize(window).maxUnidirectionalStreamBufferSize(window).build();
            server = ServerConnector.builder().withSocket(socket).withKeyStore(keys, "host", password, "secp256r1")
                    .withConfiguration(config).withLogger(kwikLogger()).build();
            server.registerApplicationProtocol(ALPN, new ApplicationProtocolConnectionFactory() {
                @Override
                public ApplicationProtocolConnection createConnection(String protocol, QuicConnection connection) {
                    return new ApplicationProtocolConnection() {
                        @Override
                        public void acceptPeerInitiatedStream(QuicStream stream) {
                            incoming.add(stream);
                        }
                    };
                }

                @Override
                public int maxConcurrentPeerInitiatedBidirectionalStreams() {
                    return 16;
                }

                @Override
                public long maxBidirectionalStreamReceiverBufferSize() {
                    return window;
                }
            });
            server.start();
            client = QuicClientConnection.newBuilder().uri(URI.create("https://127.0.0.1:" + port))
                    .applicationProtocol(ALPN).noServerCertificateCheck().maxIdleTimeout(Duration.ofSeconds(30))
                    .defaultStreamReceiveBufferSize(window).logger(kwikLogger())
                    .connectTimeout(Duration.ofSeconds(10)).socketFactory(KwikPair::socket).build();
            client.connect();
        }

        /** A socket with the UDP buffers p2pkit's transport asks for, so both pairs get the same. */
        private static DatagramSocket socket(InetAddress address) throws java.net.SocketException {
            DatagramSocket socket = new DatagramSocket(new InetSocketAddress(address, 0));
            socket.setReceiveBufferSize(QuicConfig.defaults().udpReceiveBuffer());
            socket.setSendBufferSize(QuicConfig.defaults().udpSendBuffer());
            return socket;
        }

        /** kwik's log: off, or its warnings and errors on stdout with {@code -Dkwik.log=true}. */
        private static tech.kwik.core.log.Logger kwikLogger() {
            if (!Boolean.getBoolean("kwik.log")) {
                return new NullLogger();
            }
            var log = new tech.kwik.core.log.SysOutLogger();
            log.logWarning(true);
            log.logInfo(true);
            return log;
        }

        @Override
        public void move(long bytes) throws Exception {
            QuicStream s = client.createStream(true);
            CompletableFuture<Void> receiver = CompletableFuture.runAsync(() -> {
                try {
                    QuicStream r = incoming.poll(30, TimeUnit.SECONDS);
                    if (r == null) {
                        throw new IOException("kwik: no stream arrived");
                    }
                    receive(r.getInputStream(), r.getOutputStream(), bytes);
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException(e);
                }
            }, r -> Thread.ofPlatform().daemon().start(r));
            send(s.getInputStream(), s.getOutputStream(), bytes, () -> {
                try {
                    s.getOutputStream().close();
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            receiver.get(60, TimeUnit.SECONDS);
        }

        @Override
        public void close() {
            client.close();
            server.close();
        }
    }
}
