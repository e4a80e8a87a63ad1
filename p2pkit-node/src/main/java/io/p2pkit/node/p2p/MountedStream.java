package io.p2pkit.node.p2p;

import io.p2pkit.core.host.Stream;
import io.p2pkit.core.identity.PeerId;
import io.p2pkit.core.multiaddr.Multiaddr;
import io.p2pkit.core.resource.MemoryPriority;
import io.p2pkit.core.resource.ResourceLimitException;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A TCP connection and a libp2p stream joined: bytes are copied both ways through two buffers of
 * {@link #BUFFER} bytes charged to the stream's resource scope. The end of one side's data is
 * passed on as a half-close (the stream's write side, or the socket's output); once both ways
 * have ended the two are closed. A failure either way, or {@link #reset}, closes the socket and
 * resets the stream (Kubo's {@code Stream.reset}).
 */
final class MountedStream {
    /** Each direction's buffer: Go's io.Copy copies 32 KiB at a time too. */
    static final int BUFFER = 32 * 1024;

    private final String protocol;
    private final Multiaddr origin;
    private final Multiaddr target;
    private final PeerId peer;
    private final Socket socket;
    private final Stream stream;
    private final AtomicBoolean reset = new AtomicBoolean();
    /** Where it is listed until it ends, whichever way. */
    private final StreamRegistry registry;
    private volatile long id = -1;

    MountedStream(String protocol, Multiaddr origin, Multiaddr target, PeerId peer, Socket socket, Stream stream,
                  StreamRegistry registry) {
        this.protocol = protocol;
        this.origin = origin;
        this.target = target;
        this.peer = peer;
        this.socket = socket;
        this.stream = stream;
        this.registry = registry;
    }

    void id(long id) {
        this.id = id;
    }

    long id() {
        return id;
    }

    PeerId peer() {
        return peer;
    }

    MountedStreamInfo info() {
        return new MountedStreamInfo(id, protocol, origin, target);
    }

    /**
     * Copies until both directions have ended or the stream was reset, on the calling thread and
     * one virtual thread; then both ends are closed.
     */
    void run() {
        byte[] up = null;
        byte[] down = null;
        try {
            up = stream.memory().takeBuffer(BUFFER, MemoryPriority.MEDIUM);
            down = stream.memory().takeBuffer(BUFFER, MemoryPriority.MEDIUM);
        } catch (ResourceLimitException e) {
            stream.memory().giveBuffer(up);
            reset();
            return;
        }
        try {
            byte[] toStream = up;
            Thread other = Thread.ofVirtual().name("p2pkit-p2p-stream-" + id + "-out")
                    .start(() -> toStream(toStream));
            boolean clean = toSocket(down);
            try {
                other.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                clean = false;
            }
            if (clean && !reset.get()) {
                closeBoth();
            } else {
                reset();
            }
        } finally {
            stream.memory().giveBuffer(up);
            stream.memory().giveBuffer(down);
        }
    }

    /** TCP to libp2p; the socket's end becomes the stream's half-close. */
    private void toStream(byte[] buffer) {
        try {
            InputStream in = socket.getInputStream();
            OutputStream out = stream.out();
            for (int n; (n = in.read(buffer)) >= 0; ) {
                out.write(buffer, 0, n);
                out.flush();
            }
            stream.closeWrite();
        } catch (IOException | RuntimeException e) {
            reset();
        }
    }

    /** libp2p to TCP; the stream's end becomes the socket's half-close. Returns whether it ended cleanly. */
    private boolean toSocket(byte[] buffer) {
        try {
            InputStream in = stream.in();
            OutputStream out = socket.getOutputStream();
            for (int n; (n = in.read(buffer)) >= 0; ) {
                out.write(buffer, 0, n);
            }
            socket.shutdownOutput();
            return true;
        } catch (IOException | RuntimeException e) {
            reset();
            return false;
        }
    }

    private void closeBoth() {
        try {
            socket.close();
        } catch (IOException e) {
            // nothing left to send: the socket is gone either way
        }
        try {
            stream.close();
        } catch (IOException e) {
            stream.reset();
        }
        registry.deregister(this);
    }

    /** Closes the socket and resets the stream; both copies then end. Idempotent. */
    void reset() {
        if (!reset.compareAndSet(false, true)) {
            return;
        }
        try {
            socket.close();
        } catch (IOException e) {
            // closing is all that was asked
        }
        stream.reset();
        registry.deregister(this);
    }
}
