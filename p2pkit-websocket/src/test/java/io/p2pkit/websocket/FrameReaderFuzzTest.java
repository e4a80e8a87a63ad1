package io.p2pkit.websocket;

import com.code_intelligence.jazzer.junit.FuzzTest;

import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FrameReaderFuzzTest {
    /**
     * Any bytes, read as frames from a client (first byte odd) or a server, either yield at most
     * as many payload bytes as there were input bytes, or fail with a WebSocket status or an
     * end-of-stream error; a reported failure is always the one thrown.
     */
    @FuzzTest
    void frames(byte[] input) {
        if (input.length == 0) {
            return;
        }
        boolean server = (input[0] & 1) != 0;
        FrameReaderTest.Recorder rec = new FrameReaderTest.Recorder();
        FrameReader r = new FrameReader(new ByteArrayInputStream(input, 1, input.length - 1), server, 4096, 8192, rec);
        try {
            byte[] data = r.readAllBytes();
            assertTrue(data.length <= input.length);
            assertTrue(rec.events.stream().noneMatch(e -> e.startsWith("failed")));
        } catch (WebSocketException e) {
            assertEquals("failed " + e.status(), rec.events.get(rec.events.size() - 1));
        } catch (EOFException expected) {
            // cut off inside a frame
        } catch (IOException e) {
            throw new AssertionError("unexpected I/O error", e);
        }
    }

    /** Any header bytes either decode to a header that re-encodes and decodes to itself, or are rejected cleanly. */
    @FuzzTest
    void header(byte[] input) throws IOException {
        FrameHeader h;
        try {
            h = FrameHeader.read(new ByteArrayInputStream(input), Long.MAX_VALUE);
        } catch (WebSocketException | EOFException expected) {
            return;
        }
        if (h != null) {
            assertEquals(h, FrameHeader.read(new ByteArrayInputStream(h.encode()), Long.MAX_VALUE));
        }
    }
}
