package io.p2pkit.kad;

import io.p2pkit.core.host.Host;
import io.p2pkit.core.host.Stream;
import io.p2pkit.core.identity.PeerId;
import io.p2pkit.core.logging.LazyLogger;
import io.p2pkit.core.reputation.Outcome;
import io.p2pkit.core.protobuf.LengthPrefixed;
import io.p2pkit.kad.wire.KadMessage;

import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Sends requests to other DHT servers. As go and js do, a stream is reused for several requests:
 * after an answer the stream goes back to a one-per-peer idle pool; a reused stream that turns out
 * dead (the remote closed it while idle) is replaced by a new one once. Each request has a
 * deadline after which its stream is reset.
 */
final class KadClient implements Closeable {
    private static final System.Logger LOG = LazyLogger.of(KadClient.class);

    /** Most idle streams kept; beyond it a finished stream is closed instead of pooled. */
    static final int MAX_IDLE = 1024;

    private final Host host;
    private final SignedPeerRecords records;
    private final String protocol;
    private final Duration timeout;
    private final ConcurrentHashMap<PeerId, Stream> idle = new ConcurrentHashMap<>();
    /** Streams carrying a request now (closing waits for them, then resets what is left). */
    private final Set<Stream> busy = ConcurrentHashMap.newKeySet();
    private final ReentrantLock busyLock = new ReentrantLock();
    private final Condition busyEnded = busyLock.newCondition();
    private final AtomicLong sent = new AtomicLong();
    private volatile boolean closed;

    KadClient(Host host, SignedPeerRecords records, String protocol, Duration timeout) {
        this.host = host;
        this.records = records;
        this.protocol = protocol;
        this.timeout = timeout;
    }

    /** Sends {@code request} and reads the reply. */
    KadMessage request(PeerId peer, KadMessage request) throws IOException {
        return exchange(peer, request, true);
    }

    /** Sends {@code message} that expects no reply (ADD_PROVIDER). */
    void send(PeerId peer, KadMessage message) throws IOException {
        exchange(peer, message, false);
    }

    /** Requests sent so far. */
    long sent() {
        return sent.get();
    }

    private KadMessage exchange(PeerId peer, KadMessage msg, boolean reply) throws IOException {
        if (closed) {
            throw new IOException("the DHT is closed");
        }
        sent.incrementAndGet();
        msg = msg.withSenderRecord(records.own());
        Stream pooled = idle.remove(peer);
        if (pooled != null) {
            try {
                return tracked(pooled, msg, reply, peer, false);
            } catch (IOException e) {
                // The pooled stream died while idle: fall through to a fresh one.
                LOG.log(System.Logger.Level.DEBUG, () -> "a pooled stream to " + peer + " was dead, opening a new one: " + e);
            }
        }
        Stream fresh;
        try {
            fresh = host.newStream(peer, protocol);
        } catch (RuntimeException e) {
            // A connection closing under us surfaces as an unchecked exception from the network layer.
            throw new IOException("cannot open a stream to " + peer + ": " + e.getMessage(), e);
        }
        return tracked(fresh, msg, reply, peer, true);
    }

    /** {@link #once} with the stream counted as busy until it is pooled or closed. */
    private KadMessage tracked(Stream s, KadMessage msg, boolean reply, PeerId peer, boolean fresh)
            throws IOException {
        busy.add(s);
        try {
            if (closed) {
                // close() may already have looked at the busy set: do not start on a stream it cannot see.
                s.reset();
                throw new IOException("the DHT is closed");
            }
            return once(s, msg, reply, peer, fresh);
        } finally {
            busyLock.lock();
            try {
                busy.remove(s);
                busyEnded.signalAll();
            } finally {
                busyLock.unlock();
            }
        }
    }

