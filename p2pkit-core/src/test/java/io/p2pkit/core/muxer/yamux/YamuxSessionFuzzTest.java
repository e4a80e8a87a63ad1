package io.p2pkit.core.muxer.yamux;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.p2pkit.core.muxer.MuxedStream;
import io.p2pkit.core.transport.memory.MemoryConnection;

import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertTrue;

class YamuxSessionFuzzTest {
    private static final Yamux YAMUX = new Yamux(YamuxConfig.defaults()
            .withKeepAlive(Duration.ZERO, Duration.ofSeconds(10))
            .withStreamLimits(64, 64, 16));
    private static final Set<YamuxException.Reason> CLEAN = EnumSet.of(
            YamuxException.Reason.PROTOCOL_ERROR, YamuxException.Reason.CONNECTION_LOST,
            YamuxException.Reason.REMOTE_GO_AWAY);

    /**
     * A session fed arbitrary bytes, whose application accepts and drains every stream, ends
     * with the remote's end of stream or a protocol error, never with an internal failure, and
     * leaves no thread behind.
     */
    @FuzzTest(maxDuration = "60s")
    void session(byte[] input) throws Exception {
        MemoryConnection.Pair pair = MemoryConnection.pair(64 * 1024);
        boolean initiator = input.length > 0 && (input[0] & 0x80) != 0;
        YamuxSession session = YAMUX.wrap(pair.responder(), initiator);
        Thread acceptor = Thread.ofVirtual().start(() -> {
            try {
                MuxedStream s;
                while ((s = session.acceptStream()) != null) {
                    MuxedStream stream = s;
                    Thread.ofVirtual().start(() -> {
                        try (stream) {
                            stream.in().transferTo(OutputSink.INSTANCE);
                        } catch (IOException ignored) {
                            // Reset or session closed: both fine here.
                        }
                    });
                }
            } catch (IOException ignored) {
                // Session closed.
            }
        });
        // Whatever the session answers is read and dropped.
        Thread drain = Thread.ofVirtual().start(() -> {
            try (InputStream in = pair.initiator().in()) {
                in.transferTo(OutputSink.INSTANCE);
            } catch (IOException ignored) {
                // Closed.
            }
        });
        try {
            pair.initiator().out().write(input);
            pair.initiator().closeWrite();
        } catch (IOException ignored) {
            // The session closed before taking all of it.
        }
        assertTrue(session.readLoopThread().join(Duration.ofSeconds(30)), "read loop ended");
        assertTrue(session.isClosed());
        YamuxException.Reason reason = session.closeCause().reason();
        assertTrue(CLEAN.contains(reason), "closed for " + reason + ": " + session.closeCause().getMessage());
        assertTrue(session.flusherThread().join(Duration.ofSeconds(30)), "flusher ended");
        assertTrue(acceptor.join(Duration.ofSeconds(30)), "acceptor ended");
        pair.initiator().close();
        assertTrue(drain.join(Duration.ofSeconds(30)), "drain ended");
    }

    private static final class OutputSink extends java.io.OutputStream {
        static final OutputSink INSTANCE = new OutputSink();

        @Override
        public void write(int b) {
        }

        @Override
        public void write(byte[] b, int off, int len) {
        }
    }
}
