package io.p2pkit.node.http;

import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Blocker;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.WritableByteChannel;
import java.util.Objects;

/**
 * A response body as a channel: each write hands Jetty the caller's buffer and returns once Jetty
 * has written it out, so a file's leaves go from the buffers they were read into to the socket
 * with no copy in Java. Closing it leaves the response open: its handler ends it.
 */
public final class ResponseChannel implements WritableByteChannel {
    private final Response response;

    /** @param response the response whose body this writes */
    public ResponseChannel(Response response) {
        this.response = Objects.requireNonNull(response, "response");
    }

    @Override
    public int write(ByteBuffer src) throws IOException {
        int n = src.remaining();
        try (Blocker.Callback written = Blocker.callback()) {
            response.write(false, src, written);
            written.block();
        }
        return n;
    }

    @Override
    public boolean isOpen() {
        return true;
    }

    @Override
    public void close() {
        // the response is its handler's to end
    }
}
