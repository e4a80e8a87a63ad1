package io.p2pkit.ipfs.unixfs.hamt;

import io.p2pkit.core.multiformats.Cid;
import io.p2pkit.core.multiformats.Multicodec;
import io.p2pkit.ipfs.codec.dagpb.PBLink;
import io.p2pkit.ipfs.codec.dagpb.PBNode;
import io.p2pkit.ipfs.unixfs.UnixfsException;
import io.p2pkit.ipfs.unixfs.UnixfsException.Reason;
import io.p2pkit.ipfs.unixfs.pb.DataType;
import io.p2pkit.ipfs.unixfs.pb.UnixfsData;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One node of a HAMT-sharded directory, checked against the rules boxo writes by: type
 * HAMTShard, hash function murmur3-x64-64, a fanout that is a power of two from 8 to 1024, a
 * bitfield with one bit set per link (and none past the fanout), and link names that start with
 * their bucket in {@code log2(fanout)/4}-digit hex, in bucket order, followed by the entry's name
 * (an entry) or by nothing (a child shard). A node that breaks one is a {@link UnixfsException}
 * ({@link Reason#BAD_HAMT}) naming the rule, whatever else it holds.
 */
public final class HamtShard {
    /** The fewest and most buckets a shard may have. */
    public static final int MIN_FANOUT = 8;
    /** The most buckets a shard may have (boxo's limit). */
    public static final int MAX_FANOUT = 1024;

    private final Cid cid;
    private final PBNode node;
    private final int fanout;
    private final int bits;
    private final int padding;
    private final int[] buckets;

    private HamtShard(Cid cid, PBNode node, int fanout, int[] buckets) {
        this.cid = cid;
        this.node = node;
        this.fanout = fanout;
        this.bits = Integer.numberOfTrailingZeros(fanout);
        this.padding = Integer.toHexString(fanout - 1).length();
        this.buckets = buckets;
    }

    /**
     * @param cid  the node's CID (for messages), or null
     * @param node the DAG-PB node
     * @param data its decoded {@code Data}
     * @return the shard
     * @throws UnixfsException when it is not a valid shard
     */
    public static HamtShard of(Cid cid, PBNode node, UnixfsData data) {
        if (data.type() != DataType.HAMT_SHARD) {
            throw new UnixfsException(Reason.WRONG_TYPE, cid, "a " + data.type() + " node where a HAMT shard was expected");
        }
        if (data.hashType() == null || data.hashType() != Multicodec.MURMUR3_X64_64) {
            throw bad(cid, "hash function " + data.hashType() + " is not murmur3-x64-64 (0x22)");
        }
        Long f = data.fanout();
        if (f == null || f < MIN_FANOUT || f > MAX_FANOUT || Long.bitCount(f) != 1) {
            throw bad(cid, "fanout " + f + " is not a power of two from " + MIN_FANOUT + " to " + MAX_FANOUT);
        }
        int fanout = (int) (long) f;
        byte[] bitfield = data.data() == null ? new byte[0] : data.data();
        if (bitfield.length > fanout / 8) {
            throw bad(cid, "bitfield of " + bitfield.length + " bytes for a fanout of " + fanout);
        }
        // Bit i lives in byte (len - 1 - i/8) of the full-width, big-endian bitfield.
        List<PBLink> links = node.links();
        int[] buckets = new int[links.size()];
        int n = 0;
        for (int i = 0; i < bitfield.length * 8; i++) {
            if ((bitfield[bitfield.length - 1 - i / 8] >> (i % 8) & 1) != 0) {
                if (n == buckets.length) {
                    throw bad(cid, "the bitfield has more bits set than the node has links (" + links.size() + ")");
                }
                buckets[n++] = i;
            }
        }
        if (n != buckets.length) {
            throw bad(cid, "the bitfield has " + n + " bits set but the node has " + links.size() + " links");
        }
        HamtShard shard = new HamtShard(cid, node, fanout, buckets);
        for (int i = 0; i < links.size(); i++) {
            shard.checkPrefix(i);
        }
        return shard;
    }

    private void checkPrefix(int i) {
        String name = node.links().get(i).name();
        if (name == null || name.length() < padding) {
            throw bad(cid, "link " + i + " has name " + (name == null ? "none" : "\"" + name + "\"")
                    + ", shorter than the " + padding + "-digit bucket prefix");
        }
        int bucket = 0;
        for (int k = 0; k < padding; k++) {
            int d = Character.digit(name.charAt(k), 16);
            if (d < 0) {
                throw bad(cid, "link " + i + " \"" + name + "\" does not start with a hex bucket");
            }
            bucket = bucket * 16 + d;
        }
        if (bucket != buckets[i]) {
            throw bad(cid, "link " + i + " \"" + name + "\" is in bucket " + bucket + " but the bitfield puts it in " + buckets[i]);
        }
    }

    private static UnixfsException bad(Cid cid, String why) {
        return new UnixfsException(Reason.BAD_HAMT, cid, why);
    }

    /** @return the node's CID, or null when not given */
    public Cid cid() {
        return cid;
    }

    /** @return the number of buckets */
    public int fanout() {
        return fanout;
    }

    /** @return log2 of the fanout: the hash bits each level consumes */
    public int bitWidth() {
        return bits;
    }

    /** @return the number of links */
    public int size() {
        return buckets.length;
    }

    /** @return the link at {@code i}, in bucket order */
    public PBLink link(int i) {
        return node.links().get(i);
    }

    /** @return whether the link at {@code i} leads to a child shard (its name is the bucket alone) */
    public boolean isShardLink(int i) {
        return link(i).name().length() == padding;
    }

    /** @return the entry name of the link at {@code i} (its name without the bucket prefix) */
    public String entryName(int i) {
        return link(i).name().substring(padding);
    }

    /**
     * The link for a bucket.
     *
     * @param bucket a bucket index
     * @return the index of its link, or -1 when the bucket is empty
     */
    public int linkFor(int bucket) {
        int lo = 0;
        int hi = buckets.length - 1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            if (buckets[mid] < bucket) {
                lo = mid + 1;
            } else if (buckets[mid] > bucket) {
                hi = mid - 1;
            } else {
                return mid;
            }
        }
        return -1;
    }

    /**
     * Looks an entry up in this shard alone.
     *
     * @param name  the entry name
     * @param hash  {@link Murmur3#hash64} of its UTF-8 bytes
     * @param level this shard's depth (0 for the directory's root shard)
     * @return the entry's link, a child shard's link to continue in ({@link Step#shard()}), or empty
     */
    public Optional<Step> step(String name, long hash, int level) {
        Objects.requireNonNull(name, "name");
        int bucket = Murmur3.bucket(hash, level, bits);
        if (bucket < 0) {
            return Optional.empty();
        }
        int i = linkFor(bucket);
        if (i < 0) {
            return Optional.empty();
        }
        if (isShardLink(i)) {
            return Optional.of(new Step(link(i).hash(), true, link(i)));
        }
        return entryName(i).equals(name) ? Optional.of(new Step(link(i).hash(), false, link(i))) : Optional.empty();
    }

    /**
     * A step of a lookup.
     *
     * @param cid   where the link leads
     * @param shard whether that is a child shard to continue in (else the entry itself)
     * @param link  the link
     */
    public record Step(Cid cid, boolean shard, PBLink link) {
    }

    /** @return the UTF-8 bytes of {@code name}, as the hash is taken over */
    static byte[] utf8(String name) {
        return name.getBytes(StandardCharsets.UTF_8);
    }
}
