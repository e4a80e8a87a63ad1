package io.p2pkit.core.security;

import io.p2pkit.core.resource.MemoryScope;
import io.p2pkit.core.transport.RawConnection;

import java.io.InputStream;
import java.io.OutputStream;
import java.util.Arrays;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The bytes a fuzz target of a record or frame reader feeds it: a real writer appends well-formed
 * records or frames, and the fuzz input tampers with them in between (raw bytes, flipped bits,
 * cut ends, replayed tails). The wire knows whether it still holds exactly what the writer
 * produced, so the target can demand the exact plaintext back when it does.
 */
public final class FuzzWire extends OutputStream {
    private byte[] bytes = new byte[256];
    private int size;

    /** An empty wire. */
    public FuzzWire() {
    }
    private boolean tampered;

    @Override
    public void write(int b) {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) {
        Objects.checkFromIndexSize(off, len, b.length);
        ensure(size + len);
        System.arraycopy(b, off, bytes, size, len);
        size += len;
    }

    /** Appends bytes no writer produced. */
    public void raw(byte[] b) {
        write(b, 0, b.length);
        tampered |= b.length > 0;
    }

    /** XORs the byte at {@code position} (modulo the size) with {@code mask}. */
    public void flip(int position, int mask) {
        if (size == 0 || (mask & 0xFF) == 0) {
            return;
        }
        bytes[Math.floorMod(position, size)] ^= (byte) mask;
        tampered = true;
    }

    /** Drops the last {@code n} bytes (all of them if there are fewer). */
    public void truncate(int n) {
        int cut = Math.min(n, size);
        size -= cut;
        tampered |= cut > 0;
    }

    /** Appends again the last {@code n} bytes (all of them if there are fewer): a replay. */
    public void replay(int n) {
        int len = Math.min(n, size);
        ensure(size + len);
        System.arraycopy(bytes, size - len, bytes, size, len);
        size += len;
        tampered |= len > 0;
    }

    /** Whether the fuzz input changed what the writer produced. */
    public boolean tampered() {
        return tampered;
    }

    public int size() {
        return size;
    }

    public byte[] toByteArray() {
        return Arrays.copyOf(bytes, size);
    }

    private void ensure(int capacity) {
        if (capacity > bytes.length) {
            bytes = Arrays.copyOf(bytes, Math.max(capacity, 2 * bytes.length));
        }
    }

    /**
     * An input stream over {@code data} that hands out at most {@code chunk} bytes per read (0:
     * all that is left), so that headers and records arrive split as TCP may split them. With
     * {@code honestAvailable} false it reports nothing available, as a socket whose bytes are
     * still in flight does.
     */
    public static InputStream trickle(byte[] data, int chunk, boolean honestAvailable) {
        return new InputStream() {
            private int pos;

            @Override
            public int read() {
                return pos < data.length ? data[pos++] & 0xFF : -1;
            }

            @Override
            public int read(byte[] b, int off, int len) {
                Objects.checkFromIndexSize(off, len, b.length);
                if (len == 0) {
                    return 0;
                }
                if (pos == data.length) {
                    return -1;
                }
                int n = Math.min(len, data.length - pos);
                if (chunk > 0) {
                    n = Math.min(n, chunk);
                }
                System.arraycopy(data, pos, b, off, n);
                pos += n;
                return n;
            }

            @Override
            public int available() {
                return honestAvailable ? data.length - pos : 0;
            }
        };
    }

    /** A connection that reads {@code in} and writes to {@code out}; closing it does nothing. */
    public static RawConnection connection(InputStream in, OutputStream out) {
        return new RawConnection() {
            @Override
            public InputStream in() {
                return in;
            }

            @Override
            public OutputStream out() {
                return out;
            }

            @Override
            public void closeWrite() {
            }

            @Override
            public void close() {
            }
        };
    }

    /** The plaintext the writer is given: a fixed pattern, so that a shifted or repeated chunk shows. */
    public static byte[] pattern(long from, int length) {
        byte[] b = new byte[length];
        for (int i = 0; i < length; i++) {
            long x = (from + i) * 0x9E3779B97F4A7C15L;
            b[i] = (byte) (x >>> 56);
        }
        return b;
    }

    /** A memory scope that refuses nothing but counts what is held now and at most. */
    public static final class CountingMemory implements MemoryScope {
        private final AtomicLong held = new AtomicLong();
        private final AtomicLong peak = new AtomicLong();

        /** Nothing held yet. */
        public CountingMemory() {
        }

        @Override
        public void reserveMemory(long bytes, int priority) {
            long now = held.addAndGet(bytes);
            peak.accumulateAndGet(now, Math::max);
        }

        @Override
        public void releaseMemory(long bytes) {
            held.addAndGet(-bytes);
        }

        public long held() {
            return held.get();
        }

        public long peak() {
            return peak.get();
        }
    }

    /** Reads the fuzz input front to back; past its end every value is 0. */
    public static final class Cursor {
        private final byte[] input;
        private int pos;

        public Cursor(byte[] input) {
            this.input = input;
        }

        public boolean hasMore() {
            return pos < input.length;
        }

        public int u8() {
            return pos < input.length ? input[pos++] & 0xFF : 0;
        }

        public int u16() {
            return (u8() << 8) | u8();
        }

        /** Up to {@code n} bytes, fewer at the end of the input. */
        public byte[] bytes(int n) {
            int len = Math.min(n, input.length - pos);
            byte[] b = Arrays.copyOfRange(input, pos, pos + len);
            pos += len;
            return b;
        }

        /** Everything not read yet. */
        public byte[] rest() {
            return bytes(input.length - pos);
        }
    }
}
