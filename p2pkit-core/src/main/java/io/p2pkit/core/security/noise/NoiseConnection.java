package io.p2pkit.core.security.noise;

import io.p2pkit.core.crypto.PublicKey;
import io.p2pkit.core.identity.PeerId;
import io.p2pkit.core.security.SecureConnection;
import io.p2pkit.core.transport.RawConnection;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A connection secured by the libp2p Noise handshake. Its {@link #out()} cuts the byte stream
 * into encrypted frames (written on {@code flush()} or when a frame is full) and its
 * {@link #in()} decrypts them. One thread may read while another writes; each direction has its
 * own cipher state.
 *
 * <p>A frame that fails authentication closes the connection and surfaces as a
 * {@link BadTagException} from {@code in()}; a stream cut inside a frame is an
 * {@link java.io.EOFException}.
 */
public final class NoiseConnection implements SecureConnection {
    private final RawConnection raw;
    private final NoiseFrameInputStream in;
    private final NoiseFrameOutputStream out;
    private final PeerId localPeer;
    private final PeerId remotePeer;
    private final PublicKey remotePublicKey;
    private final NoiseExtensions remoteExtensions;
    private final String earlyMuxer;
    private final byte[] handshakeHash;
    private final AtomicBoolean closed = new AtomicBoolean();

    NoiseConnection(RawConnection raw, NoiseFrameInputStream in, NoiseFrameOutputStream out, PeerId localPeer,
                    PeerId remotePeer, PublicKey remotePublicKey, NoiseExtensions remoteExtensions,
                    String earlyMuxer, byte[] handshakeHash) {
        this.raw = raw;
        this.in = in;
        this.out = out;
        this.localPeer = localPeer;
        this.remotePeer = remotePeer;
        this.remotePublicKey = remotePublicKey;
        this.remoteExtensions = remoteExtensions;
        this.earlyMuxer = earlyMuxer;
        this.handshakeHash = handshakeHash;
    }

    /** Gives back the read buffer the handshake left reserved, if nothing unread is in it. */
    void releaseIdleBuffers() {
        in.releaseIdleBuffer();
    }

    /** The decrypted bytes from the remote. */
    @Override
    public InputStream in() {
        return in;
    }

    /** The bytes to the remote; buffered into frames of up to 65519 bytes until flushed. */
    @Override
    public OutputStream out() {
        return out;
    }

    /** Flushes what is buffered, then half-closes the underlying connection. */
    @Override
    public void closeWrite() throws IOException {
        out.close();
    }

    /** Closes the underlying connection without flushing. Idempotent. */
    @Override
    public void close() throws IOException {
        if (closed.compareAndSet(false, true)) {
            out.abandon();
            raw.close();
        }
    }

    @Override
    public PeerId localPeer() {
        return localPeer;
    }

    @Override
    public PeerId remotePeer() {
        return remotePeer;
    }

    @Override
    public PublicKey remotePublicKey() {
        return remotePublicKey;
    }

    /** Always {@value NoiseTransport#PROTOCOL_ID}. */
    @Override
    public String securityProtocol() {
        return NoiseTransport.PROTOCOL_ID;
    }

    /** The muxer chosen from the initiator's list among those both sides offered, if both offered some. */
    @Override
    public Optional<String> earlyMuxer() {
        return Optional.ofNullable(earlyMuxer);
    }

    /** The extensions the remote sent (empty if it sent none), including WebTransport certificate hashes. */
    public NoiseExtensions remoteExtensions() {
        return remoteExtensions;
    }

    /** The Noise handshake hash, unique to this session (a copy). */
    public byte[] handshakeHash() {
        return handshakeHash.clone();
    }

    @Override
    public String toString() {
        return "NoiseConnection[" + localPeer + " <-> " + remotePeer
                + (earlyMuxer == null ? "" : ", muxer=" + earlyMuxer) + "]";
    }
}
