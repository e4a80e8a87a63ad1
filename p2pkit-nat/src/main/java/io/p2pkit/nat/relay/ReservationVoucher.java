package io.p2pkit.nat.relay;

import io.p2pkit.core.DecodeException;
import io.p2pkit.core.crypto.PrivateKey;
import io.p2pkit.core.identity.Envelope;
import io.p2pkit.core.identity.PeerId;
import io.p2pkit.core.protobuf.ProtobufReader;
import io.p2pkit.core.protobuf.ProtobufWriter;

import java.time.Instant;
import java.util.Arrays;
import java.util.Objects;

/**
 * A reservation voucher: the relay's signed statement that it will relay for {@code peer} until
 * {@code expiration}. On the wire it is a signed envelope (RFC 0002) under domain
 * {@value #DOMAIN} with payload type {@code 0x0302}, whose payload is the canonical protobuf
 * {@code Voucher {relay = 1, peer = 2, expiration = 3}}.
 *
 * @param relay      the relay's peer ID
 * @param peer       the reserving peer's ID
 * @param expiration when the reservation ends (whole seconds)
 */
public record ReservationVoucher(PeerId relay, PeerId peer, Instant expiration) {
    /** The envelope domain. */
    public static final String DOMAIN = "libp2p-relay-rsvp";
    private static final byte[] PAYLOAD_TYPE = {0x03, 0x02};

    public ReservationVoucher {
        Objects.requireNonNull(relay, "relay");
        Objects.requireNonNull(peer, "peer");
        Objects.requireNonNull(expiration, "expiration");
    }

    /** The envelope's payload type, the multicodec {@code 0x0302}; a copy. */
    public static byte[] payloadType() {
        return PAYLOAD_TYPE.clone();
    }

    /** The payload: fields in number order, nothing else. */
    byte[] encodePayload() {
        return new ProtobufWriter()
                .bytes(1, relay.bytes())
                .bytes(2, peer.bytes())
                .varint(3, expiration.getEpochSecond())
                .toByteArray();
    }

    /**
     * Decodes a payload.
     *
     * @throws DecodeException if it is malformed or misses a field
     */
    static ReservationVoucher decodePayload(byte[] payload) {
        RelayWire.checkSize(payload, "Voucher");
        ProtobufReader r = new ProtobufReader(payload, "Voucher");
        PeerId relay = null;
        PeerId peer = null;
        Long expiration = null;
        while (r.next()) {
            switch (r.field()) {
                case 1 -> relay = PeerId.decode(r.bytes());
                case 2 -> peer = PeerId.decode(r.bytes());
                case 3 -> expiration = r.varint();
                default -> r.skip();
            }
        }
        if (relay == null || peer == null || expiration == null) {
            throw new DecodeException("Voucher", "missing " + (relay == null ? "relay" : peer == null ? "peer" : "expiration"));
        }
        if (expiration < 0 || expiration > Instant.MAX.getEpochSecond()) {
            throw new DecodeException("Voucher.expiration", "out of range: " + Long.toUnsignedString(expiration));
        }
        return new ReservationVoucher(relay, peer, Instant.ofEpochSecond(expiration));
    }

    /** Signs this voucher with the relay's key and returns the marshalled envelope. */
    public byte[] seal(PrivateKey relayKey) {
        return Envelope.seal(relayKey, DOMAIN, PAYLOAD_TYPE, encodePayload()).marshal();
    }

    /**
     * Opens a marshalled envelope: checks its signature, its type and that the key that signed it
     * is the relay the voucher names.
     *
     * @throws DecodeException if it is malformed, of another type, or signed by another key than the relay's
     * @throws io.p2pkit.core.identity.InvalidSignatureException if the signature does not verify
     */
    public static ReservationVoucher open(byte[] envelope) {
        Envelope e = Envelope.open(envelope, DOMAIN);
        if (!Arrays.equals(e.payloadType(), PAYLOAD_TYPE)) {
            throw new DecodeException("Voucher", "payload type is not 0x0302");
        }
        ReservationVoucher v = decodePayload(e.payload());
        if (!e.signer().equals(v.relay())) {
            throw new DecodeException("Voucher", "signed by " + e.signer() + ", not by the relay " + v.relay());
        }
        return v;
    }
}
