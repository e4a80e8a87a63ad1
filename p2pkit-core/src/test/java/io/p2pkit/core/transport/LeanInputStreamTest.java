package io.p2pkit.core.transport;

import io.p2pkit.core.Direction;
import io.p2pkit.core.resource.ConnectionSpan;
import io.p2pkit.core.resource.Resource;
import io.p2pkit.core.resource.ResourceManager;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayDeque;
import java.util.SplittableRandom;

import static io.p2pkit.core.resource.MemoryLimits.manager;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LeanInputStreamTest {
    /**
     * A socket stand-in: bytes arrive in bursts; {@code available()} reports what is left of the
     * burst that has arrived, and a read past it "waits" for the next burst.
     */
    private static final class Bursts extends InputStream {
        private final ArrayDeque<byte[]> pending = new ArrayDeque<>();
        private byte[] current = new byte[0];
        private int pos;
        int reads;

        void arrive(byte[] burst) {
            pending.add(burst);
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xFF;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            reads++;
            if (pos == current.length) {
                if (pending.isEmpty()) {
                    return -1;
                }
                current = pending.poll();
                pos = 0;
            }
            int n = Math.min(len, current.length - pos);
            System.arraycopy(current, pos, b, off, n);
            pos += n;
            return n;
        }

        @Override
        public int available() {
            return current.length - pos;
        }
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8})
    void mixedReadSizesReturnEveryByteInOrder(long seed) throws IOException {
        SplittableRandom random = new SplittableRandom(seed);
        Bursts socket = new Bursts();
        ByteArrayOutputStream sent = new ByteArrayOutputStream();
        for (int i = 0; i < 50; i++) {
            byte[] burst = new byte[1 + random.nextInt(random.nextBoolean() ? 64 : 40_000)];
            random.nextBytes(burst);
            socket.arrive(burst);
            sent.writeBytes(burst);
        }
        LeanInputStream in = new LeanInputStream(socket);
        ByteArrayOutputStream got = new ByteArrayOutputStream();
        while (true) {
            if (random.nextInt(10) == 0) {
                int b = in.read();
                if (b < 0) {
                    break;
                }
                got.write(b);
                continue;
            }
            byte[] chunk = new byte[1 + random.nextInt(random.nextBoolean() ? 16 : 70_000)];
            int n = in.read(chunk, 0, chunk.length);
            if (n < 0) {
                break;
            }
            got.write(chunk, 0, n);
        }
        assertArrayEquals(sent.toByteArray(), got.toByteArray());
    }

    @Test
    void bufferExistsOnlyWhileItHoldsBytes() throws IOException {
        Bursts socket = new Bursts();
        socket.arrive(new byte[] {1, 2, 3, 4, 5});
        socket.arrive(new byte[] {6, 7});
        LeanInputStream in = new LeanInputStream(socket);
        byte[] b = new byte[8];

        // Nothing has arrived yet as far as available() knows: wait on the socket, no buffer.
        assertEquals(1, in.read(b, 0, 1));
        assertFalse(in.holdsBuffer());
        // The rest of the burst is waiting: one socket read fills the buffer for the small reads.
        assertEquals(2, in.read(b, 1, 2));
        assertTrue(in.holdsBuffer());
        assertEquals(2, in.read(b, 3, 2));
        assertEquals(2, socket.reads);
        // Drained, and the next burst has not arrived: the buffer is dropped while waiting.
        assertEquals(2, in.read(b, 5, 3));
        assertFalse(in.holdsBuffer());
        assertArrayEquals(new byte[] {1, 2, 3, 4, 5, 6, 7, 0}, b);
        assertEquals(-1, in.read(b, 0, 8));
        assertEquals(-1, in.read());
    }

    @Test
    void largeReadsBypassTheBuffer() throws IOException {
        Bursts socket = new Bursts();
        byte[] burst = new byte[3 * LeanInputStream.BUFFER_BYTES];
        new SplittableRandom(9).nextBytes(burst);
        socket.arrive(burst);
        LeanInputStream in = new LeanInputStream(socket);
        byte[] got = new byte[burst.length];
        assertEquals(1, in.read(got, 0, 1));
        assertEquals(burst.length - 1, in.read(got, 1, burst.length - 1));
        assertFalse(in.holdsBuffer());
        assertArrayEquals(burst, got);
    }

    @Test
    void theBufferIsReservedWhileHeldAndGivenBackWhenDropped() throws IOException {
        ResourceManager rm = manager(1 << 20);
        ConnectionSpan span = rm.openConnection(Direction.INBOUND, true);
        Bursts socket = new Bursts();
        socket.arrive(new byte[] {1, 2, 3, 4, 5});
        socket.arrive(new byte[2 * LeanInputStream.BUFFER_BYTES]);
        LeanInputStream in = new LeanInputStream(socket);
        in.chargeTo(span);
        byte[] b = new byte[LeanInputStream.BUFFER_BYTES];
        assertEquals(1, in.read(b, 0, 1));
        assertEquals(0, span.scope().used(Resource.MEMORY), "a read that waits holds nothing");
        assertEquals(2, in.read(b, 0, 2));
        assertEquals(LeanInputStream.BUFFER_BYTES, span.scope().used(Resource.MEMORY));
        assertEquals(LeanInputStream.BUFFER_BYTES, rm.system().used(Resource.MEMORY));
        assertEquals(2, in.read(b, 0, 8)); // drains the buffer
        // A large read goes to the socket and drops the empty buffer, so a reader parked there holds nothing.
        assertEquals(b.length, in.read(b, 0, b.length));
        assertFalse(in.holdsBuffer());
        assertEquals(0, rm.system().used(Resource.MEMORY));
        span.close();
        assertTrue(rm.system().usage().isEmpty(), "nothing held: " + rm.system().usage());
    }

    @Test
    void aRefusedBufferMeansReadingStraightFromTheSocket() throws IOException {
        // MEDIUM may use about 60 % of the limit: 12 KiB allows 7 KiB, less than the 8 KiB buffer.
        ResourceManager rm = manager(12 * 1024);
        ConnectionSpan span = rm.openConnection(Direction.OUTBOUND, true);
        Bursts socket = new Bursts();
        byte[] burst = new byte[1000];
        new SplittableRandom(4).nextBytes(burst);
        socket.arrive(burst);
        LeanInputStream in = new LeanInputStream(socket, span);
        byte[] got = new byte[burst.length];
        got[0] = (byte) in.read();
        int at = 1;
        while (at < got.length) {
            int n = in.read(got, at, Math.min(7, got.length - at));
            assertTrue(n > 0);
            at += n;
            assertFalse(in.holdsBuffer());
        }
        assertArrayEquals(burst, got);
        assertEquals(-1, in.read());
        assertTrue(rm.blocked().keySet().stream().anyMatch(k -> k.resource() == Resource.MEMORY),
                "the refusal is counted");
        assertEquals(0, rm.system().used(Resource.MEMORY));
        span.close();
    }

    @Test
    void closeReleasesAHeldBuffer() throws IOException {
        ResourceManager rm = manager(1 << 20);
        ConnectionSpan span = rm.openConnection(Direction.INBOUND, true);
        Bursts socket = new Bursts();
        socket.arrive(new byte[] {1, 2, 3, 4, 5});
        LeanInputStream in = new LeanInputStream(socket, span);
        assertEquals(1, in.read());
        assertEquals(2, in.read());
        assertTrue(in.holdsBuffer());
        assertEquals(LeanInputStream.BUFFER_BYTES, span.scope().used(Resource.MEMORY));
        in.close();
        assertEquals(0, span.scope().used(Resource.MEMORY));
        // the reader may still drain what it holds; nothing is released twice
        assertEquals(3, in.read(new byte[8], 0, 8));
        assertEquals(0, rm.system().used(Resource.MEMORY));
        span.close();
        assertTrue(rm.system().usage().isEmpty(), "nothing held: " + rm.system().usage());
    }
}
