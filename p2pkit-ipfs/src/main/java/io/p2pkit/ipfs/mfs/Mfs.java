package io.p2pkit.ipfs.mfs;

import io.p2pkit.core.DecodeException;
import io.p2pkit.core.logging.LazyLogger;
import io.p2pkit.core.multiformats.Cid;
import io.p2pkit.core.multiformats.Multicodec;
import io.p2pkit.core.multiformats.Multihash;
import io.p2pkit.ipfs.block.Block;
import io.p2pkit.ipfs.blockstore.Blockstore;
import io.p2pkit.ipfs.codec.dagpb.PBLink;
import io.p2pkit.ipfs.codec.dagpb.PBNode;
import io.p2pkit.ipfs.pin.GcLock;
import io.p2pkit.ipfs.unixfs.exporter.DirEntries;
import io.p2pkit.ipfs.unixfs.exporter.DirEntry;
import io.p2pkit.ipfs.unixfs.exporter.EntryType;
import io.p2pkit.ipfs.unixfs.exporter.Exporter;
import io.p2pkit.ipfs.unixfs.exporter.UnixfsEntry;
import io.p2pkit.ipfs.unixfs.importer.BlockSink;
import io.p2pkit.ipfs.unixfs.importer.DirectoryWriter;
import io.p2pkit.ipfs.unixfs.importer.ImportOptions;
import io.p2pkit.ipfs.unixfs.importer.Importer;
import io.p2pkit.ipfs.unixfs.pb.DataType;
import io.p2pkit.ipfs.unixfs.pb.Mtime;
import io.p2pkit.ipfs.unixfs.pb.UnixfsData;

import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;

/**
 * The mutable file system (Kubo's MFS, {@code ipfs files …}): one UnixFS directory tree whose
 * root CID changes with every operation.
 *
 * <p>Every change is copy-on-write: the changed directory and each directory above it are written
 * anew (a basic node, or a HAMT once large, as the importer decides) and the new root is recorded
 * through the {@link RootStore} before the operation returns, so a change that was reported
 * survives a crash. Changes run one at a time (this object owns the root) and hold the
 * {@link GcLock}'s pin lock from their first block until the root is recorded, so garbage
 * collection, which keeps the recorded root, never removes a block of a tree being written.
 * Reads take the root as it is and need no lock: nothing they read changes.
 *
 * <p>Files are written as {@code files write} writes them in Kubo: the trickle layout with
 * 256 KiB chunks, DAG-PB leaves for CIDv0 and raw leaves for CIDv1.
 */
public final class Mfs {
    /** Where the root's CID is kept between runs. */
    public interface RootStore {
        /**
         * @return the recorded root, or empty before the first change
         * @throws IOException when it cannot be read
         */
        Optional<Cid> load() throws IOException;

        /**
         * Records the root durably before returning.
         *
         * @param root the new root
         * @throws IOException when it cannot be recorded
         */
        void save(Cid root) throws IOException;
    }

    /**
     * How {@code files write} writes.
     *
     * @param offset    where the data goes (zeros fill a gap past the end)
     * @param count     the most bytes of the data to take, or -1 for all
     * @param create    whether a missing file is created
     * @param truncate  whether the file is emptied first
     * @param parents   whether missing directories are made
     * @param rawLeaves raw leaves for new blocks, or null for Kubo's default (raw with CIDv1)
     * @param prefix    CID version and hash for a new file and new directories, or null for the parent's
     */
    public record WriteOptions(long offset, long count, boolean create, boolean truncate, boolean parents,
                               Boolean rawLeaves, CidPrefix prefix) {
    }

    private static final System.Logger LOG = LazyLogger.of(Mfs.class);
    private static final int CHUNK = 256 * 1024;
    private static final int FILE_LINKS = 174;
    /** boxo's DagModifier buffers 2 MiB before it writes: a write up to that size is one modification. */
    private static final int WRITE_BUFFER = 1 << 21;
    /**
     * The most zero bytes a write past a file's end makes (Kubo has no bound): an offset beyond it
     * would let one request make the node write without end.
     */
    static final long MAX_GAP = 256L << 20;

    private final WrittenBlocks blocks;
    private final Blockstore local;
    private final GcLock gcLock;
    private final RootStore store;
    private final ImportOptions profile;
    private final Exporter exporter;
    private final Path spool;
    private final ReentrantLock changes = new ReentrantLock();
    private volatile Cid root;
    private volatile Consumer<List<Cid>> written = cids -> {
    };

    private Mfs(Blockstore blocks, Blockstore local, GcLock gcLock, RootStore store, ImportOptions profile, Path spool) {
        this.blocks = new WrittenBlocks(blocks);
        this.local = local;
        this.gcLock = gcLock;
        this.store = store;
        this.profile = profile;
        this.spool = spool;
        this.exporter = new Exporter(this.blocks);
    }

