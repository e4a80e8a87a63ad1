package io.p2pkit.ipfs.unixfs.exporter;

import io.p2pkit.core.multiformats.Cid;
import io.p2pkit.ipfs.block.BlockSource;
import io.p2pkit.ipfs.codec.dagpb.PBLink;
import io.p2pkit.ipfs.codec.identity.InlineBlocks;
import io.p2pkit.ipfs.unixfs.UnixfsException;
import io.p2pkit.ipfs.unixfs.UnixfsException.Reason;
import io.p2pkit.ipfs.unixfs.hamt.HamtLinkLookup;
import io.p2pkit.ipfs.unixfs.hamt.HamtShard;
import io.p2pkit.ipfs.unixfs.pb.DataType;
import io.p2pkit.ipfs.unixfs.pb.UnixfsData;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.WritableByteChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Semaphore;

/**
 * Reads UnixFS DAGs back: what an entry is, a file's bytes (any range of them), a directory's
 * entries (basic or HAMT-sharded), a symlink's target. Works over any {@link BlockSource} (a
 * blockstore, a CAR file, the network); identity CIDs are read from the CID. Memory stays bounded:
 * a file is streamed one block per DAG level plus a few read ahead (at most 64 MiB of those for
 * all readers of one exporter together), a listing holds one shard per level. A file's stream
 * must be closed: that stops the reads ahead.
 *
 * <pre>{@code
 * Exporter ex = new Exporter(repo.blocks());
 * try (InputStream in = ex.read(cid, 1_000_000, 4096)) { … }   // cat --offset --length
 * DirEntries ls = ex.list(dir, true);                           // ls, with types and sizes
 * }</pre>
 *
 * <p>Blocks are untrusted: a node that is not what its place in the DAG needs is a
 * {@link UnixfsException} naming the block and the problem; a block the source does not have is a
 * {@link BlockNotFoundException}.
 */
public final class Exporter {
    /** The deepest DAG read (files and shards): far beyond any real import (a 1 PiB file is 5 levels deep). */
    public static final int MAX_DEPTH = 64;

    /** The KiB of blocks that all file readers of one exporter may hold read ahead (64 MiB). */
    private static final int PREFETCH_BUDGET_KIB = 64 * 1024;

    private final BlockSource blocks;
    private final Semaphore prefetchBudgetKib = new Semaphore(PREFETCH_BUDGET_KIB);

    /** @param blocks where blocks are read from */
    public Exporter(BlockSource blocks) {
        this.blocks = InlineBlocks.over(Objects.requireNonNull(blocks, "blocks"));
    }

    /**
     * @param cid a UnixFS node
     * @return what it is, from its root block
     * @throws IOException when the block cannot be read
     */
    public UnixfsEntry stat(Cid cid) throws IOException {
        UnixfsNode n = UnixfsNode.load(blocks, cid);
        return entry(n);
    }

    private static UnixfsEntry entry(UnixfsNode n) {
        if (n.isRaw()) {
            return new UnixfsEntry(n.cid(), EntryType.FILE, false, n.raw().length, null, null);
        }
        UnixfsData d = n.data();
        Integer mode = d.mode() == null ? null : d.mode() & 07777;
        return switch (d.type()) {
            case FILE, RAW -> new UnixfsEntry(n.cid(), EntryType.FILE, false, n.fileSize(), mode, d.mtime());
            case DIRECTORY -> new UnixfsEntry(n.cid(), EntryType.DIRECTORY, false, 0, mode, d.mtime());
            case HAMT_SHARD -> {
                HamtShard.of(n.cid(), n.pb(), d);
                yield new UnixfsEntry(n.cid(), EntryType.DIRECTORY, true, 0, mode, d.mtime());
            }
            case SYMLINK -> new UnixfsEntry(n.cid(), EntryType.SYMLINK, false, d.dataLength(), mode, d.mtime());
            case METADATA -> throw new UnixfsException(Reason.WRONG_TYPE, n.cid(), "Metadata nodes are not supported");
        };
    }

    /**
     * @param file a file
     * @return its bytes, read as they are consumed
     * @throws IOException when its root cannot be read
     */
    public InputStream read(Cid file) throws IOException {
        return read(file, 0, -1);
    }

    /**
     * A range of a file ({@code cat --offset --length}). The blocks before {@code offset} are not read.
     *
     * @param file   a file
     * @param offset the first byte (past the end: nothing)
     * @param length how many bytes at most, or -1 for all to the end
     * @return the bytes, read as they are consumed
     * @throws IOException     when its root cannot be read
     * @throws UnixfsException when it is not a file
     */
    public InputStream read(Cid file, long offset, long length) throws IOException {
        if (offset < 0) {
            throw new IllegalArgumentException("negative offset");
        }
        UnixfsNode root = UnixfsNode.load(blocks, file);
        if (!root.isRaw() && root.type() != DataType.FILE && root.type() != DataType.RAW) {
            throw new UnixfsException(Reason.WRONG_TYPE, file, "a " + root.type() + ", not a file");
        }
        return new FileStream(blocks, prefetchBudgetKib, root, offset, length);
    }

    /**
     * Writes what is left of {@code in} to {@code out}. A stream from {@link #read} hands each
     * block's bytes to the channel from the buffer the block was read into, with no copy in Java
     * (for a file served over a socket); any other stream as its own {@code transferTo} writes.
     *
     * @param in  a stream, usually from {@link #read}
     * @param out where its bytes go
     * @return the bytes written
     * @throws IOException when reading or writing fails
     */
    public static long transfer(InputStream in, WritableByteChannel out) throws IOException {
        if (in instanceof FileStream file) {
            return file.transferTo(out);
        }
        return in.transferTo(Channels.newOutputStream(out));
    }

