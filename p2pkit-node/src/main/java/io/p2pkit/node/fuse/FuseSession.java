package io.p2pkit.node.fuse;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Serves one {@link MountedFs} on a FUSE connection: the kernel's protocol (linux/fuse.h, major
 * version 7) read from {@code /dev/fuse}. Two platform threads read requests (a read blocks in
 * native code, which would pin a virtual thread's carrier); each request but {@code FORGET} is
 * then answered on a virtual thread of its own, so a lookup that waits for Bitswap holds up no
 * other. Requests are copied out of the read buffer before they are handed on.
 */
final class FuseSession implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(FuseSession.class.getName());

    /** The largest write the kernel may send, and the largest read it asks for. */
    static final int MAX_WRITE = 128 * 1024;
    /** A request's header plus the largest write, with room to spare. */
    private static final int REQUEST_BUFFER = MAX_WRITE + 8192;
    private static final int READERS = 2;
    private static final int MAX_NAME = 255;

    // opcodes (linux/fuse.h)
    private static final int LOOKUP = 1, FORGET = 2, GETATTR = 3, SETATTR = 4, READLINK = 5, MKDIR = 9,
            UNLINK = 10, RMDIR = 11, RENAME = 12, OPEN = 14, READ = 15, WRITE = 16, STATFS = 17, RELEASE = 18,
            FSYNC = 20, SETXATTR = 21, GETXATTR = 22, LISTXATTR = 23, REMOVEXATTR = 24, FLUSH = 25, INIT = 26,
            OPENDIR = 27, READDIR = 28, RELEASEDIR = 29, FSYNCDIR = 30, CREATE = 35, INTERRUPT = 36,
            DESTROY = 38, BATCH_FORGET = 42, RENAME2 = 45;
    private static final int IN_HEADER = 40, OUT_HEADER = 16;
    private static final int ROOT_ID = 1;
    private static final int FOPEN_KEEP_CACHE = 2;
    private static final int FATTR_MODE = 1, FATTR_SIZE = 8, FATTR_MTIME = 32, FATTR_FH = 64, FATTR_MTIME_NOW = 256;
    private static final int RENAME_NOREPLACE = 1;
    private static final int O_ACCMODE = 3, O_TRUNC = 01000;
    private static final int INIT_ASYNC_READ = 1, INIT_BIG_WRITES = 1 << 5, INIT_PARALLEL_DIROPS = 1 << 18;

    private final MountedFs fs;
    private final FuseDevice device;
    private final String name;
    private final int uid;
    private final int gid;
    private final List<Thread> readers = new ArrayList<>();
    private final ExecutorService handlers = Executors.newVirtualThreadPerTaskExecutor();
    private final ArrayBlockingQueue<ByteBuffer> replies = new ArrayBlockingQueue<>(32);
    private final ReentrantLock nodesLock = new ReentrantLock();
    private final Map<Long, Inode> nodes = new HashMap<>();
    private final Map<String, Inode> byPath = new HashMap<>();
    private final AtomicLong nextId = new AtomicLong(ROOT_ID + 1);
    private final Map<Long, FsHandle> files = new ConcurrentHashMap<>();
    private final Map<Long, List<MountedFs.Entry>> dirs = new ConcurrentHashMap<>();
    private final AtomicLong nextHandle = new AtomicLong(1);
    private volatile int minor;
    private volatile long connection = -1;

    /** A node the kernel knows by id: its path now, the file system's reference and the kernel's lookups. */
    private static final class Inode {
        final long id;
        volatile String path;
        volatile Object ref;
        long lookups;

        Inode(long id, String path, Object ref) {
            this.id = id;
            this.path = path;
            this.ref = ref;
        }
    }

    private FuseSession(MountedFs fs, FuseDevice device, String name, int uid, int gid) {
        this.fs = fs;
        this.device = device;
        this.name = name;
        this.uid = uid;
        this.gid = gid;
        Inode root = new Inode(ROOT_ID, "/", fs.rootRef());
        root.lookups = 1;
        nodes.put(root.id, root);
        byPath.put("/", root);
    }

    /** Mounts {@code fs} at {@code mountpoint} and serves it until {@link #close()}. */
    static FuseSession mount(MountedFs fs, Path mountpoint, String name, boolean readOnly, boolean allowOther,
                             boolean viaHelper) throws IOException {
        FuseDevice device = FuseDevice.mount(mountpoint, name, readOnly, allowOther, viaHelper);
        int[] ids = ids();
        FuseSession session = new FuseSession(fs, device, name, ids[0], ids[1]);
        for (int i = 0; i < READERS; i++) {
            Thread t = Thread.ofPlatform().daemon().name("fuse-" + name + "-" + i).unstarted(session::readLoop);
            session.readers.add(t);
            t.start();
        }
        try {
            session.connection = device.connection();
        } catch (IOException | UnsupportedOperationException e) {
            LOG.log(Level.FINE, "no FUSE connection number for " + mountpoint, e);
        }
        return session;
    }

    private static int[] ids() {
        try {
            LibC libc = LibC.load();
            return new int[] {libc.getuid(), libc.getgid()};
        } catch (UnsatisfiedLinkError e) {
            return new int[] {0, 0};
        }
    }

    Path mountpoint() {
        return device.mountpoint();
    }

    private void readLoop() {
        ByteBuffer buffer = ByteBuffer.allocateDirect(REQUEST_BUFFER);
        try {
            while (true) {
                buffer.clear();
                int n = device.read(buffer);
                if (n < 0) {
                    return;
                }
                if (n < IN_HEADER) {
                    LOG.warning("FUSE " + name + ": a request of " + n + " bytes, shorter than its header");
                    continue;
                }
                byte[] copy = new byte[n];
                buffer.get(0, copy);
                ByteBuffer request = ByteBuffer.wrap(copy).order(ByteOrder.LITTLE_ENDIAN);
                int opcode = request.getInt(4);
                if (opcode == FORGET || opcode == BATCH_FORGET || opcode == INTERRUPT) {
                    answerInline(opcode, request);
                } else if (opcode == INIT) {
                    answer(request);
                } else {
                    handlers.execute(() -> answer(request));
                }
            }
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.WARNING, "FUSE " + name + " stopped reading", e);
        }
    }

    private void answerInline(int opcode, ByteBuffer in) {
        long nodeId = in.getLong(16);
        if (opcode == FORGET) {
            forget(nodeId, in.getLong(IN_HEADER));
        } else if (opcode == BATCH_FORGET) {
            int count = in.getInt(IN_HEADER);
            for (int i = 0, at = IN_HEADER + 8; i < count && at + 16 <= in.limit(); i++, at += 16) {
                forget(in.getLong(at), in.getLong(at + 8));
            }
        }
        // INTERRUPT: requests run to their end; the kernel drops a late reply
    }

    private void answer(ByteBuffer in) {
        long unique = in.getLong(8);
        int opcode = in.getInt(4);
        try {
            reply(unique, handle(opcode, in.getLong(16), in.position(IN_HEADER).slice().order(ByteOrder.LITTLE_ENDIAN)));
        } catch (FsError e) {
            replyError(unique, e.errno());
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.INFO, "FUSE " + name + ": request " + opcode + " failed", e);
            replyError(unique, Errno.EIO);
        }
    }

    /** The reply's body, or null for an empty one. */
    private byte[] handle(int opcode, long nodeId, ByteBuffer in) throws IOException {
        switch (opcode) {
            case INIT:
                return init(in);
            case DESTROY:
                return null;
            case LOOKUP: {
                Inode parent = node(nodeId);
                String childName = cString(in);
                String path = child(parent, childName);
                MountedFs.Found found = fs.lookup(parent.path, parent.ref, childName);
                return entry(remember(path, found), found.attr());
            }
            case GETATTR: {
                Inode node = node(nodeId);
                return attrOut(node, fs.attr(node.path, node.ref));
            }
            case SETATTR:
                return setattr(node(nodeId), in);
            case READLINK: {
                Inode node = node(nodeId);
                return fs.readlink(node.path, node.ref).getBytes(StandardCharsets.UTF_8);
            }
            case MKDIR: {
                Inode parent = node(nodeId);
                int mode = in.getInt(0);
                String path = child(parent, cString(in.position(8)));
                MountedFs.Found found = fs.mkdir(path, mode & 07777);
                return entry(remember(path, found), found.attr());
            }
            case CREATE:
                return create(node(nodeId), in);
            case UNLINK:
            case RMDIR: {
                String path = child(node(nodeId), cString(in));
                if (opcode == UNLINK) {
                    fs.unlink(path);
                } else {
                    fs.rmdir(path);
                }
                dropPath(path);
                return null;
            }
            case RENAME:
            case RENAME2: {
                long newDir = in.getLong(0);
                int flags = opcode == RENAME2 ? in.getInt(8) : 0;
                if ((flags & ~RENAME_NOREPLACE) != 0) {
                    throw new FsError(Errno.EINVAL, "only RENAME_NOREPLACE is supported");
                }
                in.position(opcode == RENAME2 ? 16 : 8);
                String from = child(node(nodeId), cString(in));
                String to = child(node(newDir), cString(in));
                fs.rename(from, to, (flags & RENAME_NOREPLACE) != 0);
                moved(from, to);
                return null;
            }
            case OPEN: {
                Inode node = node(nodeId);
                int flags = in.getInt(0);
                boolean write = (flags & O_ACCMODE) != 0;
                FsHandle handle = fs.open(node.path, node.ref, write, write && (flags & O_TRUNC) != 0);
                return openOut(keep(handle), fs.keepCache() ? FOPEN_KEEP_CACHE : 0);
            }
            case READ:
                return read(in);
            case WRITE:
                return write(in);
            case FLUSH:
            case FSYNC: {
                FsHandle handle = files.get(in.getLong(0));
                if (handle != null) {
                    handle.flush();
                }
                return null;
            }
            case RELEASE: {
                FsHandle handle = files.remove(in.getLong(0));
                if (handle != null) {
                    handle.release();
                }
                return null;
            }
            case OPENDIR: {
                Inode node = node(nodeId);
                List<MountedFs.Entry> entries = new ArrayList<>();
                entries.add(new MountedFs.Entry(".", FsAttr.Kind.DIRECTORY));
                entries.add(new MountedFs.Entry("..", FsAttr.Kind.DIRECTORY));
                entries.addAll(fs.list(node.path, node.ref));
                long fh = nextHandle.getAndIncrement();
                dirs.put(fh, entries);
                return openOut(fh, 0);
            }
            case READDIR:
                return readdir(nodeId, in);
            case RELEASEDIR:
                dirs.remove(in.getLong(0));
                return null;
            case FSYNCDIR:
                return null;
            case STATFS:
                return statfs();
            case GETXATTR:
            case LISTXATTR:
                return xattr(opcode, node(nodeId), in);
            case SETXATTR:
            case REMOVEXATTR:
                throw new FsError(Errno.ENOTSUP, "extended attributes cannot be set");
            default:
                throw new FsError(Errno.ENOSYS, "operation " + opcode);
        }
    }

    private byte[] init(ByteBuffer in) {
        int major = in.getInt(0);
        int kernelMinor = in.getInt(4);
        int readahead = in.getInt(8);
        int flags = in.getInt(12);
        if (major < 7) {
            throw new IllegalStateException("the kernel speaks FUSE " + major + "." + kernelMinor + "; 7.x is needed");
        }
        minor = major > 7 ? 31 : Math.min(kernelMinor, 31);
        ByteBuffer out = ByteBuffer.allocate(minor >= 23 ? 64 : 24).order(ByteOrder.LITTLE_ENDIAN);
        out.putInt(7).putInt(minor).putInt(readahead)
                .putInt(flags & (INIT_ASYNC_READ | INIT_BIG_WRITES | INIT_PARALLEL_DIROPS))
                .putShort((short) 16).putShort((short) 12).putInt(MAX_WRITE);
        if (minor >= 23) {
            out.putInt(1); // time granularity: nanoseconds
        }
        return out.array();
    }

    private byte[] create(Inode parent, ByteBuffer in) throws IOException {
        int mode = in.getInt(4);
        in.position(minor >= 12 ? 16 : 8);
        String path = child(parent, cString(in));
        MountedFs.Created created = fs.create(path, mode & 07777);
        Inode node = remember(path, created.found());
        long fh = keep(created.handle());
        byte[] entry = entry(node, created.found().attr());
        byte[] open = openOut(fh, 0);
        byte[] both = new byte[entry.length + open.length];
        System.arraycopy(entry, 0, both, 0, entry.length);
        System.arraycopy(open, 0, both, entry.length, open.length);
        return both;
    }

    private byte[] setattr(Inode node, ByteBuffer in) throws IOException {
        int valid = in.getInt(0);
        FsHandle handle = (valid & FATTR_FH) != 0 ? files.get(in.getLong(8)) : null;
        Long size = (valid & FATTR_SIZE) != 0 ? in.getLong(16) : null;
        Long mtime = null;
        Integer mtimeNanos = null;
        if ((valid & FATTR_MTIME_NOW) != 0) {
            java.time.Instant now = java.time.Instant.now();
            mtime = now.getEpochSecond();
            mtimeNanos = now.getNano();
        } else if ((valid & FATTR_MTIME) != 0) {
            mtime = in.getLong(40);
            mtimeNanos = in.getInt(60);
        }
        Integer mode = (valid & FATTR_MODE) != 0 ? in.getInt(68) & 07777 : null;
        FsAttr attr = size == null && mtime == null && mode == null
                ? fs.attr(node.path, node.ref)
                : fs.setattr(node.path, node.ref, handle, new MountedFs.Change(size, mode, mtime, mtimeNanos));
        return attrOut(node, attr);
    }

    private byte[] read(ByteBuffer in) throws IOException {
        FsHandle handle = handle(in.getLong(0));
        long offset = in.getLong(8);
        int size = Math.min(in.getInt(16), MAX_WRITE);
        byte[] data = new byte[size];
        int n = handle.read(offset, data, size);
        return n == size ? data : java.util.Arrays.copyOf(data, Math.max(n, 0));
    }

    private byte[] write(ByteBuffer in) throws IOException {
        FsHandle handle = handle(in.getLong(0));
        long offset = in.getLong(8);
        int size = in.getInt(16);
        int at = minor >= 9 ? 40 : 24;
        if (size < 0 || at + size > in.limit()) {
            throw new FsError(Errno.EINVAL, "a write longer than its request");
        }
        int n = handle.write(offset, in.array(), in.arrayOffset() + at, size);
        return ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putInt(n).putInt(0).array();
    }

    private byte[] readdir(long nodeId, ByteBuffer in) throws FsError {
        List<MountedFs.Entry> entries = dirs.get(in.getLong(0));
        if (entries == null) {
            throw new FsError(Errno.EBADF, "directory not open");
        }
        long offset = in.getLong(8);
        int size = Math.min(in.getInt(16), MAX_WRITE);
        ByteBuffer out = ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
        for (long i = Math.max(offset, 0); i < entries.size(); i++) {
            MountedFs.Entry e = entries.get((int) i);
            byte[] entryName = e.name().getBytes(StandardCharsets.UTF_8);
            int record = (24 + entryName.length + 7) & ~7;
            if (out.remaining() < record) {
                break;
            }
            int start = out.position();
            long ino = i < 2 ? nodeId : (e.name().hashCode() & 0xffffffffL) | 0x100000000L;
            out.putLong(ino).putLong(i + 1).putInt(entryName.length).putInt(e.kind() == null ? 0 : e.kind().direntType).put(entryName);
            out.position(start + record);
        }
        return java.util.Arrays.copyOf(out.array(), out.position());
    }

    private byte[] statfs() {
        long[] space = fs.space();
        long blockSize = 4096;
        ByteBuffer out = ByteBuffer.allocate(80).order(ByteOrder.LITTLE_ENDIAN);
        out.putLong(space[0] / blockSize).putLong(space[1] / blockSize).putLong(space[1] / blockSize)
                .putLong(0).putLong(0).putInt((int) blockSize).putInt(MAX_NAME).putInt((int) blockSize);
        return out.array();
    }

    private byte[] xattr(int opcode, Inode node, ByteBuffer in) throws IOException {
        int size = in.getInt(0);
        byte[] value;
        if (opcode == GETXATTR) {
            Optional<byte[]> found = fs.xattr(node.path, node.ref, cString(in.position(8)));
            value = found.orElseThrow(() -> new FsError(Errno.ENODATA, "no such attribute"));
        } else {
            java.io.ByteArrayOutputStream names = new java.io.ByteArrayOutputStream();
            for (String n : fs.xattrNames(node.path, node.ref)) {
                names.writeBytes(n.getBytes(StandardCharsets.UTF_8));
                names.write(0);
            }
            value = names.toByteArray();
        }
        if (size == 0) {
            return ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putInt(value.length).putInt(0).array();
        }
        if (value.length > size) {
            throw new FsError(Errno.ERANGE, "attribute longer than the buffer");
        }
        return value;
    }

    // --- nodes

    private Inode node(long id) throws FsError {
        nodesLock.lock();
        try {
            Inode node = nodes.get(id);
            if (node == null) {
                throw new FsError(Errno.ENOENT, "unknown node " + id);
            }
            return node;
        } finally {
            nodesLock.unlock();
        }
    }

    /** The node for {@code path}, known to the kernel one lookup more. */
    private Inode remember(String path, MountedFs.Found found) {
        nodesLock.lock();
        try {
            Inode node = byPath.get(path);
            if (node == null) {
                node = new Inode(nextId.getAndIncrement(), path, found.ref());
                nodes.put(node.id, node);
                byPath.put(path, node);
            } else {
                node.ref = found.ref();
            }
            node.lookups++;
            return node;
        } finally {
            nodesLock.unlock();
        }
    }

    private void forget(long id, long count) {
        nodesLock.lock();
        try {
            Inode node = nodes.get(id);
            if (node == null || id == ROOT_ID) {
                return;
            }
            node.lookups -= count;
            if (node.lookups <= 0) {
                nodes.remove(id);
                byPath.remove(node.path, node);
            }
        } finally {
            nodesLock.unlock();
        }
    }

    private void dropPath(String path) {
        nodesLock.lock();
        try {
            byPath.remove(path);
        } finally {
            nodesLock.unlock();
        }
    }

    /** After a rename, the kernel's nodes at and below {@code from} live at {@code to}. */
    private void moved(String from, String to) {
        nodesLock.lock();
        try {
            byPath.remove(to);
            List<Inode> affected = new ArrayList<>();
            for (Inode node : nodes.values()) {
                if (node.path.equals(from) || node.path.startsWith(from + "/")) {
                    affected.add(node);
                }
            }
            for (Inode node : affected) {
                byPath.remove(node.path, node);
                node.path = to + node.path.substring(from.length());
                byPath.put(node.path, node);
            }
        } finally {
            nodesLock.unlock();
        }
    }

    private static String child(Inode parent, String childName) throws FsError {
        checkName(childName);
        return parent.path.equals("/") ? "/" + childName : parent.path + "/" + childName;
    }

    private static void checkName(String childName) throws FsError {
        if (childName.isEmpty() || childName.equals(".") || childName.equals("..") || childName.indexOf('/') >= 0) {
            throw new FsError(Errno.EINVAL, "bad name");
        }
        if (childName.getBytes(StandardCharsets.UTF_8).length > MAX_NAME) {
            throw new FsError(Errno.ENAMETOOLONG, "name too long");
        }
    }

    private long keep(FsHandle handle) {
        long fh = nextHandle.getAndIncrement();
        files.put(fh, handle);
        return fh;
    }

    private FsHandle handle(long fh) throws FsError {
        FsHandle handle = files.get(fh);
        if (handle == null) {
            throw new FsError(Errno.EBADF, "file not open");
        }
        return handle;
    }

    // --- replies

    private byte[] entry(Inode node, FsAttr attr) {
        Duration cache = fs.cacheTime(node.ref);
        ByteBuffer out = ByteBuffer.allocate(40 + 88).order(ByteOrder.LITTLE_ENDIAN);
        out.putLong(node.id).putLong(0).putLong(cache.toSeconds()).putLong(cache.toSeconds())
                .putInt(cache.toNanosPart()).putInt(cache.toNanosPart());
        putAttr(out, node.id, attr);
        return out.array();
    }

    private byte[] attrOut(Inode node, FsAttr attr) {
        long id = node.id;
        Duration cache = fs.cacheTime(node.ref);
        ByteBuffer out = ByteBuffer.allocate(16 + 88).order(ByteOrder.LITTLE_ENDIAN);
        out.putLong(cache.toSeconds()).putInt(cache.toNanosPart()).putInt(0);
        putAttr(out, id, attr);
        return out.array();
    }

    private void putAttr(ByteBuffer out, long id, FsAttr attr) {
        long size = attr.size();
        out.putLong(id).putLong(size).putLong((size + 511) / 512)
                .putLong(attr.mtimeSeconds()).putLong(attr.mtimeSeconds()).putLong(attr.mtimeSeconds())
                .putInt(attr.mtimeNanos()).putInt(attr.mtimeNanos()).putInt(attr.mtimeNanos())
                .putInt(attr.kind().modeBits | (attr.permissions() & 07777))
                .putInt(1) // as Kubo's mounts: a directory's subdirectories are not counted
                .putInt(uid).putInt(gid).putInt(0).putInt(4096).putInt(0);
    }

    private static byte[] openOut(long fh, int flags) {
        return ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putLong(fh).putInt(flags).putInt(0).array();
    }

    private static String cString(ByteBuffer in) throws FsError {
        int start = in.position();
        for (int i = start; i < in.limit(); i++) {
            if (in.get(i) == 0) {
                byte[] bytes = new byte[i - start];
                in.get(start, bytes);
                in.position(i + 1);
                return new String(bytes, StandardCharsets.UTF_8);
            }
        }
        throw new FsError(Errno.EINVAL, "a name without its terminating zero");
    }

    private void reply(long unique, byte[] body) {
        int length = OUT_HEADER + (body == null ? 0 : body.length);
        send(unique, 0, body, length);
    }

    private void replyError(long unique, int errno) {
        send(unique, -errno, null, OUT_HEADER);
    }

    private void send(long unique, int error, byte[] body, int length) {
        ByteBuffer buffer = replies.poll();
        if (buffer == null || buffer.capacity() < length) {
            buffer = ByteBuffer.allocateDirect(Math.max(length, REQUEST_BUFFER));
        }
        try {
            buffer.clear().order(ByteOrder.LITTLE_ENDIAN);
            buffer.putInt(length).putInt(error).putLong(unique);
            if (body != null) {
                buffer.put(body);
            }
            buffer.position(0);
            device.write(buffer, length);
        } catch (IOException e) {
            LOG.log(Level.WARNING, "FUSE " + name + ": a reply could not be written", e);
        } finally {
            replies.offer(buffer);
        }
    }

    /**
     * Unmounts, waits for the readers to see the end of the connection, and closes open files.
     * A mount still busy after 5 s (a process inside it) is aborted through
     * {@code /sys/fs/fuse/connections}, which fails its open files' next calls with ENOTCONN.
     */
    @Override
    public void close() throws IOException {
        IOException failure = null;
        try {
            device.unmount();
        } catch (IOException e) {
            failure = e;
        }
        if (!joinReaders(Duration.ofSeconds(5)) && connection >= 0) {
            try {
                Files.writeString(Path.of("/sys/fs/fuse/connections", Long.toString(connection), "abort"), "1");
            } catch (IOException e) {
                LOG.log(Level.FINE, "could not abort FUSE connection " + connection, e);
            }
            joinReaders(Duration.ofSeconds(5));
        }
        handlers.shutdown();
        try {
            handlers.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        for (FsHandle handle : files.values()) {
            try {
                handle.release();
            } catch (IOException e) {
                LOG.log(Level.WARNING, "FUSE " + name + ": an open file could not be saved at unmount", e);
            }
        }
        files.clear();
        device.close();
        if (failure != null) {
            throw failure;
        }
    }

    private boolean joinReaders(Duration deadline) {
        long end = System.nanoTime() + deadline.toNanos();
        for (Thread t : readers) {
            try {
                long left = end - System.nanoTime();
                if (left <= 0 || !t.join(Duration.ofNanos(left))) {
                    return false;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return true;
    }
}
