package io.p2pkit.core.security.tls;

import io.p2pkit.core.logging.LazyLogger;
import io.p2pkit.core.resource.MemoryPriority;
import io.p2pkit.core.resource.MemoryScope;
import io.p2pkit.core.resource.ResourceLimitException;
import io.p2pkit.core.transport.RawConnection;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The sending half of a TLS connection: during the handshake, {@link Tls13Handshake} puts its
 * messages in plaintext or sealed records ({@link #handshakeRecords}); after it, application data
 * is sealed with {@link RecordProtection} under the application key ({@link #protect}; the JDK's
 * AEAD ciphers, records of up to 2^14 bytes of plaintext); whole records go to the raw connection. Small writes gather in a plaintext buffer until it holds several records or
 * the caller flushes; writes of at least that size are encrypted straight from the caller's
 * array. Encrypted records gather in a second buffer and reach the raw stream in one write.
 * One lock serialises writers; the reading side calls in here for post-handshake messages.
 *
 * <p>Both buffers are slices of one array that exists only while bytes wait in it: it is taken
 * on the first write and given back once a flush has sent everything, so an idle connection holds
 * none. It is reserved in the connection's {@link MemoryScope} at {@link MemoryPriority#ALWAYS}
 * with one reservation for both (one trip to the resource manager per busy period); a refusal
 * closes the connection and fails the write with the {@link ResourceLimitException}.
 */
final class TlsRecordWriter {
    private static final System.Logger LOG = LazyLogger.of(TlsRecordWriter.class);

    /** Plaintext gathered before encrypting: four full records. */
    private static final int PLAIN_BATCH = 4 * 16 * 1024;
    /** Bytes of the record buffer: four of the largest records. */
    private static final int NET_BYTES = 4 * (RecordProtection.HEADER_BYTES + RecordProtection.MAX_CIPHERTEXT);
    private static final byte KEY_UPDATE = 24;
    /**
     * RFC 8446 §5.5: at most 2^24.5 full records under one AES-GCM key; 2^24 (256 GiB of full
     * records) keeps well inside for every suite.
     */
    static final long RECORDS_PER_KEY = 1L << 24;

    private final RawConnection connection;
    private final OutputStream raw;
    private final MemoryScope memory;
    private final ReentrantLock lock = new ReentrantLock();
    /** The array {@link #plain} and {@link #net} are slices of; null while idle. */
    private byte[] batch;
    /** Plaintext not yet encrypted, in write mode; null while idle. */
    private ByteBuffer plain;
    /** Records not yet sent, in write mode; null while idle. */
    private ByteBuffer net;
    /** No more application data: writing finished, or close_notify was sent. */
    private boolean closed;
    /** Seals records: the handshake key, then the application key; null before the handshake keys. */
    private RecordProtection sealer;
    /** Records sealed under one key before this side moves to the next with a KeyUpdate. */
    private long recordsPerKey = RECORDS_PER_KEY;
    TlsRecordWriter(RawConnection connection, MemoryScope memory) {
        this.connection = connection;
        this.raw = connection.out();
        this.memory = memory;
    }

    /** Seals the records from now on with {@code sending}: the handshake key, then the application key. */
    void protect(RecordProtection sending) {
        lock.lock();
        try {
            sealer = sending;
        } finally {
            lock.unlock();
        }
    }

    /** Whether a key seals records; for tests. */
    boolean protectedByJdk() {
        lock.lock();
        try {
            return sealer != null;
        } finally {
            lock.unlock();
        }
    }

    /** Takes the buffers if they are not held; a refusal closes the connection. Lock held. */
    private void takeBuffers() throws ResourceLimitException {
        if (batch != null) {
            return;
        }
        try {
            batch = memory.takeBuffer(PLAIN_BATCH + NET_BYTES, MemoryPriority.ALWAYS);
        } catch (ResourceLimitException e) {
            closed = true;
            try {
                connection.close();
            } catch (IOException | RuntimeException closeFailed) {
                // the refusal is what the writer reports
                LOG.log(System.Logger.Level.DEBUG, () -> "closing a TLS connection whose write buffer was refused: " + closeFailed);
            }
            throw e;
        }
        // records first, plaintext behind them: the JDK's AES-GCM copies its whole output array
        // when input and output share one and the input comes first (its overlap check)
        net = ByteBuffer.wrap(batch, 0, NET_BYTES).slice();
        plain = ByteBuffer.wrap(batch, NET_BYTES, PLAIN_BATCH).slice();
    }

    /** Gives the buffers back once nothing waits in them. Lock held. */
    private void giveBuffersIfEmpty() {
        if (batch != null && plain.position() == 0 && net.position() == 0) {
            memory.giveBuffer(batch);
            batch = null;
            plain = null;
            net = null;
        }
    }

    /** Whether the buffers are held now; for tests. */
    boolean holdsBuffers() {
        lock.lock();
        try {
            return batch != null;
        } finally {
            lock.unlock();
        }
    }

    /** Buffers or encrypts application bytes; records reach the raw stream when the batch is full. */
    void write(byte[] b, int off, int len) throws IOException {
        lock.lock();
        try {
            ensureOpen();
            takeBuffers();
            if (plain.position() == 0 && len >= plain.capacity()) {
                // a bulk write: encrypt from the caller's array, no plaintext copy
                wrapAll(ByteBuffer.wrap(b, off, len));
                return;
            }
            while (len > 0) {
                int n = Math.min(len, plain.remaining());
                plain.put(b, off, n);
                off += n;
                len -= n;
                if (!plain.hasRemaining()) {
                    drainPlain();
                }
            }
        } finally {
            lock.unlock();
        }
    }

    /** Encrypts what is buffered and sends every pending record. */
    void flush() throws IOException {
        lock.lock();
        try {
            ensureOpen();
            if (batch == null) {
                raw.flush();
                return;
            }
            drainPlain();
            sendRecords();
            raw.flush();
            giveBuffersIfEmpty();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Sends what is buffered and refuses further writes, without close_notify: a half-close is
     * signalled by the raw connection's end of stream, which go-libp2p and this package's reader
     * take for end of stream between records, while some TLS stacks take close_notify for the
     * end of the whole connection.
     *
     * @return true if this call finished writing, false if writing had already finished
     */
    boolean finishWriting() throws IOException {
        lock.lock();
        try {
            if (closed) {
                return false;
            }
            closed = true;
            if (batch != null) {
                drainPlain();
                sendRecords();
                giveBuffersIfEmpty();
            }
            raw.flush();
            return true;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Best effort on close: sends buffered data and close_notify unless another thread is
     * writing (it may be blocked on a remote that does not read), then refuses further writes.
     */
    void abort() {
        lastWords("sending close_notify", () -> {
            takeBuffers();
            drainPlain();
            sendCloseNotify();
        });
    }

    /**
     * Puts handshake messages into records in the record buffer, without sending them: sealed
     * with the current key when there is one, else plaintext with {@code legacyVersion} in the
     * header (0x0301 is customary for the first ClientHello, RFC 8446 §5.1).
     */
    void handshakeRecords(byte[] messages, int legacyVersion) throws IOException {
        lock.lock();
        try {
            ensureOpen();
            takeBuffers();
            for (int off = 0; off < messages.length; off += RecordProtection.MAX_PLAINTEXT) {
                int n = Math.min(messages.length - off, RecordProtection.MAX_PLAINTEXT);
                if (sealer != null) {
                    sealOne(RecordProtection.HANDSHAKE, messages, off, n);
                } else {
                    plaintextRecord(RecordProtection.HANDSHAKE, legacyVersion, messages, off, n);
                }
            }
        } finally {
            lock.unlock();
        }
    }

    private void plaintextRecord(byte type, int legacyVersion, byte[] content, int off, int len) throws IOException {
        if (net.remaining() < RecordProtection.HEADER_BYTES + len) {
            sendRecords();
        }
        net.put(type).putShort((short) legacyVersion).putShort((short) len).put(content, off, len);
    }

    /** Sends produced records (handshake messages or alerts) and flushes the raw stream. */
    void sendPending() throws IOException {
        lock.lock();
        try {
            if (batch != null) {
                sendRecords();
                giveBuffersIfEmpty();
            }
            raw.flush();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Answers a KeyUpdate that asked for one (RFC 8446 §4.6.3): sends ours, update_not_requested,
     * under the current key behind the records already sealed, then moves to the next key.
     */
    void answerKeyUpdate() throws IOException {
        lock.lock();
        try {
            takeBuffers();
            sealControl(RecordProtection.HANDSHAKE, new byte[] {KEY_UPDATE, 0, 0, 1, 0});
            sealer.update();
            sendRecords();
            raw.flush();
            giveBuffersIfEmpty();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Best effort before the connection closes over a bad record or a failed handshake: sends a
     * fatal alert (sealed when a key is in place, else plaintext) unless a writer is busy, and
     * refuses further writes. What waits unsent stays unsent.
     */
    void sendFatalAlert(int description) {
        lastWords("sending a TLS alert", () -> {
            takeBuffers();
            plain.clear();
            net.clear();
            byte[] alert = {TlsAlert.FATAL, (byte) description};
            if (sealer != null) {
                sealControl(RecordProtection.ALERT, alert);
            } else {
                plaintextRecord(RecordProtection.ALERT, 0x0303, alert, 0, alert.length);
            }
            sendRecords();
            raw.flush();
        });
    }

    /** After a failed handshake without an alert to send: refuses further writes and drops what waits. */
    void abandon() {
        lastWords("abandoning a TLS connection", () -> {
        });
    }

    /** The last thing sent on a connection going away. */
    private interface LastWords {
        void send() throws IOException;
    }

    /**
     * Unless another thread is writing or writing has finished: refuses further writes and
     * sends {@code words}, ignoring failures (the connection is going away), then drops whatever
     * could not be sent.
     */
    private void lastWords(String what, LastWords words) {
        if (!lock.tryLock()) {
            return;
        }
        try {
            if (!closed) {
                closed = true;
                words.send();
            }
        } catch (IOException | RuntimeException e) {
            LOG.log(System.Logger.Level.DEBUG, () -> what + ": " + e);
        } finally {
            if (batch != null) {
                plain.clear();
                net.clear();
                giveBuffersIfEmpty();
            }
            lock.unlock();
        }
    }

    private void ensureOpen() throws IOException {
        if (closed) {
            throw new IOException("TLS connection closed for writing");
        }
    }

    private void sendCloseNotify() throws IOException {
        if (sealer != null) {
            sealControl(RecordProtection.ALERT, new byte[] {TlsAlert.WARNING, TlsAlert.CLOSE_NOTIFY});
            sendRecords();
            raw.flush();
        }
        // before the handshake keys there is nothing to close
    }

    private void drainPlain() throws IOException {
        if (plain.position() == 0) {
            return;
        }
        plain.flip();
        try {
            wrapAll(plain);
        } finally {
            plain.clear();
        }
    }

    private void wrapAll(ByteBuffer src) throws IOException {
        if (sealer == null) {
            throw new IOException("TLS connection written before its handshake ended");
        }
        sealAll(src);
    }

    /** Seals application data in records of up to 2^14 bytes into the record buffer, sending it when full. */
    private void sealAll(ByteBuffer src) throws IOException {
        byte[] array = src.array();
        int off = src.arrayOffset() + src.position();
        int end = src.arrayOffset() + src.limit();
        while (off < end) {
            int n = Math.min(end - off, RecordProtection.MAX_PLAINTEXT);
            seal(RecordProtection.APPLICATION_DATA, array, off, n);
            off += n;
        }
        src.position(src.limit());
    }

    /** Seals a post-handshake message or an alert as one record into the record buffer. */
    private void sealControl(byte contentType, byte[] content) throws IOException {
        seal(contentType, content, 0, content.length);
    }

    private void seal(byte contentType, byte[] src, int off, int len) throws IOException {
        if (sealer.sequence() >= recordsPerKey) {
            // the key has protected enough: tell the peer, then use the next one (§4.6.3)
            sealOne(RecordProtection.HANDSHAKE, new byte[] {KEY_UPDATE, 0, 0, 1, 0}, 0, 5);
            sealer.update();
        }
        sealOne(contentType, src, off, len);
    }

    private void sealOne(byte contentType, byte[] src, int off, int len) throws IOException {
        if (net.remaining() < RecordProtection.HEADER_BYTES + len + 1 + RecordProtection.TAG_BYTES) {
            sendRecords();
        }
        int n = sealer.seal(contentType, src, off, len, net.array(), net.arrayOffset() + net.position());
        net.position(net.position() + n);
    }

    /** Lowers the records sent per key, so that tests see this side's own KeyUpdate. */
    void recordsPerKey(long records) {
        lock.lock();
        try {
            recordsPerKey = records;
        } finally {
            lock.unlock();
        }
    }

    private void sendRecords() throws IOException {
        if (net.position() > 0) {
            raw.write(net.array(), net.arrayOffset(), net.position());
            net.clear();
        }
    }
}
