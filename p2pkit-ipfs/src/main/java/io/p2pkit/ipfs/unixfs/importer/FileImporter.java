package io.p2pkit.ipfs.unixfs.importer;

import io.p2pkit.core.multiformats.Multicodec;
import io.p2pkit.core.multiformats.Varint;
import io.p2pkit.ipfs.codec.dagpb.PBLink;
import io.p2pkit.ipfs.codec.dagpb.PBNode;
import io.p2pkit.ipfs.unixfs.chunker.Chunker;
import io.p2pkit.ipfs.unixfs.pb.DataType;
import io.p2pkit.ipfs.unixfs.pb.Mtime;
import io.p2pkit.ipfs.unixfs.pb.UnixfsData;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Builds one file's DAG from its chunks, in the balanced or the trickle layout, the way boxo's
 * importer shapes them (so the CIDs are Kubo's). Streams: it holds one chunk ahead and, per level
 * of the tree, the links of the node being filled, so memory is bounded by depth × max links
 * whatever the file's size (and, past the first MiB, the {@link LeafPipeline#AHEAD} leaves its
 * workers make ahead). Every node goes to the sink as soon as it is final; the root last.
 */
final class FileImporter {
    private final ImportOptions options;
    private final BlockWriter writer;
    private final LeafPipeline leaves;
    private final ImportListener listener;
    private final String path;
    private final Path source;
    private LeafPipeline.Leaf ahead;
    private boolean ended;
    private long read;
    private long taken;

    FileImporter(ImportOptions options, BlockWriter writer, Chunker chunker, ImportListener listener, String path) {
        this(options, writer, chunker, listener, path, null);
    }

    /**
     * @param source the file's absolute path when its raw leaves are to be kept as references to
     *               it ({@code add --nocopy}), else null
     */
    FileImporter(ImportOptions options, BlockWriter writer, Chunker chunker, ImportListener listener, String path,
                 Path source) {
        this.options = options;
        this.writer = writer;
        DataType leafType = options.layout() == ImportOptions.Layout.TRICKLE ? DataType.RAW : DataType.FILE;
        long leafCodec = options.rawLeaves() ? Multicodec.RAW : Multicodec.DAG_PB;
        this.leaves = new LeafPipeline(chunker, options.rawLeaves() ? data -> data : data -> leafBlock(data, leafType),
                block -> writer.name(leafCodec, block));
        this.listener = listener;
        this.path = path;
        this.source = source;
    }

    /** @return the bytes read so far */
    long bytesRead() {
        return read;
    }

    /**
     * @param mode  the mode the root carries, or null
     * @param mtime the modification time the root carries, or null
     * @return the file's root
     */
    Child build(Integer mode, Mtime mtime) throws IOException {
        try (leaves) {
            return options.layout() == ImportOptions.Layout.TRICKLE ? trickle(mode, mtime) : balanced(mode, mtime);
        }
    }

    private boolean done() throws IOException {
        if (ahead == null && !ended) {
            ahead = leaves.next();
            if (ahead == null) {
                ended = true;
                if (read == 0) {
                    listener.bytesRead(path, 0);   // an empty file shows up in progress too, as in Kubo
                }
            } else {
                read += ahead.data().length;
                listener.bytesRead(path, read);
            }
        }
        return ahead == null;
    }

    private LeafPipeline.Leaf take() throws IOException {
        done();
        LeafPipeline.Leaf leaf = ahead;
        ahead = null;
        if (leaf != null) {
            taken += leaf.data().length;
        }
        return leaf;
    }

    // --- balanced: the first leaf is the root until a second chunk comes; then the tree grows a
    // level at a time, the old root becoming the first child of a new one filled to that depth.

    private Child balanced(Integer mode, Mtime mtime) throws IOException {
        if (done()) {
            return leaf(new LeafPipeline.Leaf(new byte[0], null, null), true, mode, mtime).resolve();
        }
        LeafPipeline.Leaf first = take();
        if (done()) {
            return leaf(first, true, mode, mtime).resolve();
        }
        Ref root = leaf(first, true, null, null);
        for (int depth = 1; ; depth++) {
            Pending node = new Pending();
            node.add(root);
            fillBalanced(node, depth);
            if (done()) {
                return node.finish(mode, mtime);
            }
            root = new Done(node.finish(null, null));
        }
    }

    private void fillBalanced(Pending node, int depth) throws IOException {
        while (node.count() < options.maxLinks() && !done()) {
            if (depth == 1) {
                node.add(leaf(take(), true, null, null));
            } else {
                Pending child = new Pending();
                fillBalanced(child, depth - 1);
                node.add(new Done(child.finish(null, null)));
            }
        }
    }

    // --- trickle: a root with a layer of leaves, then up to four subtrees of each growing depth.

    private static final int DEPTH_REPEAT = 4;

    private Child trickle(Integer mode, Mtime mtime) throws IOException {
        Pending root = new Pending();
        fillTrickle(root, -1);
        return root.finish(mode, mtime);
    }

