package io.p2pkit.webrtc.datachannel;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.ArrayDeque;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One WebRTC data channel (RFC 8831): a reliable, ordered channel of binary messages on one SCTP
 * stream. Received messages wait here until read; their bytes hold the association's receive
 * window until then. Closing resets the outgoing stream; the channel is gone when both sides have
 * reset theirs.
 */
public final class DataChannel {
    private final DataChannels owner;
    private final int id;
    private final String label;
    private final String protocol;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition readable = lock.newCondition();
    private final ArrayDeque<byte[]> messages = new ArrayDeque<>();
    /** Guarded by lock. */
    private boolean remoteClosed;
    private boolean localClosed;
    /** Our outgoing stream's reset was asked for (by close, or in answer to the remote's). */
    private boolean resetRequested;
    private boolean outgoingResetDone;
    /** Opened by this side and neither acknowledged (DCEP ACK) nor reset by the remote yet. */
    private boolean awaitingAck;
    /** Sends past the closed check and not yet queued on the association. */
    private int sending;
    /** Our reset, asked for while sends were in progress: the last of them asks for it. */
    private boolean resetDeferred;
    private IOException failure;

    DataChannel(DataChannels owner, int id, String label, String protocol) {
        this.owner = owner;
        this.id = id;
        this.label = label;
        this.protocol = protocol;
    }

    /** The SCTP stream id. */
    public int id() {
        return id;
    }

    /** The label given by the opener (libp2p opens with an empty one). */
    public String label() {
        return label;
    }

    /** The sub-protocol given by the opener. */
    public String protocol() {
        return protocol;
    }

    /**
     * Sends one binary message, waiting while the association's send buffer is full. A message
     * whose send returns goes out ahead of the channel's reset, even when the channel is closed
     * while it waits: the association drops whatever is queued on a stream after its reset.
     *
     * @throws IOException when the channel or the association is closed
     */
    public void send(byte[] message) throws IOException {
        lock.lock();
        try {
            if (localClosed || remoteClosed) {
                throw new IOException("data channel " + id + " is closed");
            }
            sending++;
        } finally {
            lock.unlock();
        }
        try {
            owner.send(id, message);
        } finally {
            boolean reset;
            lock.lock();
            try {
                reset = --sending == 0 && resetDeferred;
                if (reset) {
                    resetDeferred = false;
                }
            } finally {
                lock.unlock();
            }
            if (reset) {
                resetAfterSends();
            }
        }
    }

    /** Asks for the reset a close deferred while sends were in progress; they are queued now. */
    private void resetAfterSends() {
        try {
            owner.resetOutgoing(id);
        } catch (IOException e) {
            // the association is ending: nothing to reset
        }
    }

    /** Whether this side's reset must wait for sends in progress (guarded by lock). */
    private boolean deferResetLocked() {
        if (sending > 0) {
            resetDeferred = true;
            return true;
        }
        return false;
    }

    /** Whether the remote has closed (reset) its side of the channel: it reads nothing more. */
    public boolean isClosedByRemote() {
        lock.lock();
        try {
            return remoteClosed;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Waits for the next message.
     *
     * @return the message, or null once the remote closed the channel and every message was read
     * @throws IOException when the association failed or this side closed the channel
     */
    public byte[] receive() throws IOException {
        byte[] m;
        lock.lock();
        try {
            while (messages.isEmpty()) {
                if (failure != null) {
                    throw failure;
                }
                if (remoteClosed) {
                    return null;
                }
                if (localClosed) {
                    throw new IOException("data channel " + id + " was closed locally");
                }
                readable.await();
            }
            m = messages.poll();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while reading data channel " + id);
        } finally {
            lock.unlock();
        }
        owner.release(Math.max(1, m.length));
        return m;
    }

    /**
     * Closes the channel: unread messages are dropped and the outgoing stream is reset, unless that
     * was done already in answer to the remote's reset. Idempotent. Resetting twice would reset
     * whatever channel has taken the id since: Chromium opens its next channel on the lowest free id
     * as soon as both directions are reset.
     */
    public void close() throws IOException {
        int dropped = 0;
        boolean reset;
        lock.lock();
        try {
            if (localClosed) {
                return;
            }
            localClosed = true;
            reset = !resetRequested && !deferResetLocked();
            resetRequested = true;
            for (byte[] m : messages) {
                dropped += Math.max(1, m.length);
            }
            messages.clear();
            readable.signalAll();
        } finally {
            lock.unlock();
        }
        owner.release(dropped);
        if (reset) {
            owner.resetOutgoing(id);
        }
    }

    /** Whether this side closed the channel or the remote did. */
    public boolean isClosed() {
        lock.lock();
        try {
            return localClosed || remoteClosed || failure != null;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public String toString() {
        return "DataChannel[" + id + "]";
    }

    /** A message arrived; false (and the caller releases it) if nobody will read it. */
    boolean deliver(byte[] message) {
        lock.lock();
        try {
            if (localClosed || remoteClosed || failure != null) {
                return false;
            }
            messages.add(message);
            readable.signalAll();
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** This side opened the channel with DCEP: its ACK is awaited. */
    void expectAck() {
        lock.lock();
        try {
            awaitingAck = true;
        } finally {
            lock.unlock();
        }
    }

    /**
     * The remote acknowledged the channel, or reset it, so no ACK is awaited any more.
     *
     * @return true the first time for a channel whose ACK was awaited
     */
    boolean settleAck() {
        lock.lock();
        try {
            boolean was = awaitingAck;
            awaitingAck = false;
            return was;
        } finally {
            lock.unlock();
        }
    }

    /** The remote reset its outgoing stream; true if this side should now reset its own. */
    boolean remoteReset() {
        lock.lock();
        try {
            remoteClosed = true;
            readable.signalAll();
            // on the association's owner, which must not wait: a send in progress resets later
            boolean reset = !resetRequested && !deferResetLocked();
            resetRequested = true;
            return reset;
        } finally {
            lock.unlock();
        }
    }

    /** The remote performed this side's reset; true when both directions are now reset. */
    boolean outgoingResetDone() {
        lock.lock();
        try {
            return outgoingResetDone;
        } finally {
            lock.unlock();
        }
    }

    boolean outgoingReset() {
        lock.lock();
        try {
            outgoingResetDone = true;
            return remoteClosed;
        } finally {
            lock.unlock();
        }
    }

    /** Whether this side has reset its outgoing stream and the remote has not yet reset its own. */
    boolean awaitingRemoteReset() {
        lock.lock();
        try {
            return resetRequested && !remoteClosed && failure == null;
        } finally {
            lock.unlock();
        }
    }

    /** Whether the remote has reset its side (whatever ours is doing). */
    boolean remoteHasReset() {
        lock.lock();
        try {
            return remoteClosed;
        } finally {
            lock.unlock();
        }
    }

    /** Whether both directions have been reset, so the id may be used again. */
    boolean fullyReset() {
        lock.lock();
        try {
            return outgoingResetDone && remoteClosed;
        } finally {
            lock.unlock();
        }
    }

    /** The association ended: with {@code cause}, or cleanly (null), which reads as the remote's close. */
    void ended(IOException cause) {
        lock.lock();
        try {
            if (cause == null) {
                remoteClosed = true;
            } else if (failure == null) {
                failure = cause;
            }
            readable.signalAll();
        } finally {
            lock.unlock();
        }
    }
}
