package io.p2pkit.core.security.noise;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.p2pkit.core.security.FuzzWire;
import io.p2pkit.core.security.FuzzWire.CountingMemory;
import io.p2pkit.core.security.FuzzWire.Cursor;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class NoiseFrameInputStreamFuzzTest {
    private static final byte[] KEY = new byte[32];
    /** What the reader's frame buffer is: one full frame and as much read-ahead. */
    private static final int FRAME_BUFFER = 2 * (2 + NoiseXXHandshake.MAX_MESSAGE_LENGTH);
    /** A read this large takes a whole frame's plaintext: decrypted straight into the caller's array. */
    private static final int BULK_READ = 128 * 1024;
    /** Plaintext written per input, at most: enough for many full frames, bounded for speed. */
    private static final int MAX_PLAINTEXT = 1 << 20;
    /** Both ciphers start this far before the reserved nonce when the input asks for it. */
    private static final long NEAR_LIMIT = -3L;

    static {
        Arrays.fill(KEY, (byte) 0x5a);
    }

    /**
     * Frames made by the real {@link NoiseFrameOutputStream}, tampered with by the input, read
     * by {@link NoiseFrameInputStream}. Untouched frames must come back as exactly the plaintext
     * written, then end of stream; tampered ones may end early, but only with a
     * {@link BadTagException}, {@link NonceExhaustedException} or {@link EOFException} that
     * every later read repeats, and what was read before must be a prefix of what was written.
     * Either way the frame buffer is given back at the end and never more than one is held.
     *
     * <p>Input: byte 0 is how raw bytes arrive (bits 0-6: bytes per raw read, 0 for all at once;
     * bit 7: {@code available()} reports nothing); byte 1 the application's read size (0: 128
     * KiB, 1: {@code read()}, else that many bytes); byte 2 flags (bit 0: both ciphers start 3
     * nonces before the reserved one). Then operations to the end:
     * <pre>
     *   0 len16      a handshake message of len pattern bytes (after transport data: a forged frame)
     *   1 len16      write len pattern bytes
     *   2            flush
     *   3 len8 bytes raw bytes
     *   4 pos16 mask flip the bits of mask in the byte at pos (modulo the size)
     *   5 n16        cut the last n bytes
     *   6 n16        replay the last n bytes
     *   7            an empty transport message, sealed with the writer's cipher (legal, if rare)
     * </pre>
     */
    @FuzzTest(maxDuration = "30s")
    void read(byte[] input) throws Exception {
        Cursor c = new Cursor(input);
        int arrival = c.u8();
        int readSize = c.u8();
        boolean nearLimit = (c.u8() & 1) != 0;

        // the writer's output goes to the wire the input tampers with, and untouched to `written`
        FuzzWire wire = new FuzzWire();
        ByteArrayOutputStream written = new ByteArrayOutputStream();
        OutputStream sent = tee(wire, written);
        NoiseFrameOutputStream writer = new NoiseFrameOutputStream(
                FuzzWire.connection(InputStream.nullInputStream(), sent), new CountingMemory());
        CipherState sendCipher = cipher(nearLimit);
        List<byte[]> handshake = new ArrayList<>();
        long plaintext = 0;
        boolean transport = false;
        boolean writerFailed = false;
        while (c.hasMore()) {
            switch (c.u8() % 8) {
                case 0 -> {
                    byte[] message = FuzzWire.pattern(~handshake.size(), c.u16());
                    if (transport) {
                        wire.raw(frame(message));
                    } else {
                        writer.writeHandshakeMessage(message);
                        handshake.add(message);
                    }
                }
                case 1 -> {
                    int len = c.u16();
                    if (!transport) {
                        transport = true;
                        writer.startTransport(sendCipher);
                    }
                    if (!writerFailed && plaintext + len <= MAX_PLAINTEXT) {
                        try {
                            writer.write(FuzzWire.pattern(plaintext, len));
                        } catch (IOException e) {
                            writerFailed = true; // only at the nonce limit
                        }
                        plaintext += len;
                    }
                }
                case 2 -> {
                    if (transport && !writerFailed) {
                        try {
                            writer.flush();
                        } catch (IOException e) {
                            writerFailed = true;
                        }
                    }
                }
                case 3 -> wire.raw(c.bytes(c.u8()));
                case 4 -> wire.flip(c.u16(), c.u8());
                case 5 -> wire.truncate(c.u16());
                case 6 -> wire.replay(c.u16());
                default -> {
                    // every write leaves only the open frame unsealed, so the empty one takes the next nonce
                    if (transport && !writerFailed) {
                        try {
                            sent.write(frame(sendCipher.encryptWithAd(null, new byte[0])));
                        } catch (NonceExhaustedException e) {
                            writerFailed = true;
                        }
                    }
                }
            }
        }
        if (transport && !writerFailed) {
            try {
                writer.flush();
            } catch (IOException e) {
                writerFailed = true;
            }
        }
        assertTrue(!writerFailed || nearLimit, "the writer failed without reaching the nonce limit");
        byte[] expected = decryptAll(written.toByteArray(), handshake.size(), nearLimit);
        assertArrayEquals(FuzzWire.pattern(0, expected.length), expected, "the writer's frames carry what was written");
        if (!writerFailed) {
            assertEquals(plaintext, expected.length, "every byte written was sent");
        }

        CountingMemory memory = new CountingMemory();
        NoiseFrameInputStream in = new NoiseFrameInputStream(FuzzWire.connection(
                FuzzWire.trickle(wire.toByteArray(), arrival & 0x7f, (arrival & 0x80) == 0),
                OutputStream.nullOutputStream()), memory);
        for (byte[] message : handshake) {
            byte[] got;
            try {
                got = in.readHandshakeMessage();
            } catch (EOFException e) {
                assertTrue(wire.tampered(), "a handshake message was lost from an untouched stream");
                return;
            }
            if (!wire.tampered()) {
                assertArrayEquals(message, got);
            }
        }
        in.startTransport(cipher(nearLimit));

        ByteArrayOutputStream got = new ByteArrayOutputStream();
        byte[] buf = new byte[readSize == 0 ? BULK_READ : readSize];
        IOException failure = null;
        while (true) {
            int n;
            try {
                n = readOnce(in, buf);
            } catch (BadTagException | NonceExhaustedException | EOFException e) {
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
        }
        if (failure != null) {
            IOException again = failure;
            assertSame(again, assertThrows(IOException.class, () -> readOnce(in, buf)), "the failure is final");
        } else {
            assertEquals(-1, readOnce(in, buf), "end of stream is final");
        }
        assertEquals(0, memory.held(), "the frame buffer is given back at the end");
        assertTrue(memory.peak() <= FRAME_BUFFER, "held " + memory.peak() + " bytes at once");
    }

    private static int readOnce(NoiseFrameInputStream in, byte[] buf) throws IOException {
        if (buf.length == 1) {
            int b = in.read();
            if (b >= 0) {
                buf[0] = (byte) b;
                return 1;
            }
            return -1;
        }
        return in.read(buf, 0, buf.length);
    }

    private static CipherState cipher(boolean nearLimit) {
        CipherState c = new CipherState(KEY);
        if (nearLimit) {
            c.setNonce(NEAR_LIMIT);
        }
        return c;
    }

    private static byte[] frame(byte[] body) {
        byte[] f = new byte[2 + body.length];
        f[0] = (byte) (body.length >>> 8);
        f[1] = (byte) body.length;
        System.arraycopy(body, 0, f, 2, body.length);
        return f;
    }

    /** The plaintext of the frames after the first {@code skip}, decrypted one frame at a time. */
    private static byte[] decryptAll(byte[] frames, int skip, boolean nearLimit) throws IOException {
        CipherState c = cipher(nearLimit);
        ByteArrayOutputStream plain = new ByteArrayOutputStream();
        int pos = 0;
        for (int i = 0; pos < frames.length; i++) {
            int len = ((frames[pos] & 0xFF) << 8) | (frames[pos + 1] & 0xFF);
            if (i >= skip) {
                plain.write(c.decryptWithAd(null, Arrays.copyOfRange(frames, pos + 2, pos + 2 + len)));
            }
            pos += 2 + len;
        }
        return plain.toByteArray();
    }

    private static OutputStream tee(OutputStream a, OutputStream b) {
        return new OutputStream() {
            @Override
            public void write(int x) throws IOException {
                a.write(x);
                b.write(x);
            }

            @Override
            public void write(byte[] bytes, int off, int len) throws IOException {
                a.write(bytes, off, len);
                b.write(bytes, off, len);
            }
        };
    }
}
