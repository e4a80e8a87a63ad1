package io.p2pkit.core.security.noise;

import io.p2pkit.core.resource.MemoryPriority;
import io.p2pkit.core.resource.MemoryScope;
import io.p2pkit.core.resource.ResourceLimitException;
import io.p2pkit.core.transport.RawConnection;

import java.io.IOException;
import java.io.OutputStream;
import java.util.Objects;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Writes libp2p Noise frames to the raw connection: handshake messages as they are, then the
 * plain byte stream cut into transport messages of at most 65519 plaintext bytes (65535 with the
 * tag), each behind its 2-byte big-endian length.
 *
 * <p>Small writes collect in an open frame, which is sealed when full or on {@link #flush()}. A
 * write that completes the open frame is sealed together with it as one message, its part
 * encrypted straight from the caller's array: a muxer's header and the payload behind it cost
 * one AEAD message, not two (each message costs the JDK's cipher about 1 µs on top of its bytes:
 * {@code init} sets up a new Poly1305 and engine). Full frames of a larger write are
 * also encrypted straight from the caller's array into the send buffer, which then grows to hold
 * several frames, and the sealed frames go to the raw stream in one call at the end of the write
 * (or when the buffer is full). Frames are built in place in that one buffer: the open frame's
 * plaintext sits where its ciphertext will be.
 *
 * <p>Running out of nonces closes the connection.
 */
final class NoiseFrameOutputStream extends OutputStream {
    /** The most plaintext one transport message carries. */
    static final int MAX_PLAINTEXT = NoiseXXHandshake.MAX_MESSAGE_LENGTH - CipherState.TAG_LENGTH;
    private static final int FRAME_BYTES = 2 + NoiseXXHandshake.MAX_MESSAGE_LENGTH;
    /** How many sealed frames a bulk write gathers into one raw write. */
    private static final int BULK_FRAMES = 4;

    private final RawConnection connection;
    private final MemoryScope memory;
    private final OutputStream raw;
    private final ReentrantLock lock = new ReentrantLock();
    private final byte[] one = new byte[1];
    private byte[] buf;
    /** {@code [sentUpTo, sealedEnd)} holds sealed frames not yet written to the raw stream. */
    private int sentUpTo;
    private int sealedEnd;
    /** The open frame starts at {@code sealedEnd}; its plaintext begins 2 bytes later. */
    private int openLength;
    private CipherState cipher;
    private volatile boolean closed;

    /**
     * @param connection the raw connection the frames go to
     * @param memory     where the send buffer is reserved while it is held
     */
    NoiseFrameOutputStream(RawConnection connection, MemoryScope memory) {
        this.connection = connection;
        this.memory = memory;
        this.raw = connection.out();
    }

    /** Writes one handshake message with its length and flushes it. */
    void writeHandshakeMessage(byte[] message) throws IOException {
        if (message.length > NoiseXXHandshake.MAX_MESSAGE_LENGTH) {
            throw new IllegalArgumentException("handshake message of " + message.length + " bytes");
        }
        byte[] frame = new byte[2 + message.length];
        frame[0] = (byte) (message.length >>> 8);
        frame[1] = (byte) message.length;
        System.arraycopy(message, 0, frame, 2, message.length);
        lock.lock();
        try {
            raw.write(frame);
            raw.flush();
        } finally {
            lock.unlock();
        }
    }

    /** Switches to transport messages, encrypted with {@code sendCipher}. */
    void startTransport(CipherState sendCipher) {
        lock.lock();
        try {
            cipher = sendCipher;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void write(int b) throws IOException {
        lock.lock();
        try {
            one[0] = (byte) b;
            write(one, 0, 1);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        Objects.checkFromIndexSize(off, len, b.length);
        lock.lock();
        try {
            checkOpen();
            if (buf == null) {
                takeBuffer(len >= MAX_PLAINTEXT);
            }
            while (len > 0) {
                if (openLength == 0) {
                    makeRoomForFrame(len >= MAX_PLAINTEXT);
                    if (len >= MAX_PLAINTEXT) {
                        seal(b, off, MAX_PLAINTEXT);
                        off += MAX_PLAINTEXT;
                        len -= MAX_PLAINTEXT;
                        continue;
                    }
                } else if (len >= MAX_PLAINTEXT - openLength) {
                    // This write completes the open frame (a muxer's header ahead of its payload,
                    // typically): one message of both, the caller's part encrypted where it is.
                    int n = MAX_PLAINTEXT - openLength;
                    sealOpenFrameWith(b, off, n);
                    off += n;
                    len -= n;
                    continue;
                }
                int n = Math.min(len, MAX_PLAINTEXT - openLength);
                System.arraycopy(b, off, buf, sealedEnd + 2 + openLength, n);
                openLength += n;
                off += n;
                len -= n;
            }
            // Full frames go out now; a partial frame waits for more data or a flush.
            sendSealed();
        } finally {
            lock.unlock();
        }
    }

    /** Seals the open frame, even if short, and sends everything sealed. */
    @Override
    public void flush() throws IOException {
        lock.lock();
        try {
            checkOpen();
            if (openLength > 0) {
                sealOpenFrame();
            }
            sendSealed();
            raw.flush();
            if (openLength == 0) {
                // Everything is sent: an idle connection keeps no frame buffer.
                giveBuffer();
            }
        } finally {
            lock.unlock();
        }
    }

    /** Flushes, then refuses further writes; the caller half-closes the raw connection. */
    void finish() throws IOException {
        lock.lock();
        try {
            if (closed) {
                return;
            }
            if (cipher != null) {
                flush();
            }
            closed = true;
        } finally {
            lock.unlock();
        }
    }

    /** Marks the stream closed without sending, after the connection was closed. */
    void abandon() {
        closed = true;
    }

    /** Flushes and half-closes the connection, like {@link io.p2pkit.core.transport.RawConnection#closeWrite()}. */
    @Override
    public void close() throws IOException {
        finish();
        connection.closeWrite();
    }

    private void checkOpen() throws IOException {
        if (cipher == null) {
            throw new IllegalStateException("the Noise handshake has not completed");
        }
        if (closed) {
            throw new IOException("the write side of this Noise connection is closed");
        }
    }

    /** Ensures a full frame fits at {@code sealedEnd}; grows the buffer for bulk writes. */
    private void makeRoomForFrame(boolean bulk) throws IOException {
        if (bulk && buf.length < BULK_FRAMES * FRAME_BYTES) {
            // the bigger buffer only saves system calls, so it is optional (MEDIUM): when refused,
            // frames go out one at a time instead
            byte[] bigger = memory.tryTakeBuffer(BULK_FRAMES * FRAME_BYTES, MemoryPriority.MEDIUM);
            if (bigger != null) {
                System.arraycopy(buf, 0, bigger, 0, sealedEnd); // no open frame here
                memory.giveBuffer(buf);
                buf = bigger;
            }
        }
        if (buf.length - sealedEnd < FRAME_BYTES) {
            sendSealed();
        }
    }

    /**
     * Reserves, then takes the send buffer: for a bulk write (at least a full frame) the
     * four-frame buffer if the scope has room for it at {@link MemoryPriority#MEDIUM} (it only
     * saves system calls), so that a busy period costs one reservation and one release; otherwise
     * the one-frame buffer, without which nothing can be sent, at {@link MemoryPriority#ALWAYS}. A
     * refusal of that closes the connection.
     */
    private void takeBuffer(boolean bulk) throws ResourceLimitException {
        if (bulk) {
            buf = memory.tryTakeBuffer(BULK_FRAMES * FRAME_BYTES, MemoryPriority.MEDIUM);
            if (buf != null) {
                return;
            }
        }
        try {
            buf = memory.takeBuffer(FRAME_BYTES, MemoryPriority.ALWAYS);
        } catch (ResourceLimitException e) {
            closed = true;
            NoiseFrameInputStream.closeQuietly(connection);
            throw e;
        }
    }

    /** Hands the send buffer back to the pool and its reservation to the scope. */
    private void giveBuffer() {
        memory.giveBuffer(buf);
        buf = null;
    }

    private void sealOpenFrame() throws IOException {
        seal(buf, sealedEnd + 2, openLength);
        openLength = 0;
    }

    /**
     * Seals the open frame followed by {@code len} bytes of {@code src} as one frame, which the
     * open frame's room holds. The open part is encrypted in place, the rest straight from
     * {@code src}.
     */
    private void sealOpenFrameWith(byte[] src, int off, int len) throws IOException {
        int n;
        try {
            n = cipher.encryptWithAd(null, buf, sealedEnd + 2, openLength, src, off, len, buf, sealedEnd + 2);
        } catch (NonceExhaustedException e) {
            throw nonceExhausted(e);
        }
        openLength = 0;
        sealed(n);
    }

    /** Encrypts {@code len} bytes into a frame at {@code sealedEnd}; the source may be the open frame itself. */
    private void seal(byte[] src, int off, int len) throws IOException {
        int n;
        try {
            n = cipher.encryptWithAd(null, src, off, len, buf, sealedEnd + 2);
        } catch (NonceExhaustedException e) {
            throw nonceExhausted(e);
        }
        sealed(n);
    }

    /** Closes the connection: no message can be sent without reusing a nonce. */
    private NonceExhaustedException nonceExhausted(NonceExhaustedException e) {
        closed = true;
        NoiseFrameInputStream.closeQuietly(connection);
        return e;
    }

    /** Writes the length of the {@code n}-byte frame just sealed at {@code sealedEnd} and moves past it. */
    private void sealed(int n) {
        buf[sealedEnd] = (byte) (n >>> 8);
        buf[sealedEnd + 1] = (byte) n;
        sealedEnd += 2 + n;
    }

    /** Writes the sealed frames in one call; resets the buffer when no open frame remains. */
    private void sendSealed() throws IOException {
        if (buf == null) {
            return;
        }
        if (sealedEnd > sentUpTo) {
            raw.write(buf, sentUpTo, sealedEnd - sentUpTo);
            sentUpTo = sealedEnd;
        }
        if (openLength == 0) {
            sentUpTo = sealedEnd = 0;
        }
    }
}
