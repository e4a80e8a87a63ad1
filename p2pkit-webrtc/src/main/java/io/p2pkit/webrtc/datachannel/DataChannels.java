package io.p2pkit.webrtc.datachannel;

import io.p2pkit.core.DecodeException;
import io.p2pkit.core.resource.MemoryScope;
import io.p2pkit.webrtc.sctp.SctpAssociation;
import io.p2pkit.webrtc.sctp.SctpConfig;
import org.bouncycastle.tls.DatagramTransport;

import java.io.Closeable;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The data channels of one SCTP association (RFC 8831, opened with DCEP, RFC 8832): either side
 * opens channels, the DTLS client on even stream ids and the server on odd ones; channels agreed
 * out of band (libp2p's Noise channel, id 0) exist from the start. Closing a channel resets its
 * streams; an id is used again once both sides have reset it.
 *
 * <pre>{@code
 * DataChannels dc = DataChannels.start(dtls, dtlsClient, SctpConfig.defaults(), memory, Set.of(0));
 * dc.awaitEstablished(Duration.ofSeconds(10));
 * DataChannel noise = dc.negotiated(0);
 * DataChannel ch = dc.open("", "");          // or dc.accept() for the remote's
 * ch.send(bytes);
 * }</pre>
 */
public final class DataChannels implements Closeable {
    /** Inbound channels waiting for {@link #accept()}; more are refused by resetting them. */
    static final int ACCEPT_BACKLOG = 256;
    /** How long {@link #close()} waits for the remote to answer this side's channel resets. */
    static final Duration RESET_ANSWER_WAIT = Duration.ofSeconds(2);
    /**
     * How many channels this side opened may await their DCEP ACK; a further {@link #open} waits
     * for one. pion and webrtc-rs (under go-libp2p and rust-libp2p) queue at most 16 new streams
     * for the loop that reads each one's DATA_CHANNEL_OPEN, and drop DATA on any further new stream,
     * counting on its retransmission. When a stream's OPEN was dropped but its next message got in,
     * that loop waits on the stream; once the queue is full every retransmitted OPEN is dropped
     * again, and since retransmission starts at the lowest TSN missing, one packet per timeout, the
     * stream's own OPEN is never sent again: the remote stalls for good. The remote's loop sends the
     * ACK after taking the stream, so with fewer than 16 awaiting an ACK its queue never fills.
     */
    static final int MAX_UNACKNOWLEDGED_OPENS = 8;
    /** How long {@link #open} waits while {@link #MAX_UNACKNOWLEDGED_OPENS} channels await their ACK. */
    static final Duration ACK_WAIT = Duration.ofSeconds(10);
    private static final byte[] ACCEPT_END = new byte[0];

    private final boolean evenIds;
    private final Set<Integer> negotiatedIds;
    private final Map<Integer, DataChannel> channels = new ConcurrentHashMap<>();
    private final BlockingQueue<Object> inbound = new ArrayBlockingQueue<>(ACCEPT_BACKLOG + 1);
    private final ReentrantLock allocation = new ReentrantLock();
    private final ReentrantLock resets = new ReentrantLock();
    private final Condition remoteResetSeen = resets.newCondition();
    private final ReentrantLock acks = new ReentrantLock();
    private final Condition ackSettled = acks.newCondition();
    private int awaitingAck; // guarded by acks
    /** Ids whose old channel the remote reused before our reset of it was answered (owner thread only). */
    private final Set<Integer> retiredResets = new java.util.HashSet<>();
    private final SctpAssociation association;
    /** Counted down when the remote opens its first channel, or the association ends. */
    private final CountDownLatch remoteOpened = new CountDownLatch(1);
    private int nextId; // guarded by allocation
    private volatile IOException failure;
    private volatile boolean ended;

    private DataChannels(DatagramTransport transport, boolean dtlsClient, SctpConfig config, MemoryScope memory,
                         Set<Integer> negotiated) {
        this.evenIds = dtlsClient;
        this.nextId = dtlsClient ? 0 : 1;
        this.negotiatedIds = Set.copyOf(negotiated);
        for (int id : negotiatedIds) {
            channels.put(id, new DataChannel(this, id, "", ""));
        }
        // started by start() once this field is set: the remote's first message can arrive at once
        this.association = SctpAssociation.create(transport, config, memory, new Events());
    }

    /**
     * Runs an SCTP association over {@code transport} and data channels on it.
     *
     * @param dtlsClient whether this side was the DTLS client (it opens channels on even ids)
     * @param negotiated ids of channels agreed out of band, which exist on both sides from the start
     */
    public static DataChannels start(DatagramTransport transport, boolean dtlsClient, SctpConfig config,
                                     MemoryScope memory, Set<Integer> negotiated) {
        DataChannels channels = new DataChannels(transport, dtlsClient, config, memory, negotiated);
        channels.association.begin();
        return channels;
    }

    /** Whether a channel with this id is open or closing (its id not yet free). */
    boolean inUse(int id) {
        return channels.containsKey(id);
    }

    /** Waits for the SCTP handshake. */
    public void awaitEstablished(Duration timeout) throws IOException {
        association.awaitEstablished(timeout);
    }

    /** The channel agreed out of band with id {@code id}. */
    public DataChannel negotiated(int id) {
        if (!negotiatedIds.contains(id)) {
            throw new IllegalArgumentException("channel " + id + " was not negotiated");
        }
        DataChannel c = channels.get(id);
        if (c == null) {
            throw new IllegalStateException("negotiated channel " + id + " is closed");
        }
        return c;
    }

    /**
     * Opens a reliable, ordered channel; data may be sent at once (DCEP's ACK is not awaited),
     * unless {@link #MAX_UNACKNOWLEDGED_OPENS} channels await theirs: then the open waits for one.
     */
    public DataChannel open(String label, String protocol) throws IOException {
        return open(-1, label, protocol);
    }

    /**
     * Opens a channel on the first free id from {@code firstId} on (of this side's parity), or from
     * after the last one given out when it is negative. Tests use an id just freed, as Chromium does.
     */
    DataChannel open(int firstId, String label, String protocol) throws IOException {
        awaitAckSlot();
        DataChannel c = null;
        boolean sent = false;
        try {
            c = allocate(firstId, label, protocol);
            association.send(c.id(), Dcep.PPID_DCEP, Dcep.open(new Dcep.Open(Dcep.RELIABLE, 0, 0, label, protocol)), false);
            sent = true;
        } finally {
            if (!sent && (c == null || c.settleAck())) {
                freeAckSlot();
            }
        }
        return c;
    }

    private DataChannel allocate(int firstId, String label, String protocol) throws IOException {
        DataChannel c;
        allocation.lock();
        try {
            // The next free id of this side's parity after the last one given out, wrapping: an id
            // is reused only after all the others, not as soon as both sides reset it. Peers that
            // still hold a closing channel a moment after the reset (pion) would otherwise take
            // the new channel's messages for the old one's.
            int id = -1;
            for (int i = 0, candidate = firstId >= 0 ? firstId : nextId; i < 32_768; i++, candidate += 2) {
                if (candidate > 65_534) {
                    candidate = evenIds ? 0 : 1;
                }
                if (!channels.containsKey(candidate) && !negotiatedIds.contains(candidate)) {
                    id = candidate;
                    break;
                }
            }
            if (id < 0) {
                throw new IOException("no free data channel id");
            }
            nextId = id + 2;
            c = new DataChannel(this, id, label, protocol);
            c.expectAck();
            channels.put(id, c);
        } finally {
            allocation.unlock();
        }
        return c;
    }

    /** Takes one of the {@link #MAX_UNACKNOWLEDGED_OPENS} places, waiting up to {@link #ACK_WAIT} for one. */
    private void awaitAckSlot() throws IOException {
        long deadline = System.nanoTime() + ACK_WAIT.toNanos();
        acks.lock();
        try {
            // once the association ended, the open goes on to fail with its cause
            while (awaitingAck >= MAX_UNACKNOWLEDGED_OPENS && !ended) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new IOException(MAX_UNACKNOWLEDGED_OPENS + " data channels opened before this one still await"
                            + " the remote's acknowledgement after " + ACK_WAIT.toSeconds() + " s");
                }
                ackSettled.awaitNanos(left);
            }
            awaitingAck++;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while data channels await the remote's acknowledgement");
        } finally {
            acks.unlock();
        }
    }

    private void freeAckSlot() {
        acks.lock();
        try {
            awaitingAck--;
            ackSettled.signalAll();
        } finally {
            acks.unlock();
        }
    }

    /**
     * Waits for a channel the remote opens.
     *
     * @return the channel, or null once the association has ended
     */
    public DataChannel accept() throws IOException {
        try {
            Object o = inbound.take();
            if (o == ACCEPT_END) {
                inbound.offer(ACCEPT_END);
                return null;
            }
            return (DataChannel) o;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting for a data channel");
        }
    }

    /**
     * Waits until the remote has opened a channel of its own with DCEP (or the association ended),
     * for at most {@code timeout}: a remote that opens channels is past its own setup and handles
     * the channels this side opens.
     *
     * @return whether the remote opened a channel or the association ended in that time
     */
    public boolean awaitRemoteOpen(Duration timeout) throws InterruptedIOException {
        try {
            return remoteOpened.await(Math.max(0, timeout.toNanos()), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting for the remote's first channel");
        }
    }

    /** Whether the association has ended. */
    public boolean isClosed() {
        return ended;
    }

    /** The association's failure, or null. */
    public IOException failure() {
        return failure;
    }

    /**
     * Shuts the association down gracefully (see {@link SctpAssociation#close()}), after the remote
     * has answered the channel resets this side sent with its own (for up to
     * {@link #RESET_ANSWER_WAIT}): pion fails a channel whose answering reset it can only send after
     * the association began shutting down.
     */
    @Override
    public void close() throws IOException {
        long deadline = System.nanoTime() + RESET_ANSWER_WAIT.toNanos();
        resets.lock();
        try {
            while (!ended && channels.values().stream().anyMatch(DataChannel::awaitingRemoteReset)) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    break;
                }
                remoteResetSeen.awaitNanos(left);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            resets.unlock();
        }
        association.close();
    }

    private void signalResets() {
        resets.lock();
        try {
            remoteResetSeen.signalAll();
        } finally {
            resets.unlock();
        }
    }

    /** Aborts the association. */
    public void abort(String reason) {
        association.abort(reason);
    }

    void send(int id, byte[] message) throws IOException {
        if (message.length == 0) {
            association.send(id, Dcep.PPID_BINARY_EMPTY, new byte[1], false);
        } else {
            association.send(id, Dcep.PPID_BINARY, message, false);
        }
    }

    void release(int bytes) {
        association.release(bytes);
    }

    void resetOutgoing(int id) throws IOException {
        if (!ended) {
            association.resetStream(id);
        }
    }

    private void forgetIfDone(DataChannel c) {
        if (c.fullyReset()) {
            channels.remove(c.id(), c);
        }
    }

    /** The association's events, on its owner thread. */
    private final class Events implements SctpAssociation.Handler {
        @Override
        public void onMessage(int streamId, long ppid, byte[] data) {
            if (ppid == Dcep.PPID_DCEP) {
                association.release(data.length);
                onDcep(streamId, data);
                return;
            }
            DataChannel c = channels.get(streamId);
            byte[] message = ppid == Dcep.PPID_BINARY_EMPTY || ppid == Dcep.PPID_STRING_EMPTY ? new byte[0] : data;
            if (c == null || !c.deliver(message)) {
                association.release(data.length);
            }
        }

        private void onDcep(int streamId, byte[] data) {
            Dcep.Open open;
            try {
                open = Dcep.decode(data);
            } catch (DecodeException e) {
                refuse(streamId);
                return;
            }
            if (open == null) {
                // ACK: data was allowed before it, but a further open may have waited for it
                DataChannel c = channels.get(streamId);
                if (c != null && c.settleAck()) {
                    freeAckSlot();
                }
                return;
            }
            boolean remoteParity = (streamId % 2 == 0) != evenIds;
            DataChannel old = channels.get(streamId);
            if (remoteParity && old != null && old.remoteHasReset()) {
                // The remote reuses an id whose reset it has seen both ways, while the response to
                // our own reset is still on its way here: the old channel is over.
                channels.remove(streamId, old);
                if (!old.outgoingResetDone()) {
                    retiredResets.add(streamId); // that response must not close the new channel
                }
            }
            if (!remoteParity || channels.containsKey(streamId)) {
                refuse(streamId);
                return;
            }
            DataChannel c = new DataChannel(DataChannels.this, streamId, open.label(), open.protocol());
            if (inbound.remainingCapacity() <= 1) {
                refuse(streamId);
                return;
            }
            channels.put(streamId, c);
            try {
                association.send(streamId, Dcep.PPID_DCEP, Dcep.ack(), false);
            } catch (IOException e) {
                return; // the association is ending
            }
            inbound.offer(c);
            remoteOpened.countDown();
        }

        private void refuse(int streamId) {
            try {
                association.resetStream(streamId);
            } catch (IOException e) {
                // the association is ending
            }
        }

        @Override
        public void onIncomingReset(int streamId) {
            DataChannel c = channels.get(streamId);
            if (c == null) {
                return;
            }
            if (c.settleAck()) {
                freeAckSlot(); // refused, or opened and closed at once: no ACK will come
            }
            if (c.remoteReset()) {
                refuse(streamId);
            }
            forgetIfDone(c);
            signalResets();
        }

        @Override
        public void onOutgoingReset(int streamId) {
            if (retiredResets.remove(streamId)) {
                return;
            }
            DataChannel c = channels.get(streamId);
            if (c != null) {
                c.outgoingReset();
                forgetIfDone(c);
            }
        }

        @Override
        public void onClosed(IOException cause) {
            failure = cause;
            ended = true;
            for (DataChannel c : channels.values()) {
                c.ended(cause);
            }
            inbound.clear();
            inbound.offer(ACCEPT_END);
            remoteOpened.countDown();
            signalResets();
            acks.lock();
            try {
                ackSettled.signalAll();
            } finally {
                acks.unlock();
            }
        }
    }
}
