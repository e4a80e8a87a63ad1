package io.p2pkit.core.security.tls;

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
 */
final class TlsRecordReader {
    /** Received bytes are read in chunks of up to this many records. */
    private static final int RECORDS_PER_READ = 4;
    /** The record buffer never grows beyond this. */
    private static final int MAX_RECORD_BUFFER = 1024 * 1024;

    private final SSLEngine engine;
    private final InputStream raw;
    private final TlsRecordWriter writer;
    private final ReentrantLock lock = new ReentrantLock();
    /** Received bytes not yet decrypted, in read mode. */
    private ByteBuffer net;
    /** Decrypted bytes not yet delivered, in read mode. */
    private ByteBuffer plain;
    /** close_notify arrived, or the raw connection ended between records. */
    private boolean eof;
    /** Reads of at least this many bytes are decrypted in place: a record's plaintext fits. */
    private int directThreshold;

    TlsRecordReader(SSLEngine engine, InputStream raw, TlsRecordWriter writer) {
        this.engine = engine;
        this.raw = raw;
        this.writer = writer;
        this.net = ByteBuffer.allocate(RECORDS_PER_READ * engine.getSession().getPacketBufferSize()).flip();
        this.plain = ByteBuffer.allocate(engine.getSession().getApplicationBufferSize()).flip();
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
                if (eof) {
                    return -1;
                }
                if (len >= directThreshold) {
                    // room for a whole record: decrypt straight into the caller's array
                    ByteBuffer direct = ByteBuffer.wrap(b, off, len);
                    if (unwrapInto(direct)) {
                        return direct.position() - off;
                    }
                    if (eof) {
                        continue;
                    }
                    // the engine wanted more room than it said: from now on, decrypt via the buffer
                    directThreshold = Integer.MAX_VALUE;
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
     * Decrypts into {@code dst} (write mode) until it received some bytes or the stream ended.
     *
     * @return true if bytes were produced; false at end of stream (then {@link #eof} is set) or
     *         when {@code dst} was too small, so that the caller retries with the plaintext buffer
     */
    private boolean unwrapInto(ByteBuffer dst) throws IOException {
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
                        return true;
                    }
                    // a post-handshake message was consumed (go on with the next record), or
                    // nothing could be: then the engine waits for more bytes
                    if (result.bytesConsumed() == 0 && !fill()) {
                        return endOfRawStream();
                    }
                }
                case BUFFER_UNDERFLOW -> {
                    if (!fill()) {
                        return endOfRawStream();
                    }
                }
                case BUFFER_OVERFLOW -> {
                    if (dst != plain) {
                        return false;
                    }
                    plain = grownForWriting(plain, engine.getSession().getApplicationBufferSize());
                    dst = plain;
                }
                case CLOSED -> {
                    eof = true;
                    return false;
                }
            }
        }
    }

    /**
     * The raw connection ended without close_notify: between records that is end of stream, as
     * go-libp2p reads it; inside a record it is truncation.
     */
    private boolean endOfRawStream() throws EOFException {
        if (net.hasRemaining()) {
            throw new EOFException("the remote closed the connection in the middle of a TLS record");
        }
        eof = true;
        return false;
    }

    /**
     * Reads more bytes from the raw connection behind the unprocessed ones, making room first.
     *
     * @return false at the raw connection's end of stream
     */
    private boolean fill() throws IOException {
        int packetSize = engine.getSession().getPacketBufferSize();
        if (net.capacity() < packetSize) {
            net = withCapacity(net, packetSize);
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
    private static ByteBuffer withCapacity(ByteBuffer buffer, int capacity) {
        ByteBuffer bigger = ByteBuffer.allocate(Math.max(capacity, buffer.capacity()));
        bigger.put(buffer);
        return bigger.flip();
    }

    /** Like {@link #withCapacity} for a buffer in write mode; the result is in write mode too. */
    private static ByteBuffer grownForWriting(ByteBuffer buffer, int capacity) {
        buffer.flip();
        ByteBuffer bigger = ByteBuffer.allocate(Math.max(capacity, 2 * buffer.capacity()));
        bigger.put(buffer);
        return bigger;
    }
}
