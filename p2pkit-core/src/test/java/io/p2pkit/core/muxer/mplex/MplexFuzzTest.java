package io.p2pkit.core.muxer.mplex;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.p2pkit.core.DecodeException;
import io.p2pkit.core.muxer.MuxedConnection;
import io.p2pkit.core.muxer.MuxedStream;
import io.p2pkit.core.transport.memory.MemoryConnection;

import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MplexFuzzTest {
    /** Any bytes decode to a frame that re-encodes to exactly the bytes read, or are rejected cleanly. */
    @FuzzTest
    void frame(byte[] input) throws IOException {
        ByteArrayInputStream in = new ByteArrayInputStream(input);
        MplexFrame frame;
        try {
            frame = MplexFrame.read(in, 4096);
        } catch (DecodeException | EOFException expected) {
            return;
        }
        int consumed = input.length - in.available();
        if (frame == null) {
            assertTrue(input.length == 0);
            return;
        }
        assertArrayEquals(Arrays.copyOf(input, consumed), frame.encode());
    }

    /**
     * A session fed arbitrary bytes never fails other than by resetting streams or closing: every
     * stream it hands out reads to an end, a reset or an IOException, and once the input ends
     * the session is closed.
     */
    @FuzzTest
    void session(byte[] input) throws IOException {
        MemoryConnection.Pair p = MemoryConnection.pair(1 << 20);
        MuxedConnection c = new Mplex(new MplexConfig(8, 4096, 4096)).wrap(p.responder(), false);
        try {
            p.initiator().out().write(input);
            p.initiator().close();
            for (MuxedStream s; (s = c.acceptStream()) != null; ) {
                try {
                    s.in().readAllBytes();
                } catch (IOException expected) {
                    // reset or closed: both are clean outcomes
                }
            }
            assertTrue(c.isClosed());
        } finally {
            c.close();
        }
    }
}