    /**
     * Opens the tree the store names, or starts an empty one (an empty CIDv0 directory, as Kubo).
     *
     * @param blocks  where nodes are read (may reach the network) and written
     * @param local   the same store without the network, for {@code --with-local}
     * @param gcLock  shared with garbage collection
     * @param store   where the root is kept
     * @param profile the import settings directories are written with (HAMT threshold and fanout)
     * @param spool   a directory for data that must be held while a file is rewritten
     * @return the tree
     * @throws IOException when the root cannot be read or written
     */
    public static Mfs open(Blockstore blocks, Blockstore local, GcLock gcLock, RootStore store, ImportOptions profile,
                           Path spool) throws IOException {
        Mfs mfs = new Mfs(Objects.requireNonNull(blocks, "blocks"), Objects.requireNonNull(local, "local"),
                Objects.requireNonNull(gcLock, "gcLock"), Objects.requireNonNull(store, "store"),
                Objects.requireNonNull(profile, "profile"), Objects.requireNonNull(spool, "spool"));
        Optional<Cid> saved = store.load();
        if (saved.isPresent()) {
            mfs.root = saved.get();
        } else {
            mfs.change(() -> mfs.emptyDirectory(CidPrefix.V0));
        }
        return mfs;
    }

    /**
     * Sets who hears of the blocks each change wrote (for the {@code mfs} provide strategy, which
     * announces them as Kubo does, at once): called after the change's root is recorded, outside
     * the change's lock, with at most 100,000 CIDs; what it throws is logged and dropped.
     *
     * @param listener gets the CIDs of the blocks a change put, the new root among them
     */
    public void onWritten(Consumer<List<Cid>> listener) {
        written = Objects.requireNonNull(listener, "listener");
    }

    /** @return the root directory's CID now */
    public Cid root() {
        return root;
    }

    // --- reading

    /**
     * @param path an absolute MFS path
     * @return the CID at that path
     * @throws MfsException when there is nothing there
     * @throws IOException  when a block cannot be read
     */
    public Cid lookup(String path) throws IOException {
        return reading(() -> lookup(root, MfsPath.parts(path)));
    }

    /** A read over blocks that may be malformed (a DAG copied in from elsewhere): their errors as MfsExceptions. */
    private static <T> T reading(Read<T> read) throws IOException {
        try {
            return read.run();
        } catch (DecodeException e) {
            throw new MfsException(e.getMessage());
        }
    }

    @FunctionalInterface
    private interface Read<T> {
        T run() throws IOException;
    }

    private Cid lookup(Cid from, List<String> parts) throws IOException {
        Cid cur = from;
        for (int i = 0; i < parts.size(); i++) {
            if (!isDirectory(cur)) {
                throw new MfsException("cannot access " + String.join("/", parts.subList(0, i + 1)) + ": Not a directory");
            }
            Optional<Cid> next = exporter.lookup(cur, parts.get(i));
            if (next.isEmpty()) {
                throw new MfsException(MfsException.NOT_EXIST);
            }
            cur = next.get();
        }
        return cur;
    }

    /**
     * {@code files stat} of any UnixFS node (an MFS node or one named by CID).
     *
     * @param cid the node
     * @return its numbers
     * @throws MfsException when it is not UnixFS
     * @throws IOException  when its block cannot be read
     */
    public MfsStat stat(Cid cid) throws IOException {
        return reading(() -> statOf(cid));
    }

    private MfsStat statOf(Cid cid) throws IOException {
        byte[] bytes = block(cid);
        if (cid.codec() == Multicodec.RAW) {
            return new MfsStat(cid, bytes.length, bytes.length, 0, false, null, null);
        }
        if (cid.codec() != Multicodec.DAG_PB) {
            throw new MfsException("not unixfs node (proto or raw)");
        }
        PBNode pb;
        UnixfsData d;
        try {
            pb = PBNode.decode(bytes);
            d = UnixfsData.decode(pb.data());
        } catch (IllegalArgumentException e) {
            throw new MfsException("not unixfs node (proto or raw)");
        }
        long cumulative = bytes.length;
        for (PBLink l : pb.links()) {
            cumulative += l.tsize() == null ? 0 : l.tsize();
        }
        boolean dir = d.type() == DataType.DIRECTORY || d.type() == DataType.HAMT_SHARD;
        Integer mode = d.mode();
        if ((mode == null || mode == 0) && d.type() == DataType.SYMLINK) {
            mode = 0777 | 0x08000000; // Go's os.ModeSymlink | 0777, as Kubo reports a symlink without mode
        }
        return new MfsStat(cid, d.filesize() == null ? 0 : d.filesize(), cumulative, pb.links().size(), dir,
                mode == null || mode == 0 ? null : mode, d.mtime());
    }

