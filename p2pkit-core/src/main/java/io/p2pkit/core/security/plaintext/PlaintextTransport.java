package io.p2pkit.core.security.plaintext;

import io.p2pkit.core.DecodeException;
import io.p2pkit.core.crypto.PrivateKey;
import io.p2pkit.core.crypto.PublicKey;
import io.p2pkit.core.identity.PeerId;
import io.p2pkit.core.protobuf.LengthPrefixed;
import io.p2pkit.core.protobuf.ProtobufReader;
import io.p2pkit.core.protobuf.ProtobufWriter;
import io.p2pkit.core.security.HandshakeException;
import io.p2pkit.core.security.PeerIdMismatchException;
import io.p2pkit.core.security.SecureConnection;
import io.p2pkit.core.security.SecureTransport;
import io.p2pkit.core.transport.RawConnection;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.List;
import java.util.Optional;

/**
 * {@code /plaintext/2.0.0}: both sides send {@code Exchange { bytes id = 1; PublicKey pubkey = 2 }}
 * and check that the ID matches the key. No encryption and no proof of key possession, so it is
 * for tests and debugging only and never offered by default.
 */
public final class PlaintextTransport implements SecureTransport {
    /** The protocol ID. */
    public static final String PROTOCOL_ID = "/plaintext/2.0.0";
    private static final int MAX_EXCHANGE_BYTES = 4096;

    private final PrivateKey identity;
    private final PeerId localPeer;

    public PlaintextTransport(PrivateKey identity) {
        this.identity = identity;
        this.localPeer = identity.publicKey().toPeerId();
    }

    /**
     * The shape of {@link io.p2pkit.core.security.SecureTransport.Factory}, so that
     * {@code PlaintextTransport::new} can be given to a host; plaintext agrees on no muxer in its
     * handshake, so {@code muxers} is not used.
     */
    public PlaintextTransport(PrivateKey identity, List<String> muxers) {
        this(identity);
    }

    @Override
    public String protocolId() {
        return PROTOCOL_ID;
    }

    @Override
    public SecureConnection secureOutbound(RawConnection connection, PeerId expectedRemote) throws IOException {
        return exchange(connection, expectedRemote);
    }

    @Override
    public SecureConnection secureInbound(RawConnection connection) throws IOException {
        return exchange(connection, null);
    }

    private SecureConnection exchange(RawConnection c, PeerId expected) throws IOException {
        byte[] mine = new ProtobufWriter()
                .bytes(1, localPeer.bytes())
                .bytes(2, identity.publicKey().marshal())
                .toByteArray();
        LengthPrefixed.write(c.out(), mine);
        c.out().flush();
        byte[] theirs;
        try {
            theirs = LengthPrefixed.read(c.in(), MAX_EXCHANGE_BYTES);
        } catch (DecodeException e) {
            throw new HandshakeException("plaintext exchange: " + e.getMessage(), e);
        }
        if (theirs == null) {
            throw new HandshakeException("plaintext exchange: the remote closed the connection");
        }
        PeerId id = null;
        PublicKey key = null;
        try {
            ProtobufReader r = new ProtobufReader(theirs, "Exchange");
            while (r.next()) {
                switch (r.field()) {
                    case 1 -> id = PeerId.decode(r.bytes());
                    case 2 -> key = PublicKey.unmarshal(r.bytes());
                    default -> r.skip();
                }
            }
        } catch (DecodeException e) {
            throw new HandshakeException("plaintext exchange: " + e.getMessage(), e);
        }
        if (id == null || key == null) {
            throw new HandshakeException("plaintext exchange: missing " + (id == null ? "id" : "pubkey"));
        }
        if (!key.toPeerId().equals(id)) {
            throw new HandshakeException("plaintext exchange: peer ID " + id + " does not match its key (" + key.toPeerId() + ")");
        }
        if (expected != null && !expected.equals(id)) {
            throw new PeerIdMismatchException("plaintext exchange: expected " + expected + " but the remote is " + id);
        }
        return new PlaintextConnection(c, localPeer, id, key);
    }

    private record PlaintextConnection(RawConnection raw, PeerId localPeer, PeerId remotePeer, PublicKey remotePublicKey)
            implements SecureConnection {
        @Override
        public InputStream in() {
            return raw.in();
        }

        @Override
        public OutputStream out() {
            return raw.out();
        }

        @Override
        public void closeWrite() throws IOException {
            raw.closeWrite();
        }

        @Override
        public void close() throws IOException {
            raw.close();
        }

        @Override
        public String securityProtocol() {
            return PROTOCOL_ID;
        }

        @Override
        public Optional<String> earlyMuxer() {
            return Optional.empty();
        }
    }
}