    /**
     * @param symlink a symlink
     * @return its target
     * @throws IOException     when the block cannot be read
     * @throws UnixfsException when it is not a symlink, or its target is not UTF-8
     */
    public String readSymlink(Cid symlink) throws IOException {
        UnixfsNode n = UnixfsNode.load(blocks, symlink);
        if (n.type() != DataType.SYMLINK) {
            throw new UnixfsException(Reason.WRONG_TYPE, symlink, "a " + n.type() + ", not a symlink");
        }
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(n.inlineData())).toString();
        } catch (CharacterCodingException e) {
            throw new UnixfsException(Reason.MALFORMED_DATA, symlink, "the symlink target is not UTF-8");
        }
    }

    /**
     * Looks one name up in a directory (a sharded one by hash, reading only the shards on the way).
     *
     * @param dir  a directory
     * @param name an entry name
     * @return what it links to, or empty when there is no such entry
     * @throws IOException     when a block cannot be read
     * @throws UnixfsException when {@code dir} is not a directory or is malformed
     */
    public Optional<Cid> lookup(Cid dir, String name) throws IOException {
        UnixfsNode n = UnixfsNode.load(blocks, dir);
        return switch (n.type()) {
            case DIRECTORY -> {
                for (PBLink l : n.pb().links()) {
                    if (name.equals(l.name())) {
                        yield Optional.of(l.hash());
                    }
                }
                yield Optional.empty();
            }
            case HAMT_SHARD -> HamtLinkLookup.find(dir, n.pb(), n.data(), name, blocks);
            default -> throw new UnixfsException(Reason.WRONG_TYPE, dir, "a " + n.type() + ", not a directory");
        };
    }

    /**
     * Lists a directory in link order (a sharded directory in bucket order, shard by shard).
     *
     * @param dir     a directory
     * @param resolve whether to read each entry's root block for its type and size (as {@code ls} does)
     * @return the entries, read as they are asked for
     * @throws IOException     when the directory's block cannot be read
     * @throws UnixfsException when it is not a directory
     */
    public DirEntries list(Cid dir, boolean resolve) throws IOException {
        UnixfsNode n = UnixfsNode.load(blocks, dir);
        DirEntries links = switch (n.type()) {
            case DIRECTORY -> basic(n);
            case HAMT_SHARD -> new ShardWalk(HamtShard.of(dir, n.pb(), n.data()));
            default -> throw new UnixfsException(Reason.WRONG_TYPE, dir, "a " + n.type() + ", not a directory");
        };
        if (!resolve) {
            return links;
        }
        return () -> {
            DirEntry e = links.next();
            if (e == null) {
                return null;
            }
            UnixfsEntry s = stat(e.cid());
            return new DirEntry(e.name(), e.cid(), e.tsize(), s.type(), s.size(), s.mode(), s.mtime());
        };
    }

    private static DirEntries basic(UnixfsNode n) {
        return new DirEntries() {
            private int i;

            @Override
            public DirEntry next() {
                if (i >= n.pb().links().size()) {
                    return null;
                }
                PBLink l = n.pb().links().get(i++);
                if (l.name() == null) {
                    throw new UnixfsException(Reason.WRONG_TYPE, n.cid(), "directory link " + (i - 1) + " has no name");
                }
                return new DirEntry(l.name(), l.hash(), l.tsize() == null ? 0 : l.tsize(), null, -1);
            }
        };
    }

    /** Walks a sharded directory depth first, one shard per level in memory. */
    private final class ShardWalk implements DirEntries {
        private final Deque<int[]> positions = new ArrayDeque<>();
        private final Deque<HamtShard> shards = new ArrayDeque<>();

        ShardWalk(HamtShard root) {
            shards.push(root);
            positions.push(new int[] {0});
        }

        @Override
        public DirEntry next() throws IOException {
            while (!shards.isEmpty()) {
                HamtShard s = shards.peek();
                int[] at = positions.peek();
                if (at[0] >= s.size()) {
                    shards.pop();
                    positions.pop();
                    continue;
                }
                int i = at[0]++;
                PBLink l = s.link(i);
                if (!s.isShardLink(i)) {
                    return new DirEntry(s.entryName(i), l.hash(), l.tsize() == null ? 0 : l.tsize(), null, -1);
                }
                for (HamtShard ancestor : shards) {
                    if (l.hash().equals(ancestor.cid())) {
                        throw new UnixfsException(Reason.LOOP, s.cid(), "shard link " + i + " leads back to " + l.hash());
                    }
                }
                if (shards.size() * s.bitWidth() >= 64) {
                    throw new UnixfsException(Reason.BAD_HAMT, l.hash(), "a child shard below the deepest level a 64-bit hash reaches");
                }
                UnixfsNode child = UnixfsNode.load(blocks, l.hash());
                if (child.isRaw()) {
                    throw new UnixfsException(Reason.WRONG_TYPE, l.hash(), "a raw block where a HAMT shard was expected");
                }
                HamtShard cs = HamtShard.of(l.hash(), child.pb(), child.data());
                if (cs.fanout() != s.fanout()) {
                    throw new UnixfsException(Reason.BAD_HAMT, l.hash(), "child shard fanout " + cs.fanout() + " differs from its parent's " + s.fanout());
                }
                shards.push(cs);
                positions.push(new int[] {0});
            }
            return null;
        }
    }
}
