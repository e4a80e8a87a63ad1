package io.p2pkit.core.multiformats;

import io.p2pkit.core.DecodeException;
import io.p2pkit.core.multiformats.Multibase.Encoding;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Objects;

/**
 * A content identifier. Version 0 is a bare sha2-256 multihash (implicitly dag-pb), written as
 * 46 base58btc characters starting with {@code Qm}. Version 1 is {@code <1><codec><multihash>}
 * in binary, and multibase text (base32 by default).
 *
 * <p>Decoding is strict: versions other than 0 and 1 are rejected, as are a version 0 written
 * out explicitly, a version 0 CID in multibase text, trailing bytes, and multihashes over
 * {@link Multihash#MAX_DIGEST_LENGTH}; that cap bounds a binary CID to 1 KiB plus 29 bytes of
 * varints. Text is bounded by {@link Multibase}'s caps.
 */
public final class Cid {
    private static final int V0_LENGTH = 34;
    private static final int V0_TEXT_LENGTH = 46;

    private final int version;
    private final long codec;
    private final Multihash multihash;
    private final byte[] bytes;

    private Cid(int version, long codec, Multihash multihash) {
        this.version = version;
        this.codec = codec;
        this.multihash = multihash;
        if (version == 0) {
            this.bytes = multihash.bytes();
        } else {
            byte[] b = new byte[1 + Varint.size(codec) + multihash.encodedLength()];
            b[0] = 1;
            int at = 1 + Varint.write(codec, b, 1);
            multihash.writeTo(b, at);
            this.bytes = b;
        }
    }

    /**
     * A version 0 CID.
     *
     * @throws IllegalArgumentException unless the multihash is sha2-256 with a 32-byte digest
     */
    public static Cid v0(Multihash multihash) {
        if (!isV0Compatible(multihash)) {
            throw new IllegalArgumentException("CIDv0 needs a 32-byte sha2-256 multihash, got "
                    + Multicodec.nameOf(multihash.code()) + " of " + multihash.length() + " bytes");
        }
        return new Cid(0, Multicodec.DAG_PB, multihash);
    }

    /** A version 1 CID with content type {@code codec}. */
    public static Cid v1(long codec, Multihash multihash) {
        if (codec < 0) {
            throw new IllegalArgumentException("negative codec");
        }
        return new Cid(1, codec, Objects.requireNonNull(multihash, "multihash"));
    }

    private static boolean isV0Compatible(Multihash mh) {
        return mh.code() == Multicodec.SHA2_256 && mh.length() == 32;
    }

    /**
     * Parses a CID from text: 46 base58btc characters starting with {@code Qm} (version 0), or
     * a multibase string holding a binary version 1 CID.
     *
     * @throws DecodeException (field {@code "cid"} or {@code "multibase"}) if the text is not a valid CID
     */
    public static Cid parse(String text) {
        Objects.requireNonNull(text, "text");
        if (text.length() == V0_TEXT_LENGTH && text.startsWith("Qm")) {
            Cid cid = decode(Base58.decode(text));
            if (cid.version != 0) {
                throw new DecodeException("cid", "46-character Qm text is not a CIDv0");
            }
            return cid;
        }
        byte[] bin = Multibase.decode(text);
        Cid cid = decode(bin);
        if (cid.version == 0) {
            throw new DecodeException("cid", "a CIDv0 must be written as plain base58btc, not as multibase");
        }
        return cid;
    }

    /**
     * Decodes a binary CID that fills {@code bytes} exactly.
     *
     * @throws DecodeException (field {@code "cid"}) if malformed or followed by other bytes
     */
    public static Cid decode(byte[] bytes) {
        ByteBuffer buf = ByteBuffer.wrap(bytes);
        Cid cid = read(buf);
        if (buf.hasRemaining()) {
            throw new DecodeException("cid", buf.remaining() + " bytes after the CID");
        }
        return cid;
    }

    /**
     * Reads one binary CID at the buffer's position and advances past it; on failure the
     * position is left where it was. A buffer starting with {@code 0x12 0x20} holds a version 0
     * CID (34 bytes).
     *
     * @throws DecodeException (field {@code "cid"}) if malformed
     */
    public static Cid read(ByteBuffer src) {
        int start = src.position();
        try {
            if (src.remaining() >= 2 && src.get(start) == 0x12 && src.get(start + 1) == 0x20) {
                if (src.remaining() < V0_LENGTH) {
                    throw new DecodeException("cid", "CIDv0 truncated: " + src.remaining() + " of 34 bytes");
                }
                return new Cid(0, Multicodec.DAG_PB, Multihash.read(src));
            }
            long version = readVarint(src, "version");
            if (version == 0) {
                throw new DecodeException("cid", "version 0 may not be written explicitly");
            }
            if (version == Multicodec.SHA2_256) {
                throw new DecodeException("cid", "CIDv0 must be a 32-byte sha2-256 multihash");
            }
            if (version != 1) {
                throw new DecodeException("cid", "unsupported CID version " + version);
            }
            long codec = readVarint(src, "codec");
            Multihash mh;
            try {
                mh = Multihash.read(src);
            } catch (DecodeException e) {
                throw new DecodeException("cid", e.getMessage(), e);
            }
            return new Cid(1, codec, mh);
        } catch (DecodeException e) {
            src.position(start);
            throw e;
        }
    }

    private static long readVarint(ByteBuffer src, String what) {
        try {
            return Varint.read(src);
        } catch (DecodeException e) {
            throw new DecodeException("cid", what + ": " + e.getMessage(), e);
        }
    }

    /** 0 or 1. */
    public int version() {
        return version;
    }

    /** The content type code (dag-pb for version 0). */
    public long codec() {
        return codec;
    }

    /** The multihash of the content. */
    public Multihash multihash() {
        return multihash;
    }

    /** A copy of the binary form. */
    public byte[] bytes() {
        return bytes.clone();
    }

    /** This CID as version 1 (the same CID if it already is). */
    public Cid toV1() {
        return version == 1 ? this : new Cid(1, Multicodec.DAG_PB, multihash);
    }

    /**
     * This CID as version 0.
     *
     * @throws IllegalStateException unless the codec is dag-pb and the multihash is a 32-byte sha2-256
     */
    public Cid toV0() {
        if (version == 0) {
            return this;
        }
        if (codec != Multicodec.DAG_PB || !isV0Compatible(multihash)) {
            throw new IllegalStateException("only dag-pb CIDs with a 32-byte sha2-256 multihash have a version 0 form, not "
                    + Multicodec.nameOf(codec) + " with " + Multicodec.nameOf(multihash.code()));
        }
        return new Cid(0, codec, multihash);
    }

    /** The canonical text: base58btc for version 0, base32 for version 1. */
    @Override
    public String toString() {
        return version == 0 ? Base58.encode(bytes) : Multibase.encode(Encoding.BASE32, bytes);
    }

    /**
     * The text in {@code encoding}. Version 0 has only one text form, plain base58btc.
     *
     * @throws IllegalStateException for a version 0 CID and any encoding but base58btc
     */
    public String toString(Encoding encoding) {
        if (version == 0) {
            if (encoding != Encoding.BASE58_BTC) {
                throw new IllegalStateException("a CIDv0 is written only in base58btc; convert with toV1() first");
            }
            return Base58.encode(bytes);
        }
        return Multibase.encode(encoding, bytes);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Cid other && Arrays.equals(bytes, other.bytes);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(bytes);
    }
}
