package io.p2pkit.bench;

import io.p2pkit.core.Direction;
import io.p2pkit.core.crypto.PrivateKey;
import io.p2pkit.core.resource.ConnectionSpan;
import io.p2pkit.core.resource.MemoryScope;
import io.p2pkit.core.resource.ResourceLimitException;
import io.p2pkit.core.resource.ResourceManager;
import io.p2pkit.core.resource.ResourceManagerConfig;
import io.p2pkit.core.security.noise.NoiseConnection;
import io.p2pkit.core.security.noise.NoiseTransport;
import io.p2pkit.core.transport.memory.MemoryConnection;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What the resource manager costs on Noise's data path. Two Noise connections over in-memory
 * pipes, identical but for where their buffers are charged: one to {@link ConnectionSpan}s of a
 * resource manager with the default limits (both ends), one to {@link MemoryScope#UNLIMITED}.
 * Each operation makes both ends go from idle to busy and back (an echo of {@code size} bytes:
 * write and flush, the other end reads and echoes, read back), which is when the buffers are
 * reserved and released; a bulk mode sends {@code size} bytes one way and waits for a 1-byte
 * acknowledgement. Repetitions alternate the two connections (the order flips each time) so that
 * the load of a shared machine falls on both alike; the medians are printed with their ratio.
 *
 * <p>Usage: {@code RcmgrCost [reps] [opsPerRep] [size...]}; a negative size is the bulk mode.
 * In-memory pipes leave out the system calls of a real socket, so the relative cost printed is
 * an upper bound for TCP.
 */
public final class RcmgrCost {
    private RcmgrCost() {
    }

    /** Counts reservations and releases, to report how often the manager's lock is taken. */
    private static final class Counting implements MemoryScope {
        final MemoryScope inner;
        final AtomicLong calls = new AtomicLong();

        Counting(MemoryScope inner) {
            this.inner = inner;
        }

        @Override
        public void reserveMemory(long bytes, int priority) throws ResourceLimitException {
            calls.incrementAndGet();
            inner.reserveMemory(bytes, priority);
        }

        @Override
        public void releaseMemory(long bytes) {
            calls.incrementAndGet();
            inner.releaseMemory(bytes);
        }
    }

    /** A Noise connection pair whose far end echoes (or acknowledges) on its own virtual thread. */
    private static final class Pair implements AutoCloseable {
        final NoiseConnection dialer;
        final NoiseConnection listener;
        final Thread echo;
        final byte[] data;
        final byte[] back;
        final boolean bulk;

        Pair(MemoryScope dialerMemory, MemoryScope listenerMemory, int size) throws Exception {
            bulk = size < 0;
            int n = Math.abs(size);
            data = new byte[n];
            new SplittableRandom(n).nextBytes(data);
            back = new byte[bulk ? 1 : n];
            MemoryConnection.Pair raw = MemoryConnection.pair(512 * 1024);
            NoiseTransport a = new NoiseTransport(PrivateKey.generateEd25519(), List.of());
            NoiseTransport b = new NoiseTransport(PrivateKey.generateEd25519(), List.of());
            CompletableFuture<NoiseConnection> d = new CompletableFuture<>();
            Thread.ofVirtual().start(() -> {
                try {
                    d.complete(a.secureOutbound(raw.initiator(), b.localPeer(), dialerMemory));
                } catch (Exception e) {
                    d.completeExceptionally(e);
                }
            });
            listener = b.secureInbound(raw.responder(), listenerMemory);
            try {
                dialer = d.get();
            } catch (ExecutionException e) {
                throw e.getCause() instanceof Exception cause ? cause : e;
            }
            echo = Thread.ofVirtual().start(this::serve);
        }

        private void serve() {
            byte[] buf = new byte[data.length];
            try {
                while (true) {
                    if (listener.in().readNBytes(buf, 0, buf.length) < buf.length) {
                        return;
                    }
                    if (bulk) {
                        listener.out().write(1);
                    } else {
                        listener.out().write(buf);
                    }
                    listener.out().flush();
                }
            } catch (IOException e) {
                // closed at the end of the run
            }
        }

        void op() throws IOException {
            dialer.out().write(data);
            dialer.out().flush();
            if (dialer.in().readNBytes(back, 0, back.length) < back.length) {
                throw new IOException("the echo ended early");
            }
        }

        @Override
        public void close() throws Exception {
            dialer.close();
            listener.close();
            echo.join();
        }
    }

    private static final com.sun.management.OperatingSystemMXBean OS =
            (com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean();

    /** Wall and process CPU nanoseconds per operation. */
    private record Sample(long wall, long cpu) {
    }

    private static Sample timeOps(Pair p, int ops) throws IOException {
        long cpu = OS.getProcessCpuTime();
        long start = System.nanoTime();
        for (int i = 0; i < ops; i++) {
            p.op();
        }
        return new Sample((System.nanoTime() - start) / ops, (OS.getProcessCpuTime() - cpu) / ops);
    }

    /** Wall nanoseconds of one reservation and its release of a 64 KiB buffer, without the data path. */
    private static Sample timeReservations(MemoryScope scope, int pairs) throws IOException {
        long cpu = OS.getProcessCpuTime();
        long start = System.nanoTime();
        for (int i = 0; i < pairs; i++) {
            scope.reserveMemory(65_537, 255);
            scope.releaseMemory(65_537);
        }
        return new Sample((System.nanoTime() - start) / pairs, (OS.getProcessCpuTime() - cpu) / pairs);
    }

    private static long median(List<Long> values) {
        long[] v = values.stream().mapToLong(Long::longValue).toArray();
        Arrays.sort(v);
        return v[v.length / 2];
    }

    /** Runs the comparison; see the class comment for the arguments. */
    public static void main(String[] args) throws Exception {
        int reps = args.length > 0 ? Integer.parseInt(args[0]) : 15;
        int ops = args.length > 1 ? Integer.parseInt(args[1]) : 2000;
        List<Integer> sizes = new ArrayList<>();
        for (int i = 2; i < args.length; i++) {
            sizes.add(Integer.parseInt(args[i]));
        }
        if (sizes.isEmpty()) {
            sizes = List.of(64, 1024, -262144);
        }
        ResourceManager rm = new ResourceManager(ResourceManagerConfig.defaults());
        System.out.printf("reps=%d ops/rep=%d; per operation: median over reps of wall ns (min-max), and of process CPU ns%n",
                reps, ops);
        System.out.println("| operation | rcmgr spans: wall | unlimited: wall | ratio | rcmgr spans: CPU | unlimited: CPU | ratio | reservations+releases per op |");
        System.out.println("|---|---:|---:|---:|---:|---:|---:|---:|");
        {
            ConnectionSpan span = rm.openConnection(Direction.OUTBOUND, true);
            try {
                int pairs = ops * 100;
                List<Sample> a = new ArrayList<>();
                List<Sample> b = new ArrayList<>();
                timeReservations(span, pairs);
                timeReservations(MemoryScope.UNLIMITED, pairs);
                for (int r = 0; r < reps; r++) {
                    a.add(timeReservations(span, pairs));
                    b.add(timeReservations(MemoryScope.UNLIMITED, pairs));
                }
                row("reserve + release, one thread", a, b, 1);
            } finally {
                span.close();
            }
        }
        for (int size : sizes) {
            ConnectionSpan dialSpan = rm.openConnection(Direction.OUTBOUND, true);
            ConnectionSpan listenSpan = rm.openConnection(Direction.INBOUND, true);
            Counting dialCount = new Counting(dialSpan);
            Counting listenCount = new Counting(listenSpan);
            try (Pair spans = new Pair(dialCount, listenCount, size);
                 Pair unlimited = new Pair(MemoryScope.UNLIMITED, MemoryScope.UNLIMITED, size)) {
                // warm-up: both, as long as a measured repetition each, twice
                for (int w = 0; w < 2; w++) {
                    timeOps(spans, ops);
                    timeOps(unlimited, ops);
                }
                long callsBefore = dialCount.calls.get() + listenCount.calls.get();
                List<Sample> a = new ArrayList<>();
                List<Sample> b = new ArrayList<>();
                for (int r = 0; r < reps; r++) {
                    if (r % 2 == 0) {
                        a.add(timeOps(spans, ops));
                        b.add(timeOps(unlimited, ops));
                    } else {
                        b.add(timeOps(unlimited, ops));
                        a.add(timeOps(spans, ops));
                    }
                }
                double calls = (double) (dialCount.calls.get() + listenCount.calls.get() - callsBefore) / ((long) reps * ops);
                String what = size < 0 ? (-size / 1024) + " KiB one way + 1-byte ack" : size + " B echo";
                row(what, a, b, calls);
            } finally {
                dialSpan.close();
                listenSpan.close();
            }
        }
    }

    private static void row(String what, List<Sample> a, List<Sample> b, double calls) {
        List<Long> aw = a.stream().map(Sample::wall).toList();
        List<Long> bw = b.stream().map(Sample::wall).toList();
        long ac = median(a.stream().map(Sample::cpu).toList());
        long bc = median(b.stream().map(Sample::cpu).toList());
        System.out.printf("| %s | %d (%d-%d) | %d (%d-%d) | %.3f | %d | %d | %.3f | %.1f |%n", what,
                median(aw), min(aw), max(aw), median(bw), min(bw), max(bw), (double) median(aw) / median(bw),
                ac, bc, (double) ac / bc, calls);
    }

    private static long min(List<Long> v) {
        return v.stream().mapToLong(Long::longValue).min().orElse(0);
    }

    private static long max(List<Long> v) {
        return v.stream().mapToLong(Long::longValue).max().orElse(0);
    }
}
