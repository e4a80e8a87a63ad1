package io.p2pkit.websocket;

import io.p2pkit.core.DecodeException;
import io.p2pkit.testing.Futures;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HandshakeTest {
    private static ByteArrayInputStream text(String s) {
        return new ByteArrayInputStream(s.getBytes(StandardCharsets.ISO_8859_1));
    }

    /** RFC 6455 section 1.3's example. */
    @Test
    void acceptValue() {
        assertEquals("s3pPLMBiTxaQ9kYGzzhZRbK+xOo=", Handshake.acceptFor("dGhlIHNhbXBsZSBub25jZQ=="));
    }

    @Test
    void serverAcceptsTheRfcRequestAndStopsAtItsEnd() throws IOException {
        ByteArrayInputStream in = text("""
                GET /chat HTTP/1.1\r
                Host: server.example.com\r
                Upgrade: websocket\r
                Connection: keep-alive, Upgrade\r
                Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r
                Origin: http://example.com\r
                Sec-WebSocket-Version: 13\r
                \r
                FRAMES""");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Handshake.server(in, out);
        String reply = out.toString(StandardCharsets.ISO_8859_1);
        assertTrue(reply.startsWith("HTTP/1.1 101 Switching Protocols\r\n"), reply);
        assertTrue(reply.contains("Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n"), reply);
        assertEquals("FRAMES", new String(in.readAllBytes(), StandardCharsets.ISO_8859_1));
    }

    @Test
    void serverRefusals() {
        assertRefused("GET / HTTP/1.1\r\nHost: x\r\n\r\n", "400");
        assertRefused("POST / HTTP/1.1\r\nUpgrade: websocket\r\nConnection: upgrade\r\nSec-WebSocket-Version: 13\r\n"
                + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n", "400");
        assertRefused("GET / HTTP/1.1\r\nUpgrade: websocket\r\nConnection: upgrade\r\nSec-WebSocket-Version: 8\r\n"
                + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n", "426");
        assertRefused("GET / HTTP/1.1\r\nUpgrade: websocket\r\nConnection: upgrade\r\nSec-WebSocket-Version: 13\r\n"
                + "Sec-WebSocket-Key: c2hvcnQ=\r\n\r\n", "400");
        assertRefused("GET / HTTP/1.1\r\nbad header\r\n\r\n", "400");
    }

    private static void assertRefused(String request, String status) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertThrows(WebSocketException.class, () -> Handshake.server(text(request), out));
        assertTrue(out.toString(StandardCharsets.ISO_8859_1).startsWith("HTTP/1.1 " + status), out.toString());
    }

    @Test
    void clientChecksTheReply() throws IOException {
        String key = "dGhlIHNhbXBsZSBub25jZQ==";
        Handshake.checkReply(HttpHead.parse(("HTTP/1.1 101 Switching Protocols\r\nUpgrade: WebSocket\r\n"
                + "Connection: Upgrade\r\nSec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1)), key);
        assertThrows(WebSocketException.class, () -> Handshake.checkReply(HttpHead.parse(
                "HTTP/1.1 200 OK\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1)), key));
        assertThrows(WebSocketException.class, () -> Handshake.checkReply(HttpHead.parse(("HTTP/1.1 101 x\r\nUpgrade: websocket\r\n"
                + "Connection: Upgrade\r\nSec-WebSocket-Accept: AAAA\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1)), key));
    }

    @Test
    void clientAndServerAgree() throws Exception {
        java.io.PipedInputStream serverIn = new java.io.PipedInputStream(16384);
        java.io.PipedOutputStream clientOut = new java.io.PipedOutputStream(serverIn);
        java.io.PipedInputStream clientIn = new java.io.PipedInputStream(16384);
        java.io.PipedOutputStream serverOut = new java.io.PipedOutputStream(clientIn);
        // The server's outcome (its parsed request, or what it threw) comes back to this thread.
        CompletableFuture<HttpHead> server = Futures.async(() -> Handshake.server(serverIn, serverOut));
        Handshake.client(clientIn, clientOut, "127.0.0.1:4001", "/");
        HttpHead request = Futures.await(server);
        assertEquals("GET / HTTP/1.1", request.startLine());
        assertEquals("127.0.0.1:4001", request.header("Host").orElseThrow());
        assertTrue(request.hasToken("Upgrade", "websocket"), request.toString());
        assertTrue(request.hasToken("Connection", "Upgrade"), request.toString());
        assertEquals("13", request.header("Sec-WebSocket-Version").orElseThrow());
    }

    @Test
    void headParsing() throws IOException {
        HttpHead h = HttpHead.parse("GET / HTTP/1.1\nA: 1\nb:  2 \na: 3\n\n".getBytes(StandardCharsets.ISO_8859_1));
        assertEquals("1, 3", h.header("A").orElseThrow());
        assertEquals("2", h.header("B").orElseThrow());
        assertEquals(h, HttpHead.parse(h.encode()));
        assertThrows(DecodeException.class, () -> HttpHead.parse("GET / HTTP/1.1\r\n x: folded\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1)));
        assertThrows(DecodeException.class, () -> HttpHead.parse("GET / HTTP/1.1\r\nx: a\u0001b\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1)));
        assertThrows(DecodeException.class, () -> HttpHead.parse("GET / HTTP/1.1\r\n".getBytes(StandardCharsets.ISO_8859_1)));
        assertThrows(DecodeException.class, () -> HttpHead.read(text("GET / HTTP/1.1\r\nx: " + "a".repeat(9000) + "\r\n\r\n")));
        StringBuilder many = new StringBuilder("GET / HTTP/1.1\r\n");
        for (int i = 0; i < 65; i++) {
            many.append("h").append(i).append(": v\r\n");
        }
        assertThrows(DecodeException.class, () -> HttpHead.parse(many.append("\r\n").toString().getBytes(StandardCharsets.ISO_8859_1)));
        assertThrows(java.io.EOFException.class, () -> HttpHead.read(text("GET / HTTP/1.1\r\n")));
        // Found by fuzzing: an empty line inside, and a bare-LF line followed by a CRLF empty line.
        assertThrows(DecodeException.class, () -> HttpHead.parse("GET / HTTP/1.1\n\nx: y\n\n".getBytes(StandardCharsets.ISO_8859_1)));
        ByteArrayInputStream mixed = text("GET / HTTP/1.1\nA: b\n\r\nrest");
        assertEquals("b", HttpHead.read(mixed).header("a").orElseThrow());
        assertEquals("rest", new String(mixed.readAllBytes(), StandardCharsets.ISO_8859_1));
        assertNull(Handshake.requestProblem(HttpHead.parse(("GET / HTTP/1.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1))));
    }
}
