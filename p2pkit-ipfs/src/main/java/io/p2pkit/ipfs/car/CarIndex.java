package io.p2pkit.ipfs.car;

import io.p2pkit.core.DecodeException;
import io.p2pkit.core.multiformats.Multicodec;
import io.p2pkit.core.multiformats.Multihash;
import io.p2pkit.core.multiformats.Varint;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.TreeMap;

/**
 * A CARv2 index: where each block's section starts in the CARv1 payload, by multihash.
 *
 * <p>Written as {@code MultihashIndexSorted} (multicodec {@code 0x0401}, what go-car and Kubo
 * write): a little-endian int32 count of multihash codes; per code, in ascending order, the code as
 * a uint64 and then an {@code IndexSorted} body: an int32 count of buckets and, per digest width in
 * ascending order, the width (digest length + 8) as a uint32, the bucket's length in bytes as a
 * uint64, and its entries (digest, then the uint64 offset) sorted by digest. Read as that, or as
 * the older {@code IndexSorted} ({@code 0x0400}), which has the buckets without the codes.
 * Identity multihashes are left out: their blocks are in their CIDs. Immutable.
 */
public final class CarIndex {
    /** The multicodec of the IndexSorted format. */
    public static final long INDEX_SORTED = 0x0400;
    /** The multicodec of the MultihashIndexSorted format. */
    public static final long MULTIHASH_INDEX_SORTED = 0x0401;

    /** In an IndexSorted index the code is unknown: digests match whatever their function. */
    private static final long ANY_CODE = -1;
    private static final int OFFSET_SIZE = 8;

    private final long format;
    // code -> width -> entries (digest then little-endian offset), sorted by digest
    private final Map<Long, Map<Integer, byte[]>> buckets;
    private final long size;

    private CarIndex(long format, Map<Long, Map<Integer, byte[]>> buckets, long size) {
        this.format = format;
        this.buckets = buckets;
        this.size = size;
    }

    /** One block's place: its multihash and where its section starts. */
    public record Entry(Multihash multihash, long offset) {
    }

    /**
     * @param entries blocks and their section offsets, in any order; identity multihashes are skipped
     * @return the index
     */
    public static CarIndex of(List<Entry> entries) {
        Map<Long, Map<Integer, List<Entry>>> grouped = new TreeMap<>(Long::compareUnsigned);
        for (Entry e : entries) {
            if (e.multihash().code() == Multicodec.IDENTITY) {
                continue;
            }
            grouped.computeIfAbsent(e.multihash().code(), c -> new TreeMap<>())
                    .computeIfAbsent(e.multihash().length() + OFFSET_SIZE, w -> new ArrayList<>()).add(e);
        }
        Map<Long, Map<Integer, byte[]>> buckets = new TreeMap<>(Long::compareUnsigned);
        long size = 0;
        for (var byCode : grouped.entrySet()) {
            Map<Integer, byte[]> widths = new TreeMap<>();
            for (var byWidth : byCode.getValue().entrySet()) {
                int width = byWidth.getKey();
                List<Entry> list = new ArrayList<>(byWidth.getValue());
                list.sort(Comparator.<Entry, byte[]>comparing(e -> e.multihash().digest(), Arrays::compareUnsigned)
                        .thenComparingLong(Entry::offset));
                if ((long) width * list.size() > Integer.MAX_VALUE - 8) {
                    throw new IllegalArgumentException("an index bucket of " + list.size() + " entries exceeds 2 GiB");
                }
                ByteBuffer b = ByteBuffer.allocate(width * list.size()).order(ByteOrder.LITTLE_ENDIAN);
                for (Entry e : list) {
                    b.put(e.multihash().digest()).putLong(e.offset());
                }
                widths.put(width, b.array());
                size += list.size();
            }
            buckets.put(byCode.getKey(), widths);
        }
        return new CarIndex(MULTIHASH_INDEX_SORTED, buckets, size);
    }

