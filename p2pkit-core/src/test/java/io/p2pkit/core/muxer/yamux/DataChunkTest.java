package io.p2pkit.core.muxer.yamux;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayInputStream;
import java.io.EOFException;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

class DataChunkTest {
    private static byte[] counting(int n) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) (i * 31 + 7);
        }
        return b;
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 4095, 4096, 4097, 65535, 65536, 65537, 262144, 262145})
    void readsExactlyThePayloadIntoAnArrayOfTheExpectedSize(int length) throws Exception {
        byte[] wire = counting(length + 10);
        var in = new ByteArrayInputStream(wire);
        DataChunk c = DataChunk.read(in, length);
        assertEquals(length, c.length());
        int expectedArray = switch (length) {
            case 4096, 65535, 65536, 262144 -> Integer.highestOneBit(length - 1) << 1;
            default -> length; // small, large, or less than 3/4 of the next power of two
        };
        assertEquals(expectedArray, c.bytes().length);
        assertArrayEquals(java.util.Arrays.copyOf(wire, length), java.util.Arrays.copyOf(c.bytes(), length));
        assertEquals(10, in.available(), "nothing read past the payload");
    }

    @Test
    void pooledArraysAreAtMostAThirdLargerThanThePayload() {
        for (int length = 1; length <= DataChunk.POOLED_MAX + 1; length++) {
            int size = DataChunk.pooledSize(length);
            if (size > 0) {
                assertEquals(1, Integer.bitCount(size), "a power of two");
                org.junit.jupiter.api.Assertions.assertTrue(size >= length && 3L * size <= 4L * length,
                        length + " in " + size);
            }
        }
        assertEquals(65536, DataChunk.pooledSize(65536));
        assertEquals(0, DataChunk.pooledSize(4097), "4,097 bytes would waste almost half of 8 KiB");
    }

    @Test
    void aTruncatedPayloadIsAnEofAndKeepsNothing() {
        var in = new ByteArrayInputStream(counting(5000));
        EOFException e = assertThrows(EOFException.class, () -> DataChunk.read(in, 8000));
        assertEquals("connection ended inside a data frame", e.getMessage());
    }

    @Test
    void releaseDropsTheArrayAndIsIdempotent() throws Exception {
        DataChunk c = DataChunk.read(new ByteArrayInputStream(counting(70000)), 70000);
        c.release();
        assertNull(c.bytes(), "a released chunk no longer hands out its array");
        c.release();
        assertEquals(70000, c.length());
    }
}
