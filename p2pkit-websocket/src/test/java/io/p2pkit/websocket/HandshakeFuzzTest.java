package io.p2pkit.websocket;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.p2pkit.core.DecodeException;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HandshakeFuzzTest {
    /** Any bytes either parse to a head that encodes and parses to itself, or are rejected with a DecodeException. */
    @FuzzTest
    void head(byte[] input) {
        HttpHead h;
        try {
            h = HttpHead.parse(input);
        } catch (DecodeException expected) {
            return;
        }
        assertEquals(h, HttpHead.parse(h.encode()));
    }

    /** The server side of the handshake answers any request with 101 or an HTTP error, and throws only IOExceptions. */
    @FuzzTest
    void server(byte[] input) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            Handshake.server(new ByteArrayInputStream(input), out);
            assertTrue(out.toString(java.nio.charset.StandardCharsets.ISO_8859_1).startsWith("HTTP/1.1 101 "));
        } catch (IOException expected) {
            String reply = out.toString(java.nio.charset.StandardCharsets.ISO_8859_1);
            assertTrue(reply.isEmpty() || reply.startsWith("HTTP/1.1 4"), reply);
        }
    }
}
