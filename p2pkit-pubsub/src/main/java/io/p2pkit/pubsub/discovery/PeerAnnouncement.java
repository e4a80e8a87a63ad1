package io.p2pkit.pubsub.discovery;

import io.p2pkit.core.DecodeException;
import io.p2pkit.core.crypto.PublicKey;
import io.p2pkit.core.identity.PeerId;
import io.p2pkit.core.multiaddr.Multiaddr;
import io.p2pkit.core.protobuf.ProtobufReader;
import io.p2pkit.core.protobuf.ProtobufWriter;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The message of pubsub peer discovery ({@code Peer { bytes publicKey = 1; repeated bytes addrs = 2; }},
 * as js-libp2p's pubsub-peer-discovery sends it): a peer's public key and its addresses.
 *
 * @param publicKey the announcing peer's key
 * @param addresses its addresses
 */
public record PeerAnnouncement(PublicKey publicKey, List<Multiaddr> addresses) {
    /** Most addresses accepted in one announcement. */
    public static final int MAX_ADDRESSES = 64;
    /** Largest announcement accepted. */
    public static final int MAX_SIZE = 16 * 1024;

    public PeerAnnouncement {
        Objects.requireNonNull(publicKey, "publicKey");
        addresses = List.copyOf(addresses);
    }

    /** The announcing peer. */
    public PeerId peerId() {
        return publicKey.toPeerId();
    }

    /** Encodes the announcement. */
    public byte[] encode() {
        ProtobufWriter w = new ProtobufWriter(128).bytes(1, publicKey.marshal());
        addresses.forEach(a -> w.bytes(2, a.bytes()));
        return w.toByteArray();
    }

    /**
     * Decodes an announcement.
     *
     * @throws DecodeException if it is too large, lacks the key, or holds a bad key or address
     */
    public static PeerAnnouncement decode(byte[] bytes) {
        if (bytes.length > MAX_SIZE) {
            throw new DecodeException("Peer", bytes.length + " bytes is over the limit of " + MAX_SIZE);
        }
        PublicKey key = null;
        List<Multiaddr> addrs = new ArrayList<>();
        ProtobufReader r = new ProtobufReader(bytes, "Peer");
        while (r.next()) {
            switch (r.field()) {
                case 1 -> key = PublicKey.unmarshal(r.bytes());
                case 2 -> {
                    if (addrs.size() >= MAX_ADDRESSES) {
                        throw new DecodeException("Peer.addrs", "more than " + MAX_ADDRESSES + " addresses");
                    }
                    addrs.add(Multiaddr.decode(r.bytes()));
                }
                default -> r.skip();
            }
        }
        if (key == null) {
            throw new DecodeException("Peer.publicKey", "missing");
        }
        return new PeerAnnouncement(key, addrs);
    }
}
