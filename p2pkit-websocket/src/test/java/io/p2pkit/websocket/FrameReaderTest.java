package io.p2pkit.websocket;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FrameReaderTest {
    /** Records what the reader reports. */
    static final class Recorder implements FrameReader.ControlHandler {
        final List<String> events = new ArrayList<>();

        @Override
        public void ping(byte[] payload) {
            events.add("ping " + new String(payload, StandardCharsets.UTF_8));
        }

        @Override
        public void closeReceived(int status, String reason) {
            events.add("close " + status + " " + reason);
        }

        @Override
        public void failed(WebSocketException e) {
            events.add("failed " + e.status());
        }
    }

    private static void frame(ByteArrayOutputStream out, boolean fin, Opcode op, byte[] payload, Integer mask) {
        FrameHeader h = new FrameHeader(fin, op, mask != null, mask == null ? 0 : mask, payload.length);
        out.writeBytes(h.encode());
        byte[] p = payload.clone();
        if (mask != null) {
            FrameHeader.mask(mask, 0, p, 0, p.length);
        }
        out.writeBytes(p);
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void fragmentedMessagesWithControlFramesInBetween() throws IOException {
        ByteArrayOutputStream wire = new ByteArrayOutputStream();
        frame(wire, false, Opcode.BINARY, utf8("Hel"), 0x11223344);
        frame(wire, true, Opcode.PING, utf8("hi"), 0x55667788);
        frame(wire, false, Opcode.CONTINUATION, new byte[0], 0x01020304);
        frame(wire, true, Opcode.CONTINUATION, utf8("lo"), 0x0a0b0c0d);
        frame(wire, true, Opcode.PONG, new byte[0], 0x0);
        frame(wire, true, Opcode.BINARY, utf8(", world"), 0x7f7f7f7f);
        byte[] close = {0x03, (byte) 0xE8, 'b', 'y', 'e'};
        frame(wire, true, Opcode.CLOSE, close, 0x12345678);
        frame(wire, true, Opcode.BINARY, utf8("never read"), 0x12345678);
        Recorder rec = new Recorder();
        FrameReader r = new FrameReader(new ByteArrayInputStream(wire.toByteArray()), true, 1 << 20, 1 << 20, rec);
        assertEquals("Hello, world", new String(r.readAllBytes(), StandardCharsets.UTF_8));
        assertEquals(List.of("ping hi", "close 1000 bye"), rec.events);
        assertTrue(r.ended());
        assertEquals(-1, r.read());
    }

    @Test
    void largeUnmaskedFramesStreamInSmallReads() throws IOException {
        byte[] data = new byte[300_000];
        new SplittableRandom(3).nextBytes(data);
        ByteArrayOutputStream wire = new ByteArrayOutputStream();
        frame(wire, true, Opcode.BINARY, data, null);
        frame(wire, true, Opcode.CLOSE, new byte[0], null);
        Recorder rec = new Recorder();
        FrameReader r = new FrameReader(new ByteArrayInputStream(wire.toByteArray()), false, 1 << 20, 1 << 20, rec);
        ByteArrayOutputStream got = new ByteArrayOutputStream();
        byte[] small = new byte[777];
        for (int n; (n = r.read(small)) > 0; ) {
            got.write(small, 0, n);
        }
        assertArrayEquals(data, got.toByteArray());
        assertEquals(List.of("close 1005 "), rec.events);
    }

    @Test
    void endOfStreamBetweenFramesIsTheEnd() throws IOException {
        ByteArrayOutputStream wire = new ByteArrayOutputStream();
        frame(wire, true, Opcode.BINARY, utf8("x"), null);
        FrameReader r = new FrameReader(new ByteArrayInputStream(wire.toByteArray()), false, 1 << 20, 1 << 20, new Recorder());
        assertEquals("x", new String(r.readAllBytes(), StandardCharsets.UTF_8));
    }

    @Test
    void endOfStreamInsideAFrameIsAnError() {
        ByteArrayOutputStream wire = new ByteArrayOutputStream();
        frame(wire, true, Opcode.BINARY, utf8("abcdef"), null);
        byte[] cut = java.util.Arrays.copyOf(wire.toByteArray(), 5);
        FrameReader r = new FrameReader(new ByteArrayInputStream(cut), false, 1 << 20, 1 << 20, new Recorder());
        assertThrows(java.io.EOFException.class, r::readAllBytes);
    }

    @Test
    void violationsAreReportedWithTheirStatus() {
        assertFailure(1002, true, w -> frame(w, true, Opcode.BINARY, utf8("a"), null)); // unmasked from a client
        assertFailure(1002, false, w -> frame(w, true, Opcode.BINARY, utf8("a"), 1)); // masked from a server
        assertFailure(1003, false, w -> frame(w, true, Opcode.TEXT, utf8("a"), null));
        assertFailure(1002, false, w -> frame(w, true, Opcode.CONTINUATION, utf8("a"), null));
        assertFailure(1002, false, w -> {
            frame(w, false, Opcode.BINARY, utf8("a"), null);
            frame(w, true, Opcode.BINARY, utf8("b"), null);
        });
        assertFailure(1002, false, w -> frame(w, true, Opcode.CLOSE, new byte[] {3}, null));
        assertFailure(1002, false, w -> frame(w, true, Opcode.CLOSE, new byte[] {0x03, (byte) 0xED}, null)); // 1005
        assertFailure(1007, false, w -> frame(w, true, Opcode.CLOSE, new byte[] {0x03, (byte) 0xE8, (byte) 0xC3}, null));
        assertFailure(1009, false, w -> frame(w, true, Opcode.BINARY, new byte[200], null));
        assertFailure(1009, false, w -> {
            frame(w, false, Opcode.BINARY, new byte[150], null);
            frame(w, true, Opcode.CONTINUATION, new byte[150], null);
        });
    }

    private static void assertFailure(int status, boolean server, java.util.function.Consumer<ByteArrayOutputStream> wire) {
        ByteArrayOutputStream w = new ByteArrayOutputStream();
        wire.accept(w);
        Recorder rec = new Recorder();
        FrameReader r = new FrameReader(new ByteArrayInputStream(w.toByteArray()), server, 150, 200, rec);
        WebSocketException e = assertThrows(WebSocketException.class, r::readAllBytes);
        assertEquals(status, e.status());
        assertEquals(List.of("failed " + status), rec.events);
    }
}
