package io.p2pkit.ipfs.mfs;

import io.p2pkit.core.multiformats.Cid;
import io.p2pkit.core.multiformats.Multicodec;
import io.p2pkit.core.multiformats.Multihash;
import io.p2pkit.ipfs.block.Block;
import io.p2pkit.ipfs.blockstore.Blockstore;
import io.p2pkit.ipfs.codec.dagpb.PBLink;
import io.p2pkit.ipfs.codec.dagpb.PBNode;
import io.p2pkit.ipfs.unixfs.importer.DirectoryWriter;
import io.p2pkit.ipfs.unixfs.pb.DataType;
import io.p2pkit.ipfs.unixfs.pb.UnixfsData;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Changes a file in place as Kubo's {@code files write} does (boxo's DagModifier), for a file
 * whose root links only leaves (every file {@code files write} made up to 174 chunks, 43.5 MiB):
 * truncating cuts the first non-empty leaf to nothing and drops the rest; bytes that land on
 * existing leaves are written into them, keeping their sizes; bytes past the end become new leaves
 * appended to the root (zeros in 4 KiB leaves for a gap, the data in 256 KiB leaves). Layouts
 * this does not cover answer null, and the caller rewrites the file whole.
 */
final class FileModifier {
    private static final int CHUNK = 256 * 1024;
    private static final int SPARSE_CHUNK = 4096;
    private static final int MAX_LINKS = 174;

    private final Blockstore blocks;
    private final CidPrefix leafPrefix;
    private final boolean rawLeaves;
    private final List<PBLink> links = new ArrayList<>();
    private final List<Long> sizes = new ArrayList<>();
    private Cid rootCid;
    private UnixfsData root;

    private FileModifier(Blockstore blocks, CidPrefix leafPrefix, boolean rawLeaves) {
        this.blocks = blocks;
        this.leafPrefix = leafPrefix;
        this.rawLeaves = rawLeaves;
    }

    /**
     * @param old      the file (a DAG-PB File node)
     * @param truncate whether it is emptied first
     * @param offset   where {@code data} goes
     * @param data     the bytes written
     * @param raw      whether new leaves are raw
     * @return the new file, or null when its layout is not one this changes in place
     */
    static DirectoryWriter.Written modify(Blockstore blocks, Cid old, boolean truncate, long offset, byte[] data, boolean raw)
            throws IOException {
        if (old.codec() != Multicodec.DAG_PB) {
            return null;
        }
        FileModifier m = new FileModifier(blocks, CidPrefix.of(old), raw);
        if (!m.load(old)) {
            return null;
        }
        if (truncate && m.size() > 0 && !m.truncate()) {
            return null;
        }
        long gap = offset - m.size();
        if (gap > (long) MAX_LINKS * SPARSE_CHUNK) {
            return null; // more 4 KiB leaves than a root of leaves holds: the caller rewrites the file
        }
        if (gap > 0 && !m.append(new byte[(int) gap], SPARSE_CHUNK)) {
            return null;
        }
        int inside = (int) Math.max(0, Math.min(data.length, m.size() - offset));
        m.overwrite(offset, Arrays.copyOf(data, inside));
        if (inside < data.length && !m.append(Arrays.copyOfRange(data, inside, data.length), CHUNK)) {
            return null;
        }
        return m.commit();
    }

    private boolean load(Cid cid) throws IOException {
        PBNode pb = PBNode.decode(block(cid));
        UnixfsData d = UnixfsData.decode(pb.data());
        if (d.type() != DataType.FILE || (pb.links().isEmpty() && d.dataLength() > 0)
                || d.blocksizeCount() != pb.links().size()) {
            return false;
        }
        for (int i = 0; i < pb.links().size(); i++) {
            PBLink l = pb.links().get(i);
            if (l.hash().codec() == Multicodec.DAG_PB && !PBNode.decode(block(l.hash())).links().isEmpty()) {
                return false; // a deeper layout: the caller rewrites the file
            }
            links.add(l);
            sizes.add(d.blocksize(i));
        }
        rootCid = cid;
        root = d;
        return true;
    }

    private long size() {
        long total = root.dataLength();
        for (long b : sizes) {
            total += b;
        }
        return total;
    }

