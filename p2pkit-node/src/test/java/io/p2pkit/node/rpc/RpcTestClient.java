package io.p2pkit.node.rpc;

import io.p2pkit.node.Node;
import io.p2pkit.node.http.HttpAddress;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;

/**
 * A test's client of one node's RPC API: a command posted as Kubo's clients post it (the options
 * in the query), with a body of one multipart file, or read raw so that trailers can be seen.
 */
final class RpcTestClient implements AutoCloseable {
    private static final String BOUNDARY = "p2pkit-test-boundary";
    private final Node node;
    private final HttpClient http = HttpClient.newHttpClient();
    private final String api;

    RpcTestClient(Node node) {
        this.node = node;
        this.api = HttpAddress.url(node.apiAddress().orElseThrow()) + "/api/v0/";
    }

    /** {@code POST /api/v0/<command>} without a body; {@code command} holds its query. */
    HttpResponse<String> post(String command) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create(api + command)).POST(HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** {@link #post(String)} for an answer of bytes. */
    HttpResponse<byte[]> postForBytes(String command) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create(api + command)).POST(HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.ofByteArray());
    }

    /** The same with {@code content} as the one file of a multipart body. */
    HttpResponse<String> upload(String command, byte[] content) throws IOException, InterruptedException {
        return send(command, "multipart/form-data; boundary=" + BOUNDARY, multipart(content));
    }

    private static byte[] multipart(byte[] content) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.writeBytes(("--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"file\"\r\n"
                + "Content-Type: application/octet-stream\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
        body.writeBytes(content);
        body.writeBytes(("\r\n--" + BOUNDARY + "--\r\n").getBytes(StandardCharsets.ISO_8859_1));
        return body.toByteArray();
    }

    /** The same with a body the test made, of the type given. */
    HttpResponse<String> send(String command, String contentType, byte[] body) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create(api + command)).header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** {@link #upload(String, byte[])} of a text's UTF-8 bytes. */
    HttpResponse<String> upload(String command, String content) throws IOException, InterruptedException {
        return upload(command, content.getBytes(StandardCharsets.UTF_8));
    }

    /** The whole HTTP/1.1 answer as it came, chunks and trailers included (HttpClient drops trailers). */
    String raw(String command) throws IOException {
        return raw(command, null, new byte[0]);
    }

    /** The same for an upload of {@code content} as the one file of a multipart body. */
    String rawUpload(String command, byte[] content) throws IOException {
        return raw(command, "multipart/form-data; boundary=" + BOUNDARY, multipart(content));
    }

    private String raw(String command, String contentType, byte[] body) throws IOException {
        InetSocketAddress address = node.apiAddress().orElseThrow();
        try (Socket s = new Socket(address.getAddress(), address.getPort())) {
            OutputStream out = s.getOutputStream();
            out.write(("POST /api/v0/" + command + " HTTP/1.1\r\nHost: x\r\nTE: trailers\r\nConnection: close\r\n"
                    + (contentType == null ? "" : "Content-Type: " + contentType + "\r\n")
                    + "Content-Length: " + body.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(body);
            out.flush();
            InputStream in = s.getInputStream();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Override
    public void close() {
        http.close();
    }
}
