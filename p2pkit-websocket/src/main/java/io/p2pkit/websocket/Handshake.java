package io.p2pkit.websocket;

import io.p2pkit.core.DecodeException;
import io.p2pkit.core.logging.LazyLogger;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The WebSocket opening handshake (RFC 6455 section 4): an HTTP/1.1 {@code GET} with
 * {@code Upgrade: websocket} and a random {@code Sec-WebSocket-Key}, answered by
 * {@code 101 Switching Protocols} with the matching {@code Sec-WebSocket-Accept}. No
 * subprotocol and no extension is offered or accepted: libp2p negotiates its own protocols
 * inside the connection.
 */
final class Handshake {
    private static final System.Logger LOG = LazyLogger.of(Handshake.class);

    /** The GUID the accept value is derived with (RFC 6455 section 1.3). */
    static final String GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
    private static final SecureRandom RANDOM = new SecureRandom();

    private Handshake() {
    }

    /**
     * Runs the client side: sends the upgrade request for {@code path} on {@code host} and checks
     * the reply.
     *
     * @param hostHeader the {@code Host} header, {@code name:port}
     * @throws WebSocketException when the server refuses or answers wrongly
     */
    public static void client(InputStream in, OutputStream out, String hostHeader, String path) throws IOException {
        byte[] nonce = new byte[16];
        RANDOM.nextBytes(nonce);
        String key = Base64.getEncoder().encodeToString(nonce);
        Map<String, String> h = new LinkedHashMap<>();
        h.put("Host", hostHeader);
        h.put("Upgrade", "websocket");
        h.put("Connection", "Upgrade");
        h.put("Sec-WebSocket-Key", key);
        h.put("Sec-WebSocket-Version", "13");
        out.write(encode("GET " + path + " HTTP/1.1", h));
        out.flush();
        HttpHead reply;
        try {
            reply = HttpHead.read(in);
        } catch (DecodeException e) {
            throw new WebSocketException(CloseStatus.PROTOCOL_ERROR, "bad handshake reply: " + e.getMessage());
        }
        checkReply(reply, key);
    }

    /**
     * Checks the server's reply to a request that sent {@code key}.
     *
     * @throws WebSocketException when the reply does not accept the upgrade
     */
    static void checkReply(HttpHead reply, String key) throws WebSocketException {
        String[] status = reply.startLine().split(" ", 3);
        if (status.length < 2 || !status[0].startsWith("HTTP/1.")) {
            throw new WebSocketException(CloseStatus.PROTOCOL_ERROR, "not an HTTP reply: " + clip(reply.startLine()));
        }
        if (!status[1].equals("101")) {
            throw new WebSocketException(CloseStatus.PROTOCOL_ERROR, "server refused the upgrade: " + clip(reply.startLine()));
        }
        if (!reply.hasToken("upgrade", "websocket") || !reply.hasToken("connection", "upgrade")) {
            throw new WebSocketException(CloseStatus.PROTOCOL_ERROR, "reply lacks Upgrade: websocket / Connection: Upgrade");
        }
        String accept = reply.header("sec-websocket-accept").orElse("");
        if (!accept.equals(acceptFor(key))) {
            throw new WebSocketException(CloseStatus.PROTOCOL_ERROR, "wrong Sec-WebSocket-Accept");
        }
        if (reply.header("sec-websocket-extensions").isPresent() || reply.header("sec-websocket-protocol").isPresent()) {
            throw new WebSocketException(CloseStatus.PROTOCOL_ERROR, "server chose an extension or subprotocol we did not offer");
        }
    }

    /**
     * Runs the server side: reads the upgrade request and answers it, or answers with an HTTP
     * error and throws.
     *
     * @return the request that was accepted
     * @throws WebSocketException when the request is not a valid WebSocket upgrade
     */
    public static HttpHead server(InputStream in, OutputStream out) throws IOException {
        HttpHead request;
        try {
            request = HttpHead.read(in);
        } catch (DecodeException e) {
            refuse(out, "400 Bad Request", Map.of());
            throw new WebSocketException(CloseStatus.PROTOCOL_ERROR, "bad handshake request: " + e.getMessage());
        }
        String problem = requestProblem(request);
        if (problem != null) {
            if (problem.startsWith("version")) {
                refuse(out, "426 Upgrade Required", Map.of("Sec-WebSocket-Version", "13"));
            } else {
                refuse(out, "400 Bad Request", Map.of());
            }
            throw new WebSocketException(CloseStatus.PROTOCOL_ERROR, "refused upgrade: " + problem);
        }
        Map<String, String> h = new LinkedHashMap<>();
        h.put("Upgrade", "websocket");
        h.put("Connection", "Upgrade");
        h.put("Sec-WebSocket-Accept", acceptFor(request.header("sec-websocket-key").orElseThrow()));
        out.write(encode("HTTP/1.1 101 Switching Protocols", h));
        out.flush();
        return request;
    }

    /** Why {@code request} is not a WebSocket upgrade we accept, or null when it is. */
    static String requestProblem(HttpHead request) {
        String[] parts = request.startLine().split(" ");
        if (parts.length != 3 || !parts[0].equals("GET") || !parts[2].startsWith("HTTP/1.") || parts[2].equals("HTTP/1.0")) {
            return "not an HTTP/1.1 GET: " + clip(request.startLine());
        }
        if (!request.hasToken("upgrade", "websocket") || !request.hasToken("connection", "upgrade")) {
            return "no Upgrade: websocket / Connection: Upgrade";
        }
        if (!request.hasToken("sec-websocket-version", "13")) {
            return "version " + clip(request.header("sec-websocket-version").orElse("missing")) + " (only 13 is supported)";
        }
        String key = request.header("sec-websocket-key").orElse("");
        try {
            if (Base64.getDecoder().decode(key).length != 16) {
                return "Sec-WebSocket-Key is not 16 bytes";
            }
        } catch (IllegalArgumentException e) {
            return "Sec-WebSocket-Key is not base64";
        }
        return null;
    }

    /** The {@code Sec-WebSocket-Accept} value for {@code key}: base64(SHA-1(key + GUID)). */
    public static String acceptFor(String key) {
        try {
            MessageDigest sha1 = MessageDigest.getInstance("SHA-1");
            return Base64.getEncoder().encodeToString(sha1.digest((key + GUID).getBytes(StandardCharsets.ISO_8859_1)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK lacks SHA-1", e);
        }
    }

    private static void refuse(OutputStream out, String status, Map<String, String> extra) {
        Map<String, String> h = new LinkedHashMap<>(extra);
        h.put("Content-Length", "0");
        h.put("Connection", "close");
        try {
            out.write(encode("HTTP/1.1 " + status, h));
            out.flush();
        } catch (IOException e) {
            // The client is gone; the refusal is thrown to our caller anyway.
            LOG.log(System.Logger.Level.DEBUG, () -> "sending a WebSocket handshake refusal: " + e);
        }
    }

    private static byte[] encode(String startLine, Map<String, String> headers) {
        StringBuilder sb = new StringBuilder(startLine).append("\r\n");
        headers.forEach((k, v) -> sb.append(k).append(": ").append(v).append("\r\n"));
        return sb.append("\r\n").toString().getBytes(StandardCharsets.ISO_8859_1);
    }

    private static String clip(String s) {
        return s.length() > 80 ? s.substring(0, 80) + "…" : s;
    }
}