    /** boxo's dagTruncate to 0: the first leaf with bytes becomes empty, the leaves after it go. */
    private boolean truncate() throws IOException {
        int at = -1;
        for (int i = 0; i < sizes.size(); i++) {
            if (sizes.get(i) > 0) {
                at = i;
                break;
            }
        }
        if (at < 0) {
            return false;
        }
        Cid leaf = links.get(at).hash();
        Cid cut;
        long tsize;
        if (leaf.codec() == Multicodec.RAW) {
            cut = put(CidPrefix.of(leaf), Multicodec.RAW, new byte[0]);
            tsize = 0;
        } else {
            UnixfsData d = UnixfsData.decode(PBNode.decode(block(leaf)).data());
            if (d.mtime() != null) {
                return false;
            }
            byte[] empty = PBNode.of(leafData(d.type(), new byte[0]).withMode(d.mode()).encode()).encode();
            cut = put(CidPrefix.V0, Multicodec.DAG_PB, empty); // boxo makes the cut leaf with the default (CIDv0) builder
            tsize = empty.length;
        }
        while (links.size() > at) {
            links.remove(links.size() - 1);
            sizes.remove(sizes.size() - 1);
        }
        links.add(PBLink.of(cut, "", tsize));
        sizes.add(0L);
        return true;
    }

    /** Writes {@code data} over the leaves from {@code offset}; sizes do not change. */
    private void overwrite(long offset, byte[] data) throws IOException {
        if (data.length == 0) {
            return;
        }
        long cur = 0;
        int done = 0;
        for (int i = 0; i < links.size() && done < data.length; i++) {
            long bs = sizes.get(i);
            long from = offset + done;
            if (cur + bs > from) {
                Cid leaf = links.get(i).hash();
                int within = (int) (from - cur);
                int n = (int) Math.min(bs - within, data.length - done);
                Cid changed;
                if (leaf.codec() == Multicodec.RAW) {
                    byte[] bytes = block(leaf).clone();
                    System.arraycopy(data, done, bytes, within, n);
                    changed = put(CidPrefix.of(leaf), Multicodec.RAW, bytes);
                } else {
                    UnixfsData d = UnixfsData.decode(PBNode.decode(block(leaf)).data());
                    byte[] bytes = d.data().clone();
                    System.arraycopy(data, done, bytes, within, n);
                    UnixfsData nd = leafData(d.type(), bytes).withMode(d.mode()).withMtime(d.mtime());
                    changed = put(CidPrefix.of(leaf), Multicodec.DAG_PB, PBNode.of(nd.encode()).encode());
                }
                links.set(i, PBLink.of(changed, links.get(i).nameOrEmpty(), links.get(i).tsize() == null ? 0 : links.get(i).tsize()));
                done += n;
            }
            cur += bs;
        }
    }

    /** trickle.Append on a root of leaves: new leaves of {@code chunk} bytes, while the root has room. */
    private boolean append(byte[] data, int chunk) throws IOException {
        for (int at = 0; at < data.length; at += chunk) {
            if (links.size() >= MAX_LINKS) {
                return false;
            }
            byte[] piece = Arrays.copyOfRange(data, at, Math.min(data.length, at + chunk));
            Cid leaf;
            long tsize;
            if (rawLeaves) {
                leaf = put(new CidPrefix(1, leafPrefix.hashFunction()), Multicodec.RAW, piece);
                tsize = piece.length;
            } else {
                byte[] b = PBNode.of(UnixfsData.raw(piece).encode()).encode();
                leaf = put(leafPrefix, Multicodec.DAG_PB, b);
                tsize = b.length;
            }
            links.add(PBLink.of(leaf, "", tsize));
            sizes.add((long) piece.length);
        }
        return true;
    }

    private DirectoryWriter.Written commit() throws IOException {
        long[] bs = sizes.stream().mapToLong(Long::longValue).toArray();
        long filesize = root.dataLength() + Arrays.stream(bs).sum();
        UnixfsData d = UnixfsData.file(root.dataLength() == 0 ? null : root.data(), filesize, bs).withMode(root.mode())
                .withMtime(root.mtime());
        byte[] block = PBNode.of(d.encode(), links).encode();
        Cid cid = put(CidPrefix.of(rootCid), Multicodec.DAG_PB, block);
        long tsize = block.length;
        for (PBLink l : links) {
            tsize += l.tsize() == null ? 0 : l.tsize();
        }
        return new DirectoryWriter.Written(cid, tsize);
    }

    private static UnixfsData leafData(DataType type, byte[] bytes) {
        return type == DataType.RAW ? UnixfsData.raw(bytes) : UnixfsData.file(bytes, bytes.length, new long[0]);
    }

    private byte[] block(Cid cid) throws IOException {
        return blocks.get(cid).orElseThrow(() -> new MfsException("block " + cid + " not found")).data();
    }

    private Cid put(CidPrefix prefix, long codec, byte[] bytes) throws IOException {
        Multihash mh = Multihash.digest(prefix.hashFunction(), bytes);
        Cid cid = codec == Multicodec.DAG_PB && prefix.version() == 0 ? Cid.v0(mh) : Cid.v1(codec, mh);
        blocks.put(Block.of(cid, bytes));
        return cid;
    }
}