    /**
     * A symbolic link's target (MFS has them when one was copied in with {@code files cp}).
     *
     * @param cid any node
     * @return the target when {@code cid} is a UnixFS symlink, else empty
     * @throws IOException when its block cannot be read
     */
    public Optional<String> symlinkTarget(Cid cid) throws IOException {
        if (cid.codec() != Multicodec.DAG_PB) {
            return Optional.empty();
        }
        return reading(() -> exporter.stat(cid).type() == EntryType.SYMLINK
                ? Optional.of(exporter.readSymlink(cid)) : Optional.empty());
    }

    /**
     * {@code files stat --with-local}: how much of the DAG under {@code cid} is stored here.
     *
     * @param cid a node
     * @return {@code [1 if all is local else 0, bytes stored locally]}
     * @throws IOException when a block cannot be read
     */
    public long[] locality(Cid cid) throws IOException {
        return reading(() -> walkLocal(cid));
    }

    private long[] walkLocal(Cid cid) throws IOException {
        boolean all = true;
        long size = 0;
        Deque<Cid> todo = new ArrayDeque<>();
        todo.push(cid);
        while (!todo.isEmpty()) {
            Cid c = todo.pop();
            if (c.multihash().code() == Multicodec.IDENTITY) {
                continue;
            }
            Optional<Block> b = local.get(c);
            if (b.isEmpty()) {
                all = false;
                continue;
            }
            size += b.get().size(); // Kubo counts a block each time a link names it
            if (c.codec() == Multicodec.DAG_PB) {
                try {
                    for (PBLink l : PBNode.decode(b.get().data()).links()) {
                        todo.push(l.hash());
                    }
                } catch (DecodeException e) {
                    throw new MfsException("not unixfs node (proto or raw)");
                }
            }
        }
        return new long[] {all ? 1 : 0, size};
    }

    /**
     * {@code files ls}: a directory's entries in link order, or a file alone.
     *
     * @param path    an absolute MFS path
     * @param resolve whether to read each entry for its type, size (as {@code -l} does)
     * @return the entries; without {@code resolve} only names (and CIDs) are filled in
     * @throws IOException when the path is not there or a block cannot be read
     */
    public List<MfsEntry> list(String path) throws IOException {
        return list(path, true);
    }

    /**
     * @param path    an absolute MFS path
     * @param resolve whether each entry's root block is read for its type and size
     * @return the entries of the directory at {@code path}, or the file there alone
     * @throws IOException when the path is not there or a block cannot be read
     */
    public List<MfsEntry> list(String path, boolean resolve) throws IOException {
        return reading(() -> listing(path, resolve));
    }

    private List<MfsEntry> listing(String path, boolean resolve) throws IOException {
        List<String> parts = MfsPath.parts(path);
        Cid cid = lookup(root, parts);
        if (!isDirectory(cid)) {
            MfsStat s = resolve ? stat(cid) : null;
            String name = parts.isEmpty() ? "" : parts.get(parts.size() - 1);
            return List.of(new MfsEntry(name, false, s == null ? 0 : s.size(), cid));
        }
        List<MfsEntry> out = new ArrayList<>();
        DirEntries entries = exporter.list(cid, false);
        for (DirEntry e; (e = entries.next()) != null; ) {
            if (resolve) {
                MfsStat s = stat(e.cid());
                out.add(new MfsEntry(e.name(), s.directory(), s.directory() ? 0 : s.size(), e.cid()));
            } else {
                out.add(new MfsEntry(e.name(), false, 0, e.cid()));
            }
        }
        return out;
    }

    /**
     * {@code files read}.
     *
     * @param path   an absolute MFS path to a file
     * @param offset where to start
     * @param count  the most bytes to read, or -1 for the rest
     * @return the bytes, read as they are asked for
     * @throws MfsException when it is not a file or the offset is past its end
     * @throws IOException  when a block cannot be read
     */
    public InputStream read(String path, long offset, long count) throws IOException {
        return reading(() -> open(path, offset, count));
    }

    private InputStream open(String path, long offset, long count) throws IOException {
        Cid cid = lookup(path);
        MfsStat s = stat(cid);
        if (s.directory()) {
            throw new MfsException(MfsPath.asGiven(path) + " was not a file");
        }
        long size = cid.codec() == Multicodec.RAW ? s.size() : exporter.stat(cid).size();
        if (offset > size) {
            throw new MfsException("offset was past end of file (" + offset + " > " + size + ")");
        }
        return exporter.read(cid, offset, count);
    }

    // --- changing