    private void fillTrickle(Pending node, int maxDepth) throws IOException {
        while (node.count() < options.maxLinks() && !done()) {
            node.add(leaf(take(), false, null, null));
        }
        for (int depth = 1; maxDepth == -1 || depth < maxDepth; depth++) {
            if (done()) {
                break;
            }
            for (int r = 0; r < DEPTH_REPEAT && !done(); r++) {
                Pending child = new Pending();
                fillTrickle(child, depth);
                node.add(new Done(child.finish(null, null)));
            }
        }
    }

    /**
     * A leaf: a raw block, or a DAG-PB node whose Data holds the chunk (type File in the balanced
     * layout, Raw in the trickle layout, as boxo writes them). The pipeline made its block and CID
     * unless it is among the first chunks, or the root with a mode or mtime.
     */
    private Ref leaf(LeafPipeline.Leaf leaf, boolean fileType, Integer mode, Mtime mtime) throws IOException {
        byte[] data = leaf.data();
        if (options.rawLeaves()) {
            // the chunk just taken is the last one: it starts where the ones before it end
            return new LeafRef(writer.queue(Multicodec.RAW, data, leaf.cid(), source, taken - data.length), data.length, data.length);
        }
        byte[] block;
        if (mode == null && mtime == null && leaf.cid() != null) {
            return new LeafRef(writer.queue(Multicodec.DAG_PB, leaf.block(), leaf.cid(), null, 0), leaf.block().length, data.length);
        } else if (mode == null && mtime == null && data.length > 0) {
            block = leafBlock(data, fileType ? DataType.FILE : DataType.RAW);
        } else {
            UnixfsData d = fileType ? UnixfsData.file(data.length == 0 ? null : data, data.length, new long[0]) : UnixfsData.raw(data);
            block = PBNode.of(d.withMode(mode).withMtime(mtime).encode()).encode();
        }
        return new LeafRef(writer.queue(Multicodec.DAG_PB, block), block.length, data.length);
    }

    /**
     * A DAG-PB leaf in one copy of the chunk: {@code PBNode{Data: Data{Type, Data: chunk, filesize}}},
     * the bytes {@code PBNode.of(UnixfsData….encode()).encode()} gives.
     */
    static byte[] leafBlock(byte[] chunk, DataType type) {
        int n = chunk.length;
        int inner = 2 + 1 + Varint.size(n) + n + 1 + Varint.size(n);
        byte[] out = new byte[1 + Varint.size(inner) + inner];
        int at = 0;
        out[at++] = 0x0a;
        at += Varint.write(inner, out, at);
        out[at++] = 0x08;
        out[at++] = (byte) type.number();
        out[at++] = 0x12;
        at += Varint.write(n, out, at);
        System.arraycopy(chunk, 0, out, at, n);
        at += n;
        out[at++] = 0x18;
        Varint.write(n, out, at);
        return out;
    }

    /** A child as a parent links it, once its CID is known. */
    private interface Ref {
        Child resolve() throws IOException;

        long tsize();

        long fileSize();
    }

    private record Done(Child child) implements Ref {
        @Override
        public Child resolve() {
            return child;
        }

        @Override
        public long tsize() {
            return child.tsize();
        }

        @Override
        public long fileSize() {
            return child.fileSize();
        }
    }

    private final class LeafRef implements Ref {
        private final BlockWriter.Queued queued;
        private final long tsize;
        private final long fileSize;

        LeafRef(BlockWriter.Queued queued, long tsize, long fileSize) {
            this.queued = queued;
            this.tsize = tsize;
            this.fileSize = fileSize;
        }

        @Override
        public Child resolve() throws IOException {
            return new Child(writer.cid(queued), tsize, fileSize);
        }

        @Override
        public long tsize() {
            return tsize;
        }

        @Override
        public long fileSize() {
            return fileSize;
        }
    }

    /** A File node being filled: its links and the file size under each. */
    private final class Pending {
        private final List<Ref> children = new ArrayList<>();
        private long[] sizes = new long[16];
        private long fileSize;
        private long tsize;

        int count() {
            return children.size();
        }

        void add(Ref child) {
            if (children.size() == sizes.length) {
                sizes = Arrays.copyOf(sizes, sizes.length * 2);
            }
            sizes[children.size()] = child.fileSize();
            children.add(child);
            fileSize += child.fileSize();
            tsize += child.tsize();
        }

        Child finish(Integer mode, Mtime mtime) throws IOException {
            List<PBLink> links = new ArrayList<>(children.size());
            for (Ref r : children) {
                Child c = r.resolve();
                links.add(PBLink.of(c.cid(), "", c.tsize()));
            }
            UnixfsData d = UnixfsData.file(null, fileSize, Arrays.copyOf(sizes, children.size())).withMode(mode).withMtime(mtime);
            byte[] block = PBNode.of(d.encode(), links).encode();
            return new Child(writer.dagPb(block), block.length + tsize, fileSize);
        }
    }
}
