package io.p2pkit.core.security.tls;

import io.p2pkit.core.resource.MemoryPriority;
import io.p2pkit.core.resource.MemoryScope;
import io.p2pkit.core.resource.ResourceLimitException;
import io.p2pkit.core.transport.RawConnection;

import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The receiving half of a TLS connection: reads records from the raw connection in large chunks
 * and decrypts them with the engine. A read into an array of at least one record's plaintext
 * is decrypted straight into it; smaller reads are served from a plaintext buffer. Post-handshake
 * messages (session tickets, key updates) are consumed on the way, with replies sent through the
 * {@link TlsRecordWriter}. One lock serialises readers.
 *
 * <p>Both buffers exist only while they hold bytes: a reader that has delivered everything gives
 * them back before it waits for the next record (reading its first bytes into a small header
 * array), so an idle connection holds none. While held they are reserved in the connection's
 * {@link MemoryScope} at {@link MemoryPriority#ALWAYS}, as Noise's frame buffer is; a refusal
 * closes the connection and every later read throws the {@link ResourceLimitException}.
 */
final class TlsRecordReader {
    private static final System.Logger LOG = System.getLogger(TlsRecordReader.class.getName());

    /** Received bytes are read in chunks of up to this many records. */
    private static final int RECORDS_PER_READ = 4;
    /** The record buffer never grows beyond this. */
    private static final int MAX_RECORD_BUFFER = 1024 * 1024;
    /** A TLS record header: type, version, length. */
    private static final int HEADER_BYTES = 5;

    /** What {@link #unwrapInto} achieved. */
    private enum Unwrapped { PRODUCED, NEED_RECORD, ENDED, TOO_SMALL }

    private final SSLEngine engine;
    private final RawConnection connection;
    private final InputStream raw;
    private final MemoryScope memory;
    private final TlsRecordWriter writer;
    private final ReentrantLock lock = new ReentrantLock();
    /** Stands in for a buffer not held: nothing remaining, no capacity. */
    private final ByteBuffer none = ByteBuffer.allocate(0);
    private final byte[] head = new byte[HEADER_BYTES];
    /** Received bytes not yet decrypted, in read mode. */
    private ByteBuffer net = none;
    /** Decrypted bytes not yet delivered, in read mode. */
    private ByteBuffer plain = none;
    /** close_notify arrived, or the raw connection ended between records. */
    private boolean eof;
    /** A buffer reservation was refused: the connection is closed and reads fail with this. */
    private ResourceLimitException refused;
    /** Reads of at least this many bytes are decrypted in place: a record's plaintext fits. */
    private int directThreshold;

    TlsRecordReader(SSLEngine engine, RawConnection connection, MemoryScope memory, TlsRecordWriter writer) {
        this.engine = engine;
        this.connection = connection;
        this.raw = connection.in();
        this.memory = memory;
        this.writer = writer;
        // before the handshake the engine reports the largest sizes any session may need
        this.directThreshold = engine.getSession().getApplicationBufferSize();
    }

    /** Reads decrypted bytes, blocking until at least one is available; -1 at end of stream. */
    int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
            return 0;
        }
        lock.lock();
        try {
            while (true) {
                if (plain.hasRemaining()) {
                    int n = Math.min(len, plain.remaining());
                    plain.get(b, off, n);
                    return n;
                }
                if (refused != null) {
                    throw refused;
                }
                if (eof) {
                    return -1;
                }
                if (!net.hasRemaining()) {
                    awaitRecord();
                    continue;
                }
                if (len >= directThreshold) {
                    // room for a whole record: decrypt straight into the caller's array
                    ByteBuffer direct = ByteBuffer.wrap(b, off, len);
                    Unwrapped result = unwrapInto(direct);
                    if (result == Unwrapped.PRODUCED) {
                        return direct.position() - off;
                    }
                    if (result != Unwrapped.TOO_SMALL) {
                        continue;
                    }
                    // the engine wanted more room than it said: from now on, decrypt via the buffer
                    directThreshold = Integer.MAX_VALUE;
                }
                if (plain.capacity() == 0) {
                    plain = ByteBuffer.wrap(take(engine.getSession().getApplicationBufferSize())).flip();
                }
                plain.compact();
                try {
                    unwrapInto(plain);
                } finally {
                    plain.flip();
                }
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * Everything received is delivered: gives both buffers back, waits for the next record's
     * first bytes in the header array, then takes the record buffer for the rest. Sets
     * {@link #eof} when the raw connection ends here, between records.
     */
    private void awaitRecord() throws IOException {
        giveBuffers();
        int n = raw.read(head, 0, HEADER_BYTES);
        if (n < 0) {
            eof = true;
            return;
        }
        net = ByteBuffer.wrap(take(RECORDS_PER_READ * engine.getSession().getPacketBufferSize()));
        net.put(head, 0, n).flip();
    }

    /**
     * Reserves, then takes a buffer. A refusal closes the connection: without its buffer the
     * reader cannot go on, and a half-read record cannot be resumed.
     */
    private byte[] take(int size) throws ResourceLimitException {
        try {
            return memory.takeBuffer(size, MemoryPriority.ALWAYS);
        } catch (ResourceLimitException e) {
            refused = e;
            try {
                connection.close();
            } catch (IOException | RuntimeException closeFailed) {
                // the refusal is what the reader reports
                LOG.log(System.Logger.Level.DEBUG, () -> "closing a TLS connection whose read buffer was refused: " + closeFailed);
            }
            throw e;
        }
    }

    /** Gives back both buffers (their contents are delivered or no longer wanted). */
    private void giveBuffers() {
        if (net.capacity() > 0) {
            memory.giveBuffer(net.array());
        }
        if (plain.capacity() > 0) {
            memory.giveBuffer(plain.array());
        }
        net = none;
        plain = none;
    }

    /** After the handshake: gives the buffers back unless bytes the peer sent behind it wait in them. */
    void handshakeDone() {
        lock.lock();
        try {
            if (!net.hasRemaining() && !plain.hasRemaining()) {
                giveBuffers();
            }
        } finally {
            lock.unlock();
        }
    }

    /** Whether a buffer is held now; for tests. */
    boolean holdsBuffers() {
        lock.lock();
        try {
            return net.capacity() > 0 || plain.capacity() > 0;
        } finally {
            lock.unlock();
        }
    }

    /** The decrypted bytes readable without blocking; 0 while another thread is reading. */
    int available() {
        // never wait for a reader that is blocked on the raw connection
        if (!lock.tryLock()) {
            return 0;
        }
        try {
            return plain.remaining();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Feeds the engine one handshake record, reading from the raw connection as needed. Any
     * application data the peer sent right behind its handshake stays buffered for {@link #read}.
     *
     * @throws EOFException if the raw connection ends first
     */
    void unwrapHandshake() throws IOException {
        lock.lock();
        try {
            if (plain.capacity() == 0) {
                plain = ByteBuffer.wrap(take(engine.getSession().getApplicationBufferSize())).flip();
            }
            plain.compact();
            try {
                while (true) {
                    SSLEngineResult result = engine.unwrap(net, plain);
                    switch (result.getStatus()) {
                        case OK -> {
                            if (result.getHandshakeStatus() == SSLEngineResult.HandshakeStatus.NEED_TASK) {
                                TlsHandshake.runDelegatedTasks(engine);
                            }
                            return;
                        }
                        case BUFFER_UNDERFLOW -> {
                            if (!fill()) {
                                throw new EOFException("the remote closed the connection during the TLS handshake");
                            }
                        }
                        case BUFFER_OVERFLOW -> plain = grownForWriting(plain, engine.getSession().getApplicationBufferSize());
                        case CLOSED -> throw new EOFException("the remote closed TLS during the handshake");
                    }
                }
            } finally {
                plain.flip();
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * Decrypts into {@code dst} (write mode) until it received some bytes, the stream ended, or
     * every received byte is used up and the next record must be waited for (which the caller
     * does without holding buffers).
     *
     * @return {@link Unwrapped#TOO_SMALL} when {@code dst} is not the plaintext buffer and the
     *         engine wants more room, so that the caller retries with the plaintext buffer
     */
    private Unwrapped unwrapInto(ByteBuffer dst) throws IOException {
        while (true) {
            SSLEngineResult result = engine.unwrap(net, dst);
            SSLEngineResult.HandshakeStatus handshake = result.getHandshakeStatus();
            if (handshake == SSLEngineResult.HandshakeStatus.NEED_TASK) {
                TlsHandshake.runDelegatedTasks(engine);
                handshake = engine.getHandshakeStatus();
            }
            // after close_notify the engine may want to answer it, but the remote is gone or going
            if (handshake == SSLEngineResult.HandshakeStatus.NEED_WRAP && !engine.isInboundDone()) {
                writer.replyToPostHandshake();
            }
            switch (result.getStatus()) {
                case OK -> {
                    if (result.bytesProduced() > 0) {
                        return Unwrapped.PRODUCED;
                    }
                    // a post-handshake message was consumed (go on with the next record), or
                    // nothing could be: then the engine waits for more bytes
                    if (result.bytesConsumed() == 0) {
                        Unwrapped more = moreBytes();
                        if (more != null) {
                            return more;
                        }
                    }
                }
                case BUFFER_UNDERFLOW -> {
                    Unwrapped more = moreBytes();
                    if (more != null) {
                        return more;
                    }
                }
                case BUFFER_OVERFLOW -> {
                    if (dst != plain) {
                        return Unwrapped.TOO_SMALL;
                    }
                    plain = grownForWriting(plain, engine.getSession().getApplicationBufferSize());
                    dst = plain;
                }
                case CLOSED -> {
                    eof = true;
                    return Unwrapped.ENDED;
                }
            }
        }
    }

    /**
     * Reads the rest of a record begun in the buffer; between records, leaves the waiting to the
     * caller.
     *
     * @return null when bytes were added, otherwise what the caller should do
     */
    private Unwrapped moreBytes() throws IOException {
        if (!net.hasRemaining()) {
            return Unwrapped.NEED_RECORD;
        }
        if (!fill()) {
            endOfRawStream();
            return Unwrapped.ENDED;
        }
        return null;
    }

    /**
     * The raw connection ended without close_notify: between records that is end of stream, as
     * go-libp2p reads it; inside a record it is truncation.
     */
    private void endOfRawStream() throws EOFException {
        if (net.hasRemaining()) {
            throw new EOFException("the remote closed the connection in the middle of a TLS record");
        }
        eof = true;
    }

    /**
     * Reads more bytes from the raw connection behind the unprocessed ones, making room first.
     *
     * @return false at the raw connection's end of stream
     */
    private boolean fill() throws IOException {
        int packetSize = engine.getSession().getPacketBufferSize();
        if (net.capacity() < packetSize) {
            net = withCapacity(net, RECORDS_PER_READ * packetSize);
        }
        if (net.remaining() == net.capacity()) {
            // full, yet no whole record: only a record larger than the engine's packet size does this
            if (net.capacity() >= MAX_RECORD_BUFFER) {
                throw new IOException("TLS record larger than " + MAX_RECORD_BUFFER + " bytes");
            }
            net = withCapacity(net, Math.min(MAX_RECORD_BUFFER, 2 * net.capacity()));
        }
        net.compact();
        int n;
        try {
            n = raw.read(net.array(), net.arrayOffset() + net.position(), net.remaining());
            if (n > 0) {
                net.position(net.position() + n);
            }
        } finally {
            net.flip();
        }
        return n >= 0;
    }

    /** A buffer in read mode holding {@code buffer}'s remaining bytes, with at least {@code capacity} capacity. */
    private ByteBuffer withCapacity(ByteBuffer buffer, int capacity) throws ResourceLimitException {
        ByteBuffer bigger = ByteBuffer.wrap(take(Math.max(capacity, buffer.capacity())));
        bigger.put(buffer);
        give(buffer);
        return bigger.flip();
    }

    /** Like {@link #withCapacity} for a buffer in write mode; the result is in write mode too. */
    private ByteBuffer grownForWriting(ByteBuffer buffer, int capacity) throws ResourceLimitException {
        buffer.flip();
        ByteBuffer bigger = ByteBuffer.wrap(take(Math.max(capacity, 2 * buffer.capacity())));
        bigger.put(buffer);
        give(buffer);
        return bigger;
    }

    private void give(ByteBuffer replaced) {
        if (replaced.capacity() > 0) {
            memory.giveBuffer(replaced.array());
        }
    }
}
