package io.p2pkit.core.security.noise;

import io.p2pkit.core.logging.LazyLogger;
import io.p2pkit.core.resource.MemoryPriority;
import io.p2pkit.core.resource.MemoryScope;
import io.p2pkit.core.resource.ResourceLimitException;
import io.p2pkit.core.transport.RawConnection;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.Objects;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Reads libp2p Noise frames (2-byte big-endian length, then at most 65535 bytes) from the raw
 * connection: first the handshake messages as they are, then transport messages, which it
 * decrypts and hands out as a plain byte stream.
 *
 * <p>One buffer serves both phases, so transport bytes that arrive right behind the last
 * handshake message are not lost. The buffer holds more than one frame, so a single read from
 * the raw stream often brings several frames. A frame is decrypted in place in that buffer, or
 * straight into the caller's array when the caller asks for at least the whole frame, which
 * saves a copy on bulk reads.
 *
 * <p>A frame that fails authentication, exhausts the nonces or is cut short ends the
 * connection: it is closed and every later read throws the same error.
 */
final class NoiseFrameInputStream extends InputStream {
    private static final System.Logger LOG = LazyLogger.of(NoiseFrameInputStream.class);

    /** Room for one full frame and as much read-ahead again. */
    private static final int BUFFER_BYTES = 2 * (2 + NoiseXXHandshake.MAX_MESSAGE_LENGTH);

    private final RawConnection connection;
    private final MemoryScope memory;
    private final InputStream raw;
    private final ReentrantLock lock = new ReentrantLock();
    private final byte[] one = new byte[1];
    private byte[] buf;
    /** Decrypted bytes not yet handed out. */
    private int plainPos;
    private int plainEnd;
    /** Raw bytes received but not yet parsed into frames. */
    private int dataPos;
    private int dataEnd;
    private CipherState cipher;
    private IOException failure;
    private boolean endOfStream;

    /**
     * @param connection the raw connection the frames come from
     * @param memory     where the frame buffer is reserved while it is held
     */
    NoiseFrameInputStream(RawConnection connection, MemoryScope memory) {
        this.connection = connection;
        this.memory = memory;
        this.raw = connection.in();
    }

    /** Closes {@code connection}, ignoring errors: used when a fatal error is already being reported. */
    static void closeQuietly(RawConnection connection) {
        try {
            connection.close();
        } catch (IOException | RuntimeException e) {
            // the original error is what the caller needs to see
            LOG.log(System.Logger.Level.DEBUG, () -> "closing a Noise connection after an error: " + e);
        }
    }

