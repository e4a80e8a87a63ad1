package io.p2pkit.ipfs.unixfs.importer;

import io.p2pkit.core.multiformats.Multicodec;
import io.p2pkit.ipfs.codec.dagpb.PBLink;
import io.p2pkit.ipfs.codec.dagpb.PBNode;
import io.p2pkit.ipfs.unixfs.hamt.Murmur3;
import io.p2pkit.ipfs.unixfs.pb.UnixfsData;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Writes a HAMT-sharded directory as boxo does: entries bucketed by the murmur3-x64-64 hash of
 * their name, {@code log2(fanout)} bits per level from the hash's most significant end; a bucket
 * with one entry links it as {@code XX<name>} ({@code XX}: the bucket in upper-case hex), a bucket
 * with several links a child shard as {@code XX}. That shape depends only on the set of entries,
 * not on the order they were added in. Child shards go to the sink before their parents.
 */
final class HamtBuilder {
    private HamtBuilder() {
    }

    static Child build(List<DirectoryBuilder.Entry> entries, int fanout, BlockWriter writer) throws IOException {
        int bits = Integer.numberOfTrailingZeros(fanout);
        int padding = Integer.toHexString(fanout - 1).length();
        List<Hashed> hashed = new ArrayList<>(entries.size());
        for (DirectoryBuilder.Entry e : entries) {
            hashed.add(new Hashed(e, Murmur3.hash64(e.nameBytes())));
        }
        return shard(hashed, 0, fanout, bits, padding, writer);
    }

    private record Hashed(DirectoryBuilder.Entry entry, long hash) {
    }

    private static Child shard(List<Hashed> entries, int level, int fanout, int bits, int padding, BlockWriter writer)
            throws IOException {
        @SuppressWarnings("unchecked")
        List<Hashed>[] buckets = new List[fanout];
        for (Hashed h : entries) {
            int b = Murmur3.bucket(h.hash(), level, bits);
            if (b < 0) {
                throw new IllegalStateException("sharded directory too deep: names collide in all 64 hash bits (\""
                        + h.entry().name() + "\")");
            }
            if (buckets[b] == null) {
                buckets[b] = new ArrayList<>(2);
            }
            buckets[b].add(h);
        }
        byte[] bitfield = new byte[fanout / 8];
        List<PBLink> links = new ArrayList<>();
        long tsize = 0;
        for (int i = 0; i < fanout; i++) {
            List<Hashed> bucket = buckets[i];
            if (bucket == null) {
                continue;
            }
            bitfield[bitfield.length - 1 - i / 8] |= (byte) (1 << (i % 8));
            String prefix = String.format(Locale.ROOT, "%0" + padding + "X", i);
            if (bucket.size() == 1) {
                DirectoryBuilder.Entry e = bucket.get(0).entry();
                links.add(PBLink.of(e.cid(), prefix + e.name(), e.tsize()));
                tsize += e.tsize();
            } else {
                Child child = shard(bucket, level + 1, fanout, bits, padding, writer);
                links.add(PBLink.of(child.cid(), prefix, child.tsize()));
                tsize += child.tsize();
            }
        }
        int first = 0;
        while (first < bitfield.length && bitfield[first] == 0) {
            first++;
        }
        byte[] trimmed = first == bitfield.length ? null : Arrays.copyOfRange(bitfield, first, bitfield.length);
        byte[] data = UnixfsData.hamtShard(trimmed, fanout, Multicodec.MURMUR3_X64_64).encode();
        byte[] block = PBNode.of(data, links).encode();
        return new Child(writer.dagPb(block), block.length + tsize, 0);
    }
}