    /**
     * {@code files mkdir}.
     *
     * @param path    an absolute MFS path
     * @param parents whether missing parents are made and an existing directory is fine ({@code -p})
     * @param prefix  the new directories' CID version and hash, or null for their parent's
     * @throws IOException when it cannot be made (Kubo's texts) or stored
     */
    public void mkdir(String path, boolean parents, CidPrefix prefix) throws IOException {
        List<String> parts = MfsPath.parts(path);
        if (parts.isEmpty()) {
            if (parents) {
                return;
            }
            throw new MfsException("cannot create directory '/': Already exists");
        }
        String name = parts.get(parts.size() - 1);
        change(() -> rewrite(root, parts.subList(0, parts.size() - 1), 0, parents, prefix, dir -> {
            DirectoryWriter.Link old = dir.entries.get(name);
            if (old != null) {
                if (!parents || !isDirectory(old.cid())) {
                    throw new MfsException(MfsException.EXIST);
                }
                if (prefix != null) {
                    dir.put(name, rewrite(old.cid(), List.of(), 0, false, null, d -> d.prefix = prefix));
                }
                return;
            }
            dir.put(name, emptyDirectory(prefix != null ? prefix : dir.prefix));
        }));
    }

    /**
     * {@code files write}.
     *
     * @param path    an absolute MFS path
     * @param data    the bytes to write
     * @param options where and how
     * @throws IOException when it cannot be written (Kubo's texts) or stored
     */
    public void write(String path, InputStream data, WriteOptions options) throws IOException {
        if (options.offset() < 0) {
            throw new MfsException("cannot have negative write offset");
        }
        if (options.count() < -1) {
            throw new MfsException("cannot have negative byte count");
        }
        List<String> parts = MfsPath.parts(path);
        if (parts.isEmpty()) {
            throw new MfsException("/ was not a file");
        }
        String name = parts.get(parts.size() - 1);
        InputStream limited = options.count() >= 0 ? new BoundedInput(data, options.count()) : data;
        // the data is read before the change starts: a slow sender must not hold other changes and GC
        byte[] head = limited.readNBytes(WRITE_BUFFER + 1);
        Path rest = null;
        if (head.length > WRITE_BUFFER) {
            rest = Files.createTempFile(Files.createDirectories(spool), "mfs-write-", ".data");
            try (var out = Files.newOutputStream(rest)) {
                limited.transferTo(out);
            } catch (IOException | RuntimeException e) {
                Files.deleteIfExists(rest);
                throw e;
            }
        }
        Path spooled = rest;
        try {
            write(parts, name, path, head, spooled, options);
        } finally {
            if (spooled != null) {
                Files.deleteIfExists(spooled);
            }
        }
    }

    private void write(List<String> parts, String name, String path, byte[] head, Path rest, WriteOptions options)
            throws IOException {
        change(() -> {
            if (!options.parents()) {
                lookupIfThere(parts); // Kubo looks the whole path up first: its error for a file on the way
            }
            return writeIn(parts, name, path, head, rest, options);
        });
    }

    private void lookupIfThere(List<String> parts) throws IOException {
        try {
            lookup(root, parts);
        } catch (MfsException e) {
            if (!e.notFound()) {
                throw e;
            }
        }
    }

    private DirectoryWriter.Written writeIn(List<String> parts, String name, String path, byte[] head, Path rest,
                                            WriteOptions options) throws IOException {
        return rewrite(root, parts.subList(0, parts.size() - 1), 0, options.parents(), options.prefix(), dir -> {
            DirectoryWriter.Link old = dir.entries.get(name);
            if (old == null && !options.create()) {
                throw new MfsException(MfsException.NOT_EXIST);
            }
            if (old != null && isDirectory(old.cid())) {
                throw new MfsException(MfsPath.asGiven(path) + " was not a file");
            }
            CidPrefix prefix = old != null ? CidPrefix.of(old.cid())
                    : options.prefix() != null ? options.prefix() : dir.prefix;
            if (old != null && old.cid().codec() == Multicodec.RAW) {
                prefix = new CidPrefix(1, old.cid().multihash().code()); // a raw file grows into a CIDv1 DAG
            }
            boolean raw = options.rawLeaves() != null ? options.rawLeaves() : prefix.version() > 0;
            long size = old == null || options.truncate() ? 0 : stat(old.cid()).size();
            if (options.offset() - size > MAX_GAP) {
                throw new MfsException("offset " + options.offset() + " is more than " + MAX_GAP
                        + " bytes past the end of the file (" + size + " bytes)");
            }
            DirectoryWriter.Written written = writeFile(old == null ? emptyFile(prefix) : old.cid(), options.truncate(),
                    head, rest, options.offset(), prefix, raw);
            dir.put(name, old == null ? written : keepStat(old.cid(), written));
        });
    }

    /**
     * {@code files rm} of one path.
     *
     * @param path      an absolute MFS path
     * @param recursive whether a directory may be removed ({@code -r})
     * @param force     whether anything goes, and a missing path is fine ({@code --force})
     * @throws IOException when it cannot be removed (Kubo's texts) or stored
     */
    public void remove(String path, boolean recursive, boolean force) throws IOException {
        List<String> parts = MfsPath.parts(path);
        if (parts.isEmpty()) {
            throw new MfsException("cannot delete root");
        }
        String name = parts.get(parts.size() - 1);
        List<String> parent = parts.subList(0, parts.size() - 1);
        change(() -> rewrite(root, parent, 0, false, null, dir -> {
            DirectoryWriter.Link old = dir.entries.get(name);
            if (old == null) {
                if (force) {
                    return;
                }
                throw new MfsException(MfsException.NOT_EXIST);
            }
            if (!force && !recursive && isDirectory(old.cid())) {
                throw new MfsException("path is a directory, use -r to remove directories");
            }
            dir.entries.remove(name);
        }), force);
    }

