package io.p2pkit.core.identity;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.p2pkit.core.DecodeException;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

class PeerRecordFuzzTest {
    /** Any payload bytes are rejected cleanly, or give a record whose encoding is stable. */
    @FuzzTest
    void unmarshal(byte[] input) {
        PeerRecord r;
        try {
            r = PeerRecord.unmarshal(input);
        } catch (DecodeException expected) {
            return;
        }
        byte[] canonical = r.marshal();
        PeerRecord again = PeerRecord.unmarshal(canonical);
        assertEquals(r, again);
        assertArrayEquals(canonical, again.marshal());
    }

    /** Any envelope bytes are rejected cleanly, or give a record signed by its own peer. */
    @FuzzTest
    void open(byte[] input) {
        PeerRecord r;
        try {
            r = PeerRecord.open(input);
        } catch (DecodeException expected) {
            return;
        }
        assertEquals(r, PeerRecord.unmarshal(r.marshal()));
    }
}
