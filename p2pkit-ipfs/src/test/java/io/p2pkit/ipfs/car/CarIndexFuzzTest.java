package io.p2pkit.ipfs.car;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.p2pkit.core.DecodeException;

import java.io.ByteArrayInputStream;
import java.io.IOException;

import static org.junit.jupiter.api.Assertions.assertEquals;

class CarIndexFuzzTest {
    /**
     * Any bytes either read as an index that writes out (as MultihashIndexSorted) and reads back
     * equal, or are refused with a DecodeException (UnsupportedIndexException for other formats).
     */
    @FuzzTest(maxDuration = "30s")
    void read(byte[] input) throws IOException {
        CarIndex index;
        try {
            index = CarIndex.read(new ByteArrayInputStream(input), input.length);
        } catch (DecodeException refused) {
            return;
        }
        if (index.format() == CarIndex.MULTIHASH_INDEX_SORTED) {
            byte[] out = index.toByteArray();
            CarIndex again = CarIndex.read(new ByteArrayInputStream(out), out.length);
            assertEquals(index, again);
            assertEquals(index.size(), again.size());
        }
    }
}