    /**
     * {@code files cp}: links {@code source} (an MFS node or any UnixFS node by CID; only its
     * root block need be here) at {@code dest}.
     *
     * @param source  the node
     * @param dest    an absolute MFS path, its last part the new name
     * @param parents whether missing parents are made
     * @param force   whether an existing file at {@code dest} is replaced
     * @param prefix  CID version and hash for new parents, or null
     * @throws IOException when it cannot be linked (Kubo's texts) or stored
     */
    public void copy(Cid source, String dest, boolean parents, boolean force, CidPrefix prefix) throws IOException {
        if (source.codec() != Multicodec.RAW && source.codec() != Multicodec.DAG_PB) {
            throw new MfsException("cp: source must be a valid UnixFS (dag-pb or raw codec)");
        }
        long tsize;
        try {
            tsize = stat(source).cumulativeSize();
        } catch (MfsException e) {
            throw new MfsException("cp: source must be a valid UnixFS (dag-pb or raw codec): " + e.getMessage());
        }
        List<String> parts = MfsPath.parts(dest);
        if (parts.isEmpty()) {
            throw new MfsException("cp: cannot put node in path " + MfsPath.clean(dest) + ": cannot create file with empty name");
        }
        String name = parts.get(parts.size() - 1);
        change(() -> {
            try {
                return rewrite(root, parts.subList(0, parts.size() - 1), 0, parents, prefix, dir -> {
                    DirectoryWriter.Link old = dir.entries.get(name);
                    if (old != null && force) {
                        if (isDirectory(old.cid())) {
                            throw new MfsException("cp: cannot unlink existing file: not a file: " + MfsPath.clean(dest));
                        }
                        old = null;
                    }
                    if (old != null) {
                        throw new MfsException("directory already has entry by that name");
                    }
                    dir.put(name, new DirectoryWriter.Written(source, tsize));
                });
            } catch (MfsException e) {
                throw e.getMessage().startsWith("cp: ") ? e
                        : new MfsException("cp: cannot put node in path " + MfsPath.clean(dest) + ": " + e.getMessage());
            }
        });
    }

    /**
     * {@code files mv}, as Kubo moves: into {@code dest} when it is a directory (or ends in
     * {@code /}), over it when it is a file.
     *
     * @param source an absolute MFS path
     * @param dest   an absolute MFS path
     * @throws IOException when it cannot be moved (Kubo's texts) or stored
     */
    public void move(String source, String dest) throws IOException {
        List<String> src = MfsPath.parts(source);
        if (src.isEmpty()) {
            throw new MfsException("cannot move the root");
        }
        List<String> dst = MfsPath.parts(dest);
        String srcName = src.get(src.size() - 1);
        List<String> dstDir;
        String dstName;
        if (dest.endsWith("/") || dst.isEmpty()) {
            dstDir = dst;
            dstName = srcName;
        } else {
            dstDir = dst.subList(0, dst.size() - 1);
            dstName = dst.get(dst.size() - 1);
        }
        change(() -> {
            Cid dir = lookup(root, dstDir);
            if (!isDirectory(dir)) {
                throw new MfsException(MfsPath.join(dstDir) + " is not a directory");
            }
            Cid srcParent = lookup(root, src.subList(0, src.size() - 1));
            if (!isDirectory(srcParent)) {
                throw new MfsException(MfsPath.join(src.subList(0, src.size() - 1)) + " is not a directory");
            }
            Optional<Cid> moved = exporter.lookup(srcParent, srcName);
            if (moved.isEmpty()) {
                throw new MfsException(MfsException.NOT_EXIST);
            }
            List<String> into = dstDir;
            String as = dstName;
            Optional<Cid> there = exporter.lookup(dir, dstName);
            if (there.isPresent() && isDirectory(there.get())) {
                into = new ArrayList<>(dstDir);
                into.add(dstName);
                as = srcName;
            }
            List<String> target = new ArrayList<>(into);
            target.add(as);
            if (target.equals(src)) {
                return null; // onto itself: nothing changes
            }
            if (target.size() > src.size() && target.subList(0, src.size()).equals(src)) {
                throw new MfsException("cannot move " + MfsPath.join(src) + " into itself");
            }
            long tsize = stat(moved.get()).cumulativeSize();
            String name = as;
            boolean replaceFile = there.isPresent() && !isDirectory(there.get());
            DirectoryWriter.Written added = rewrite(root, into, 0, false, null, d -> {
                if (d.entries.containsKey(name) && !replaceFile) {
                    throw new MfsException("directory already has entry by that name");
                }
                d.put(name, new DirectoryWriter.Written(moved.get(), tsize));
            });
            return rewrite(added.cid(), src.subList(0, src.size() - 1), 0, false, null, d -> d.entries.remove(srcName));
        });
    }

