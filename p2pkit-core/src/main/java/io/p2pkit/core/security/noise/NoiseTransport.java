package io.p2pkit.core.security.noise;

import io.p2pkit.core.DecodeException;
import io.p2pkit.core.cache.RecentlyVerified;
import io.p2pkit.core.crypto.PrivateKey;
import io.p2pkit.core.crypto.PublicKey;
import io.p2pkit.core.identity.PeerId;
import io.p2pkit.core.resource.MemoryScope;
import io.p2pkit.core.security.HandshakeException;
import io.p2pkit.core.security.PeerIdMismatchException;
import io.p2pkit.core.security.SecureTransport;
import io.p2pkit.core.transport.RawConnection;

import java.io.EOFException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.List;
import java.util.Objects;

/**
 * libp2p's Noise security protocol, {@code /noise}: the {@code Noise_XX_25519_ChaChaPoly_SHA256}
 * handshake with an empty prologue, authenticated by the identity keys of both peers, followed
 * by 2-byte length-framed transport messages.
 *
 * <p>The handshake payload (messages 2 and 3) carries the identity public key, a signature of the
 * Noise static key by the identity key, and the {@link NoiseExtensions} with the muxers this side
 * offers. The responder sends its list in message 2, the initiator in message 3; the early muxer
 * is the first entry of the initiator's list that the responder also offers. If either side
 * offers none, there is no early muxer and the muxer is negotiated afterwards; if both offer some
 * but none in common, the handshake fails, as the spec requires.
 *
 * <p>One static X25519 key pair, and the signed payload, serve all sessions of a transport (the
 * spec allows it); forward secrecy comes from the per-session ephemeral keys. Every failure,
 * including the remote vanishing mid-handshake, is a {@link HandshakeException} and closes the
 * raw connection.
 */
