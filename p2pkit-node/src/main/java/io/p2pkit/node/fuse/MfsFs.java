package io.p2pkit.node.fuse;

import io.p2pkit.core.multiformats.Cid;
import io.p2pkit.ipfs.mfs.Mfs;
import io.p2pkit.ipfs.mfs.MfsEntry;
import io.p2pkit.ipfs.mfs.MfsException;
import io.p2pkit.ipfs.mfs.MfsStat;
import io.p2pkit.ipfs.unixfs.pb.Mtime;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The node's MFS as a writable mount (Kubo's {@code /mfs}): the tree {@code files/*} shows, with
 * files read and written in place. Nodes are found by path on every call, since the RPC may change
 * the tree behind the mount; the kernel keeps what it learns for {@link #cacheTime()} only.
 *
 * <p>New files are what {@code files write --create} makes (the parent's CID version, raw leaves
 * with CIDv1), so the same content gives the same CIDs either way. As in Kubo, a file or directory
 * shows the mode and mtime its UnixFS node carries, else 0644 and 0755; chmod and touch are
 * accepted and, unless the mount stores them ({@code Mounts.StoreMode}, {@code Mounts.StoreMtime},
 * both off by default as in Kubo, since they change CIDs), not kept. Symbolic links (which MFS
 * holds when one was copied in) are shown and read; none are made.
 */
final class MfsFs implements MountedFs {
    /** The xattr holding a node's CID, as newer Kubo names it; and the name Kubo 0.39 used. */
    static final String CID_XATTR = "ipfs.cid";
    private static final String OLD_CID_XATTR = "ipfs_cid";
    private static final int FILE_PERMISSIONS = 0644;
    private static final int DIRECTORY_PERMISSIONS = 0755;
    private static final int SYMLINK_PERMISSIONS = 0777;
    /** The most a handle buffers before it writes to the MFS anyway. */
    static final long DEFAULT_CAP = 1L << 30;

    private final Mfs mfs;
    private final Path spool;
    private final Path repo;
    private final boolean storeMode;
    private final boolean storeMtime;
    private final long cap;
    private final Set<MfsOpenFile> open = ConcurrentHashMap.newKeySet();

    /** Serves {@code mfs} as Kubo does by default: writes spooled under the system's temporary directory. */
    MfsFs(Mfs mfs) {
        this(mfs, Path.of(System.getProperty("java.io.tmpdir")), null, false, false, DEFAULT_CAP);
    }

    /**
     * @param mfs        the tree
     * @param spool      where open files' buffered writes are kept
     * @param repo       the repository's directory, whose disk {@code df} shows; null for zeros
     * @param storeMode  whether chmod is kept in the UnixFS nodes
     * @param storeMtime whether touch, create and open-for-write set the UnixFS mtime
     * @param cap        the most bytes a handle buffers before writing them
     */
    MfsFs(Mfs mfs, Path spool, Path repo, boolean storeMode, boolean storeMtime, long cap) {
        this.mfs = mfs;
        this.spool = spool;
        this.repo = repo;
        this.storeMode = storeMode;
        this.storeMtime = storeMtime;
        this.cap = cap;
    }

    @Override
    public Duration cacheTime() {
        return Duration.ofSeconds(1);
    }

    @Override
    public Object rootRef() {
        return "/";
    }

    // --- reading

    @Override
    public FsAttr attr(String path, Object ref) throws IOException {
        Cid cid = call(() -> mfs.lookup(path));
        MfsStat s = call(() -> mfs.stat(cid));
        if (s.directory()) {
            return withMeta(FsAttr.directory(DIRECTORY_PERMISSIONS), s);
        }
        Optional<String> target = call(() -> mfs.symlinkTarget(cid));
        if (target.isPresent()) {
            long length = target.get().getBytes(StandardCharsets.UTF_8).length;
            return withMeta(new FsAttr(FsAttr.Kind.SYMLINK, SYMLINK_PERMISSIONS, length, 0, 0), s);
        }
        long size = s.size();
        for (MfsOpenFile f : open) {
            if (f.path().equals(path)) {
                size = Math.max(size, f.bufferedEnd()); // what was written and not yet applied counts
            }
        }
        return withMeta(FsAttr.file(FILE_PERMISSIONS, size), s);
    }

    /** The attributes with the node's own mode and mtime when it has them. */
    private static FsAttr withMeta(FsAttr attr, MfsStat s) {
        int permissions = s.mode() != null && (s.mode() & 07777) != 0 ? s.mode() & 07777 : attr.permissions();
        FsAttr out = new FsAttr(attr.kind(), permissions, attr.size(), 0, 0);
        Mtime mtime = s.mtime();
        return mtime == null ? out : out.withMtime(mtime.seconds(), mtime.nanos());
    }

    private MfsStat stat(String path) throws IOException {
        return call(() -> mfs.stat(mfs.lookup(path)));
    }

    @Override
    public Found lookup(String parent, Object parentRef, String name) throws IOException {
        String path = child(parent, name);
        return new Found(path, attr(path, path));
    }

    @Override
    public List<Entry> list(String path, Object ref) throws IOException {
        if (!stat(path).directory()) {
            throw new FsError(Errno.ENOTDIR, path + ": not a directory");
        }
        List<MfsEntry> entries = call(() -> mfs.list(path, true));
        List<Entry> out = new ArrayList<>(entries.size());
        for (MfsEntry e : entries) {
            FsAttr.Kind kind = e.directory() ? FsAttr.Kind.DIRECTORY
                    : call(() -> mfs.symlinkTarget(e.cid())).isPresent() ? FsAttr.Kind.SYMLINK : FsAttr.Kind.FILE;
            out.add(new Entry(e.name(), kind));
        }
        return out;
    }

    @Override
    public String readlink(String path, Object ref) throws IOException {
        Cid cid = call(() -> mfs.lookup(path));
        return call(() -> mfs.symlinkTarget(cid))
                .orElseThrow(() -> new FsError(Errno.EINVAL, path + " is not a symbolic link"));
    }

    @Override
    public Optional<byte[]> xattr(String path, Object ref, String name) throws IOException {
        if (!name.equals(CID_XATTR) && !name.equals(OLD_CID_XATTR)) {
            return Optional.empty();
        }
        flushWrites(path); // the CID of what was written, not of what was there before
        Cid cid = call(() -> mfs.lookup(path));
        return Optional.of(cid.toString().getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public List<String> xattrNames(String path, Object ref) {
        return List.of(CID_XATTR);
    }

    /** Reads up to {@code length} bytes at {@code offset}: fewer only at the end of the file. */
    int readAt(String path, long offset, byte[] into, int length) throws IOException {
        InputStream in;
        try {
            in = mfs.read(path, offset, length);
        } catch (MfsException e) {
            if (e.getMessage().startsWith("offset was past end")) {
                return 0;
            }
            throw errno(e, path);
        }
        try (in) {
            return in.readNBytes(into, 0, length);
        }
    }

    // --- files

    @Override
    public FsHandle open(String path, Object ref, boolean write, boolean truncate) throws IOException {
        if (stat(path).directory()) {
            throw new FsError(Errno.EISDIR, path + ": is a directory");
        }
        if (truncate) {
            flushWrites(path);
            act(() -> mfs.write(path, InputStream.nullInputStream(), options(0, false, true)));
        }
        if (write && storeMtime) {
            touchNow(path);
        }
        MfsOpenFile f = new MfsOpenFile(this, path, write, spool, cap);
        open.add(f);
        return f;
    }

    @Override
    public Created create(String path, int permissions) throws IOException {
        if (exists(path)) {
            throw new FsError(Errno.EEXIST, path + ": exists");
        }
        // what `files write --create` makes of no data: an empty file with the parent's CID prefix
        act(() -> mfs.write(path, InputStream.nullInputStream(), options(0, true, false)));
        if (storeMode) {
            act(() -> mfs.chmod(path, permissions));
        }
        if (storeMtime) {
            touchNow(path);
        }
        MfsOpenFile f = new MfsOpenFile(this, path, true, spool, cap);
        open.add(f);
        return new Created(new Found(path, attr(path, path)), f);
    }

    @Override
    public Found mkdir(String path, int permissions) throws IOException {
        act(() -> mfs.mkdir(path, false, null));
        if (storeMode) {
            act(() -> mfs.chmod(path, permissions));
        }
        return new Found(path, attr(path, path));
    }

    @Override
    public void unlink(String path) throws IOException {
        if (stat(path).directory()) {
            throw new FsError(Errno.EISDIR, path + ": is a directory");
        }
        act(() -> mfs.remove(path, false, false));
        for (MfsOpenFile f : open) {
            if (f.path().equals(path)) {
                f.discard(); // its buffered writes would bring the file back
            }
        }
    }

    @Override
    public void rmdir(String path) throws IOException {
        if (!stat(path).directory()) {
            throw new FsError(Errno.ENOTDIR, path + ": not a directory");
        }
        if (!call(() -> mfs.list(path, false)).isEmpty()) {
            throw new FsError(Errno.ENOTEMPTY, path + ": directory not empty");
        }
        act(() -> mfs.remove(path, true, false));
    }

    /**
     * POSIX rename: over a file, or over an empty directory when a directory moves; Mfs's
     * {@code move} would put the source inside an existing directory instead, so that case is
     * settled here first.
     */
    @Override
    public void rename(String from, String to, boolean noReplace) throws IOException {
        MfsStat source = stat(from);
        if (from.equals(to)) {
            return;
        }
        if (to.startsWith(from + "/")) {
            throw new FsError(Errno.EINVAL, "cannot move " + from + " into itself");
        }
        flushWrites(from);
        if (exists(to)) {
            if (noReplace) {
                throw new FsError(Errno.EEXIST, to + ": exists");
            }
            MfsStat target = stat(to);
            if (target.directory()) {
                if (!source.directory()) {
                    throw new FsError(Errno.EISDIR, to + ": is a directory");
                }
                if (!call(() -> mfs.list(to, false)).isEmpty()) {
                    throw new FsError(Errno.ENOTEMPTY, to + ": directory not empty");
                }
                act(() -> mfs.remove(to, true, false));
            } else if (source.directory()) {
                throw new FsError(Errno.ENOTDIR, to + ": not a directory");
            }
        }
        act(() -> mfs.move(from, to));
        for (MfsOpenFile f : open) {
            String p = f.path();
            if (p.equals(to)) {
                f.discard(); // the file it wrote to was replaced
            } else if (p.equals(from) || p.startsWith(from + "/")) {
                f.movedTo(to + p.substring(from.length()));
            }
        }
    }

    @Override
    public FsAttr setattr(String path, Object ref, FsHandle handle, Change change) throws IOException {
        if (change.size() != null) {
            truncate(path, change.size());
        }
        if (change.permissions() != null && storeMode) {
            act(() -> mfs.chmod(path, change.permissions()));
        }
        if (change.mtimeSeconds() != null && storeMtime) {
            Mtime mtime = new Mtime(change.mtimeSeconds(), change.mtimeNanos() == null ? 0 : change.mtimeNanos());
            act(() -> mfs.touch(path, mtime));
        }
        return attr(path, ref);
    }

    /** Cuts the file to {@code size} bytes, or extends it with zeros. */
    private void truncate(String path, long size) throws IOException {
        if (size < 0) {
            throw new FsError(Errno.EINVAL, "negative size");
        }
        MfsStat s = stat(path);
        if (s.directory()) {
            throw new FsError(Errno.EISDIR, path + ": is a directory");
        }
        flushWrites(path);
        long now = stat(path).size();
        if (size > now) {
            act(() -> mfs.write(path, InputStream.nullInputStream(), options(size, false, false)));
        } else if (size == 0) {
            act(() -> mfs.write(path, InputStream.nullInputStream(), options(0, false, true)));
        } else if (size < now) {
            // the MFS truncates only to nothing: the file is written anew with its first bytes
            act(() -> {
                try (InputStream head = mfs.read(path, 0, size)) {
                    mfs.write(path, head, options(0, false, true));
                }
            });
        }
    }

    @Override
    public long[] space() {
        if (repo == null) {
            return new long[] {0, 0};
        }
        try {
            FileStore store = Files.getFileStore(repo);
            return new long[] {store.getTotalSpace(), store.getUsableSpace()};
        } catch (IOException e) {
            return new long[] {0, 0};
        }
    }

    // --- what open files call

    /** Applies buffered writes of every handle open on {@code path}. */
    void flushWrites(String path) throws IOException {
        for (MfsOpenFile f : open) {
            if (f.hasBuffered() && f.path().equals(path)) {
                f.flush();
            }
        }
    }

    /** Writes {@code length} bytes of {@code data} at {@code offset} of the file at {@code path}. */
    void applyWrite(String path, long offset, long length, InputStream data) throws IOException {
        Mfs.WriteOptions o = new Mfs.WriteOptions(offset, length, false, false, false, null, null);
        act(() -> mfs.write(path, data, o));
    }

    void closed(MfsOpenFile f) {
        open.remove(f);
    }

    // --- helpers

    /** {@code files write}'s options with Kubo's defaults for the prefix and leaves. */
    private static Mfs.WriteOptions options(long offset, boolean create, boolean truncate) {
        return new Mfs.WriteOptions(offset, -1, create, truncate, false, null, null);
    }

    private void touchNow(String path) throws IOException {
        act(() -> mfs.touch(path, Mtime.of(Instant.now())));
    }

    private boolean exists(String path) throws IOException {
        try {
            mfs.lookup(path);
            return true;
        } catch (MfsException e) {
            if (e.notFound()) {
                return false;
            }
            throw errno(e, path);
        }
    }

    private static String child(String parent, String name) {
        return parent.equals("/") ? "/" + name : parent + "/" + name;
    }

    @FunctionalInterface
    private interface Call<T> {
        T run() throws IOException;
    }

    @FunctionalInterface
    private interface Action {
        void run() throws IOException;
    }

    private static <T> T call(Call<T> call) throws IOException {
        try {
            return call.run();
        } catch (MfsException e) {
            throw errno(e, "");
        }
    }

    private static void act(Action action) throws IOException {
        call(() -> {
            action.run();
            return null;
        });
    }

    /** The errno for an MFS error, told apart by Kubo's texts, which Mfs keeps. */
    static FsError errno(MfsException e, String path) {
        String m = e.getMessage();
        int errno;
        if (e.notFound()) {
            errno = Errno.ENOENT;
        } else if (m.contains("Not a directory") || m.endsWith("is not a directory")) {
            errno = Errno.ENOTDIR;
        } else if (m.endsWith("was not a file") || m.contains("path is a directory")) {
            errno = Errno.EISDIR;
        } else if (m.equals(MfsException.EXIST) || m.contains("already has entry") || m.contains("Already exists")) {
            errno = Errno.EEXIST;
        } else if (m.startsWith("block ") && m.endsWith(" not found")) {
            errno = Errno.EIO;
        } else {
            errno = Errno.EINVAL;
        }
        return new FsError(errno, path.isEmpty() ? m : path + ": " + m);
    }
}
