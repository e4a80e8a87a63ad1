package io.p2pkit.core.multistream;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.p2pkit.core.transport.memory.MemoryConnection;

import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MultistreamFuzzTest {
    /** Any bytes either decode to one message that re-encodes to exactly the bytes read, or are rejected cleanly. */
    @FuzzTest
    void message(byte[] input) throws IOException {
        ByteArrayInputStream in = new ByteArrayInputStream(input);
        String text;
        try {
            text = Message.read(in);
        } catch (NegotiationException | EOFException expected) {
            return;
        }
        int consumed = input.length - in.available();
        assertArrayEquals(Arrays.copyOf(input, consumed), Message.encode(text));
    }

    /** A listener fed arbitrary bytes agrees on a supported protocol or fails with a NegotiationException. */
    @FuzzTest
    void listener(byte[] input) throws IOException {
        // the buffer holds every answer the listener can give to a dialer that never reads
        MemoryConnection.Pair p = MemoryConnection.pair(1 << 20);
        p.initiator().out().write(input);
        p.initiator().closeWrite();
        try {
            String chosen = new Multistream().negotiate(Duplex.of(p.responder()), List.of("/a", "/b/1.0.0"));
            assertTrue(chosen.equals("/a") || chosen.equals("/b/1.0.0"), chosen);
        } catch (NegotiationException expected) {
            // a clean rejection
        } finally {
            p.closeBoth();
        }
    }
}
