package io.p2pkit.discovery.rendezvous;

import io.p2pkit.core.DecodeException;
import io.p2pkit.core.crypto.PrivateKey;
import io.p2pkit.core.identity.Envelope;
import io.p2pkit.core.identity.InvalidSignatureException;
import io.p2pkit.core.identity.PeerRecord;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * How a registration's peer record is signed. The spec's envelope is RFC 0003's (domain
 * {@code libp2p-peer-record}, payload type {@code 0x0301}); rust-libp2p's rendezvous (0.18, with
 * libp2p-core 0.44) still signs and accepts only its older form (domain
 * {@code libp2p-routing-state}, payload type {@code /libp2p/routing-state-record}), with the same
 * record inside. p2pkit reads both; it signs as told.
 */
public enum RecordFormat {
    /** RFC 0003, as go-libp2p and js-libp2p sign peer records. */
    STANDARD,
    /** rust-libp2p's older form, which its rendezvous client and server require. */
    RUST_LEGACY;

    private static final String LEGACY_DOMAIN = "libp2p-routing-state";
    private static final byte[] LEGACY_TYPE = "/libp2p/routing-state-record".getBytes(StandardCharsets.US_ASCII);

    /** Signs {@code record} with {@code key} in this format. */
    Envelope seal(PeerRecord record, PrivateKey key) {
        return switch (this) {
            case STANDARD -> record.seal(key);
            case RUST_LEGACY -> {
                if (!key.publicKey().toPeerId().equals(record.peerId())) {
                    throw new IllegalArgumentException("the key cannot sign a record of " + record.peerId());
                }
                yield Envelope.seal(key, LEGACY_DOMAIN, LEGACY_TYPE, record.marshal());
            }
        };
    }

    /** A verified registration record, in either format. */
    record Opened(Envelope envelope, PeerRecord record, RecordFormat format) {
    }

    /**
     * Opens a signed record in either format, checking the signature and that the signer is the
     * record's peer.
     *
     * @throws DecodeException if it is neither
     */
    static Opened open(byte[] bytes) {
        try {
            Envelope e = Envelope.open(bytes, PeerRecord.DOMAIN);
            return new Opened(e, PeerRecord.fromEnvelope(e), STANDARD);
        } catch (InvalidSignatureException standardFailed) {
            Envelope e = Envelope.open(bytes, LEGACY_DOMAIN); // its own exception when this fails too
            if (!Arrays.equals(e.payloadType(), LEGACY_TYPE)) {
                throw new DecodeException("PeerRecord", "envelope payload type is not a peer record's");
            }
            PeerRecord r = PeerRecord.unmarshal(e.payload());
            if (!r.peerId().equals(e.signer())) {
                throw new InvalidSignatureException("PeerRecord", "record for " + r.peerId()
                        + " is signed by another peer, " + e.signer());
            }
            return new Opened(e, r, RUST_LEGACY);
        }
    }
}