    /**
     * Reads an index, starting at its format varint.
     *
     * @param in       the index bytes; read up to {@code maxBytes} of them
     * @param maxBytes how many bytes the index may take (what is left of the CAR, and at most
     *                 {@link CarLimits#maxIndexSize()})
     * @return the index
     * @throws DecodeException      (field {@code "car index"}) when it is malformed, truncated,
     *                              unsorted or over the cap
     * @throws UnsupportedIndexException when it is another format
     * @throws IOException          when the stream fails
     */
    public static CarIndex read(InputStream in, long maxBytes) throws IOException {
        Reader r = new Reader(in, maxBytes);
        long format;
        try {
            format = Varint.read(in);
        } catch (EOFException e) {
            throw error("truncated inside the format code");
        } catch (DecodeException e) {
            throw error("format code: " + e.getMessage());
        }
        if (format < 0) {
            throw error("empty: no format code");
        }
        r.budget -= Varint.size(format);
        Map<Long, Map<Integer, byte[]>> buckets = new TreeMap<>(Long::compareUnsigned);
        long size;
        if (format == MULTIHASH_INDEX_SORTED) {
            int codes = r.count("multihash codes");
            size = 0;
            for (int i = 0; i < codes; i++) {
                long code = r.uint64();
                if (code == ANY_CODE || buckets.containsKey(code)) {
                    throw error("multihash code 0x" + Long.toHexString(code) + " appears twice or is out of range");
                }
                Map<Integer, byte[]> widths = new TreeMap<>();
                size += r.buckets(widths);
                buckets.put(code, widths);
            }
        } else if (format == INDEX_SORTED) {
            Map<Integer, byte[]> widths = new TreeMap<>();
            size = r.buckets(widths);
            buckets.put(ANY_CODE, widths);
        } else {
            throw new UnsupportedIndexException(format);
        }
        return new CarIndex(format, buckets, size);
    }

    /** @return the format it was read in, or {@link #MULTIHASH_INDEX_SORTED} when built */
    public long format() {
        return format;
    }

    /** @return the number of entries */
    public long size() {
        return size;
    }

