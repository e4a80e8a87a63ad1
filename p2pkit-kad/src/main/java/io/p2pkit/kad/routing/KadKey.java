package io.p2pkit.kad.routing;

import io.p2pkit.core.identity.PeerId;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * A point in the Kademlia key space: the SHA-256 of a peer ID's bytes, of a provider key's
 * multihash bytes or of a record key. Distances are the XOR of two points, compared as unsigned
 * 256-bit numbers.
 */
public final class KadKey {
    /** Bits in a key. */
    public static final int BITS = 256;

    private final byte[] bytes;

    private KadKey(byte[] bytes) {
        this.bytes = bytes;
    }

    /** The point of arbitrary key bytes. */
    public static KadKey of(byte[] key) {
        try {
            return new KadKey(MessageDigest.getInstance("SHA-256").digest(key));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK always has SHA-256", e);
        }
    }

    /** The point of a peer. */
    public static KadKey of(PeerId peer) {
        return of(peer.bytes());
    }

    /** A point given directly by its 32 bytes (copied). */
    public static KadKey ofRaw(byte[] point) {
        if (point.length != 32) {
            throw new IllegalArgumentException("a key is 32 bytes, got " + point.length);
        }
        return new KadKey(point.clone());
    }

    /** The 32 bytes (a copy). */
    public byte[] bytes() {
        return bytes.clone();
    }

    /** The number of leading bits this key shares with {@code other} (256 for equal keys). */
    public int commonPrefixLength(KadKey other) {
        for (int i = 0; i < 32; i++) {
            int x = (bytes[i] ^ other.bytes[i]) & 0xFF;
            if (x != 0) {
                return i * 8 + Integer.numberOfLeadingZeros(x) - 24;
            }
        }
        return BITS;
    }

    /**
     * Compares the distances of {@code a} and {@code b} to this key: negative when {@code a} is
     * closer.
     */
    public int compareDistance(KadKey a, KadKey b) {
        for (int i = 0; i < 32; i++) {
            int da = (a.bytes[i] ^ bytes[i]) & 0xFF;
            int db = (b.bytes[i] ^ bytes[i]) & 0xFF;
            if (da != db) {
                return Integer.compare(da, db);
            }
        }
        return 0;
    }

    /** The XOR distance to {@code other}, as 32 big-endian bytes. */
    public byte[] distance(KadKey other) {
        byte[] d = new byte[32];
        for (int i = 0; i < 32; i++) {
            d[i] = (byte) (bytes[i] ^ other.bytes[i]);
        }
        return d;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof KadKey k && Arrays.equals(bytes, k.bytes);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(bytes);
    }

    @Override
    public String toString() {
        return "KadKey[" + HexFormat.of().formatHex(bytes, 0, 8) + "…]";
    }
}
