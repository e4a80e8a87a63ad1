package io.p2pkit.core.security.tls;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.p2pkit.core.crypto.PrivateKey;
import io.p2pkit.core.resource.MemoryScope;
import io.p2pkit.core.security.FuzzWire;
import io.p2pkit.core.security.FuzzWire.CountingMemory;
import io.p2pkit.core.security.FuzzWire.Cursor;
import io.p2pkit.core.security.SecureConnection;
import io.p2pkit.core.transport.RawConnection;
import io.p2pkit.core.transport.memory.MemoryConnection;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import static io.p2pkit.testing.Futures.async;
import static io.p2pkit.testing.Futures.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TlsRecordReaderFuzzTest {
    private static final TlsTransport DIALER = new TlsTransport(PrivateKey.generateEd25519(), List.of("/yamux/1.0.0"));
    private static final TlsTransport LISTENER = new TlsTransport(PrivateKey.generateEd25519(), List.of("/yamux/1.0.0"));
    /** A read this large takes a whole record's plaintext: decrypted straight into the caller's array. */
    private static final int BULK_READ = 64 * 1024;
    /** Plaintext written per input, at most: many records, bounded for speed. */
    private static final int MAX_PLAINTEXT = 1 << 20;
    /** The reader's record buffer stops at 1 MiB; its plaintext buffer and headroom come on top. */
    private static final long MAX_HELD = (1 << 20) + 256 * 1024;

    /**
     * Records made by a real TLS 1.3 session (a handshake per input, then the dialer's
     * {@link TlsRecordWriter}), tampered with by the input, read by the listener's
     * {@link TlsRecordReader}. Untouched records must come back as exactly the plaintext written,
     * then end of stream (close_notify, or the raw end between records); tampered ones may end
     * early, but only with an {@link IOException}, never another exception, and what was read
     * before must be a prefix of what was written. The reader never holds more than its record
     * buffer's limit.
     *
     * <p>Input: byte 0 is how raw bytes arrive (bits 0-6: bytes per raw read, 0 for all at once);
     * byte 1 the application's read size (0: 64 KiB, else that many bytes). Then operations to
     * the end:
     * <pre>
     *   0 len16      write len pattern bytes
     *   1            flush
     *   2            close: close_notify (later writes are refused)
     *   3 len8 bytes raw bytes
     *   4 pos16 mask flip the bits of mask in the byte at pos (modulo the size)
     *   5 n16        cut the last n bytes
     *   6 n16        replay the last n bytes
     * </pre>
     */
    @FuzzTest(maxDuration = "30s")
    void read(byte[] input) throws Exception {
        Cursor c = new Cursor(input);
        int arrival = c.u8() & 0x7f;
        int readSize = c.u8();

        MemoryConnection.Pair pair = MemoryConnection.pair();
        Rewired dialerEnd = new Rewired(pair.initiator());
        Rewired listenerEnd = new Rewired(pair.responder());
        CountingMemory memory = new CountingMemory();
        SecureConnection dialer;
        SecureConnection listener;
        try {
            CompletableFuture<SecureConnection> dialing =
                    async(() -> DIALER.secureOutbound(dialerEnd, LISTENER.localPeer(), MemoryScope.UNLIMITED));
            listener = LISTENER.secureInbound(listenerEnd, memory);
            dialer = await(dialing);
        } finally {
            pair.closeBoth();
        }

        // from here the dialer's records go to the wire the input tampers with
        FuzzWire wire = new FuzzWire();
        dialerEnd.out = wire;
        ByteArrayOutputStream written = new ByteArrayOutputStream();
        boolean closed = false;
        while (c.hasMore()) {
            switch (c.u8() % 7) {
                case 0 -> {
                    int len = c.u16();
                    if (!closed && written.size() + len <= MAX_PLAINTEXT) {
                        byte[] data = FuzzWire.pattern(written.size(), len);
                        dialer.out().write(data);
                        written.write(data);
                    }
                }
                case 1 -> {
                    if (!closed) {
                        dialer.out().flush();
                    }
                }
                case 2 -> {
                    dialer.close();
                    closed = true;
                }
                case 3 -> wire.raw(c.bytes(c.u8()));
                case 4 -> wire.flip(c.u16(), c.u8());
                case 5 -> wire.truncate(c.u16());
                default -> wire.replay(c.u16());
            }
        }
        if (!closed) {
            dialer.out().flush();
        }
        byte[] expected = written.toByteArray();

        listenerEnd.in = FuzzWire.trickle(wire.toByteArray(), arrival, true);
        listenerEnd.out = OutputStream.nullOutputStream(); // replies to post-handshake messages
        ByteArrayOutputStream got = new ByteArrayOutputStream();
        byte[] buf = new byte[readSize == 0 ? BULK_READ : readSize];
        IOException failure = null;
        while (true) {
            int n;
            try {
                n = listener.in().read(buf, 0, buf.length);
            } catch (IOException e) {
                failure = e;
                break;
            }
            if (n < 0) {
                break;
            }
            assertNotEquals(0, n, "a read of at least one byte returned none");
            got.write(buf, 0, n);
            assertTrue(got.size() <= expected.length, "more plaintext came out than went in");
        }
        byte[] out = got.toByteArray();
        assertArrayEquals(Arrays.copyOf(expected, out.length), out, "the plaintext read is not what was written");
        if (!wire.tampered()) {
            assertNull(failure, "an untouched stream failed");
            assertEquals(expected.length, out.length, "an untouched stream ended early");
            assertEquals(-1, listener.in().read(buf, 0, buf.length), "end of stream is final");
        }
        assertTrue(memory.peak() <= MAX_HELD, "held " + memory.peak() + " bytes at once");
        listener.close();
    }

    /**
     * One end of the in-memory pipe for the handshake; afterwards the test points its input at
     * the tampered wire and its output wherever it likes. The streams handed out stay the same
     * objects, since the TLS layer keeps them.
     */
    private static final class Rewired implements RawConnection {
        private final RawConnection pipe;
        volatile InputStream in;
        volatile OutputStream out;

        Rewired(RawConnection pipe) {
            this.pipe = pipe;
            this.in = pipe.in();
            this.out = pipe.out();
        }

        @Override
        public InputStream in() {
            return new InputStream() {
                @Override
                public int read() throws IOException {
                    return in.read();
                }

                @Override
                public int read(byte[] b, int off, int len) throws IOException {
                    return in.read(b, off, len);
                }

                @Override
                public int available() throws IOException {
                    return in.available();
                }
            };
        }

        @Override
        public OutputStream out() {
            return new OutputStream() {
                @Override
                public void write(int b) throws IOException {
                    out.write(b);
                }

                @Override
                public void write(byte[] b, int off, int len) throws IOException {
                    out.write(b, off, len);
                }

                @Override
                public void flush() throws IOException {
                    out.flush();
                }
            };
        }

        @Override
        public void closeWrite() throws IOException {
            pipe.closeWrite();
        }

        @Override
        public void close() throws IOException {
            pipe.close();
        }
    }
}