    /**
     * {@code files chcid}: rewrites the directory at {@code path} with another CID version or hash.
     *
     * @param path   an absolute MFS path to a directory
     * @param prefix the new prefix; null changes nothing
     * @throws IOException when it is not a directory or cannot be stored
     */
    public void changeCid(String path, CidPrefix prefix) throws IOException {
        if (prefix == null) {
            return;
        }
        List<String> parts = MfsPath.parts(path);
        if (!isDirectory(lookup(root, parts))) {
            throw new MfsException("can only update directories");
        }
        change(() -> rewrite(root, parts, 0, false, null, d -> d.prefix = prefix));
    }

    /**
     * {@code files chmod}: sets the permission bits of the node at {@code path} (a file, a
     * directory or the root), keeping the mode's upper 20 bits, as boxo's {@code SetModeFromUnixPermissions}:
     * 0 with no upper bits removes the mode. A file keeps its links and CID prefix (boxo 0.38 and
     * later; boxo 0.35, in Kubo 0.39, drops a file's links and writes CIDv0); a raw file becomes a
     * CIDv0 File node holding its bytes, as in every Kubo.
     *
     * @param path      an absolute MFS path
     * @param unixPerms the bits to set, 0 to 0o7777 (higher bits are ignored)
     * @throws IOException when the path is not there (Kubo's texts) or cannot be stored
     */
    public void chmod(String path, int unixPerms) throws IOException {
        restat(path, mode -> {
            int m = (mode == null ? 0 : mode & 0xFFFFF000) | (unixPerms & 0xFFF);
            return m == 0 ? null : m;
        }, null);
    }

    /**
     * {@code files touch}: sets the modification time of the node at {@code path}, as
     * {@link #chmod} sets the mode (links and prefix kept).
     *
     * @param path  an absolute MFS path
     * @param mtime the time to set
     * @throws IOException when the path is not there (Kubo's texts) or cannot be stored
     */
    public void touch(String path, Mtime mtime) throws IOException {
        Objects.requireNonNull(mtime, "mtime");
        restat(path, mode -> mode, mtime);
    }

    /** Rewrites the node at {@code path} with {@code mode} applied to its mode and, if not null, {@code mtime}. */
    private void restat(String path, UnaryOperator<Integer> mode, Mtime mtime) throws IOException {
        List<String> parts = MfsPath.parts(path);
        DirEdit onDir = d -> {
            d.mode = mode.apply(d.mode);
            if (mtime != null) {
                d.mtime = mtime;
            }
        };
        if (parts.isEmpty()) {
            change(() -> rewrite(root, List.of(), 0, false, null, onDir));
            return;
        }
        String name = parts.get(parts.size() - 1);
        change(() -> {
            lookup(root, parts); // Kubo's lookup, and its errors, before the change
            return rewrite(root, parts.subList(0, parts.size() - 1), 0, false, null, dir -> {
                DirectoryWriter.Link old = dir.entries.get(name);
                if (isDirectory(old.cid())) {
                    dir.put(name, rewrite(old.cid(), List.of(), 0, false, null, onDir));
                } else {
                    UnixfsData d = fileData(old.cid());
                    dir.put(name, stampFile(old.cid(), mode.apply(d.mode()), mtime != null ? mtime : d.mtime()));
                }
            });
        });
    }

    /**
     * The rewritten file {@code written} with the mode and mtime of {@code old}: the mode as it
     * was; the mtime as it was, or the time now when {@code old} was one block, as boxo's
     * DagModifier sets it when it writes a leaf.
     */
    private DirectoryWriter.Written keepStat(Cid old, DirectoryWriter.Written written) throws IOException {
        if (old.codec() == Multicodec.RAW) {
            return written;
        }
        UnixfsData was = fileData(old);
        if (was.mode() == null && was.mtime() == null) {
            return written;
        }
        Mtime mtime = was.mtime() == null || !PBNode.decode(block(old)).links().isEmpty() ? was.mtime()
                : Mtime.of(Instant.now());
        UnixfsData now = fileData(written.cid());
        if (Objects.equals(now.mode(), was.mode()) && Objects.equals(now.mtime(), mtime)) {
            return written;
        }
        return stampFile(written.cid(), was.mode(), mtime);
    }