    /**
     * @param multihash a block's multihash
     * @return where its section starts in the CARv1 payload (the first, when the block is there
     *         more than once), or empty when the index does not have it
     */
    public OptionalLong offset(Multihash multihash) {
        Map<Integer, byte[]> widths = buckets.get(format == INDEX_SORTED ? ANY_CODE : multihash.code());
        if (widths == null) {
            return OptionalLong.empty();
        }
        int width = multihash.length() + OFFSET_SIZE;
        byte[] bucket = widths.get(width);
        if (bucket == null) {
            return OptionalLong.empty();
        }
        byte[] digest = multihash.digest();
        int lo = 0;
        int hi = bucket.length / width - 1;
        int found = -1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            int c = Arrays.compareUnsigned(bucket, mid * width, mid * width + digest.length, digest, 0, digest.length);
            if (c < 0) {
                lo = mid + 1;
            } else {
                if (c == 0) {
                    found = mid;
                }
                hi = mid - 1;
            }
        }
        if (found < 0) {
            return OptionalLong.empty();
        }
        return OptionalLong.of(ByteBuffer.wrap(bucket, found * width + digest.length, OFFSET_SIZE)
                .order(ByteOrder.LITTLE_ENDIAN).getLong());
    }

    /** Writes the index as MultihashIndexSorted, starting with its format varint. */
    public void writeTo(OutputStream out) throws IOException {
        if (format != MULTIHASH_INDEX_SORTED) {
            throw new IllegalStateException("an IndexSorted index has no multihash codes to write");
        }
        ByteBuffer head = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN);
        out.write(Varint.encode(MULTIHASH_INDEX_SORTED));
        out.write(head.putInt(0, buckets.size()).array(), 0, 4);
        for (var byCode : buckets.entrySet()) {
            out.write(head.putLong(0, byCode.getKey()).array(), 0, 8);
            out.write(head.putInt(0, byCode.getValue().size()).array(), 0, 4);
            for (var byWidth : byCode.getValue().entrySet()) {
                out.write(head.putInt(0, byWidth.getKey()).array(), 0, 4);
                out.write(head.putLong(0, byWidth.getValue().length).array(), 0, 8);
                out.write(byWidth.getValue());
            }
        }
    }

    /** @return the index as MultihashIndexSorted bytes */
    public byte[] toByteArray() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            writeTo(out);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        return out.toByteArray();
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof CarIndex other) || format != other.format || !buckets.keySet().equals(other.buckets.keySet())) {
            return false;
        }
        for (var e : buckets.entrySet()) {
            Map<Integer, byte[]> mine = e.getValue();
            Map<Integer, byte[]> theirs = other.buckets.get(e.getKey());
            if (!mine.keySet().equals(theirs.keySet())) {
                return false;
            }
            for (var w : mine.entrySet()) {
                if (!Arrays.equals(w.getValue(), theirs.get(w.getKey()))) {
                    return false;
                }
            }
        }
        return true;
    }

    @Override
    public int hashCode() {
        return Long.hashCode(format) * 31 + Long.hashCode(size);
    }

    @Override
    public String toString() {
        return "CarIndex(0x" + Long.toHexString(format) + ", " + size + " entries)";
    }

    private static DecodeException error(String message) {
        return new DecodeException("car index", message);
    }

    /** Little-endian fields, within a byte budget that every length is checked against first. */
    private static final class Reader {
        private final InputStream in;
        private long budget;

        Reader(InputStream in, long budget) {
            this.in = in;
            this.budget = budget;
        }

        /** Reads one IndexSorted body into {@code widths}; returns its entry count. */
        long buckets(Map<Integer, byte[]> widths) throws IOException {
            int count = count("buckets");
            long entries = 0;
            for (int i = 0; i < count; i++) {
                long width = Integer.toUnsignedLong(int32());
                long length = uint64();
                if (width <= OFFSET_SIZE || width > OFFSET_SIZE + Multihash.MAX_DIGEST_LENGTH) {
                    throw error("bucket width " + width + " is not a digest length plus 8");
                }
                if (length < 0 || length % width != 0) {
                    throw error("bucket of width " + width + " has " + Long.toUnsignedString(length) + " bytes, not a multiple of the width");
                }
                if (length > budget || length > Integer.MAX_VALUE - 8) {
                    throw error("bucket claims " + length + " bytes but at most " + Math.min(budget, Integer.MAX_VALUE - 8) + " can be read");
                }
                if (widths.containsKey((int) width)) {
                    throw error("two buckets of width " + width);
                }
                byte[] bucket = bytes((int) length);
                int w = (int) width;
                int digest = w - OFFSET_SIZE;
                for (int at = w; at < bucket.length; at += w) {
                    if (Arrays.compareUnsigned(bucket, at - w, at - w + digest, bucket, at, at + digest) > 0) {
                        throw error("bucket of width " + width + " is not sorted by digest at entry " + at / w);
                    }
                }
                widths.put(w, bucket);
                entries += length / width;
            }
            return entries;
        }

        int count(String what) throws IOException {
            int n = int32();
            if (n < 0) {
                throw error("negative count of " + what);
            }
            return n;
        }

        int int32() throws IOException {
            return ByteBuffer.wrap(bytes(4)).order(ByteOrder.LITTLE_ENDIAN).getInt();
        }

        long uint64() throws IOException {
            return ByteBuffer.wrap(bytes(8)).order(ByteOrder.LITTLE_ENDIAN).getLong();
        }

        byte[] bytes(int n) throws IOException {
            if (n > budget) {
                throw error("truncated: needs " + n + " more bytes but at most " + budget + " remain");
            }
            byte[] b = in.readNBytes(n);
            if (b.length < n) {
                throw error("truncated: input ends " + (n - b.length) + " bytes early");
            }
            budget -= n;
            return b;
        }
    }
}
