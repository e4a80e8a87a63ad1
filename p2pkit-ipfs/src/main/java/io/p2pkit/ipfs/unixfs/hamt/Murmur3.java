package io.p2pkit.ipfs.unixfs.hamt;

/**
 * MurmurHash3 x64 128-bit with seed 0, first half: the {@code murmur3-x64-64} multihash function
 * (0x22) that UnixFS HAMT directories hash entry names with. Its bits are consumed from the most
 * significant end, a shard width's worth per level, as boxo does.
 */
public final class Murmur3 {
    private static final long C1 = 0x87c37b91114253d5L;
    private static final long C2 = 0x4cf5ad432745937fL;

    private Murmur3() {
    }

    /**
     * @param data the bytes to hash
     * @return the first 64 bits of MurmurHash3_x64_128(data, seed 0), as the big-endian number its digest bytes spell
     */
    public static long hash64(byte[] data) {
        long h1 = 0;
        long h2 = 0;
        int blocks = data.length / 16;
        for (int i = 0; i < blocks; i++) {
            long k1 = littleEndian(data, i * 16, 8);
            long k2 = littleEndian(data, i * 16 + 8, 8);
            k1 *= C1;
            k1 = Long.rotateLeft(k1, 31);
            k1 *= C2;
            h1 ^= k1;
            h1 = Long.rotateLeft(h1, 27);
            h1 += h2;
            h1 = h1 * 5 + 0x52dce729;
            k2 *= C2;
            k2 = Long.rotateLeft(k2, 33);
            k2 *= C1;
            h2 ^= k2;
            h2 = Long.rotateLeft(h2, 31);
            h2 += h1;
            h2 = h2 * 5 + 0x38495ab5;
        }
        int tail = blocks * 16;
        int rest = data.length - tail;
        if (rest > 8) {
            long k2 = littleEndian(data, tail + 8, rest - 8);
            k2 *= C2;
            k2 = Long.rotateLeft(k2, 33);
            k2 *= C1;
            h2 ^= k2;
        }
        if (rest > 0) {
            long k1 = littleEndian(data, tail, Math.min(rest, 8));
            k1 *= C1;
            k1 = Long.rotateLeft(k1, 31);
            k1 *= C2;
            h1 ^= k1;
        }
        h1 ^= data.length;
        h2 ^= data.length;
        h1 += h2;
        h2 += h1;
        h1 = fmix(h1);
        h2 = fmix(h2);
        h1 += h2;
        return h1;
    }

    private static long littleEndian(byte[] b, int off, int n) {
        long v = 0;
        for (int i = n - 1; i >= 0; i--) {
            v = (v << 8) | (b[off + i] & 0xFF);
        }
        return v;
    }

    private static long fmix(long k) {
        k ^= k >>> 33;
        k *= 0xff51afd7ed558ccdL;
        k ^= k >>> 33;
        k *= 0xc4ceb9fe1a85ec53L;
        k ^= k >>> 33;
        return k;
    }

    /**
     * The bucket an entry falls in at one level of a HAMT.
     *
     * @param hash     {@link #hash64} of the name
     * @param level    0 for the root shard
     * @param bitWidth log2 of the fanout
     * @return the bucket index, or -1 when the hash has no bits left for this level
     */
    public static int bucket(long hash, int level, int bitWidth) {
        int consumed = bitWidth * (level + 1);
        if (consumed > 64) {
            return -1;
        }
        return (int) ((hash >>> (64 - consumed)) & ((1L << bitWidth) - 1));
    }
}
