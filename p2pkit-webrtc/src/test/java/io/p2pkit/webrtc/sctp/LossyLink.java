package io.p2pkit.webrtc.sctp;

import org.bouncycastle.tls.DatagramTransport;

import java.io.IOException;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Two in-memory datagram endpoints joined by a link that drops, duplicates and reorders packets
 * by a seeded random, like UDP on a bad day. Public so that the data channel and muxer tests use it.
 */
public final class LossyLink {
    private final Endpoint a;
    private final Endpoint b;
    private final double drop;
    private final double duplicate;
    private final double reorder;
    private final Random random;
    private final ReentrantLock randomLock = new ReentrantLock();
    /** Packets dropped on purpose, for the test's report. */
    public final AtomicLong dropped = new AtomicLong();
    /** Packets offered to the link, dropped or not. */
    public final AtomicLong sent = new AtomicLong();
    /** When set, every packet is dropped (the peer vanished). */
    public volatile boolean blackhole;
    /** When set, every packet a sends is dropped. */
    public volatile boolean dropFromA;
    /** When set, sees every packet a sends (before loss) and drops those it answers true for. */
    public volatile java.util.function.Predicate<byte[]> dropFromAWhen;
    /** When set, sees every packet b sends (before loss), as a test's window on b's answers. */
    public volatile java.util.function.Consumer<byte[]> tapB;
    /** When set, every packet b sends that it answers true for arrives {@link #delayFromB} late. */
    public volatile java.util.function.Predicate<byte[]> delayFromBWhen;
    /** How late the packets {@link #delayFromBWhen} picks arrive. */
    public volatile Duration delayFromB = Duration.ZERO;

    /** Delivers the delayed packets of every link; made on first use. */
    private static final class Late {
        static final java.util.concurrent.ScheduledExecutorService DELIVERY =
                java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> {
                    Thread t = new Thread(r, "lossy-link-delay");
                    t.setDaemon(true);
                    return t;
                });
    }

    /** A link with these probabilities per packet, seeded. */
    public LossyLink(long seed, double drop, double duplicate, double reorder) {
        this.random = new Random(seed);
        this.drop = drop;
        this.duplicate = duplicate;
        this.reorder = reorder;
        this.a = new Endpoint();
        this.b = new Endpoint();
        a.peer = b;
        b.peer = a;
    }

    /** A perfect link. */
    public static LossyLink perfect() {
        return new LossyLink(1, 0, 0, 0);
    }

    public DatagramTransport a() {
        return a;
    }

    public DatagramTransport b() {
        return b;
    }

    private double next() {
        randomLock.lock();
        try {
            return random.nextDouble();
        } finally {
            randomLock.unlock();
        }
    }

    private final class Endpoint implements DatagramTransport {
        private final BlockingQueue<byte[]> inbox = new ArrayBlockingQueue<>(4096);
        private final ReentrantLock heldLock = new ReentrantLock();
        private byte[] held;
        private Endpoint peer;
        private volatile boolean closed;

        @Override
        public int getReceiveLimit() {
            return 1500;
        }

        @Override
        public int getSendLimit() {
            return 1200;
        }

        @Override
        public int receive(byte[] buf, int off, int len, int waitMillis) throws IOException {
            if (closed) {
                throw new IOException("endpoint closed");
            }
            try {
                byte[] p = inbox.poll(waitMillis, TimeUnit.MILLISECONDS);
                if (p == null) {
                    return -1;
                }
                int n = Math.min(len, p.length);
                System.arraycopy(p, 0, buf, off, n);
                return n;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted", e);
            }
        }

        @Override
        public void send(byte[] buf, int off, int len) throws IOException {
            if (closed) {
                throw new IOException("endpoint closed");
            }
            byte[] p = java.util.Arrays.copyOfRange(buf, off, off + len);
            sent.incrementAndGet();
            java.util.function.Consumer<byte[]> tap = tapB;
            if (this == b && tap != null) {
                tap.accept(p);
            }
            java.util.function.Predicate<byte[]> rule = dropFromAWhen;
            if (this == a && rule != null && rule.test(p) || blackhole || dropFromA && this == a || next() < drop) {
                dropped.incrementAndGet();
                return;
            }
            java.util.function.Predicate<byte[]> slow = delayFromBWhen;
            if (this == b && slow != null && slow.test(p)) {
                Endpoint to = peer;
                Late.DELIVERY.schedule(() -> to.inbox.offer(p), delayFromB.toNanos(), TimeUnit.NANOSECONDS);
                return;
            }
            if (next() < duplicate) {
                peer.inbox.offer(p.clone());
            }
            byte[] late = null;
            heldLock.lock();
            try {
                if (held == null && next() < reorder) {
                    held = p; // goes out after the next packet
                    return;
                }
                late = held;
                held = null;
            } finally {
                heldLock.unlock();
            }
            peer.inbox.offer(p);
            if (late != null) {
                peer.inbox.offer(late);
            }
        }

        @Override
        public void close() {
            closed = true;
        }
    }
}
