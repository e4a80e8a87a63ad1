package io.p2pkit.core.security.noise;

import io.p2pkit.core.DecodeException;
import io.p2pkit.core.protobuf.ProtobufReader;
import io.p2pkit.core.protobuf.ProtobufWriter;

import java.util.Arrays;
import java.util.HexFormat;
import java.util.Objects;

/**
 * The libp2p Noise handshake payload, carried encrypted in XX messages 2 and 3:
 * <pre>
 * message NoiseHandshakePayload {
 *   optional bytes identity_key = 1;        // the sender's libp2p PublicKey protobuf
 *   optional bytes identity_sig = 2;        // signature over "noise-libp2p-static-key:" + static key
 *   optional NoiseExtensions extensions = 4;
 * }
 * </pre>
 * Immutable; absent byte fields read as empty arrays and absent extensions as null.
 */
public final class NoiseHandshakePayload {
    /** The largest encoded payload accepted: what fits in one Noise message. */
    public static final int MAX_ENCODED_LENGTH = NoiseXXHandshake.MAX_MESSAGE_LENGTH;

    private final byte[] identityKey;
    private final byte[] identitySig;
    private final NoiseExtensions extensions;

    /**
     * @param identityKey the encoded libp2p public key
     * @param identitySig the signature of the static key
     * @param extensions  the extensions, or null to leave the field out
     */
    public NoiseHandshakePayload(byte[] identityKey, byte[] identitySig, NoiseExtensions extensions) {
        this.identityKey = identityKey.clone();
        this.identitySig = identitySig.clone();
        this.extensions = extensions;
    }

    /** The sender's identity public key in libp2p's protobuf {@code PublicKey} form (a copy). */
    public byte[] identityKey() {
        return identityKey.clone();
    }

    /** The identity signature (a copy). */
    public byte[] identitySig() {
        return identitySig.clone();
    }

    /** The extensions, or null when the field was absent. */
    public NoiseExtensions extensions() {
        return extensions;
    }

    /** The protobuf encoding, fields in number order. */
    public byte[] encode() {
        ProtobufWriter w = new ProtobufWriter(identityKey.length + identitySig.length + 64);
        w.bytes(1, identityKey);
        w.bytes(2, identitySig);
        if (extensions != null) {
            w.message(4, extensions.writer());
        }
        return w.toByteArray();
    }

    /**
     * Decodes a payload of at most {@link #MAX_ENCODED_LENGTH} bytes. Unknown fields are skipped;
     * for repeated occurrences of a field the last bytes value wins and extensions merge, as
     * protobuf specifies.
     *
     * @throws DecodeException if the bytes are malformed or too long
     */
    public static NoiseHandshakePayload decode(byte[] bytes) {
        if (bytes.length > MAX_ENCODED_LENGTH) {
            throw new DecodeException("NoiseHandshakePayload", "payload of " + bytes.length
                    + " bytes is over the limit of " + MAX_ENCODED_LENGTH);
        }
        ProtobufReader r = new ProtobufReader(bytes, "NoiseHandshakePayload");
        byte[] key = new byte[0];
        byte[] sig = new byte[0];
        NoiseExtensions ext = null;
        while (r.next()) {
            switch (r.field()) {
                case 1 -> key = r.bytes();
                case 2 -> sig = r.bytes();
                case 4 -> ext = (ext == null ? NoiseExtensions.empty() : ext).mergeFrom(r.message("NoiseExtensions"));
                default -> r.skip();
            }
        }
        return new NoiseHandshakePayload(key, sig, ext);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof NoiseHandshakePayload p && Arrays.equals(identityKey, p.identityKey)
                && Arrays.equals(identitySig, p.identitySig) && Objects.equals(extensions, p.extensions);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * Arrays.hashCode(identityKey) + Arrays.hashCode(identitySig)) + Objects.hashCode(extensions);
    }

    @Override
    public String toString() {
        return "NoiseHandshakePayload[identityKey=" + HexFormat.of().formatHex(identityKey)
                + ", identitySig=" + identitySig.length + " bytes, extensions=" + extensions + "]";
    }
}
