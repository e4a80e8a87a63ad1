package io.p2pkit.node.rpc;

import io.p2pkit.node.http.ResponseChannel;
import io.p2pkit.node.json.Json;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Response;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.WritableByteChannel;
import java.nio.charset.StandardCharsets;

/**
 * Where a command's output goes, with go-ipfs-cmds' headers: one JSON value
 * ({@link #single}), a stream of JSON values ({@code X-Chunked-Output: 1}, {@link #emit}) or bytes
 * ({@code X-Stream-Output: 1}, {@link #stream}). Every response declares the
 * {@code X-Stream-Error} trailer, which carries an error that happens after the output started.
 */
public final class RpcResponse {
    /** Headers a browser may read, as go-ipfs-cmds exposes them. */
    static final String EXPOSED = "X-Stream-Output, X-Chunked-Output, X-Content-Length";
    /** The trailer that carries an error after the output began. */
    static final String STREAM_ERROR = "X-Stream-Error";

    private enum Shape { SINGLE, CHANNEL, STREAM }

    private final Response response;
    private final RpcRequest request;
    private final RpcCommand.Text text;
    private final HttpFields.Mutable trailers = HttpFields.build();
    private OutputStream out;
    /** The command's one value, held until the answer ends (see {@link #single}). */
    private ByteArrayOutputStream single;
    private String contentType;
    private Runnable afterAnswer;

    RpcResponse(Response response) {
        this(response, null, null);
    }

    /** A response in {@code text} when it is not null (the request asked {@code enc=text}). */
    RpcResponse(Response response, RpcRequest request, RpcCommand.Text text) {
        this.response = response;
        this.request = request;
        this.text = text;
    }

    private boolean asText() {
        return request != null && request.string("encoding").orElse("json").equals("text");
    }

    /** Says how many bytes a stream will have ({@code X-Content-Length}); before the output starts. */
    public void length(long bytes) {
        if (!started()) {
            response.getHeaders().put("X-Content-Length", Long.toString(bytes));
        }
    }

    /** Overrides the Content-Type; before the output starts. */
    public void contentType(String type) {
        this.contentType = type;
    }

    /**
     * Writes the command's one value (go-ipfs-cmds' {@code EmitOnce}) with the end of the answer.
     * Held until then, so that a client, which may send its next request (such as {@code diag
     * cmds clear}) as soon as it has the value, finds this command finished in the request log.
     */
    public void single(Object value) throws IOException {
        start(Shape.SINGLE);
        if (single == null) {
            single = new ByteArrayOutputStream();
        }
        single.write(encoded(value));
    }

    /** Writes one value of a stream of them, flushed at once. */
    public void emit(Object value) throws IOException {
        start(Shape.CHANNEL);
        line(value);
        out.flush();
    }

    /** Sends the status and headers of a stream of values now, before its first value (a long-lived stream). */
    public void flushHeaders() throws IOException {
        start(Shape.CHANNEL);
        out.flush();
    }

    /** The stream for a command whose output is bytes. */
    public OutputStream stream() {
        start(Shape.STREAM);
        return out;
    }

    /**
     * The same raw output as a channel, for bytes that are already in buffers (a file's leaves):
     * each write hands Jetty the caller's buffer. Interleaves with {@link #stream()}, which writes
     * through to Jetty unbuffered.
     */
    public WritableByteChannel channel() {
        start(Shape.STREAM);
        return new ResponseChannel(response);
    }

    /**
     * Runs {@code action} once the answer has been sent whole, and not when the command fails:
     * for what would cut the answer short, such as stopping the server it goes through.
     */
    public void afterAnswer(Runnable action) {
        this.afterAnswer = action;
    }

    /** Whether the status and headers are gone. */
    boolean started() {
        return out != null;
    }

    private void line(Object value) throws IOException {
        out.write(encoded(value));
    }

    private byte[] encoded(Object value) {
        return asText() && text != null ? text.bytes(request, value)
                : (Json.write(value) + "\n").getBytes(StandardCharsets.UTF_8);
    }

    /** Writes the held value, if any. */
    private void writeSingle() throws IOException {
        if (single != null) {
            single.writeTo(out);
            single = null;
        }
    }

    private void start(Shape shape) {
        if (out != null) {
            return;
        }
        common(response);
        response.setTrailersSupplier(() -> trailers);
        String type = asText() ? "text/plain" : "application/json";
        switch (shape) {
            case STREAM -> {
                response.getHeaders().put("X-Stream-Output", "1");
                type = "text/plain";
            }
            case CHANNEL -> response.getHeaders().put("X-Chunked-Output", "1");
            case SINGLE -> {
            }
        }
        response.getHeaders().put("Content-Type", contentType != null ? contentType : type);
        response.setStatus(200);
        out = Content.Sink.asOutputStream(response);
    }

    /** The headers go-ipfs-cmds sets on every answer of a command, success or error. */
    static void common(Response response) {
        response.getHeaders().put("Access-Control-Allow-Headers", EXPOSED);
        response.getHeaders().put("Access-Control-Expose-Headers", EXPOSED);
        response.getHeaders().put("Trailer", STREAM_ERROR);
    }

    /**
     * Ends the response: a command that wrote nothing answers an empty stream of values, as
     * go-ipfs-cmds does when a command closes without emitting.
     */
    void finish() throws IOException {
        start(Shape.CHANNEL);
        writeSingle();
        out.close();
        if (afterAnswer != null) {
            afterAnswer.run();
        }
    }

    /** Answers an error: as the body before the output started, else in the trailer. */
    void fail(RpcError error) throws IOException {
        if (out == null) {
            common(response);
            response.setStatus(error.status());
            // with enc=text, go-ipfs-cmds answers the bare message
            response.getHeaders().put("Content-Type", asText() ? "text/plain" : "application/json");
            out = Content.Sink.asOutputStream(response);
            if (asText()) {
                out.write(error.getMessage().getBytes(StandardCharsets.UTF_8));
            } else {
                line(RpcHandler.errorBody(error.getMessage(), error.code()));
            }
        } else {
            writeSingle();
            trailers.put(STREAM_ERROR, oneLine(error.getMessage()));
        }
        out.close();
    }

    private static String oneLine(String text) {
        return text == null ? "" : text.replaceAll("[\\r\\n]+", " ");
    }
}
