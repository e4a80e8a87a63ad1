package io.p2pkit.core.security.tls;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.p2pkit.core.resource.MemoryScope;
import io.p2pkit.core.security.FuzzWire;
import io.p2pkit.core.security.FuzzWire.Cursor;
import io.p2pkit.core.transport.RawConnection;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TlsRecordLayerFuzzTest {
    private static final RecordProtection.Suite SUITE = RecordProtection.Suite.CHACHA20_POLY1305_SHA256;

    /**
     * The record parser after the handshake ({@link TlsRecordReader} with {@link RecordProtection}):
     * records sealed under the reader's own traffic secret, so that the fuzzer reaches what is
     * inside them (content types, post-handshake messages, alerts, padding), mixed with raw bytes
     * and bit flips. Reads end with the application data sealed (and end of stream) when every
     * record was well-formed, else early, but only with an {@link IOException}, never another
     * exception, and what was read is always a prefix of what was sealed.
     *
     * <p>Input: byte 0 is the application's read size (0: 64 KiB), byte 1 how raw bytes arrive
     * (bytes per raw read, 0 for all at once). Then operations to the end:
     * <pre>
     *   0 len16            application data, len pattern bytes (at most 2^14)
     *   1 type len8 bytes  a record of any other content type with the bytes as its content
     *   2 request          a KeyUpdate (request_update = request &amp; 1), then the next key
     *   3 pad len8         application data with pad bytes of padding
     *   4 len8 bytes       raw bytes
     *   5 pos16 mask       flip the bits of mask in the byte at pos (modulo the size)
     *   6                  close_notify
     * </pre>
     */
    @FuzzTest(maxDuration = "30s")
    void open(byte[] input) throws Exception {
        Cursor c = new Cursor(input);
        int readSize = c.u8();
        int arrival = c.u8() & 0x7f;
        byte[] secret = TlsRecordLayerTest.secret(7);
        RecordProtection sealer = RecordProtection.sealing(SUITE, secret.clone());
        FuzzWire wire = new FuzzWire();
        ByteArrayOutputStream sealed = new ByteArrayOutputStream();
        boolean wellFormed = true;
        boolean closed = false;
        while (c.hasMore()) {
            switch (c.u8() % 7) {
                case 0 -> {
                    byte[] data = FuzzWire.pattern(sealed.size(), Math.min(c.u16(), RecordProtection.MAX_PLAINTEXT));
                    seal(sealer, wire, RecordProtection.APPLICATION_DATA, data);
                    if (!closed) {
                        sealed.write(data);
                    }
                }
                case 1 -> {
                    byte type = (byte) c.u8();
                    if (type == 0 || type == RecordProtection.APPLICATION_DATA) {
                        // data would be read as data; type 0 would take its type from the content
                        type = RecordProtection.HANDSHAKE;
                    }
                    seal(sealer, wire, type, c.bytes(c.u8()));
                    wellFormed = false;
                }
                case 2 -> {
                    seal(sealer, wire, RecordProtection.HANDSHAKE, new byte[] {24, 0, 0, 1, (byte) (c.u8() & 1)});
                    sealer.update();
                }
                case 3 -> {
                    int pad = c.u8();
                    byte[] data = FuzzWire.pattern(sealed.size(), c.u8());
                    byte[] inner = Arrays.copyOf(data, data.length + 1 + pad);
                    inner[data.length] = RecordProtection.APPLICATION_DATA;
                    // sealed as content of type 0: the zeros after the real type are its padding
                    seal(sealer, wire, (byte) 0, inner);
                    if (!closed) {
                        sealed.write(data);
                    }
                }
                case 4 -> wire.raw(c.bytes(c.u8()));
                case 5 -> wire.flip(c.u16(), c.u8());
                default -> {
                    seal(sealer, wire, RecordProtection.ALERT, new byte[] {1, 0});
                    closed = true;
                }
            }
        }
        byte[] expected = sealed.toByteArray();
        boolean clean = wellFormed && !wire.tampered();

        RawConnection raw = FuzzWire.connection(FuzzWire.trickle(wire.toByteArray(), arrival, true),
                OutputStream.nullOutputStream());
        TlsRecordWriter writer = new TlsRecordWriter(raw, MemoryScope.UNLIMITED);
        TlsRecordReader reader = new TlsRecordReader(raw, MemoryScope.UNLIMITED, writer);
        writer.protect(RecordProtection.sealing(SUITE, TlsRecordLayerTest.secret(8)));
        assertTrue(reader.protect(RecordProtection.opening(SUITE, secret.clone())));

        ByteArrayOutputStream got = new ByteArrayOutputStream();
        byte[] buf = new byte[readSize == 0 ? 64 * 1024 : readSize];
        IOException failure = null;
        while (true) {
            int n;
            try {
                n = reader.read(buf, 0, buf.length);
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
        assertArrayEquals(Arrays.copyOf(expected, out.length), out, "the plaintext read is not what was sealed");
        if (clean) {
            assertNull(failure, "a well-formed stream failed");
            assertEquals(expected.length, out.length, "a well-formed stream ended early");
            assertEquals(-1, reader.read(buf, 0, buf.length), "end of stream is final");
        }
    }

    private static void seal(RecordProtection sealer, FuzzWire wire, byte type, byte[] content) throws IOException {
        int len = Math.min(content.length, RecordProtection.MAX_PLAINTEXT);
        byte[] record = new byte[RecordProtection.HEADER_BYTES + len + 1 + RecordProtection.TAG_BYTES];
        sealer.seal(type, content, 0, len, record, 0);
        wire.write(record, 0, record.length);
    }
}
