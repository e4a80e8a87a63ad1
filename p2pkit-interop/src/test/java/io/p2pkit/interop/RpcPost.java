package io.p2pkit.interop;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;

/** A raw call of the RPC API, as the tests that compare p2pkit's answers with Kubo's make it. */
final class RpcPost {
    private static final String BOUNDARY = "p2pkit-interop";

    private RpcPost() {
    }

    /**
     * A POST of {@code /api/v0/<command>} (its query included) to {@code api} (an {@code http://}
     * base), with no body or, when {@code file} is not null, a multipart body holding it as the
     * one file argument, as go-ipfs-cmds' clients send it.
     */
    static HttpRequest.Builder of(String api, String command, byte[] file) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(api + "/api/v0/" + command));
        if (file == null) {
            return b.POST(HttpRequest.BodyPublishers.noBody());
        }
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.writeBytes(("--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"data\"\r\n"
                + "Content-Type: application/octet-stream\r\n\r\n").getBytes(StandardCharsets.UTF_8));
        body.writeBytes(file);
        body.writeBytes(("\r\n--" + BOUNDARY + "--\r\n").getBytes(StandardCharsets.UTF_8));
        return b.header("Content-Type", "multipart/form-data; boundary=" + BOUNDARY)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray()));
    }
}
