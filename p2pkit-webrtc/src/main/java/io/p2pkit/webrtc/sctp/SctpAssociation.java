package io.p2pkit.webrtc.sctp;

import io.p2pkit.core.DecodeException;
import io.p2pkit.core.resource.MemoryPriority;
import io.p2pkit.core.resource.MemoryScope;
import org.bouncycastle.tls.DatagramTransport;

import java.io.Closeable;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * An SCTP association (RFC 9260) over any datagram transport, as WebRTC runs it over DTLS
 * (RFC 8261): one association, port 5000 on both sides, reliable messages on up to 65535 streams,
 * ordered or not, streams reset with RE-CONFIG (RFC 6525).
 *
 * <p>One virtual thread owns the association's state and is fed by a bounded queue: received
 * packets (from a second thread reading the transport), messages to send, stream resets, and the
 * application giving back receive-window credit. {@link Handler} calls come from that thread and
 * must not block. Received messages count against the receive window (and are reserved in the
 * {@link MemoryScope}) until {@link #release(int)} gives their bytes back; messages accepted by
 * {@link #send} count against the send buffer (and the scope) until the peer acknowledges them.
 *
 * <pre>{@code
 * SctpAssociation a = SctpAssociation.start(dtls, SctpConfig.defaults(), memory, handler);
 * a.awaitEstablished(Duration.ofSeconds(10));
 * a.send(1, 53, bytes, false);
 * }</pre>
 *
 * The association owns the transport and closes it when it ends.
 */
public final class SctpAssociation implements Closeable {
    /** Events of the association, called on its owner thread; they must return quickly. */
    public interface Handler {
        /** A whole message arrived; its bytes stay charged until {@link #release(int)}. */
        void onMessage(int streamId, long ppid, byte[] data);

        /** The remote reset its outgoing side of the stream (it sends nothing more there). */
        void onIncomingReset(int streamId);

        /** This side's reset of its outgoing side of the stream was performed by the remote. */
        void onOutgoingReset(int streamId);

        /** The association ended: {@code cause} is null after a clean shutdown. */
        void onClosed(IOException cause);
    }

    private enum State { CLOSED, COOKIE_WAIT, COOKIE_ECHOED, ESTABLISHED, SHUTDOWN_PENDING, SHUTDOWN_SENT,
        SHUTDOWN_RECEIVED, SHUTDOWN_ACK_SENT, ENDED }

    private sealed interface Event {
    }

    /** A received packet; {@code charged} of its bytes are reserved in the memory scope until it is handled. */
    private record Inbound(byte[] packet, int charged) implements Event {
    }

    private record Send(int streamId, long ppid, byte[] data, boolean unordered) implements Event {
    }

    private record Release(int bytes) implements Event {
    }

    private record ResetStream(int streamId) implements Event {
    }

    private record Shutdown() implements Event {
    }

    private record Abort(String reason) implements Event {
    }

    private record Failed(IOException cause) implements Event {
    }

    /** Counted down when the owner reaches it: everything queued before has been handled. */
    private record Sync(CountDownLatch reached) implements Event {
    }

    /** A DATA chunk sent or waiting to be sent. */
    private static final class Out {
        final Chunk.Data chunk;
        final int size;
        long sentAt;
        int transmissions;
        boolean gapAcked;
        boolean marked;
        int misses;
        /** Fast-retransmitted once already: RFC 9260 §7.2.4 leaves any later loss of it to T3-rtx. */
        boolean fastRetransmitted;

        Out(Chunk.Data chunk) {
            this.chunk = chunk;
            this.size = chunk.payload().length;
        }
    }

    private static final int QUEUE = 4096;
    private static final int MAX_GAPS = 64;
    private static final int MAX_DUPS = 16;
    private static final int MAX_STREAMS_PER_RESET = 128;
    /** TSNs held above the cumulative one; more are dropped (the peer retransmits) so tiny chunks cannot bloat the set. */
    private static final int MAX_OUT_OF_ORDER = 16_384;
    private static final long COOKIE_LIFETIME_NANOS = TimeUnit.SECONDS.toNanos(60);
    private static final int COOKIE_BODY = 4 + 4 + 4 + 1 + 4 + 8;

    private final DatagramTransport transport;
    private final SctpConfig config;
    private final MemoryScope memory;
    private final Handler handler;
    private final BlockingQueue<Event> events = new ArrayBlockingQueue<>(QUEUE);
    private final byte[] cookieKey = new byte[32];
    private final long myTag;
    private final long myInitialTsn;
    private final int maxPayload;
    private final CountDownLatch established = new CountDownLatch(1);
    private final CountDownLatch ended = new CountDownLatch(1);
    private volatile Thread owner;

    // send-buffer credit, shared between senders and the owner
    private final ReentrantLock creditLock = new ReentrantLock();
    private final Condition creditFreed = creditLock.newCondition();
    private long queuedBytes;
    private volatile IOException failure;
    private volatile boolean sendsClosed;
    /** Set by the owner before it empties the queue for good: the reader takes back what it queues after. */
    private volatile boolean draining;

    // everything below is owned by the owner thread
    private State state = State.CLOSED;
    private long peerTag;
    private boolean peerKnown;
    /** Turns of the owner's loop (tests: an idle association must not spin). */
    private volatile long ownerTurns;
    private long nextTsn;
    /** Outgoing streams reset (asked or done) and not yet given back for a new channel: owner thread only. */
    private final Set<Integer> resetting = new HashSet<>();
    private long cumAckOut;
    private final ArrayDeque<Out> pending = new ArrayDeque<>();
    private final TreeMap<Long, Out> inflight = new TreeMap<>();
    private final Map<Integer, Integer> outSsn = new HashMap<>();
    private long flightSize;
    private long cwnd;
    private long ssthresh;
    private long peerWindow;
    private long partialBytesAcked;
    private boolean fastRecovery;
    private long fastRecoveryExit;
    /** Written by the owner thread only; volatile so that tests can watch it. */
    private volatile long rtoNanos;
    private long srtt = -1;
    private long rttvar;
    private int errorCount;
    private long t3Deadline;
    private long t1Deadline;
    private int t1Count;
    private byte[] peerCookie;
    private long cumIn;
    private final TreeSet<Long> receivedAbove = new TreeSet<>();
    private final List<Long> duplicates = new ArrayList<>();
    private final Reassembly reassembly = new Reassembly();
    private long held;
    private long advertised;
    private boolean sackNeeded;
    private final List<Chunk> control = new ArrayList<>();
    // RE-CONFIG
    private long myNextRequestSeq;
    private long peerNextRequestSeq;
    private long lastResponseResult = Chunk.ReconfigResponse.PERFORMED;
    private Chunk.ResetRequest outstandingReset;
    private long reconfigDeadline;
    private final LinkedHashSet<Integer> resetsWanted = new LinkedHashSet<>();
    /** When {@link #resetsWanted} last became non-empty (System.nanoTime). */
    private long resetsWantedSince;
    private Chunk.ResetRequest deferredIncoming;
    // SHUTDOWN
    private long t2Deadline;
    private int t2Count;
    // HEARTBEAT on an idle association
    private long heartbeatDeadline;
    private long heartbeatNonce;
    private boolean heartbeatOutstanding;
    private int heartbeatMisses;
    private final SecureRandom random = new SecureRandom();

    private SctpAssociation(DatagramTransport transport, SctpConfig config, MemoryScope memory, Handler handler) {
        this.transport = transport;
        this.config = config;
        this.memory = memory;
        this.handler = handler;
        random.nextBytes(cookieKey);
        long tag;
        do {
            tag = Integer.toUnsignedLong(random.nextInt());
        } while (tag == 0);
        this.myTag = tag;
        this.myInitialTsn = Integer.toUnsignedLong(random.nextInt());
        this.nextTsn = myInitialTsn;
        this.cumAckOut = myInitialTsn - 1;
        this.myNextRequestSeq = myInitialTsn;
        int limit = config.mtu();
        try {
            limit = Math.min(limit, transport.getSendLimit());
        } catch (IOException e) {
            // keep the configured MTU
        }
        this.maxPayload = limit - SctpPacket.HEADER - SctpPacket.DATA_HEADER;
        this.cwnd = Math.min(4L * limit, Math.max(2L * limit, 4380));
        this.ssthresh = config.receiveWindow();
        this.rtoNanos = config.rtoInitial().toNanos();
        this.advertised = config.receiveWindow();
    }

    /**
     * Starts an association over {@code transport}: sends INIT if the configuration says so and
     * answers the peer's. Returns at once; {@link #awaitEstablished} waits for the handshake.
     */
    public static SctpAssociation start(DatagramTransport transport, SctpConfig config, MemoryScope memory,
                                        Handler handler) {
        return create(transport, config, memory, handler).begin();
    }

    /**
     * An association not yet running: {@link #begin()} starts it. For a handler that must hold the
     * association before the first event reaches it (data can arrive as soon as it runs).
     */
    public static SctpAssociation create(DatagramTransport transport, SctpConfig config, MemoryScope memory,
                                         Handler handler) {
        return new SctpAssociation(transport, config, memory, handler);
    }

    /** Starts the association made by {@link #create} (once); returns it. */
    public SctpAssociation begin() {
        if (owner != null) {
            throw new IllegalStateException("the association was started already");
        }
        owner = Thread.ofVirtual().name("sctp-owner").unstarted(this::run);
        owner.start();
        Thread.ofVirtual().name("sctp-reader").start(this::readLoop);
        return this;
    }

    /** Waits until the handshake is done. @throws SctpException if it failed, or on timeout */
    public void awaitEstablished(Duration timeout) throws IOException {
        try {
            if (!established.await(timeout.toNanos(), TimeUnit.NANOSECONDS)) {
                throw new SctpException("SCTP handshake did not finish within " + timeout);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting for the SCTP handshake");
        }
        IOException f = failure;
        if (f != null) {
            throw f;
        }
    }

    /** The largest message {@link #send} takes. */
    public int maxMessageSize() {
        return config.maxMessageSize();
    }

    /**
     * Queues a message on a stream, waiting while the send buffer is full. Called from a
     * {@link Handler} callback it does not wait (small control messages may go over the buffer).
     *
     * @param ppid      the payload protocol identifier (data channels: 50 DCEP, 51 text, 53 binary, 56/57 empty)
     * @param unordered whether it may be delivered out of order
     * @throws SctpException when the association has failed or is shutting down
     */
    public void send(int streamId, long ppid, byte[] data, boolean unordered) throws IOException {
        if (streamId < 0 || streamId > 65_534) {
            throw new IllegalArgumentException("stream id out of range: " + streamId);
        }
        if (data.length > config.maxMessageSize()) {
            throw new IllegalArgumentException("message of " + data.length + " bytes is over the limit of "
                    + config.maxMessageSize());
        }
        if (data.length == 0) {
            throw new IllegalArgumentException("SCTP cannot carry an empty message; use the empty-message PPID with one byte");
        }
        creditLock.lock();
        try {
            boolean mayWait = Thread.currentThread() != owner;
            while (mayWait && failure == null && !sendsClosed && queuedBytes > 0
                    && queuedBytes + data.length > config.sendBuffer()) {
                creditFreed.await();
            }
            checkOpenForSending();
            memory.reserveMemory(data.length, MemoryPriority.HIGH);
            queuedBytes += data.length;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting for SCTP send buffer space");
        } finally {
            creditLock.unlock();
        }
        try {
            enqueue(new Send(streamId, ppid, data, unordered));
        } catch (IOException e) {
            releaseCredit(data.length);
            throw e;
        }
    }

    private void checkOpenForSending() throws IOException {
        IOException f = failure;
        if (f != null) {
            throw new SctpException("SCTP association failed: " + f.getMessage(), f);
        }
        if (sendsClosed) {
            throw new SctpException("SCTP association is shutting down");
        }
    }

    /** Gives back receive-window credit for {@code bytes} of delivered messages that were consumed. */
    public void release(int bytes) {
        if (bytes > 0) {
            offerOrDrop(new Release(bytes));
        }
    }

    /** Resets this side's outgoing stream (how a data channel closes); the handler hears when it is done. */
    public void resetStream(int streamId) throws IOException {
        enqueue(new ResetStream(streamId));
    }

    /** Whether the association has ended (cleanly or not). */
    public boolean isClosed() {
        return ended.getCount() == 0;
    }

    /** The failure that ended the association, or null. */
    public IOException failure() {
        return failure;
    }

    /**
     * Shuts down gracefully: queued data is delivered first, then SHUTDOWN. Waits up to the
     * configured shutdown timeout, then aborts. Idempotent.
     */
    @Override
    public void close() throws IOException {
        sendsClosed = true;
        if (!isClosed()) {
            offerOrDrop(new Shutdown());
            try {
                if (!ended.await(config.shutdownTimeout().toNanos(), TimeUnit.NANOSECONDS)) {
                    abort("shutdown timed out");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                abort("interrupted while shutting down");
            }
        }
    }

    /** Aborts the association at once, telling the peer {@code reason}. */
    public void abort(String reason) {
        sendsClosed = true;
        if (!isClosed()) {
            offerOrDrop(new Abort(reason));
            try {
                if (!ended.await(1, TimeUnit.SECONDS)) {
                    transport.close();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (IOException e) {
                // the transport is gone either way
            }
        }
    }

    /** Whether the peer has begun a shutdown this side has not finished (tests). */
    boolean peerShutdownPending() {
        State st = state;
        return st == State.SHUTDOWN_RECEIVED || st == State.SHUTDOWN_ACK_SENT;
    }

    /** The current retransmission timeout in nanoseconds (tests). */
    long rtoNanos() {
        return rtoNanos;
    }

    /** How many turns the owner's loop has taken (tests). */
    long ownerTurns() {
        return ownerTurns;
    }

    /** This side's verification tag, which the peer's packets carry (tests and fuzzing). */
    long localTag() {
        return myTag;
    }

    /**
     * Handles {@code packet} as if the transport had received it and waits until the owner has
     * (tests and fuzzing); false if the association ended or the wait timed out.
     */
    boolean receiveForTest(byte[] packet, Duration timeout) throws IOException, InterruptedException {
        CountDownLatch reached = new CountDownLatch(1);
        enqueue(new Inbound(packet, 0));
        enqueue(new Sync(reached));
        return reached.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
    }

    private void enqueue(Event e) throws IOException {
        if (isClosed()) {
            throw new SctpException("SCTP association is closed");
        }
        if (Thread.currentThread() == owner) {
            handle(e); // from a handler callback: the owner cannot wait for its own queue
            return;
        }
        try {
            while (!events.offer(e, 100, TimeUnit.MILLISECONDS)) {
                if (isClosed()) {
                    throw new SctpException("SCTP association is closed");
                }
            }
            if (draining && events.remove(e)) {
                throw new SctpException("SCTP association is closed"); // the owner emptied the queue already
            }
        } catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while queueing for the SCTP association");
        }
    }

    private void offerOrDrop(Event e) {
        try {
            enqueue(e);
        } catch (IOException ex) {
            // closed meanwhile: nothing to tell
        }
    }

    // ---------------------------------------------------------------- reader

    private void readLoop() {
        try {
            int limit = Math.max(transport.getReceiveLimit(), config.mtu());
            byte[] buf = new byte[Math.min(limit, SctpPacket.MAX_PACKET)];
            while (!isClosed()) {
                int n = transport.receive(buf, 0, buf.length, 200);
                if (n > 0) {
                    queueReceived(Arrays.copyOf(buf, n));
                }
            }
        } catch (IOException e) {
            if (!isClosed()) {
                failFromReader(e);
            }
        } catch (RuntimeException e) {
            if (!isClosed()) {
                failFromReader(new IOException("transport failed", e));
            }
        }
    }

    /**
     * Queues a received packet for the owner, its bytes charged to the memory scope until it is
     * handled (at {@code ALWAYS}: packets carry the acknowledgements that free memory). A refused
     * reservation or a full queue drops the packet; SCTP retransmits.
     */
    private void queueReceived(byte[] packet) {
        try {
            memory.reserveMemory(packet.length, MemoryPriority.ALWAYS);
        } catch (IOException e) {
            return;
        }
        Inbound in = new Inbound(packet, packet.length);
        if (!events.offer(in) || draining && events.remove(in)) {
            memory.releaseMemory(packet.length); // dropped, or queued after the owner emptied the queue
        }
    }

    private void failFromReader(IOException e) {
        offerOrDrop(new Failed(new SctpException("SCTP transport failed: " + e.getMessage(), e)));
    }

    // ---------------------------------------------------------------- owner

    private void run() {
        try {
            if (config.sendInit()) {
                state = State.COOKIE_WAIT;
                sendInit();
            }
            while (state != State.ENDED) {
                ownerTurns++;
                long now = System.nanoTime();
                long wait = nextDeadline() - now;
                Event e = wait <= 0 ? events.poll() : events.poll(Math.min(wait, TimeUnit.SECONDS.toNanos(1)), TimeUnit.NANOSECONDS);
                while (e != null) {
                    handle(e);
                    // once ended, what is left is drained below, not taken off the queue and lost
                    e = state == State.ENDED ? null : events.poll();
                }
                if (state == State.ENDED) {
                    break;
                }
                fireTimers(System.nanoTime());
                if (state != State.ENDED) {
                    flush();
                }
            }
            drainEvents(); // queued in the moment the association ended
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            end(new SctpException("SCTP owner interrupted"));
        } catch (IOException e) {
            end(new SctpException("SCTP transport failed: " + e.getMessage(), e));
        } catch (RuntimeException e) {
            end(new SctpException("SCTP association failed: " + e, e));
        }
    }

    private long nextDeadline() {
        long d = Long.MAX_VALUE;
        // only while a reset waits on queued data: otherwise flush sends it, or it cannot be sent
        // at all (a deadline in the past would spin this loop)
        long resetDue = outstandingReset == null && !resetsWanted.isEmpty() && !pending.isEmpty() && peerKnown
                && (state == State.ESTABLISHED || state == State.SHUTDOWN_PENDING) ? resetsWantedSince + rtoNanos : 0;
        for (long t : new long[] {t1Deadline, t3Deadline, reconfigDeadline, t2Deadline, heartbeatDeadline, resetDue}) {
            if (t != 0) {
                d = Math.min(d, t);
            }
        }
        return d == Long.MAX_VALUE ? System.nanoTime() + TimeUnit.SECONDS.toNanos(1) : d;
    }

    private void handle(Event e) throws IOException {
        switch (e) {
            case Inbound in -> {
                memory.releaseMemory(in.charged()); // decoded into chunks now, which hold what they keep
                SctpPacket p;
                try {
                    p = SctpPacket.decode(in.packet(), 0, in.packet().length);
                } catch (DecodeException ex) {
                    return; // a corrupt or malformed packet is dropped, as SCTP over UDP would
                }
                receive(p);
            }
            case Send s -> {
                if (resetting.contains(s.streamId())) {
                    // Sent on a stream this side already reset (a data channel's close racing a
                    // late frame): a TSN after the reset request would make the peer see a new
                    // stream with that id. Nothing may follow a reset; drop it.
                    releaseCredit(s.data().length);
                } else {
                    enqueueData(s);
                }
            }
            case Release r -> {
                held -= r.bytes();
                memory.releaseMemory(r.bytes());
                long window = window();
                if (window - advertised >= config.receiveWindow() / 4 || advertised < config.mtu() && window >= config.mtu()) {
                    sackNeeded = true;
                }
            }
            case ResetStream r -> {
                resetting.add(r.streamId());
                if (resetsWanted.isEmpty()) {
                    resetsWantedSince = System.nanoTime();
                }
                resetsWanted.add(r.streamId()); // requested by flush, after the data it covers
            }
            case Shutdown s -> {
                if (state == State.ESTABLISHED) {
                    state = State.SHUTDOWN_PENDING;
                    maybeShutdown();
                } else if (state == State.CLOSED || state == State.COOKIE_WAIT || state == State.COOKIE_ECHOED) {
                    end(null);
                }
            }
            case Abort a -> {
                if (peerKnown) {
                    transmit(List.of(SctpPacket.userAbort(a.reason())));
                }
                end(new SctpException("SCTP association aborted locally: " + a.reason()));
            }
            case Failed f -> end(f.cause());
            case Sync s -> s.reached().countDown();
        }
    }

    private void enqueueData(Send s) {
        int ssn = 0;
        if (!s.unordered()) {
            ssn = outSsn.getOrDefault(s.streamId(), 0);
            outSsn.put(s.streamId(), (ssn + 1) & 0xFFFF);
        }
        byte[] data = s.data();
        for (int off = 0; off < data.length; off += maxPayload) {
            int len = Math.min(maxPayload, data.length - off);
            byte[] part = off == 0 && len == data.length ? data : Arrays.copyOfRange(data, off, off + len);
            pending.add(new Out(new Chunk.Data(s.unordered(), off == 0, off + len == data.length, nextTsn++,
                    s.streamId(), ssn, s.ppid(), part)));
        }
    }

    private void receive(SctpPacket p) throws IOException {
        List<Chunk> chunks = p.chunks();
        if (chunks.isEmpty()) {
            return;
        }
        Chunk first = chunks.getFirst();
        if (first instanceof Chunk.Init init && !init.ack()) {
            if (p.verificationTag() == 0 && chunks.size() == 1) {
                onInit(init);
            }
            return;
        }
        boolean reflected = first instanceof Chunk.Abort a && a.tagReflected()
                || first instanceof Chunk.Bare b && b.tagReflected();
        long expected = reflected ? peerTag : myTag;
        if (p.verificationTag() != expected) {
            return;
        }
        for (Chunk c : chunks) {
            if (state == State.ENDED) {
                return;
            }
            switch (c) {
                case Chunk.Init i -> onInitAck(i);
                case Chunk.CookieEcho e -> onCookieEcho(e);
                case Chunk.Bare b -> onBare(b);
                case Chunk.Data d -> onData(d);
                case Chunk.Sack s -> onSack(s.cumulativeTsn(), s.advertisedWindow(), s.gaps());
                case Chunk.Heartbeat h -> {
                    if (!h.ack()) {
                        control.add(new Chunk.Heartbeat(true, h.info()));
                    } else if (heartbeatOutstanding && h.info().length == 8
                            && ByteBuffer.wrap(h.info()).getLong() == heartbeatNonce) {
                        heartbeatOutstanding = false;
                        heartbeatMisses = 0;
                    }
                }
                case Chunk.Abort a -> {
                    if (a.abort()) {
                        end(new SctpException("SCTP association aborted by the peer"
                                + (a.reason().isEmpty() ? "" : ": " + a.reason().replaceAll("\\p{Cntrl}", "?"))));
                        return;
                    }
                }
                case Chunk.Shutdown s -> onShutdown(s);
                case Chunk.Reconfig r -> onReconfig(r);
                case Chunk.Unknown u -> {
                    if ((u.type() & 0x80) == 0) {
                        return; // RFC 9260 3.2: stop processing this packet
                    }
                }
            }
        }
    }

    // ---------------------------------------------------------------- handshake

    private void sendInit() throws IOException {
        Chunk.Init init = new Chunk.Init(false, myTag, window(), 65_535, 65_535, myInitialTsn, true, null);
        transmitWithTag(0, List.of(init));
        t1Deadline = System.nanoTime() + rtoNanos;
    }

    private void onInit(Chunk.Init init) throws IOException {
        if (state != State.CLOSED && state != State.COOKIE_WAIT && state != State.COOKIE_ECHOED
                && state != State.ESTABLISHED) {
            return;
        }
        Chunk.Init ack = new Chunk.Init(true, myTag, window(), 65_535, 65_535, myInitialTsn, true, cookie(init));
        transmitWithTag(init.initiateTag(), List.of(ack));
    }

    private void onInitAck(Chunk.Init ack) throws IOException {
        if (!ack.ack() || state != State.COOKIE_WAIT) {
            return;
        }
        learnPeer(ack.initiateTag(), ack.initialTsn(), ack.advertisedWindow());
        peerCookie = ack.cookie();
        state = State.COOKIE_ECHOED;
        t1Count = 0;
        transmit(List.of(new Chunk.CookieEcho(peerCookie)));
        t1Deadline = System.nanoTime() + rtoNanos;
    }

    private void learnPeer(long tag, long initialTsn, long window) {
        if (peerKnown) {
            return;
        }
        peerKnown = true;
        peerTag = tag;
        cumIn = initialTsn - 1;
        peerNextRequestSeq = initialTsn;
        peerWindow = window;
    }

    private void onCookieEcho(Chunk.CookieEcho echo) throws IOException {
        ByteBuffer c = verifyCookie(echo.cookie());
        if (c == null) {
            return;
        }
        long tag = Integer.toUnsignedLong(c.getInt());
        long tsn = Integer.toUnsignedLong(c.getInt());
        long window = Integer.toUnsignedLong(c.getInt());
        c.get();
        if (peerKnown && tag != peerTag) {
            return; // a restart with new tags: not supported, the old association stays
        }
        learnPeer(tag, tsn, window);
        control.add(new Chunk.Bare(Chunk.COOKIE_ACK, false));
        becomeEstablished();
    }

    private void onBare(Chunk.Bare b) throws IOException {
        switch (b.type()) {
            case Chunk.COOKIE_ACK -> {
                if (state == State.COOKIE_ECHOED) {
                    becomeEstablished();
                }
            }
            case Chunk.SHUTDOWN_ACK -> {
                if (state == State.SHUTDOWN_SENT || state == State.SHUTDOWN_ACK_SENT) {
                    transmit(List.of(new Chunk.Bare(Chunk.SHUTDOWN_COMPLETE, false)));
                    end(null);
                }
            }
            case Chunk.SHUTDOWN_COMPLETE -> {
                if (state == State.SHUTDOWN_ACK_SENT) {
                    end(null);
                }
            }
            default -> {
                // nothing else is bare
            }
        }
    }

    private void becomeEstablished() {
        if (state == State.CLOSED || state == State.COOKIE_WAIT || state == State.COOKIE_ECHOED) {
            state = State.ESTABLISHED;
            t1Deadline = 0;
            heartbeatDeadline = System.nanoTime() + config.heartbeatInterval().toNanos() + rtoNanos;
            established.countDown();
        }
    }

    private byte[] cookie(Chunk.Init init) {
        ByteBuffer b = ByteBuffer.allocate(COOKIE_BODY + 32);
        b.putInt((int) init.initiateTag()).putInt((int) init.initialTsn()).putInt((int) init.advertisedWindow())
                .put((byte) (init.reconfigSupported() ? 1 : 0)).putInt((int) myTag).putLong(System.nanoTime());
        b.put(mac(b.array(), COOKIE_BODY));
        return b.array();
    }

    /** The cookie's body positioned at its start if its MAC, age and tag are right, else null. */
    private ByteBuffer verifyCookie(byte[] cookie) {
        if (cookie.length != COOKIE_BODY + 32) {
            return null;
        }
        byte[] expected = mac(cookie, COOKIE_BODY);
        if (!MessageDigest.isEqual(expected, Arrays.copyOfRange(cookie, COOKIE_BODY, cookie.length))) {
            return null;
        }
        ByteBuffer b = ByteBuffer.wrap(cookie);
        long tag = Integer.toUnsignedLong(b.getInt(13));
        long age = System.nanoTime() - b.getLong(17);
        if (tag != myTag || age < 0 || age > COOKIE_LIFETIME_NANOS) {
            return null;
        }
        return b;
    }

    private byte[] mac(byte[] data, int length) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(cookieKey, "HmacSHA256"));
            mac.update(data, 0, length);
            return mac.doFinal();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }

    // ---------------------------------------------------------------- receiving data

    private long window() {
        return Math.max(0, config.receiveWindow() - held);
    }

    private static long unwrap(long reference, long wire) {
        return reference + (int) (wire - reference);
    }

    private void onData(Chunk.Data d) throws IOException {
        if (state != State.ESTABLISHED && state != State.SHUTDOWN_PENDING && state != State.SHUTDOWN_SENT) {
            if (state == State.COOKIE_ECHOED) {
                becomeEstablished(); // DATA can only come from a peer that took our cookie; its COOKIE ACK is late
            } else {
                return;
            }
        }
        sackNeeded = true;
        long tsn = unwrap(cumIn, d.tsn());
        if (tsn <= cumIn || receivedAbove.contains(tsn)) {
            if (duplicates.size() < MAX_DUPS) {
                duplicates.add(d.tsn());
            }
            return;
        }
        int len = d.payload().length;
        if (tsn - cumIn > config.receiveWindow() || held + len > config.receiveWindow()
                || tsn != cumIn + 1 && receivedAbove.size() >= MAX_OUT_OF_ORDER) {
            return; // beyond the window: dropped, the peer retransmits
        }
        try {
            memory.reserveMemory(len, MemoryPriority.HIGH);
        } catch (IOException e) {
            return; // the resource manager refused: dropped like a full window
        }
        held += len;
        if (tsn == cumIn + 1) {
            cumIn++;
            while (!receivedAbove.isEmpty() && receivedAbove.first() == cumIn + 1) {
                cumIn = receivedAbove.pollFirst();
            }
        } else {
            receivedAbove.add(tsn);
        }
        reassembly.add(tsn, d, m -> handler.onMessage(m.streamId(), m.ppid(), m.data()));
        if (deferredIncoming != null && unwrap(cumIn, deferredIncoming.lastTsn()) <= cumIn) {
            Chunk.ResetRequest r = deferredIncoming;
            deferredIncoming = null;
            performIncomingReset(r);
        }
    }

    private Chunk.Sack sack() {
        List<Chunk.Gap> gaps = new ArrayList<>();
        long runStart = -1;
        long runEnd = -1;
        for (long t : receivedAbove) {
            if (t == runEnd + 1) {
                runEnd = t;
                continue;
            }
            if (runStart >= 0) {
                gaps.add(new Chunk.Gap((int) (runStart - cumIn), (int) (runEnd - cumIn)));
                if (gaps.size() == MAX_GAPS) {
                    break;
                }
            }
            runStart = t;
            runEnd = t;
        }
        if (runStart >= 0 && gaps.size() < MAX_GAPS) {
            gaps.add(new Chunk.Gap((int) (runStart - cumIn), (int) (runEnd - cumIn)));
        }
        advertised = window();
        Chunk.Sack s = new Chunk.Sack(cumIn & 0xFFFFFFFFL, advertised, gaps, List.copyOf(duplicates));
        duplicates.clear();
        return s;
    }

    // ---------------------------------------------------------------- acknowledgements

    private void onSack(long wireCum, long window, List<Chunk.Gap> gaps) {
        if (state.compareTo(State.ESTABLISHED) < 0) {
            return;
        }
        long cum = unwrap(cumAckOut, wireCum);
        long highestSent = inflight.isEmpty() ? cumAckOut : inflight.lastKey();
        if (cum < cumAckOut || cum > highestSent) {
            return; // stale, or acknowledges what was never sent
        }
        long now = System.nanoTime();
        long bytesAcked = 0;
        long rttSample = -1;
        boolean advanced = cum > cumAckOut;
        long released = 0;
        Iterator<Map.Entry<Long, Out>> it = inflight.headMap(cum, true).entrySet().iterator();
        while (it.hasNext()) {
            Out o = it.next().getValue();
            it.remove();
            if (!o.gapAcked && !o.marked) {
                flightSize -= o.size;
                bytesAcked += o.size;
            }
            if (o.transmissions == 1) {
                rttSample = now - o.sentAt;
            }
            released += o.size;
        }
        cumAckOut = cum;
        long highestNewlyAcked = cum;
        for (Chunk.Gap g : gaps) {
            for (Map.Entry<Long, Out> en : inflight.subMap(cum + g.start(), true, cum + g.end(), true).entrySet()) {
                long t = en.getKey();
                Out o = en.getValue();
                if (!o.gapAcked) {
                    o.gapAcked = true;
                    if (!o.marked) {
                        flightSize -= o.size;
                        bytesAcked += o.size;
                    }
                    o.marked = false;
                    if (o.transmissions == 1 && rttSample < 0) {
                        rttSample = now - o.sentAt;
                    }
                    highestNewlyAcked = Math.max(highestNewlyAcked, t);
                }
            }
        }
        if (released > 0) {
            releaseCredit(released);
        }
        if (rttSample >= 0) {
            measureRtt(rttSample);
        }
        // progress, or a peer that answers a probe with a closed window: alive either way (RFC 9260 6.1 A)
        Out oldest = inflight.isEmpty() ? null : inflight.firstEntry().getValue();
        if (bytesAcked > 0 || oldest != null && window < oldest.size) {
            errorCount = 0;
        }
        if (fastRecovery && cum >= fastRecoveryExit) {
            fastRecovery = false;
        }
        // fast retransmit: a chunk reported missing by three SACKs that acked something above it,
        // once per chunk (RFC 9260 §7.2.4): were its retransmission lost too, every later SACK would
        // go on reporting it and resending it each third time would be a loop only T3 should break
        boolean lossDetected = false;
        for (Out o : inflight.headMap(highestNewlyAcked, false).values()) {
            if (!o.gapAcked && !o.marked && !o.fastRetransmitted && highestNewlyAcked > cum && ++o.misses >= 3) {
                o.marked = true;
                o.fastRetransmitted = true;
                o.misses = 0;
                flightSize -= o.size;
                lossDetected = true;
            }
        }
        if (lossDetected && !fastRecovery) {
            ssthresh = Math.max(cwnd / 2, 4L * config.mtu());
            cwnd = ssthresh;
            partialBytesAcked = 0;
            fastRecovery = true;
            fastRecoveryExit = nextTsn - 1;
        } else if (advanced && !fastRecovery) {
            if (cwnd <= ssthresh) {
                cwnd += Math.min(bytesAcked, config.mtu());
            } else {
                partialBytesAcked += bytesAcked;
                if (partialBytesAcked >= cwnd) {
                    partialBytesAcked -= cwnd;
                    cwnd += config.mtu();
                }
            }
        }
        peerWindow = Math.max(0, window - flightSize);
        if (inflight.isEmpty()) {
            t3Deadline = 0;
        } else if (advanced) {
            t3Deadline = now + rtoNanos;
        }
        maybeShutdown();
    }

    private void measureRtt(long r) {
        if (srtt < 0) {
            srtt = r;
            rttvar = r / 2;
        } else {
            rttvar = (3 * rttvar + Math.abs(srtt - r)) / 4;
            srtt = (7 * srtt + r) / 8;
        }
        rtoNanos = Math.clamp(srtt + 4 * rttvar, config.rtoMin().toNanos(), config.rtoMax().toNanos());
    }

    /** Empties the queue, giving back what its sends and packets hold (owner thread). */
    private void drainEvents() {
        Event e;
        while ((e = events.poll()) != null) {
            if (e instanceof Send s) {
                releaseCredit(s.data().length);
            } else if (e instanceof Inbound in) {
                memory.releaseMemory(in.charged());
            }
        }
    }

    private void releaseCredit(long bytes) {
        memory.releaseMemory(bytes);
        creditLock.lock();
        try {
            queuedBytes -= bytes;
            creditFreed.signalAll();
        } finally {
            creditLock.unlock();
        }
    }

    // ---------------------------------------------------------------- stream reset

    /**
     * Asks for the wanted stream resets when none is outstanding, once the data queued before them
     * has been sent (or an RTO after they were wanted, so that a busy association resets too): a
     * request that reaches the peer before data it covers is answered "in progress", and only its
     * retransmission an RTO later (200 ms at least) completes it.
     */
    private void maybeSendReset() {
        if (outstandingReset != null || resetsWanted.isEmpty()
                || state != State.ESTABLISHED && state != State.SHUTDOWN_PENDING
                || !pending.isEmpty() && System.nanoTime() - resetsWantedSince < rtoNanos) {
            return;
        }
        List<Integer> streams = new ArrayList<>();
        Iterator<Integer> it = resetsWanted.iterator();
        while (it.hasNext() && streams.size() < MAX_STREAMS_PER_RESET) {
            streams.add(it.next());
            it.remove();
        }
        resetsWantedSince = System.nanoTime();
        outstandingReset = new Chunk.ResetRequest(myNextRequestSeq & 0xFFFFFFFFL,
                (peerNextRequestSeq - 1) & 0xFFFFFFFFL, (nextTsn - 1) & 0xFFFFFFFFL, List.copyOf(streams));
        control.add(new Chunk.Reconfig(outstandingReset, null));
        reconfigDeadline = System.nanoTime() + rtoNanos;
    }

    private void onReconfig(Chunk.Reconfig r) throws IOException {
        if (state.compareTo(State.ESTABLISHED) < 0) {
            return;
        }
        if (r.response() != null && outstandingReset != null
                && r.response().responseSeq() == outstandingReset.requestSeq()) {
            long result = r.response().result();
            if (result == Chunk.ReconfigResponse.IN_PROGRESS) {
                reconfigDeadline = System.nanoTime() + rtoNanos;
            } else {
                Chunk.ResetRequest done = outstandingReset;
                outstandingReset = null;
                reconfigDeadline = 0;
                myNextRequestSeq++;
                for (int s : done.streams()) {
                    outSsn.remove(s);
                    resetting.remove(s);
                    handler.onOutgoingReset(s);
                }
                maybeShutdown(); // a close waits for the channels' resets (the peer reads them as EOF)
            }
        }
        Chunk.ResetRequest q = r.request();
        if (q == null) {
            return;
        }
        long seq = q.requestSeq();
        long expected = peerNextRequestSeq & 0xFFFFFFFFL;
        long result;
        if (seq == expected) {
            if (unwrap(cumIn, q.lastTsn()) <= cumIn) {
                performIncomingReset(q);
                result = Chunk.ReconfigResponse.PERFORMED;
            } else {
                deferredIncoming = q;
                result = Chunk.ReconfigResponse.IN_PROGRESS;
            }
        } else if (seq == ((expected - 1) & 0xFFFFFFFFL)) {
            result = lastResponseResult;
        } else {
            result = Chunk.ReconfigResponse.BAD_SEQUENCE;
        }
        control.add(new Chunk.Reconfig(null, new Chunk.ReconfigResponse(seq, result)));
    }

    private void performIncomingReset(Chunk.ResetRequest q) {
        peerNextRequestSeq++;
        lastResponseResult = Chunk.ReconfigResponse.PERFORMED;
        List<Integer> streams = q.streams();
        if (streams.isEmpty()) {
            List<Integer> all = new ArrayList<>();
            reassembly.streamIds().forEach(all::add);
            streams = all;
        }
        for (int s : streams) {
            reassembly.reset(s);
            handler.onIncomingReset(s);
        }
    }

    // ---------------------------------------------------------------- shutdown

    private void onShutdown(Chunk.Shutdown s) throws IOException {
        if (state.compareTo(State.ESTABLISHED) < 0) {
            return;
        }
        onSack(s.cumulativeTsn(), peerWindow + flightSize, List.of());
        if (state == State.ESTABLISHED || state == State.SHUTDOWN_PENDING) {
            state = State.SHUTDOWN_RECEIVED;
            sendsClosed = true;
        }
        maybeShutdown();
    }

    private void maybeShutdown() {
        if (!pending.isEmpty() || !inflight.isEmpty()) {
            return;
        }
        if (state == State.SHUTDOWN_PENDING && (outstandingReset == null && resetsWanted.isEmpty())) {
            state = State.SHUTDOWN_SENT;
            control.add(new Chunk.Shutdown(cumIn & 0xFFFFFFFFL));
            t2Deadline = System.nanoTime() + rtoNanos;
        } else if (state == State.SHUTDOWN_RECEIVED) {
            state = State.SHUTDOWN_ACK_SENT;
            control.add(new Chunk.Bare(Chunk.SHUTDOWN_ACK, false));
            t2Deadline = System.nanoTime() + rtoNanos;
        }
    }

    // ---------------------------------------------------------------- timers

    private void fireTimers(long now) throws IOException {
        if (t1Deadline != 0 && now >= t1Deadline) {
            if (++t1Count > config.maxInitRetransmissions()) {
                end(new SctpException("SCTP handshake failed: no answer to " + (state == State.COOKIE_WAIT ? "INIT" : "COOKIE ECHO")
                        + " after " + config.maxInitRetransmissions() + " retransmissions"));
                return;
            }
            rtoNanos = Math.min(rtoNanos * 2, config.rtoMax().toNanos());
            if (state == State.COOKIE_WAIT) {
                sendInit();
            } else if (state == State.COOKIE_ECHOED) {
                transmit(List.of(new Chunk.CookieEcho(peerCookie)));
                t1Deadline = now + rtoNanos;
            } else {
                t1Deadline = 0;
            }
        }
        if (t3Deadline != 0 && now >= t3Deadline) {
            if (++errorCount > config.maxRetransmissions()) {
                end(new SctpException("SCTP association failed: data not acknowledged after "
                        + config.maxRetransmissions() + " retransmission timeouts"));
                return;
            }
            ssthresh = Math.max(cwnd / 2, 4L * config.mtu());
            cwnd = config.mtu();
            partialBytesAcked = 0;
            fastRecovery = false;
            rtoNanos = Math.min(rtoNanos * 2, config.rtoMax().toNanos());
            for (Out o : inflight.values()) {
                if (!o.gapAcked && !o.marked) {
                    o.marked = true;
                    flightSize -= o.size;
                }
            }
            t3Deadline = now + rtoNanos;
        }
        if (reconfigDeadline != 0 && now >= reconfigDeadline && outstandingReset != null) {
            control.add(new Chunk.Reconfig(outstandingReset, null));
            reconfigDeadline = now + rtoNanos;
        }
        if (heartbeatDeadline != 0 && now >= heartbeatDeadline) {
            heartbeat(now);
            if (state == State.ENDED) {
                return;
            }
        }
        if (t2Deadline != 0 && now >= t2Deadline) {
            if (++t2Count > config.maxRetransmissions()) {
                end(new SctpException("SCTP shutdown not acknowledged"));
                return;
            }
            control.add(state == State.SHUTDOWN_SENT ? new Chunk.Shutdown(cumIn & 0xFFFFFFFFL)
                    : new Chunk.Bare(Chunk.SHUTDOWN_ACK, false));
            // RFC 9260 §9.2: T2 follows T3's rules, so the RTO backs off as it does for data
            rtoNanos = Math.min(rtoNanos * 2, config.rtoMax().toNanos());
            t2Deadline = now + rtoNanos;
        }
    }

    /** The idle timer: while data is in flight T3 watches the peer; otherwise a HEARTBEAT does. */
    private void heartbeat(long now) {
        heartbeatDeadline = now + config.heartbeatInterval().toNanos() + rtoNanos;
        if (state != State.ESTABLISHED || !inflight.isEmpty()) {
            heartbeatOutstanding = false;
            return;
        }
        if (heartbeatOutstanding && ++heartbeatMisses > config.maxRetransmissions()) {
            end(new SctpException("SCTP association failed: the peer answered none of "
                    + config.maxRetransmissions() + " heartbeats"));
            return;
        }
        heartbeatNonce = random.nextLong();
        heartbeatOutstanding = true;
        control.add(new Chunk.Heartbeat(false, ByteBuffer.allocate(8).putLong(heartbeatNonce).array()));
    }

    // ---------------------------------------------------------------- sending

    private void flush() throws IOException {
        if (!peerKnown) {
            return;
        }
        Packer packet = new Packer();
        if (sackNeeded && state.compareTo(State.ESTABLISHED) >= 0) {
            packet.add(sack());
            sackNeeded = false;
        }
        packet.addControl();
        boolean dataAllowed = state == State.ESTABLISHED || state == State.SHUTDOWN_PENDING
                || state == State.SHUTDOWN_RECEIVED;
        long now = System.nanoTime();
        if (dataAllowed) {
            // retransmissions first, in TSN order, within the congestion window
            for (Out o : inflight.values()) {
                if (!o.marked) {
                    continue;
                }
                if (flightSize > 0 && flightSize + o.size > cwnd) {
                    break;
                }
                o.marked = false;
                o.transmissions++;
                o.sentAt = now;
                flightSize += o.size;
                packet.add(o.chunk);
            }
            while (!pending.isEmpty()) {
                Out o = pending.peek();
                boolean windowOk = peerWindow >= o.size || flightSize == 0;
                if (flightSize >= cwnd || !windowOk) {
                    break;
                }
                pending.poll();
                o.transmissions = 1;
                o.sentAt = now;
                inflight.put(o.chunk.tsn(), o);
                flightSize += o.size;
                peerWindow = Math.max(0, peerWindow - o.size);
                packet.add(o.chunk);
            }
            if (!inflight.isEmpty() && t3Deadline == 0) {
                t3Deadline = now + rtoNanos;
            }
        }
        maybeSendReset(); // after the data in this packet, which the peer then reads first
        packet.addControl();
        packet.send();
    }

    /** Fills packets up to the MTU in the order chunks are added, sending each full one. */
    private final class Packer {
        private List<Chunk> chunks = new ArrayList<>();
        private int size = SctpPacket.HEADER;

        void add(Chunk c) throws IOException {
            int cs = SctpPacket.size(c);
            if (size + cs > config.mtu() && !chunks.isEmpty()) {
                send();
            }
            chunks.add(c);
            size += cs;
        }

        /** Takes every queued control chunk. */
        void addControl() throws IOException {
            for (Chunk c : control) {
                add(c);
            }
            control.clear();
        }

        void send() throws IOException {
            if (!chunks.isEmpty()) {
                transmit(chunks);
                chunks = new ArrayList<>();
                size = SctpPacket.HEADER;
            }
        }
    }

    private void transmit(List<Chunk> chunks) throws IOException {
        transmitWithTag(peerTag, chunks);
    }

    private void transmitWithTag(long tag, List<Chunk> chunks) throws IOException {
        byte[] bytes = new SctpPacket(SctpConfig.PORT, SctpConfig.PORT, tag, chunks).encode();
        transport.send(bytes, 0, bytes.length);
    }

    // ---------------------------------------------------------------- the end

    private void end(IOException cause) {
        if (state == State.ENDED) {
            return;
        }
        state = State.ENDED;
        failure = cause;
        sendsClosed = true;
        long unacked = 0;
        for (Out o : inflight.values()) {
            unacked += o.size;
        }
        for (Out o : pending) {
            unacked += o.size;
        }
        inflight.clear();
        pending.clear();
        if (unacked > 0) {
            releaseCredit(unacked);
        }
        // what is still queued for sending holds credit too, and queued packets their bytes; received
        // bytes not yet released are given back all at once (later releases are dropped with the queue)
        draining = true;
        drainEvents();
        memory.releaseMemory(held);
        held = 0;
        creditLock.lock();
        try {
            creditFreed.signalAll();
        } finally {
            creditLock.unlock();
        }
        try {
            transport.close();
        } catch (IOException e) {
            // closing anyway
        }
        established.countDown();
        ended.countDown();
        handler.onClosed(cause);
    }
}
