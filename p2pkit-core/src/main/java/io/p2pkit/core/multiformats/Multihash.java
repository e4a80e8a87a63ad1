package io.p2pkit.core.multiformats;

import io.p2pkit.core.DecodeException;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Objects;

/**
 * A multihash: a hash function code, the digest length and the digest, each length-prefixed
 * with an unsigned varint. Immutable.
 *
 * <p>Decoding accepts any code, known or not, since a multihash is self-describing; only
 * {@link #digest(long, byte[])} needs to know the function. Digests are capped at
 * {@link #MAX_DIGEST_LENGTH} bytes.
 */
public final class Multihash {
    /**
     * Longest digest accepted, in bytes (1 KiB). The longest registered fixed-size digests are
     * 128 bytes (skein1024-1024) and identity multihashes inline only small data (Kubo refuses
     * identity CIDs over 128 bytes, peer IDs inline keys of at most 42 bytes), so this accepts
     * everything legitimate with room to spare while bounding what an untrusted CID or peer ID
     * can make us allocate.
     */
    public static final int MAX_DIGEST_LENGTH = 1024;

    private final long code;
    private final byte[] digest;
    private final byte[] bytes;

    private Multihash(long code, byte[] digest) {
        this.code = code;
        this.digest = digest;
        this.bytes = new byte[Varint.size(code) + Varint.size(digest.length) + digest.length];
        int at = Varint.write(code, bytes, 0);
        at += Varint.write(digest.length, bytes, at);
        System.arraycopy(digest, 0, bytes, at, digest.length);
    }

    /**
     * A multihash of an already computed (possibly truncated) digest.
     *
     * @throws IllegalArgumentException if {@code code} is negative or the digest is over {@link #MAX_DIGEST_LENGTH}
     */
    public static Multihash of(long code, byte[] digest) {
        Objects.requireNonNull(digest, "digest");
        if (code < 0) {
            throw new IllegalArgumentException("negative multihash code");
        }
        if (digest.length > MAX_DIGEST_LENGTH) {
            throw new IllegalArgumentException("digest of " + digest.length + " bytes exceeds " + MAX_DIGEST_LENGTH);
        }
        return new Multihash(code, digest.clone());
    }

    /**
     * Hashes {@code data} with the function {@code code} names.
     *
     * @throws IllegalArgumentException if the function is not supported (see {@link #isSupported})
     *         or, for identity, the data is over {@link #MAX_DIGEST_LENGTH}
     */
    public static Multihash digest(long code, byte[] data) {
        if (code == Multicodec.IDENTITY) {
            return identity(data);
        }
        requireSupported(code);
        return new Multihash(code, HashFunctions.hash(code, data));
    }

    /**
     * Hashes {@code data} and keeps the first {@code truncatedLength} bytes of the digest, as
     * multihash allows.
     *
     * @throws IllegalArgumentException if the function is not supported or the length is not
     *         between 1 and the full digest length (identity cannot be truncated)
     */
    public static Multihash digest(long code, byte[] data, int truncatedLength) {
        if (code == Multicodec.IDENTITY) {
            if (truncatedLength != data.length) {
                throw new IllegalArgumentException("an identity multihash cannot be truncated");
            }
            return identity(data);
        }
        requireSupported(code);
        byte[] full = HashFunctions.hash(code, data);
        if (truncatedLength < 1 || truncatedLength > full.length) {
            throw new IllegalArgumentException("length " + truncatedLength + " not in 1.." + full.length);
        }
        return new Multihash(code, Arrays.copyOf(full, truncatedLength));
    }

    /** The identity multihash of {@code data}: the data itself as the digest. */
    public static Multihash identity(byte[] data) {
        return of(Multicodec.IDENTITY, data);
    }

    /** Whether {@link #digest(long, byte[])} can compute the function {@code code} names. */
    public static boolean isSupported(long code) {
        return code == Multicodec.IDENTITY || HashFunctions.supports(code);
    }

    private static void requireSupported(long code) {
        if (!HashFunctions.supports(code)) {
            throw new IllegalArgumentException("unsupported hash function " + Multicodec.nameOf(code));
        }
    }

    /**
     * Decodes a multihash that fills {@code bytes} exactly.
     *
     * @throws DecodeException (field {@code "multihash"}) if malformed, over the cap, or followed by other bytes
     */
    public static Multihash decode(byte[] bytes) {
        ByteBuffer buf = ByteBuffer.wrap(bytes);
        Multihash mh = read(buf);
        if (buf.hasRemaining()) {
            throw new DecodeException("multihash", buf.remaining() + " bytes after the digest");
        }
        return mh;
    }

    /**
     * Reads one multihash at the buffer's position and advances past it. On failure the
     * position is left where it was.
     *
     * @throws DecodeException (field {@code "multihash"}) if malformed or over the cap
     */
    public static Multihash read(ByteBuffer src) {
        int start = src.position();
        try {
            long code = readVarint(src, "code");
            long length = readVarint(src, "length");
            if (length > MAX_DIGEST_LENGTH) {
                throw new DecodeException("multihash", "digest length " + length + " exceeds " + MAX_DIGEST_LENGTH);
            }
            if (src.remaining() < length) {
                throw new DecodeException("multihash", "digest length " + length + " but only "
                        + src.remaining() + " bytes follow");
            }
            byte[] digest = new byte[(int) length];
            src.get(digest);
            return new Multihash(code, digest);
        } catch (DecodeException e) {
            src.position(start);
            throw e;
        }
    }

    private static long readVarint(ByteBuffer src, String what) {
        try {
            return Varint.read(src);
        } catch (DecodeException e) {
            throw new DecodeException("multihash", what + ": " + e.getMessage(), e);
        }
    }

    /**
     * Parses the base58btc text of a multihash (the form {@link #toString()} gives).
     *
     * @throws DecodeException if the text is not base58btc or not a multihash
     */
    public static Multihash parse(String base58) {
        return decode(Base58.decode(base58));
    }

    /** The hash function code. */
    public long code() {
        return code;
    }

    /** A copy of the digest. */
    public byte[] digest() {
        return digest.clone();
    }

    /** The digest length in bytes (the multihash length field). */
    public int length() {
        return digest.length;
    }

    /** A copy of the whole multihash: code, length and digest. */
    public byte[] bytes() {
        return bytes.clone();
    }

    /** The encoded size in bytes, without copying. */
    public int encodedLength() {
        return bytes.length;
    }

    /** Writes the encoded multihash into {@code dst}. */
    public void writeTo(ByteBuffer dst) {
        dst.put(bytes);
    }

    /** Writes the encoded multihash into {@code dst} at {@code offset}; returns the bytes written. */
    public int writeTo(byte[] dst, int offset) {
        System.arraycopy(bytes, 0, dst, offset, bytes.length);
        return bytes.length;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Multihash other && Arrays.equals(bytes, other.bytes);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(bytes);
    }

    /** The base58btc text of {@link #bytes()}. */
    @Override
    public String toString() {
        return Base58.encode(bytes);
    }
}
