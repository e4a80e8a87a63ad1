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
        boolean pooled = length >= DataChunk.POOLED_MIN && length <= DataChunk.POOLED_MAX;
        int expectedArray = pooled ? Integer.highestOneBit(length - 1) << 1 : length;
        assertEquals(expectedArray, c.bytes().length, "pooled arrays are the next power of two");
        assertArrayEquals(java.util.Arrays.copyOf(wire, length), java.util.Arrays.copyOf(c.bytes(), length));
        assertEquals(10, in.available(), "nothing read past the payload");
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
