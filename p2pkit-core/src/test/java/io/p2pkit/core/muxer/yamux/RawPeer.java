package io.p2pkit.core.muxer.yamux;

import io.p2pkit.core.transport.memory.MemoryConnection;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * The far end of a session, driven by hand: a test writes raw frames and reads what the session
 * under test sends. The session is the listener; this peer plays the dialer (odd stream IDs).
 */
final class RawPeer implements AutoCloseable {
    /** A frame read from the session, with its payload for Data frames. */
    record Frame(FrameHeader header, byte[] payload) {
    }

    final MemoryConnection raw;
    final YamuxSession session;
    private final InputStream in;
    private final OutputStream out;

    RawPeer(Yamux yamux) throws IOException {
        MemoryConnection.Pair pair = MemoryConnection.pair(256 * 1024);
        raw = pair.initiator();
        in = raw.in();
        out = raw.out();
        session = yamux.wrap(pair.responder(), false);
    }

    void send(int type, int flags, long id, long length) throws IOException {
        out.write(new FrameHeader(type, flags, id, length).encode());
        out.flush();
    }

    void sendData(int flags, long id, byte[] payload) throws IOException {
        // One write, so that a session closing after the header does not fail the test's write.
        byte[] frame = new byte[FrameHeader.SIZE + payload.length];
        System.arraycopy(new FrameHeader(FrameHeader.DATA, flags, id, payload.length).encode(), 0, frame, 0, FrameHeader.SIZE);
        System.arraycopy(payload, 0, frame, FrameHeader.SIZE, payload.length);
        out.write(frame);
        out.flush();
    }

    void sendRaw(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
    }

    /** The next frame that is not a ping request, or null at end of stream; fails after 30 s. */
    Frame next() throws Exception {
        while (true) {
            Frame f = nextAny();
            if (f == null || !(f.header().type() == FrameHeader.PING && f.header().has(FrameHeader.SYN))) {
                return f;
            }
        }
    }

    /** The next frame of any kind, or null at end of stream; fails after 30 s. */
    Frame nextAny() throws Exception {
        CompletableFuture<Frame> f = new CompletableFuture<>();
        Thread.ofVirtual().start(() -> {
            try {
                byte[] h = in.readNBytes(FrameHeader.SIZE);
                if (h.length < FrameHeader.SIZE) {
                    f.complete(null);
                    return;
                }
                FrameHeader header = FrameHeader.decode(h, 0);
                byte[] payload = header.type() == FrameHeader.DATA
                        ? in.readNBytes((int) header.length()) : new byte[0];
                f.complete(new Frame(header, payload));
            } catch (Throwable t) {
                f.completeExceptionally(t);
            }
        });
        try {
            return f.get(30, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof IOException) {
                return null; // our own end was closed
            }
            throw e;
        }
    }

    /** Reads until the session's GoAway and returns its code, checking that end of stream follows. */
    long expectGoAway() throws Exception {
        Frame f;
        while ((f = next()) != null) {
            if (f.header().type() == FrameHeader.GO_AWAY) {
                long code = f.header().length();
                Frame after;
                while ((after = next()) != null) {
                    if (after.header().type() == FrameHeader.GO_AWAY) {
                        throw new AssertionError("second GoAway");
                    }
                }
                return code;
            }
        }
        throw new AssertionError("no GoAway before end of stream");
    }

    @Override
    public void close() throws Exception {
        raw.close();
        session.close();
        SessionPair.joinAll(session);
    }
}
