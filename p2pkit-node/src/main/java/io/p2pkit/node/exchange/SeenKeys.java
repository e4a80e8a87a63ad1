package io.p2pkit.node.exchange;

import io.p2pkit.core.multiformats.Multihash;
import io.p2pkit.ipfs.unixfs.hamt.Murmur3;

import java.util.ArrayList;
import java.util.List;

/**
 * The keys one command has met, in memory that grows with their number but stays 3–5 bytes a
 * key: a scalable Bloom filter (filters of doubling size, each with half the error rate of the one
 * before). A key never met may, rarely, be taken for one met (fewer than one in 60,000, over any
 * number of keys); a key met is always known. Kubo's {@code provide once} deduplicates with such a
 * filter, and skips those rare keys alike. Not thread-safe.
 */
final class SeenKeys {
    /** The first filter: 2^20 bits (128 KiB), about 43,000 keys. */
    private static final int FIRST_BITS = 1 << 20;
    /** The largest filter, 2^30 bits (128 MiB): more keys than this holds are a misuse. */
    private static final int MAX_BITS = 1 << 30;

    private final List<Filter> filters = new ArrayList<>();
    private long count;

    SeenKeys() {
        filters.add(new Filter(FIRST_BITS, 17)); // an error rate of 2^-17 when full
    }

    /** Notes {@code key}; false when it was met before (or rarely, taken for one met). */
    boolean add(Multihash key) {
        long h = Murmur3.hash64(key.bytes());
        int h1 = (int) h;
        int h2 = (int) (h >>> 32) | 1; // never 0: every probe its own bit
        for (Filter f : filters) {
            if (f.contains(h1, h2)) {
                return false;
            }
        }
        Filter last = filters.getLast();
        if (last.full()) {
            // twice the bits and one more hash (half the error rate): the filters' rates sum to at most 2^-16
            last = new Filter((int) Math.min(MAX_BITS, last.bits.length * 128L), last.hashes + 1);
            filters.add(last);
        }
        last.add(h1, h2);
        count++;
        return true;
    }

    /** @return how many keys were noted */
    long size() {
        return count;
    }

    private static final class Filter {
        private final long[] bits;
        private final int hashes;
        private final long capacity;
        private long keys;

        Filter(int bitCount, int hashes) {
            this.bits = new long[bitCount / 64];
            this.hashes = hashes;
            // with k hashes, bits × ln 2 / k keys give an error rate of 2^-k
            this.capacity = (long) (bitCount * Math.log(2) / hashes);
        }

        boolean full() {
            return keys >= capacity && bits.length * 64L < MAX_BITS;
        }

        boolean contains(int h1, int h2) {
            long m = bits.length * 64L;
            for (int i = 0; i < hashes; i++) {
                long bit = Integer.toUnsignedLong(h1 + i * h2) % m;
                if ((bits[(int) (bit >>> 6)] & (1L << bit)) == 0) {
                    return false;
                }
            }
            return true;
        }

        void add(int h1, int h2) {
            long m = bits.length * 64L;
            for (int i = 0; i < hashes; i++) {
                long bit = Integer.toUnsignedLong(h1 + i * h2) % m;
                bits[(int) (bit >>> 6)] |= 1L << bit;
            }
            keys++;
        }
    }
}