    /**
     * One exchange on {@code s}. Its outcome goes to the host's reputation: an answer is a success
     * with its latency; a malformed or mismatched one a protocol error; no answer on a
     * {@code fresh} stream a timeout (a pooled stream may have died idle, which is no fault).
     */
    private KadMessage once(Stream s, KadMessage msg, boolean reply, PeerId peer, boolean fresh) throws IOException {
        ScheduledFuture<?> watchdog = host.scheduler().schedule(s::reset, timeout.toMillis(), TimeUnit.MILLISECONDS);
        KadMessage answer = null;
        long start = System.nanoTime();
        try {
            LengthPrefixed.write(s.out(), msg.encode());
            s.out().flush();
            if (reply) {
                byte[] raw = LengthPrefixed.read(s.in(), KadMessage.MAX_BYTES);
                if (raw == null) {
                    throw new EOFException("stream ended before the reply");
                }
                answer = KadMessage.decode(raw);
                if (answer.type() != msg.type()) {
                    throw new IOException("asked " + msg.type() + ", got a " + answer.type() + " reply");
                }
                records.learnSender(peer, answer);
                host.reputation().success(peer, java.time.Duration.ofNanos(System.nanoTime() - start), raw.length);
            }
        } catch (IOException | RuntimeException e) {
            if (e instanceof RuntimeException || answer != null) {
                host.reputation().record(peer, Outcome.PROTOCOL_ERROR);
            } else if (fresh && reply) {
                host.reputation().record(peer, Outcome.TIMEOUT);
            }
            s.reset();
            throw e instanceof IOException io ? io : new IOException("bad reply from " + peer + ": " + e.getMessage(), e);
        } finally {
            watchdog.cancel(false);
        }
        Stream previous = idle.size() < MAX_IDLE ? idle.putIfAbsent(peer, s) : s;
        if (closed) {
            // Still counted busy: the closing DHT waits for this end within its grace.
            idle.remove(peer, s);
            endGracefully(s);
        } else if (previous != null || s.connection().isClosed()) {
            idle.remove(peer, s);
            s.close();
        }
        return answer;
    }

    /**
     * Forgets the idle stream on a connection that closed: a pooled stream pins its connection's
     * buffers (about 130 KiB for yamux) until it is dropped.
     */
    void connectionClosed(io.p2pkit.core.network.Connection c) {
        Stream s = idle.get(c.remotePeer());
        if (s != null && s.connection() == c && idle.remove(c.remotePeer(), s)) {
            s.reset();
        }
    }

    /** Idle streams held (for tests). */
    int idleStreams() {
        return idle.size();
    }

    /**
     * Half-closes {@code s} and waits for the remote's end of it before closing: a server reads a
     * stream's requests in order and ends its side when it reads ours, so its end means it has
     * read, and handled, our last message (an ADD_PROVIDER has no reply that would say so). The
     * host closes its connections right after the DHT, and a connection going away takes unread
     * data with it. Bounded by the close's grace, after which the stream is reset.
     */
    private static void endGracefully(Stream s) {
        try {
            s.closeWrite();
            byte[] discard = new byte[256];
            while (s.in().read(discard) >= 0) {
                // a server sends nothing unasked; whatever comes is dropped
            }
            s.close();
        } catch (IOException e) {
            s.reset();
        }
    }

    /** Streams carrying a request now (for tests). */
    int busyStreams() {
        return busy.size();
    }

    /** {@link #close(Duration)} with no grace: everything still open is reset. */
    @Override
    public void close() {
        close(Duration.ZERO);
    }

    /**
     * Refuses new requests, ends the idle streams with a FIN, lets requests in flight finish, and
     * after {@code grace} resets whatever has not ended.
     *
     * <p>A FIN rather than a reset, and then the remote's own end (see {@link #endGracefully}):
     * the last message on a stream may be an ADD_PROVIDER the remote has not read yet, and a reset
     * would make it drop that (a reset stream's unread data is discarded), which lost the records
     * of short-lived providers such as {@code p2pkit routing provide} on a loaded machine. But the
     * FIN of a stream whose protocol negotiation was pipelined waits for the remote's answer, up
     * to the host's negotiation deadline (10 s), and a remote that stopped answering would hold
     * the close that long for every such stream, one after the other. So the idle streams end all
     * at once on their own threads, and the wait for them and for requests in flight shares one
     * deadline.
     */
    void close(Duration grace) {
        closed = true;
        long deadline = System.nanoTime() + grace.toNanos();
        List<Stream> ending = new ArrayList<>(idle.values());
        idle.clear();
        Set<Stream> ended = ConcurrentHashMap.newKeySet();
        CountDownLatch allEnded = new CountDownLatch(ending.size());
        for (Stream s : ending) {
            Thread.ofVirtual().name("p2pkit-kad-close").start(() -> {
                try {
                    endGracefully(s);
                } finally {
                    ended.add(s);
                    allEnded.countDown();
                }
            });
        }
        boolean interrupted = false;
        try {
            allEnded.await(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            busyLock.lock();
            try {
                long left = deadline - System.nanoTime();
                while (!busy.isEmpty() && left > 0) {
                    left = busyEnded.awaitNanos(left);
                }
            } finally {
                busyLock.unlock();
            }
        } catch (InterruptedException e) {
            interrupted = true;
        }
        for (Stream s : ending) {
            if (!ended.contains(s)) {
                s.reset(); // wakes its closing thread, which waits for the negotiation's answer
            }
        }
        for (Stream s : new ArrayList<>(busy)) {
            s.reset();
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }
}
