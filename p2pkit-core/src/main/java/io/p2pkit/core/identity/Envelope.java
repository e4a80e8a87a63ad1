package io.p2pkit.core.identity;

import io.p2pkit.core.DecodeException;
import io.p2pkit.core.crypto.PrivateKey;
import io.p2pkit.core.crypto.PublicKey;
import io.p2pkit.core.multiformats.Varint;
import io.p2pkit.core.protobuf.ProtobufReader;
import io.p2pkit.core.protobuf.ProtobufWriter;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Objects;

/**
 * A signed envelope (libp2p RFC 0002): a payload with its type, signed by a key that travels
 * with it, under a domain string that keeps a signature made for one purpose from being accepted
 * for another. The signature covers the varint-length-prefixed domain, payload type and payload.
 * Instances exist only sealed by us or opened with a verified signature.
 */
public final class Envelope {
    /**
     * The largest marshalled envelope {@link #open} accepts. Envelopes carry small records (a peer
     * record with a dozen addresses is well under 1 KiB); 64 KiB bounds what a peer can make us
     * parse and verify while leaving room for other payloads.
     */
    public static final int MAX_SIZE = 64 * 1024;

    private final PublicKey publicKey;
    private final byte[] payloadType;
    private final byte[] payload;
    private final byte[] signature;

    private Envelope(PublicKey publicKey, byte[] payloadType, byte[] payload, byte[] signature) {
        this.publicKey = publicKey;
        this.payloadType = payloadType;
        this.payload = payload;
        this.signature = signature;
    }

    /**
     * Signs {@code payload} with {@code key} under {@code domain}.
     *
     * @param domain      the domain separation string, for example {@code libp2p-peer-record}; not empty
     * @param payloadType the payload's type tag, usually a multicodec
     */
    public static Envelope seal(PrivateKey key, String domain, byte[] payloadType, byte[] payload) {
        Objects.requireNonNull(key, "key");
        requireDomain(domain);
        byte[] type = payloadType.clone();
        byte[] body = payload.clone();
        byte[] signature = key.sign(signedBytes(domain, type, body));
        Envelope e = new Envelope(key.publicKey(), type, body, signature);
        if (e.marshal().length > MAX_SIZE) {
            throw new IllegalArgumentException("envelope would be over the limit of " + MAX_SIZE + " bytes");
        }
        return e;
    }

    /**
     * Decodes an envelope and verifies its signature under {@code expectedDomain}.
     *
     * @throws InvalidSignatureException if it is well formed but the signature does not verify
     *                                   for this domain
     * @throws DecodeException           if it is malformed, over {@link #MAX_SIZE}, or its key is invalid
     */
    public static Envelope open(byte[] bytes, String expectedDomain) {
        requireDomain(expectedDomain);
        if (bytes == null) {
            throw new DecodeException("Envelope", "no bytes");
        }
        if (bytes.length > MAX_SIZE) {
            throw new DecodeException("Envelope", bytes.length + " bytes is over the limit of " + MAX_SIZE);
        }
        ProtobufReader r = new ProtobufReader(bytes, "Envelope");
        byte[] key = null;
        byte[] type = null;
        byte[] payload = null;
        byte[] signature = null;
        while (r.next()) {
            switch (r.field()) {
                case 1 -> key = once(key, r.bytes(), "public_key");
                case 2 -> type = once(type, r.bytes(), "payload_type");
                case 3 -> payload = once(payload, r.bytes(), "payload");
                case 5 -> signature = once(signature, r.bytes(), "signature");
                default -> r.skip(); // proto3: unknown fields are ignored; they are not signed anyway
            }
        }
        if (key == null) {
            throw new DecodeException("Envelope", "missing public_key");
        }
        if (signature == null) {
            throw new DecodeException("Envelope", "missing signature");
        }
        type = type == null ? new byte[0] : type;
        payload = payload == null ? new byte[0] : payload;
        PublicKey publicKey = PublicKey.unmarshal(key);
        if (!publicKey.verify(signedBytes(expectedDomain, type, payload), signature)) {
            throw new InvalidSignatureException("Envelope", "signature does not verify for domain '" + expectedDomain + "'");
        }
        return new Envelope(publicKey, type, payload, signature);
    }

    private static byte[] once(byte[] previous, byte[] value, String name) {
        if (previous != null) {
            throw new DecodeException("Envelope", name + " appears twice");
        }
        return value;
    }

    private static void requireDomain(String domain) {
        if (domain == null || domain.isEmpty()) {
            throw new IllegalArgumentException("an envelope domain must not be empty");
        }
    }

    /** The bytes that are signed: each of domain, type and payload preceded by its length as a varint. */
    private static byte[] signedBytes(String domain, byte[] payloadType, byte[] payload) {
        byte[] d = domain.getBytes(StandardCharsets.UTF_8);
        int size = Varint.size(d.length) + d.length + Varint.size(payloadType.length) + payloadType.length
                + Varint.size(payload.length) + payload.length;
        byte[] out = new byte[size];
        int pos = 0;
        for (byte[] part : new byte[][] {d, payloadType, payload}) {
            pos += Varint.write(part.length, out, pos);
            System.arraycopy(part, 0, out, pos, part.length);
            pos += part.length;
        }
        return out;
    }

    /** The protobuf form, fields in number order. */
    public byte[] marshal() {
        byte[] key = publicKey.marshal();
        return new ProtobufWriter(key.length + payloadType.length + payload.length + signature.length + 16)
                .bytes(1, key)
                .bytes(2, payloadType)
                .bytes(3, payload)
                .bytes(5, signature)
                .toByteArray();
    }

    /** The key that signed the envelope. */
    public PublicKey publicKey() {
        return publicKey;
    }

    /** The peer ID of the signing key. */
    public PeerId signer() {
        return publicKey.toPeerId();
    }

    /** The payload type tag; a copy. */
    public byte[] payloadType() {
        return payloadType.clone();
    }

    /** The payload; a copy. */
    public byte[] payload() {
        return payload.clone();
    }

    /** The signature; a copy. */
    public byte[] signature() {
        return signature.clone();
    }

    /** Equal when every field is equal, that is, when both marshal to the same bytes. */
    @Override
    public boolean equals(Object o) {
        return o instanceof Envelope e && publicKey.equals(e.publicKey) && Arrays.equals(payloadType, e.payloadType)
                && Arrays.equals(payload, e.payload) && Arrays.equals(signature, e.signature);
    }

    @Override
    public int hashCode() {
        return Objects.hash(publicKey, Arrays.hashCode(payloadType), Arrays.hashCode(payload), Arrays.hashCode(signature));
    }

    @Override
    public String toString() {
        return "Envelope[signer=" + signer() + ", payloadType=" + HexFormat.of().formatHex(payloadType)
                + ", payload=" + payload.length + " bytes]";
    }
}