    /** A file's root message; a raw block reads as the File node boxo wraps it in. */
    private UnixfsData fileData(Cid file) throws IOException {
        byte[] bytes = block(file);
        if (file.codec() == Multicodec.RAW) {
            return UnixfsData.file(bytes, bytes.length, new long[0]);
        }
        try {
            return UnixfsData.decode(PBNode.decode(bytes).data());
        } catch (IllegalArgumentException e) {
            throw new MfsException("not unixfs node (proto or raw)");
        }
    }

    /** The file {@code file} with its root's mode and mtime replaced: same links, same prefix (CIDv0 for a raw file). */
    private DirectoryWriter.Written stampFile(Cid file, Integer mode, Mtime mtime) throws IOException {
        List<PBLink> links = file.codec() == Multicodec.RAW ? List.of() : PBNode.decode(block(file)).links();
        byte[] node = PBNode.of(fileData(file).withMode(mode).withMtime(mtime).encode(), links).encode();
        CidPrefix prefix = file.codec() == Multicodec.RAW ? CidPrefix.V0 : CidPrefix.of(file);
        Multihash mh = Multihash.digest(prefix.hashFunction(), node);
        Cid cid = prefix.version() == 0 ? Cid.v0(mh) : Cid.v1(Multicodec.DAG_PB, mh);
        blocks.put(Block.of(cid, node));
        long tsize = node.length;
        for (PBLink l : links) {
            tsize += l.tsize() == null ? 0 : l.tsize();
        }
        return new DirectoryWriter.Written(cid, tsize);
    }

    // --- the copy-on-write machinery

    /** A directory being changed: its entries by name, its prefix and metadata. */
    private static final class Dir {
        private final Map<String, DirectoryWriter.Link> entries = new LinkedHashMap<>();
        private CidPrefix prefix;
        private Integer mode;
        private Mtime mtime;

        void put(String name, DirectoryWriter.Written child) {
            entries.put(name, new DirectoryWriter.Link(name, child.cid(), child.tsize()));
        }
    }

    @FunctionalInterface
    private interface DirEdit {
        void apply(Dir dir) throws IOException;
    }

    @FunctionalInterface
    private interface Change {
        /** @return the new root, or null when nothing changed */
        DirectoryWriter.Written run() throws IOException;
    }

    /** {@link #change(Change)}, where a missing path is no error when {@code missingIsFine}. */
    private void change(Change change, boolean missingIsFine) throws IOException {
        try {
            change(change);
        } catch (MfsException e) {
            if (!missingIsFine || !e.notFound()) {
                throw e;
            }
        }
    }