public final class NoiseTransport implements SecureTransport {
    /** The multistream-select protocol ID. */
    public static final String PROTOCOL_ID = "/noise";
    /** Prepended to the static key before signing it with the identity key. */
    private static final byte[] SIGNATURE_PREFIX = "noise-libp2p-static-key:".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] EMPTY = new byte[0];
    /** Remote identities remembered per transport: a few hundred peers, about 40 KiB. */
    static final int VERIFIED_IDENTITIES = 256;

    private final PeerId localPeer;
    private final List<String> muxers;
    private final SecureRandom random;
    private final byte[] staticPrivateKey;
    private final byte[] staticPublicKey;
    private final byte[] localPayload;
    /**
     * Remote identities whose signature over their static key verified, by identity key,
     * signature and static key. A peer that keeps one static key per transport (p2pkit, rust-libp2p,
     * js-libp2p) presents the same bytes on every connection, so its key is parsed and its
     * signature checked on its first connection only; go-libp2p makes a static key per handshake
     * and is checked every time.
     */
    private final RecentlyVerified<Identity> verifiedIdentities = new RecentlyVerified<>(VERIFIED_IDENTITIES);

    /**
     * @param identity the local identity key
     * @param muxers   the muxer protocol IDs to offer for early negotiation, most preferred first;
     *                 empty to not take part
     */
    public NoiseTransport(PrivateKey identity, List<String> muxers) {
        this(identity, muxers, new SecureRandom());
    }

    /** As {@link #NoiseTransport(PrivateKey, List)}, with the randomness for keys given. */
    public NoiseTransport(PrivateKey identity, List<String> muxers, SecureRandom random) {
        this(identity, muxers.isEmpty() ? null : NoiseExtensions.ofMuxers(muxers), random);
    }

    /**
     * With the handshake payload's extensions given whole: WebTransport's listener sends its
     * certificate hashes in them. {@code extensions} may be null (none sent).
     */
    public NoiseTransport(PrivateKey identity, NoiseExtensions extensions, SecureRandom random) {
        Objects.requireNonNull(identity, "identity");
        this.muxers = extensions == null ? List.of() : List.copyOf(extensions.streamMuxers());
        this.random = Objects.requireNonNull(random, "random");
        this.localPeer = identity.publicKey().toPeerId();
        this.staticPrivateKey = NoiseXXHandshake.generatePrivateKey(random);
        this.staticPublicKey = NoiseXXHandshake.publicKey(staticPrivateKey);
        byte[] staticPublic = staticPublicKey;
        byte[] signature = identity.sign(signedData(staticPublic));
        this.localPayload = new NoiseHandshakePayload(identity.publicKey().marshal(), signature, extensions).encode();
    }

    @Override
    public String protocolId() {
        return PROTOCOL_ID;
    }

    /** This side's peer ID. */
    public PeerId localPeer() {
        return localPeer;
    }

    /** The muxers offered, most preferred first. */
    public List<String> muxers() {
        return muxers;
    }

    @Override
    public NoiseConnection secureOutbound(RawConnection connection, PeerId expectedRemote) throws HandshakeException {
        return handshake(connection, true, expectedRemote, MemoryScope.UNLIMITED);
    }

    @Override
    public NoiseConnection secureInbound(RawConnection connection) throws HandshakeException {
        return handshake(connection, false, null, MemoryScope.UNLIMITED);
    }

    /**
     * Runs the handshake as the dialer; the frame buffers are reserved in {@code memory} while
     * they are held. A refused reservation closes the connection with the
     * {@link io.p2pkit.core.resource.ResourceLimitException} (during the handshake, as the cause of
     * the {@link HandshakeException}).
     */
    @Override
    public NoiseConnection secureOutbound(RawConnection connection, PeerId expectedRemote, MemoryScope memory)
            throws HandshakeException {
        return handshake(connection, true, expectedRemote, memory);
    }

    /** Runs the handshake as the listener, with frame buffers reserved in {@code memory} (see above). */
    @Override
    public NoiseConnection secureInbound(RawConnection connection, MemoryScope memory) throws HandshakeException {
        return handshake(connection, false, null, memory);
    }

    /**
     * Runs the handshake with {@code prologue} mixed in, for a transport whose channel is already
     * encrypted and which needs Noise only to authenticate the remote (WebRTC-direct: the prologue
     * binds both DTLS certificates, and the listener is the initiator). Unlike the
     * {@code secure…} methods, {@code expectedRemote} is checked in either role. The returned
     * connection tells who the remote is; its byte streams need not be used.
     *
     * @param expectedRemote the peer ID the remote must have, or null for any
     * @throws HandshakeException on any failure; {@code connection} is then closed
     */
    public NoiseConnection authenticate(RawConnection connection, boolean initiator, byte[] prologue,
                                        PeerId expectedRemote, MemoryScope memory) throws HandshakeException {
        NoiseConnection c = handshake(connection, initiator, prologue, expectedRemote, memory);
        if (expectedRemote != null && !expectedRemote.equals(c.remotePeer())) {
            NoiseFrameInputStream.closeQuietly(connection);
            throw new PeerIdMismatchException("peer ID mismatch: expected " + expectedRemote + ", but the remote's key is "
                    + c.remotePeer());
        }
        c.releaseIdleBuffers(); // its streams may never be read: the handshake's read buffer goes back
        return c;
    }

    private NoiseConnection handshake(RawConnection connection, boolean initiator, PeerId expectedRemote,
                                      MemoryScope memory) throws HandshakeException {
        return handshake(connection, initiator, EMPTY, expectedRemote, memory);
    }

    private NoiseConnection handshake(RawConnection connection, boolean initiator, byte[] prologue,
                                      PeerId expectedRemote, MemoryScope memory) throws HandshakeException {
        NoiseFrameInputStream in = new NoiseFrameInputStream(connection, memory);
        NoiseFrameOutputStream out = new NoiseFrameOutputStream(connection, memory);
        NoiseXXHandshake hs = new NoiseXXHandshake(initiator, prologue, staticPrivateKey, staticPublicKey,
                NoiseXXHandshake.generatePrivateKey(random));
        try {
            Remote remote;
            if (initiator) {
                out.writeHandshakeMessage(hs.writeMessage(EMPTY));
                remote = authenticate(hs.readMessage(in.readHandshakeMessage()), hs.remoteStaticPublicKey(),
                        expectedRemote);
                out.writeHandshakeMessage(hs.writeMessage(localPayload));
            } else {
                // The initiator's first payload is unencrypted and must carry nothing; it is ignored.
                hs.readMessage(in.readHandshakeMessage());
                out.writeHandshakeMessage(hs.writeMessage(localPayload));
                remote = authenticate(hs.readMessage(in.readHandshakeMessage()), hs.remoteStaticPublicKey(), null);
            }
            List<String> remoteMuxers = remote.extensions.streamMuxers();
            String muxer = initiator ? chooseMuxer(muxers, remoteMuxers) : chooseMuxer(remoteMuxers, muxers);
            in.startTransport(hs.receiveCipher());
            out.startTransport(hs.sendCipher());
            return new NoiseConnection(connection, in, out, localPeer, remote.peer, remote.key, remote.extensions,
                    muxer, hs.handshakeHash());
        } catch (HandshakeException e) {
            NoiseFrameInputStream.closeQuietly(connection);
            throw e;
        } catch (EOFException e) {
            NoiseFrameInputStream.closeQuietly(connection);
            throw new HandshakeException("the remote closed the connection during the Noise handshake", e);
        } catch (IOException | RuntimeException e) {
            NoiseFrameInputStream.closeQuietly(connection);
            throw new HandshakeException("Noise handshake failed: " + e.getMessage(), e);
        }
    }

    /** The remote's identity, proven by its handshake payload. */
    private record Remote(PeerId peer, PublicKey key, NoiseExtensions extensions) {
    }

    /** A remote's identity key, whose signature over a static key verified. */
    private record Identity(PeerId peer, PublicKey key) {
    }

    private Remote authenticate(byte[] payloadBytes, byte[] remoteStatic, PeerId expected)
            throws HandshakeException {
        NoiseHandshakePayload payload;
        try {
            payload = NoiseHandshakePayload.decode(payloadBytes);
        } catch (DecodeException e) {
            throw new HandshakeException("bad Noise handshake payload: " + e.getMessage(), e);
        }
        byte[] identityKey = payload.identityKey();
        byte[] signature = payload.identitySig();
        if (identityKey.length == 0) {
            throw new HandshakeException("the remote's handshake payload has no identity key");
        }
        byte[] proof = proof(identityKey, signature, remoteStatic);
        Identity identity = verifiedIdentities.get(proof);
        if (identity == null) {
            PublicKey key;
            try {
                key = PublicKey.unmarshal(identityKey);
            } catch (DecodeException e) {
                throw new HandshakeException("bad Noise handshake payload: " + e.getMessage(), e);
            }
            identity = new Identity(key.toPeerId(), key);
            checkExpected(expected, identity.peer());
            if (!key.verify(signedData(remoteStatic), signature)) {
                throw new HandshakeException("the signature of " + identity.peer() + " over its Noise static key is invalid");
            }
            verifiedIdentities.put(proof, identity);
        } else {
            checkExpected(expected, identity.peer());
        }
        NoiseExtensions extensions = payload.extensions() == null ? NoiseExtensions.empty() : payload.extensions();
        return new Remote(identity.peer(), identity.key(), extensions);
    }

    private static void checkExpected(PeerId expected, PeerId peer) throws HandshakeException {
        if (expected != null && !expected.equals(peer)) {
            throw new PeerIdMismatchException("peer ID mismatch: expected " + expected + ", but the remote's key is " + peer);
        }
    }

    /** The remote's identity key and its signature over its static key, each after its length, then the static key. */
    private static byte[] proof(byte[] identityKey, byte[] signature, byte[] remoteStatic) {
        byte[] out = new byte[4 + identityKey.length + signature.length + remoteStatic.length];
        int pos = put(out, 0, identityKey);
        pos = put(out, pos, signature);
        System.arraycopy(remoteStatic, 0, out, pos, remoteStatic.length);
        return out;
    }

    private static int put(byte[] out, int pos, byte[] field) {
        out[pos] = (byte) (field.length >>> 8);
        out[pos + 1] = (byte) field.length;
        System.arraycopy(field, 0, out, pos + 2, field.length);
        return pos + 2 + field.length;
    }

    /**
     * The early muxer: the first of the initiator's muxers the responder also offers; null when
     * either offers none.
     *
     * @throws HandshakeException when both offer muxers but none in common
     */
    static String chooseMuxer(List<String> initiatorMuxers, List<String> responderMuxers) throws HandshakeException {
        if (initiatorMuxers.isEmpty() || responderMuxers.isEmpty()) {
            return null;
        }
        for (String m : initiatorMuxers) {
            if (responderMuxers.contains(m)) {
                return m;
            }
        }
        throw new HandshakeException("no muxer in common: the initiator offers " + initiatorMuxers
                + ", the responder " + responderMuxers);
    }

    private static byte[] signedData(byte[] staticPublicKey) {
        byte[] data = new byte[SIGNATURE_PREFIX.length + staticPublicKey.length];
        System.arraycopy(SIGNATURE_PREFIX, 0, data, 0, SIGNATURE_PREFIX.length);
        System.arraycopy(staticPublicKey, 0, data, SIGNATURE_PREFIX.length, staticPublicKey.length);
        return data;
    }

    /** How many remote identities are remembered as verified (for tests). */
    int verifiedIdentities() {
        return verifiedIdentities.size();
    }

    @Override
    public String toString() {
        return "NoiseTransport[" + localPeer + ", muxers=" + muxers + "]";
    }
}
