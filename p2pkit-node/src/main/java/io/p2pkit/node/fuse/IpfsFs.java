package io.p2pkit.node.fuse;

import io.p2pkit.core.multiformats.Cid;
import io.p2pkit.ipfs.block.BlockSource;
import io.p2pkit.ipfs.unixfs.UnixfsException;
import io.p2pkit.ipfs.unixfs.exporter.BlockNotFoundException;
import io.p2pkit.ipfs.unixfs.exporter.DirEntries;
import io.p2pkit.ipfs.unixfs.exporter.DirEntry;
import io.p2pkit.ipfs.unixfs.exporter.Exporter;
import io.p2pkit.ipfs.unixfs.exporter.UnixfsEntry;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The read-only {@code /ipfs} mount, as Kubo's: {@code /ipfs/<cid>/<path>} is the UnixFS file,
 * directory (HAMT-sharded too) or symbolic link there; the root itself cannot be listed. Blocks come
 * from the repository, fetched over Bitswap when missing. Directories are 0555, files 0444 and
 * links 0777 unless the UnixFS node carries a mode; its mtime is shown when it has one. The
 * {@code ipfs.cid} extended attribute names each node's CID.
 */
final class IpfsFs implements MountedFs {
    /** Directories with more entries than this are not listed (their entries can still be opened by name). */
    static final int MAX_LISTED = 1_000_000;
    static final String CID_ATTRIBUTE = "ipfs.cid";

    private final Exporter exporter;

    IpfsFs(BlockSource blocks) {
        this.exporter = new Exporter(blocks);
    }

    @Override
    public Duration cacheTime() {
        return Duration.ofMinutes(1); // content under a CID never changes
    }

    @Override
    public boolean keepCache() {
        return true;
    }

    @Override
    public Object rootRef() {
        return "/";
    }

    @Override
    public FsAttr attr(String path, Object ref) throws IOException {
        if (ref instanceof Cid cid) {
            return attr(cid);
        }
        return FsAttr.directory(0111); // Kubo's root: enter, never list
    }

    @Override
    public Found lookup(String parent, Object parentRef, String name) throws IOException {
        Cid cid;
        if (parentRef instanceof Cid dir) {
            cid = guard(() -> exporter.lookup(dir, name)).orElseThrow(() -> FsError.notFound(name));
        } else {
            try {
                cid = Cid.parse(name);
            } catch (RuntimeException e) {
                throw FsError.notFound(name); // not a CID: nothing by that name, as in Kubo's mount
            }
        }
        return new Found(cid, attr(cid));
    }

    FsAttr attr(Cid cid) throws IOException {
        UnixfsEntry e = guard(() -> exporter.stat(cid));
        FsAttr attr = switch (e.type()) {
            case DIRECTORY -> FsAttr.directory(e.mode() == null ? 0555 : e.mode());
            case SYMLINK -> new FsAttr(FsAttr.Kind.SYMLINK, e.mode() == null ? 0777 : e.mode(), e.size(), 0, 0);
            default -> FsAttr.file(e.mode() == null ? 0444 : e.mode(), e.size());
        };
        return e.mtime() == null ? attr : attr.withMtime(e.mtime().seconds(), e.mtime().nanos());
    }

    @Override
    public List<Entry> list(String path, Object ref) throws IOException {
        if (!(ref instanceof Cid cid)) {
            throw new FsError(Errno.EPERM, "the root of /ipfs cannot be listed: open a CID in it");
        }
        return guard(() -> {
            DirEntries entries = exporter.list(cid, false);
            List<Entry> out = new ArrayList<>();
            for (DirEntry e = entries.next(); e != null; e = entries.next()) {
                if (out.size() >= MAX_LISTED) {
                    throw new FsError(Errno.EFBIG, cid + " has more than " + MAX_LISTED + " entries to list");
                }
                out.add(new Entry(e.name().isEmpty() ? e.cid().toString() : e.name(), null)); // kind unknown: no fetch per entry
            }
            return out;
        });
    }

    @Override
    public String readlink(String path, Object ref) throws IOException {
        if (!(ref instanceof Cid cid) || attr(cid).kind() != FsAttr.Kind.SYMLINK) {
            throw new FsError(Errno.EINVAL, path + " is not a symbolic link");
        }
        return guard(() -> exporter.readSymlink(cid));
    }

    @Override
    public FsHandle open(String path, Object ref, boolean write, boolean truncate) throws IOException {
        if (!(ref instanceof Cid cid) || attr(cid).kind() != FsAttr.Kind.FILE) {
            throw new FsError(Errno.EISDIR, path + " is not a file");
        }
        return new Reader(cid);
    }

    @Override
    public Optional<byte[]> xattr(String path, Object ref, String name) {
        return name.equals(CID_ATTRIBUTE) && ref instanceof Cid cid
                ? Optional.of(cid.toString().getBytes(StandardCharsets.UTF_8)) : Optional.empty();
    }

    @Override
    public List<String> xattrNames(String path, Object ref) {
        return ref instanceof Cid ? List.of(CID_ATTRIBUTE) : List.of();
    }

    /**
     * An open file: reads go on from where the last one ended through one stream, so a sequential
     * read walks the DAG once; a read elsewhere starts a new stream at its offset.
     */
    private final class Reader implements FsHandle {
        private final Cid cid;
        private final ReentrantLock lock = new ReentrantLock();
        private InputStream stream;
        private long position = -1;

        Reader(Cid cid) {
            this.cid = cid;
        }

        @Override
        public int read(long offset, byte[] into, int length) throws IOException {
            lock.lock();
            try {
                if (stream == null || offset != position) {
                    close();
                    stream = guard(() -> exporter.read(cid, offset, -1));
                    position = offset;
                }
                int n = guard(() -> stream.readNBytes(into, 0, length));
                position += n;
                return n;
            } finally {
                lock.unlock();
            }
        }

        @Override
        public void release() throws IOException {
            lock.lock();
            try {
                close();
            } finally {
                lock.unlock();
            }
        }

        private void close() throws IOException {
            if (stream != null) {
                stream.close();
                stream = null;
            }
        }
    }

    /** A UnixFS read whose failures become the errors a file system gives. */
    @FunctionalInterface
    interface Read<T> {
        T read() throws IOException;
    }

    static <T> T guard(Read<T> read) throws IOException {
        try {
            return read.read();
        } catch (BlockNotFoundException e) {
            throw new FsError(Errno.EIO, "block not found: " + e.getMessage());
        } catch (UnixfsException e) {
            throw new FsError(e.reason() == UnixfsException.Reason.WRONG_TYPE ? Errno.ENOTDIR : Errno.EIO, e.getMessage());
        }
    }
}
