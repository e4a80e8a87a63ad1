package io.p2pkit.node.rpc;

import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.util.BufferUtil;

import java.io.IOException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;

/**
 * Whether an RPC client is gone, for commands that stream for as long as the client listens
 * ({@code pubsub/sub}, {@code stats/bw --poll}). Jetty reports a failure only when it reads or
 * writes, and a quiet stream does neither: Kubo (Go's server reads in the background) ends such a
 * stream as soon as the client hangs up, so here a quiet stream looks at the connection itself.
 * The look is a non-blocking read, made only once the request body has been read to its end, so
 * it takes nothing a command could want; a closed connection reads end-of-stream.
 */
final class ClientPresence implements BooleanSupplier {
    private final Request request;
    private final AtomicBoolean gone = new AtomicBoolean();
    private boolean bodyDone;

    ClientPresence(Request request) {
        this.request = request;
        request.addFailureListener(failure -> gone.set(true));
    }

    @Override
    public boolean getAsBoolean() {
        if (gone.get()) {
            return true;
        }
        if (!bodyDone) {
            // a plain request's body is small (capped) and unused: drop what has arrived of it
            for (Content.Chunk chunk; (chunk = request.read()) != null; ) {
                chunk.release();
                if (Content.Chunk.isFailure(chunk)) {
                    gone.set(true);
                    return true;
                }
                if (chunk.isLast()) {
                    bodyDone = true;
                    break;
                }
            }
            if (!bodyDone) {
                return false;
            }
        }
        EndPoint endPoint = request.getConnectionMetaData().getConnection().getEndPoint();
        try {
            // HTTP/1.1 clients send nothing more while they read a streamed answer; a byte that
            // does come (a pipelined request) is dropped: such a stream never ends for a reuse
            if (endPoint.fill(BufferUtil.allocate(1)) < 0 || !endPoint.isOpen()) {
                gone.set(true);
            }
        } catch (IOException e) {
            gone.set(true);
        }
        return gone.get();
    }
}
