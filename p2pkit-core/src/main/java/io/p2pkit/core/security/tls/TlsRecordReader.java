package io.p2pkit.core.security.tls;

import io.p2pkit.core.logging.LazyLogger;
import io.p2pkit.core.resource.MemoryPriority;
import io.p2pkit.core.resource.MemoryScope;
import io.p2pkit.core.resource.ResourceLimitException;
import io.p2pkit.core.transport.RawConnection;

import javax.crypto.AEADBadTagException;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The receiving half of a TLS connection: reads records from the raw connection in large chunks
 * and opens them with {@link RecordProtection} (the JDK's AEAD ciphers). During the handshake
 * {@link Tls13Handshake} takes records one by one ({@link #handshakeRecord}), plaintext or under
 * the handshake key; bytes the peer sent behind its last handshake message stay buffered for
 * {@link #read}, which serves them once the handshake installed the application key
 * ({@link #protect}). A read into an array with room for a record's plaintext is
 * decrypted straight into it; smaller reads are served from a plaintext buffer. Post-handshake
 * messages are consumed on the way: session tickets are ignored, a KeyUpdate moves to the next
 * traffic secret and, when the peer asks, is answered through the {@link TlsRecordWriter}.
 * close_notify ends the input; any other alert, and a record that is malformed or fails
 * authentication, closes the connection and fails every later read. One lock serialises readers.
 *
 * <p>Both buffers exist only while they hold bytes: a reader that has delivered everything gives
 * them back before it waits for the next record (reading its first bytes into a small header
 * array), so an idle connection holds none. While held they are reserved in the connection's
 * {@link MemoryScope} at {@link MemoryPriority#ALWAYS}, as Noise's frame buffer is; a refusal
 * closes the connection and every later read throws the {@link ResourceLimitException}.
 */
final class TlsRecordReader {
    private static final System.Logger LOG = LazyLogger.of(TlsRecordReader.class);

    /** Received bytes are read in chunks of up to this many records. */
    private static final int RECORDS_PER_READ = 4;
    /** The record buffer never grows beyond this. */
    private static final int MAX_RECORD_BUFFER = 1024 * 1024;
    /** A TLS record header: type, version, length. */
    private static final int HEADER_BYTES = 5;
    /** Post-handshake messages longer than this close the connection (tickets are far smaller). */
    private static final int MAX_POST_HANDSHAKE_MESSAGE = 64 * 1024;
    private static final int NEW_SESSION_TICKET = 4;
    private static final int KEY_UPDATE = 24;

    /** The largest record: header and the largest protected body. */
    private static final int PACKET_SIZE = HEADER_BYTES + RecordProtection.MAX_CIPHERTEXT;

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
    /** A bad record or a fatal alert arrived: the connection is closed and reads fail with this. */
    private IOException failed;
    /** Opens protected records: the handshake key, then the application key; null before the ServerHello. */
    private RecordProtection opener;
    /** Post-handshake messages received in part, in read mode; null when none is. */
    private ByteBuffer handshakeMessages;

    TlsRecordReader(RawConnection connection, MemoryScope memory, TlsRecordWriter writer) {
        this.connection = connection;
        this.raw = connection.in();
        this.memory = memory;
        this.writer = writer;
    }

    /**
     * Opens the records from now on with {@code receiving}: the handshake key after the hellos,
     * the application key after the peer's Finished.
     *
     * @return true (kept for callers that check)
     */
    boolean protect(RecordProtection receiving) {
        lock.lock();
        try {
            opener = receiving;
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** Whether an application or handshake key opens records; for tests. */
    boolean protectedByJdk() {
        lock.lock();
        try {
            return opener != null;
        } finally {
            lock.unlock();
        }
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
                if (failed != null) {
                    throw failed;
                }
                if (eof) {
                    return -1;
                }
                if (!net.hasRemaining()) {
                    awaitRecord();
                    continue;
                }
                if (opener == null) {
                    throw new IOException("TLS connection read before its handshake ended");
                }
                int n = openRecord(b, off, len);
                if (n > 0) {
                    return n;
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
        net = ByteBuffer.wrap(take(RECORDS_PER_READ * PACKET_SIZE));
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

    /** The IANA code of the suite that opens records, or -1 before keys; for tests. */
    int suite() {
        lock.lock();
        try {
            return opener == null ? -1 : opener.suite().code;
        } finally {
            lock.unlock();
        }
    }

    /** After a failed handshake: gives the buffers back; the connection is closed and never read again. */
    void abandon() {
        lock.lock();
        try {
            giveBuffers();
            eof = true;
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

    /** A record taken during the handshake: its (inner) content type and content. */
    record HandshakeRecord(int type, byte[] content, boolean protectedRecord) {
    }

    /**
     * During the handshake: the next record, opened with the current key when it is protected
     * (the outer type application_data), as it is otherwise. Whatever follows it in the buffer
     * stays there.
     *
     * @throws FatalAlert    for a record that is malformed, too long or fails authentication
     * @throws EOFException  if the raw connection ends first
     */
    HandshakeRecord handshakeRecord() throws IOException {
        lock.lock();
        try {
            while (true) {
                if (net.remaining() >= HEADER_BYTES) {
                    byte[] a = net.array();
                    int at = net.arrayOffset() + net.position();
                    int type = a[at];
                    int body = (a[at + 3] & 0xFF) << 8 | a[at + 4] & 0xFF;
                    if (type < RecordProtection.CHANGE_CIPHER_SPEC || type > RecordProtection.APPLICATION_DATA) {
                        throw new FatalAlert(TlsAlert.UNEXPECTED_MESSAGE, "TLS record of unknown type " + type);
                    }
                    int max = type == RecordProtection.APPLICATION_DATA ? RecordProtection.MAX_CIPHERTEXT
                            : RecordProtection.MAX_PLAINTEXT;
                    if (body > max) {
                        throw new FatalAlert(TlsAlert.RECORD_OVERFLOW, "TLS record of " + body + " bytes");
                    }
                    if (net.remaining() >= HEADER_BYTES + body) {
                        HandshakeRecord record = type == RecordProtection.APPLICATION_DATA
                                ? openHandshakeRecord(a, at, body)
                                : new HandshakeRecord(type, Arrays.copyOfRange(a, at + HEADER_BYTES, at + HEADER_BYTES + body), false);
                        net.position(net.position() + HEADER_BYTES + body);
                        return record;
                    }
                }
                if (!fill()) {
                    throw new EOFException("the remote closed the connection during the TLS handshake");
                }
            }
        } finally {
            lock.unlock();
        }
    }

    private HandshakeRecord openHandshakeRecord(byte[] a, int at, int body) throws IOException {
        if (opener == null) {
            throw new FatalAlert(TlsAlert.UNEXPECTED_MESSAGE, "encrypted TLS record before the ServerHello");
        }
        byte[] out = new byte[Math.max(0, body - RecordProtection.TAG_BYTES)];
        int opened;
        try {
            opened = opener.open(a, at, body, out, 0);
        } catch (TlsRecordException e) {
            int alert = e.getCause() instanceof AEADBadTagException ? TlsAlert.BAD_RECORD_MAC
                    : e.getMessage().contains("record_overflow") ? TlsAlert.RECORD_OVERFLOW : TlsAlert.UNEXPECTED_MESSAGE;
            throw new FatalAlert(alert, e.getMessage(), e);
        }
        return new HandshakeRecord(opened >>> 24, Arrays.copyOf(out, opened & 0xFFFFFF), true);
    }

    /**
     * Opens the next record with {@link #opener}, reading the rest of it first. Application data
     * goes straight into {@code b} when it has room for the record's plaintext (a record that
     * turns out to hold something else uses that room as scratch space), else into the plaintext
     * buffer.
     *
     * @return the application bytes put into {@code b}; 0 when there are none for the caller yet
     *         (they went to the plaintext buffer, the record held a post-handshake message or an
     *         alert, or the input ended)
     */
    private int openRecord(byte[] b, int off, int len) throws IOException {
        int body = wholeRecord();
        if (body < 0) {
            return 0;
        }
        boolean direct = len >= body - RecordProtection.TAG_BYTES;
        byte[] dst = b;
        int dstOff = off;
        if (!direct) {
            if (plain.capacity() < RecordProtection.MAX_CIPHERTEXT) {
                give(plain);
                plain = none;
                plain = ByteBuffer.wrap(take(RecordProtection.MAX_CIPHERTEXT)).flip();
            }
            dst = plain.array();
            dstOff = 0;
        }
        int opened;
        try {
            opened = opener.open(net.array(), net.arrayOffset() + net.position(), body, dst, dstOff);
        } catch (TlsRecordException e) {
            throw fail(e, TlsAlert.BAD_RECORD_MAC);
        }
        net.position(net.position() + RecordProtection.HEADER_BYTES + body);
        int length = opened & 0xFFFFFF;
        switch ((byte) (opened >>> 24)) {
            case RecordProtection.APPLICATION_DATA -> {
                if (direct) {
                    return length;
                }
                plain.clear().limit(length);
                return 0;
            }
            case RecordProtection.HANDSHAKE -> postHandshake(dst, dstOff, length);
            case RecordProtection.ALERT -> alert(dst, dstOff, length);
            default -> throw fail(new TlsRecordException("TLS record of content type " + (opened >>> 24)
                    + " after the handshake (unexpected_message)"), TlsAlert.UNEXPECTED_MESSAGE);
        }
        return 0;
    }

    /**
     * Makes sure a whole protected record is in the buffer.
     *
     * @return its body length, or -1 when the raw connection ended between records
     */
    private int wholeRecord() throws IOException {
        while (true) {
            if (net.remaining() >= RecordProtection.HEADER_BYTES) {
                byte[] a = net.array();
                int at = net.arrayOffset() + net.position();
                if (a[at] != RecordProtection.APPLICATION_DATA) {
                    throw fail(new TlsRecordException("TLS record of type " + a[at]
                            + " after the handshake, expected a protected record (unexpected_message)"),
                            TlsAlert.UNEXPECTED_MESSAGE);
                }
                int body = (a[at + 3] & 0xFF) << 8 | a[at + 4] & 0xFF;
                if (body > RecordProtection.MAX_CIPHERTEXT) {
                    throw fail(new TlsRecordException("TLS record of " + body + " bytes (record_overflow)"),
                            TlsAlert.RECORD_OVERFLOW);
                }
                if (net.remaining() >= RecordProtection.HEADER_BYTES + body) {
                    return body;
                }
            }
            if (!fill()) {
                endOfRawStream();
                return -1;
            }
        }
    }

    /**
     * Takes handshake messages after the handshake (RFC 8446 §4.6): NewSessionTicket is ignored
     * (no resumption), KeyUpdate moves to the peer's next traffic secret and is answered when the
     * peer asks; anything else is an error. Messages may span records, up to a bound.
     */
    private void postHandshake(byte[] src, int off, int length) throws IOException {
        if (length == 0) {
            throw fail(new TlsRecordException("empty TLS handshake record (unexpected_message)"),
                    TlsAlert.UNEXPECTED_MESSAGE);
        }
        ByteBuffer messages;
        if (handshakeMessages == null) {
            messages = ByteBuffer.wrap(src, off, length);
        } else {
            if (handshakeMessages.remaining() + length > MAX_POST_HANDSHAKE_MESSAGE) {
                throw fail(new TlsRecordException("TLS post-handshake message longer than "
                        + MAX_POST_HANDSHAKE_MESSAGE + " bytes"), TlsAlert.UNEXPECTED_MESSAGE);
            }
            ByteBuffer joined = ByteBuffer.allocate(handshakeMessages.remaining() + length);
            joined.put(handshakeMessages).put(src, off, length).flip();
            messages = joined;
        }
        handshakeMessages = null;
        while (messages.remaining() >= 4) {
            int type = messages.get(messages.position()) & 0xFF;
            int size = messages.getInt(messages.position()) & 0xFFFFFF;
            if (size > MAX_POST_HANDSHAKE_MESSAGE) {
                throw fail(new TlsRecordException("TLS post-handshake message of " + size + " bytes"),
                        TlsAlert.UNEXPECTED_MESSAGE);
            }
            if (messages.remaining() < 4 + size) {
                break;
            }
            messages.position(messages.position() + 4);
            switch (type) {
                case NEW_SESSION_TICKET -> messages.position(messages.position() + size);
                case KEY_UPDATE -> {
                    if (size != 1) {
                        throw fail(new TlsRecordException("TLS KeyUpdate of " + size + " bytes (decode_error)"),
                                TlsAlert.DECODE_ERROR);
                    }
                    int request = messages.get() & 0xFF;
                    if (request > 1) {
                        throw fail(new TlsRecordException("TLS KeyUpdate request " + request
                                + " (illegal_parameter)"), TlsAlert.ILLEGAL_PARAMETER);
                    }
                    if (messages.hasRemaining()) {
                        // the key changes with this message: nothing may follow it in its record (§5.1)
                        throw fail(new TlsRecordException("TLS record continues after a KeyUpdate (unexpected_message)"),
                                TlsAlert.UNEXPECTED_MESSAGE);
                    }
                    opener.update();
                    if (request == 1) {
                        writer.answerKeyUpdate();
                    }
                }
                default -> throw fail(new TlsRecordException("TLS handshake message " + type
                        + " after the handshake (unexpected_message)"), TlsAlert.UNEXPECTED_MESSAGE);
            }
        }
        if (messages.hasRemaining()) {
            // the rest of a message comes in the next record; keep a copy, src is scratch space
            handshakeMessages = ByteBuffer.allocate(messages.remaining()).put(messages).flip();
        }
    }

    /** An alert from the peer: close_notify ends the input, user_canceled is noise, the rest fail. */
    private void alert(byte[] src, int off, int length) throws IOException {
        if (length != 2) {
            throw fail(new TlsRecordException("TLS alert of " + length + " bytes (decode_error)"),
                    TlsAlert.DECODE_ERROR);
        }
        int description = src[off + 1] & 0xFF;
        if (description == TlsAlert.CLOSE_NOTIFY) {
            eof = true;
        } else if (description != TlsAlert.USER_CANCELED) {
            throw fail(new IOException("TLS alert from the peer: " + TlsAlert.describe(description)), -1);
        }
    }

    /**
     * The input is unusable: tells the peer why with {@code alert} (unless negative; best effort),
     * closes the connection and makes every later read throw {@code failure}.
     *
     * @return {@code failure}, for the caller to throw
     */
    private IOException fail(IOException failure, int alert) {
        failed = failure;
        if (alert >= 0) {
            writer.sendFatalAlert(alert);
        }
        try {
            connection.close();
        } catch (IOException | RuntimeException closeFailed) {
            // the record's failure is what the reader reports
            LOG.log(System.Logger.Level.DEBUG, () -> "closing a TLS connection after a bad record: " + closeFailed);
        }
        return failure;
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
        if (net.capacity() < PACKET_SIZE) {
            net = withCapacity(net, RECORDS_PER_READ * PACKET_SIZE);
        }
        if (net.remaining() == net.capacity()) {
            // full, yet no whole record: cannot happen with records of at most PACKET_SIZE
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

    private void give(ByteBuffer replaced) {
        if (replaced.capacity() > 0) {
            memory.giveBuffer(replaced.array());
        }
    }
}