    /** Runs one change alone, with GC held off until its new root is recorded. */
    private void change(Change change) throws IOException {
        List<Cid> put = List.of();
        changes.lock();
        try {
            blocks.take(); // what a failed change put before: nobody is told of it
            GcLock.Held held;
            try {
                held = gcLock.pinLock();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new java.io.InterruptedIOException("interrupted while waiting for garbage collection");
            }
            try {
                DirectoryWriter.Written next = change.run();
                if (next != null && !next.cid().equals(root)) {
                    store.save(next.cid());
                    root = next.cid();
                    put = blocks.take();
                }
            } catch (DecodeException e) {
                throw new MfsException(e.getMessage());
            } finally {
                held.close();
            }
        } finally {
            changes.unlock();
        }
        if (!put.isEmpty()) {
            try {
                written.accept(put);
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, () -> "announcing the MFS's new blocks failed: " + e);
            }
        }
    }

    /**
     * Rewrites the directory {@code at}: walks down {@code path} from index {@code i} (making
     * missing directories when {@code makeParents}, with {@code parentsPrefix} or their parent's),
     * applies {@code edit} to the last directory, and writes each directory on the way back up.
     */
    private DirectoryWriter.Written rewrite(Cid at, List<String> path, int i, boolean makeParents,
                                            CidPrefix parentsPrefix, DirEdit edit) throws IOException {
        Dir dir = load(at);
        if (i == path.size()) {
            edit.apply(dir);
        } else {
            String name = path.get(i);
            DirectoryWriter.Link link = dir.entries.get(name);
            Cid child;
            if (link == null) {
                if (!makeParents) {
                    throw new MfsException(MfsException.NOT_EXIST);
                }
                child = emptyDirectory(parentsPrefix != null ? parentsPrefix : dir.prefix).cid();
            } else if (!isDirectory(link.cid())) {
                throw new MfsException("cannot access " + String.join("/", path.subList(0, i + 1)) + ": Not a directory");
            } else {
                child = link.cid();
            }
            dir.put(name, rewrite(child, path, i + 1, makeParents, parentsPrefix, edit));
        }
        return writeDirectory(dir);
    }

    private Dir load(Cid cid) throws IOException {
        UnixfsEntry e = exporter.stat(cid);
        if (e.type() != EntryType.DIRECTORY) {
            throw new MfsException(cid + " is not a directory");
        }
        Dir d = new Dir();
        d.prefix = CidPrefix.of(cid);
        d.mode = e.mode();
        d.mtime = e.mtime();
        DirEntries entries = exporter.list(cid, false);
        for (DirEntry x; (x = entries.next()) != null; ) {
            d.entries.put(x.name(), new DirectoryWriter.Link(x.name(), x.cid(), x.tsize()));
        }
        return d;
    }

    private DirectoryWriter.Written writeDirectory(Dir d) throws IOException {
        return DirectoryWriter.write(options(d.prefix), BlockSink.of(blocks), new ArrayList<>(d.entries.values()),
                d.mode, d.mtime);
    }

    private DirectoryWriter.Written emptyDirectory(CidPrefix prefix) throws IOException {
        return DirectoryWriter.write(options(prefix), BlockSink.of(blocks), Collections.emptyList(), null, null);
    }

    private ImportOptions options(CidPrefix prefix) {
        return profile.toBuilder().cidVersion(prefix.version()).hashFunction(prefix.hashFunction()).inline(false).build();
    }

    private boolean isDirectory(Cid cid) throws IOException {
        return cid.codec() == Multicodec.DAG_PB && exporter.stat(cid).type() == EntryType.DIRECTORY;
    }

    private byte[] block(Cid cid) throws IOException {
        return blocks.get(cid).orElseThrow(() -> new MfsException("block " + cid + " not found")).data();
    }

    /** Kubo's new file node, {Type: File, filesize: 0}, stored. */
    private Cid emptyFile(CidPrefix prefix) throws IOException {
        byte[] empty = PBNode.of(UnixfsData.file(null, 0, new long[0]).encode()).encode();
        Multihash mh = Multihash.digest(prefix.hashFunction(), empty);
        Cid cid = prefix.version() == 0 ? Cid.v0(mh) : Cid.v1(Multicodec.DAG_PB, mh);
        blocks.put(Block.of(cid, empty));
        return cid;
    }

    /**
     * Writes the data ({@code head}, then the spooled {@code rest} when it was over 2 MiB) into the
     * file {@code old} at {@code offset}: in place as Kubo does ({@link FileModifier}) when the
     * data fits Kubo's 2 MiB write buffer and the file's layout allows; else the old content with
     * the data laid over it is written anew as a trickle DAG.
     */
    private DirectoryWriter.Written writeFile(Cid old, boolean truncate, byte[] head, Path rest, long offset,
                                             CidPrefix prefix, boolean raw) throws IOException {
        if (rest == null) {
            DirectoryWriter.Written w = FileModifier.modify(blocks, old, truncate, offset, head, raw);
            if (w != null) {
                return w;
            }
        }
        long n = head.length + (rest == null ? 0 : Files.size(rest));
        ImportOptions options = profile.toBuilder().layout(ImportOptions.Layout.TRICKLE).chunker("size-" + CHUNK)
                .maxLinks(FILE_LINKS).cidVersion(prefix.version()).hashFunction(prefix.hashFunction())
                .rawLeaves(raw).inline(false).preserveMode(false).preserveMtime(false).mode(null).mtime(null).build();
        long oldSize = truncate ? 0 : exporter.stat(old).size();
        List<InputStream> parts = new ArrayList<>();
        parts.add(exporter.read(old, 0, Math.min(offset, oldSize)));
        parts.add(new ZeroInput(Math.max(0, offset - oldSize)));
        parts.add(new java.io.ByteArrayInputStream(head));
        if (rest != null) {
            parts.add(Files.newInputStream(rest));
        }
        if (offset + n < oldSize) {
            parts.add(exporter.read(old, offset + n, -1));
        }
        try (InputStream content = new SequenceInputStream(Collections.enumeration(parts))) {
            var r = new Importer(options, BlockSink.of(blocks)).importStream(content, "");
            return new DirectoryWriter.Written(r.root(), r.size());
        }
    }

    /** {@code n} zero bytes. */
    private static final class ZeroInput extends InputStream {
        private long left;

        ZeroInput(long n) {
            left = n;
        }

        @Override
        public int read() {
            if (left <= 0) {
                return -1;
            }
            left--;
            return 0;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            if (left <= 0) {
                return len == 0 ? 0 : -1;
            }
            int n = (int) Math.min(len, left);
            java.util.Arrays.fill(b, off, off + n, (byte) 0);
            left -= n;
            return n;
        }
    }

    /** At most {@code limit} bytes of another stream ({@code --count}). */
    private static final class BoundedInput extends InputStream {
        private final InputStream in;
        private long left;

        BoundedInput(InputStream in, long limit) {
            this.in = in;
            this.left = limit;
        }

        @Override
        public int read() throws IOException {
            if (left <= 0) {
                return -1;
            }
            int b = in.read();
            if (b >= 0) {
                left--;
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (left <= 0) {
                return len == 0 ? 0 : -1;
            }
            int n = in.read(b, off, (int) Math.min(len, left));
            if (n > 0) {
                left -= n;
            }
            return n;
        }
    }
}
