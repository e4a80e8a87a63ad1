package io.p2pkit.core.identity;

import io.p2pkit.core.DecodeException;
import io.p2pkit.core.multiformats.Base58;
import io.p2pkit.core.multiformats.Cid;
import io.p2pkit.core.multiformats.Multibase;
import io.p2pkit.core.multiformats.Multibase.Encoding;
import io.p2pkit.core.multiformats.Multicodec;
import io.p2pkit.core.multiformats.Multihash;

import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;

/**
 * A libp2p peer ID: the multihash of the peer's public key in its protobuf encoding. Keys of
 * at most {@value #MAX_INLINE_KEY_LENGTH} bytes (Ed25519, secp256k1) are inlined with the
 * identity multihash, larger ones (RSA, ECDSA) are hashed with sha2-256, as the libp2p peer-id
 * spec says. Immutable; ordered by its bytes.
 *
 * <p>Text forms: the legacy base58btc multihash ({@code Qm…}, {@code 12D3Koo…},
 * {@code 16Uiu2…}), which {@link #toString()} produces, and a CIDv1 with the {@code libp2p-key}
 * codec in any multibase ({@link #toString(Encoding)}, base32 {@code bafz…} by default in
 * {@link #toCid()}). {@link #parse(String)} reads both.
 */
public final class PeerId implements Comparable<PeerId> {
    /** Longest protobuf-encoded public key that is inlined rather than hashed. */
    public static final int MAX_INLINE_KEY_LENGTH = 42;

    private final Multihash multihash;
    private final byte[] bytes;

    private PeerId(Multihash multihash) {
        this.multihash = multihash;
        this.bytes = multihash.bytes();
    }

    /**
     * The peer ID with this multihash.
     *
     * @throws DecodeException (field {@code "peer-id"}) unless it is an identity multihash of 1 to
     *         {@value #MAX_INLINE_KEY_LENGTH} bytes or a sha2-256 multihash of 32 bytes
     */
    public static PeerId fromMultihash(Multihash multihash) {
        Objects.requireNonNull(multihash, "multihash");
        if (multihash.code() == Multicodec.IDENTITY) {
            if (multihash.length() == 0 || multihash.length() > MAX_INLINE_KEY_LENGTH) {
                throw new DecodeException("peer-id", "an identity peer ID inlines a key of 1 to "
                        + MAX_INLINE_KEY_LENGTH + " bytes, got " + multihash.length());
            }
        } else if (multihash.code() == Multicodec.SHA2_256) {
            if (multihash.length() != 32) {
                throw new DecodeException("peer-id", "a sha2-256 peer ID has a 32-byte digest, got " + multihash.length());
            }
        } else {
            throw new DecodeException("peer-id", "multihash must be identity or sha2-256, got "
                    + Multicodec.nameOf(multihash.code()));
        }
        return new PeerId(multihash);
    }

    /**
     * The peer ID of a public key, given in its libp2p protobuf encoding ({@code PublicKey}
     * message): inlined when it is at most {@value #MAX_INLINE_KEY_LENGTH} bytes, else its
     * sha2-256. The bytes are not checked to be a valid key; the crypto package does that.
     */
    public static PeerId fromPublicKeyBytes(byte[] publicKeyProtobuf) {
        Objects.requireNonNull(publicKeyProtobuf, "publicKeyProtobuf");
        if (publicKeyProtobuf.length == 0) {
            throw new IllegalArgumentException("empty public key");
        }
        return new PeerId(publicKeyProtobuf.length <= MAX_INLINE_KEY_LENGTH
                ? Multihash.identity(publicKeyProtobuf)
                : Multihash.digest(Multicodec.SHA2_256, publicKeyProtobuf));
    }

    /**
     * Decodes the binary form: the multihash bytes, exactly.
     *
     * @throws DecodeException if malformed or not an acceptable peer ID multihash
     */
    public static PeerId decode(byte[] bytes) {
        return fromMultihash(Multihash.decode(Objects.requireNonNull(bytes, "bytes")));
    }

    /**
     * Parses a peer ID from text: a base58btc multihash when it starts with {@code 1} or
     * {@code Qm}, otherwise a multibase CIDv1 with the {@code libp2p-key} codec.
     *
     * @throws DecodeException if the text is neither, or the CID has another codec
     */
    public static PeerId parse(String text) {
        Objects.requireNonNull(text, "text");
        if (text.startsWith("1") || text.startsWith("Qm")) {
            return decode(Base58.decode(text));
        }
        Cid cid;
        try {
            cid = Cid.decode(Multibase.decode(text));
        } catch (DecodeException e) {
            throw new DecodeException("peer-id", "neither a base58btc multihash nor a CID: " + e.getMessage(), e);
        }
        if (cid.version() != 1) {
            throw new DecodeException("peer-id", "a peer ID CID must be version 1");
        }
        if (cid.codec() != Multicodec.LIBP2P_KEY) {
            throw new DecodeException("peer-id", "CID codec is " + Multicodec.nameOf(cid.codec())
                    + ", a peer ID needs libp2p-key");
        }
        return fromMultihash(cid.multihash());
    }

    /** The multihash. */
    public Multihash multihash() {
        return multihash;
    }

    /** A copy of the binary form (the multihash bytes). */
    public byte[] bytes() {
        return bytes.clone();
    }

    /** The protobuf-encoded public key, when this peer ID inlines it (identity multihash). */
    public Optional<byte[]> publicKeyBytes() {
        return multihash.code() == Multicodec.IDENTITY ? Optional.of(multihash.digest()) : Optional.empty();
    }

    /** This peer ID as a CIDv1 with the {@code libp2p-key} codec. */
    public Cid toCid() {
        return Cid.v1(Multicodec.LIBP2P_KEY, multihash);
    }

    /** This peer ID as a {@code libp2p-key} CIDv1 in {@code encoding}, for example base36 for IPNS names. */
    public String toString(Encoding encoding) {
        return toCid().toString(encoding);
    }

    /** The legacy text form: base58btc of the multihash. */
    @Override
    public String toString() {
        return Base58.encode(bytes);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PeerId other && Arrays.equals(bytes, other.bytes);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(bytes);
    }

    /** Orders by the binary form, bytes compared unsigned. */
    @Override
    public int compareTo(PeerId other) {
        return Arrays.compareUnsigned(bytes, other.bytes);
    }
}