    /**
     * Reads one handshake message, the whole frame body.
     *
     * @throws EOFException if the stream ends before or inside the frame
     */
    byte[] readHandshakeMessage() throws IOException {
        lock.lock();
        try {
            int length = frameLength();
            if (length < 0) {
                throw new EOFException("the connection ended before the next handshake message");
            }
            fill(length);
            byte[] message = Arrays.copyOfRange(buf, dataPos, dataPos + length);
            dataPos += length;
            return message;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Gives the frame buffer back if it holds nothing unread. After a handshake whose transport
     * phase may never be read (WebRTC-direct's, which only authenticates), the buffer the last
     * handshake message was read into would otherwise stay reserved; a later read takes one again.
     */
    void releaseIdleBuffer() {
        lock.lock();
        try {
            if (buf != null && dataPos == dataEnd && plainPos == plainEnd) {
                dropBuffer();
            }
        } finally {
            lock.unlock();
        }
    }

    /** Switches to transport messages, decrypted with {@code receiveCipher}. */
    void startTransport(CipherState receiveCipher) {
        lock.lock();
        try {
            cipher = receiveCipher;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public int read() throws IOException {
        lock.lock();
        try {
            int n = read(one, 0, 1);
            return n < 0 ? -1 : one[0] & 0xFF;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        Objects.checkFromIndexSize(off, len, b.length);
        lock.lock();
        try {
            if (failure != null) {
                throw failure;
            }
            if (cipher == null) {
                throw new IllegalStateException("the Noise handshake has not completed");
            }
            if (len == 0) {
                return 0;
            }
            while (plainPos == plainEnd) {
                if (endOfStream) {
                    return -1;
                }
                int direct = nextFrame(b, off, len);
                if (direct > 0) {
                    return direct;
                }
            }
            int n = Math.min(len, plainEnd - plainPos);
            System.arraycopy(buf, plainPos, b, off, n);
            plainPos += n;
            return n;
        } catch (BadTagException | NonceExhaustedException | EOFException | ResourceLimitException e) {
            // Without a frame buffer nothing more can be read: the connection ends with the limit error.
            failure = e;
            dropBuffer();
            closeQuietly(connection);
            throw e;
        } finally {
            lock.unlock();
        }
    }

    /** Decrypted bytes that can be read without blocking. */
    @Override
    public int available() {
        lock.lock();
        try {
            return plainEnd - plainPos;
        } finally {
            lock.unlock();
        }
    }

    /** Closes the whole connection, as closing a socket's input stream does. */
    @Override
    public void close() {
        closeQuietly(connection);
    }

    /**
     * Reads and decrypts the next frame. When {@code len} can take the whole plaintext, it goes
     * straight to {@code b} and its length is returned; otherwise it stays in the buffer and 0 is
     * returned. At the end of the stream, sets {@link #endOfStream}.
     */
    private int nextFrame(byte[] b, int off, int len) throws IOException {
        int length = frameLength();
        if (length < 0) {
            endOfStream = true;
            dropBuffer(); // nothing more will arrive
            return 0;
        }
        fill(length);
        int start = dataPos;
        dataPos += length;
        if (length > CipherState.TAG_LENGTH && len >= length - CipherState.TAG_LENGTH) {
            return cipher.decryptWithAd(null, buf, start, length, b, off);
        }
        int n = cipher.decryptWithAd(null, buf, start, length, buf, start);
        plainPos = start;
        plainEnd = start + n;
        return 0;
    }

    /** Reads the 2-byte length of the next frame; -1 if the stream ends cleanly before it. */
    private int frameLength() throws IOException {
        if (cipher != null && dataPos == dataEnd && raw.available() <= 0) {
            // Nothing buffered and nothing waiting: an idle connection waits here, so it waits
            // without its 128 KiB buffer. Under load bytes are waiting and the buffer is kept.
            giveBuffer();
            dataPos = dataEnd = 0;
            plainPos = plainEnd = 0;
            byte[] head = new byte[2];
            int got = 0;
            while (got < 2) {
                int r = raw.read(head, got, 2 - got);
                if (r < 0) {
                    if (got == 0) {
                        return -1;
                    }
                    throw new EOFException("the connection ended inside a Noise frame header");
                }
                got += r;
            }
            takeBuffer();
            return ((head[0] & 0xFF) << 8) | (head[1] & 0xFF);
        }
        if (buf == null) {
            takeBuffer();
        }
        if (dataEnd - dataPos < 2 && !fillAtLeast(2)) {
            if (dataEnd == dataPos) {
                return -1;
            }
            throw new EOFException("the connection ended inside a Noise frame header");
        }
        int length = ((buf[dataPos] & 0xFF) << 8) | (buf[dataPos + 1] & 0xFF);
        dataPos += 2;
        return length;
    }

    /**
     * Reserves, then takes the frame buffer. Essential to progress, so at
     * {@link MemoryPriority#ALWAYS}: optional buffers (window growth, new streams) give way first.
     */
    private void takeBuffer() throws ResourceLimitException {
        buf = memory.takeBuffer(BUFFER_BYTES, MemoryPriority.ALWAYS);
    }

    /** Hands the frame buffer back to the pool and its reservation to the scope. */
    private void giveBuffer() {
        memory.giveBuffer(buf);
        buf = null;
    }

    /** Gives the buffer back after a fatal error; later reads fail before touching it. */
    private void dropBuffer() {
        giveBuffer();
        dataPos = dataEnd = 0;
        plainPos = plainEnd = 0;
    }

    private void fill(int n) throws IOException {
        if (dataEnd - dataPos < n && !fillAtLeast(n)) {
            throw new EOFException("the connection ended inside a Noise frame: " + (dataEnd - dataPos)
                    + " of " + n + " bytes");
        }
    }

    /**
     * Makes at least {@code n} unparsed bytes available, reading as much as the raw stream offers
     * per call. Only called when no decrypted bytes are pending, so the buffer can be compacted.
     *
     * @return false if the raw stream ended first
     */
    private boolean fillAtLeast(int n) throws IOException {
        if (dataPos == dataEnd) {
            dataPos = dataEnd = 0;
        } else if (buf.length - dataPos < n) {
            System.arraycopy(buf, dataPos, buf, 0, dataEnd - dataPos);
            dataEnd -= dataPos;
            dataPos = 0;
        }
        while (dataEnd - dataPos < n) {
            int r = raw.read(buf, dataEnd, buf.length - dataEnd);
            if (r < 0) {
                return false;
            }
            dataEnd += r;
        }
        return true;
    }
}
