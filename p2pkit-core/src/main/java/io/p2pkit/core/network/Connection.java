package io.p2pkit.core.network;

import io.p2pkit.core.Direction;
import io.p2pkit.core.crypto.PublicKey;
import io.p2pkit.core.identity.PeerId;
import io.p2pkit.core.multiaddr.Multiaddr;
import io.p2pkit.core.muxer.MuxedStream;
import io.p2pkit.core.resource.ConnectionSpan;
import io.p2pkit.core.resource.StreamSpan;
import io.p2pkit.core.upgrader.UpgradedConnection;

import java.io.Closeable;
import java.io.IOException;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/** A secured, multiplexed connection to one peer. */
public final class Connection implements Closeable {
    private final long id;
    private final UpgradedConnection upgraded;
    private final Multiaddr localAddress;
    private final Multiaddr remoteAddress;
    private final Direction direction;
    private final ConnectionSpan span;
    private final Instant opened = Instant.now();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final AtomicInteger streams = new AtomicInteger();
    private final Runnable onClose;

    Connection(long id, UpgradedConnection upgraded, Multiaddr localAddress, Multiaddr remoteAddress,
               Direction direction, ConnectionSpan span, Runnable onClose) {
        this.id = id;
        this.upgraded = upgraded;
        this.localAddress = localAddress;
        this.remoteAddress = remoteAddress;
        this.direction = direction;
        this.span = span;
        this.onClose = onClose;
    }

    /** A number unique within this node, for logs and events. */
    public long id() {
        return id;
    }

    /** The authenticated remote peer. */
    public PeerId remotePeer() {
        return upgraded.secure().remotePeer();
    }

    /** The remote's identity key. */
    public PublicKey remotePublicKey() {
        return upgraded.secure().remotePublicKey();
    }

    /** This end's address. */
    public Multiaddr localAddress() {
        return localAddress;
    }

    /** The remote end's address, as seen from here. */
    public Multiaddr remoteAddress() {
        return remoteAddress;
    }

    /** Who opened the connection. */
    public Direction direction() {
        return direction;
    }

    /** The security protocol ID, for example {@code /noise}. */
    public String security() {
        return upgraded.secure().securityProtocol();
    }

    /** The muxer protocol ID, for example {@code /yamux/1.0.0}. */
    public String muxer() {
        return upgraded.muxer();
    }

    /** Whether the muxer was agreed inside the security handshake. */
    public boolean earlyMuxerNegotiation() {
        return upgraded.earlyMuxer();
    }

    /** When the connection was established. */
    public Instant opened() {
        return opened;
    }

    /** How many streams are open on it now. */
    public int streamCount() {
        return streams.get();
    }

    /** The connection's resource reservation. */
    public ConnectionSpan resources() {
        return span;
    }

    /** Whether the connection has closed. */
    public boolean isClosed() {
        return closed.get() || upgraded.muxed().isClosed();
    }

    /**
     * Opens a raw stream (before protocol negotiation), charged to the resource manager.
     * The host's {@code newStream} is the usual way; this is for protocols that must use this
     * particular connection (identify).
     */
    public OpenedStream openStream() throws IOException {
        StreamSpan s;
        try {
            s = span.openStream(Direction.OUTBOUND);
        } catch (IllegalStateException e) {
            throw new IOException("connection " + id + " is closed"); // closed between lookup and use
        }
        try {
            MuxedStream m = upgraded.muxed().openStream();
            streams.incrementAndGet();
            return new OpenedStream(m, s, this);
        } catch (IOException | RuntimeException e) {
            s.close();
            throw e;
        }
    }

    /** A muxed stream with its resource reservation. */
    public record OpenedStream(MuxedStream stream, StreamSpan span, Connection connection) {
    }

    MuxedStream acceptStream() throws IOException {
        return upgraded.muxed().acceptStream();
    }

    void streamOpened() {
        streams.incrementAndGet();
    }

    /** Called when a stream of this connection is done, to keep {@link #streamCount()} true. */
    public void streamClosed() {
        streams.decrementAndGet();
    }

    /** Closes the connection and every stream on it. Idempotent. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        try {
            upgraded.muxed().close();
        } catch (IOException ignored) {
            // closing anyway
        } finally {
            span.close();
            onClose.run();
        }
    }

    @Override
    public String toString() {
        return "Connection[" + id + " " + direction.name().toLowerCase() + " " + remotePeer() + " "
                + remoteAddress + " " + security() + " " + muxer() + "]";
    }
}
