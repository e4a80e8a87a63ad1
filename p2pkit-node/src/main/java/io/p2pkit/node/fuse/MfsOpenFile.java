package io.p2pkit.node.fuse;

import io.p2pkit.ipfs.mfs.Mfs;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A file of the MFS mount opened through FUSE. Writes are not applied one by one (each would
 * rewrite the file's DAG and every directory above it): a contiguous run of them is kept in a
 * spool file and written to the MFS with one {@link Mfs#write} when the file is flushed, synced
 * or closed, when a write lands outside the run, when a read needs the data, or when the run
 * outgrows its cap.
 */
final class MfsOpenFile implements FsHandle {
    private final MfsFs fs;
    private final boolean writable;
    private final Path spoolDir;
    private final long cap;
    private final ReentrantLock lock = new ReentrantLock();
    private volatile String path;
    /** Where the buffered run starts in the file, and how long it is (0: nothing buffered). */
    private long runStart;
    private long runLength;
    /** The run's end in the file, 0 when nothing is buffered: read by getattr without the lock. */
    private volatile long runEnd;
    private FileChannel spool;
    private Path spoolFile;
    /** Set when the file was unlinked through the mount: what is buffered has nowhere to go. */
    private volatile boolean discarded;

    MfsOpenFile(MfsFs fs, String path, boolean writable, Path spoolDir, long cap) {
        this.fs = fs;
        this.path = path;
        this.writable = writable;
        this.spoolDir = spoolDir;
        this.cap = cap;
    }

    String path() {
        return path;
    }

    /** After a rename through the mount: the file now lives at {@code newPath}. */
    void movedTo(String newPath) {
        path = newPath;
    }

    void discard() {
        discarded = true;
    }

    /** The file's end as this handle's buffered writes make it, or 0 when nothing is buffered. */
    long bufferedEnd() {
        return runEnd;
    }

    boolean hasBuffered() {
        return runEnd > 0;
    }

    @Override
    public int read(long offset, byte[] into, int length) throws IOException {
        fs.flushWrites(path); // this handle's and any other's on the same file
        return fs.readAt(path, offset, into, length);
    }

    @Override
    public int write(long offset, byte[] from, int start, int length) throws IOException {
        if (!writable) {
            throw new FsError(Errno.EBADF, "not open for writing");
        }
        if (offset < 0) {
            throw new FsError(Errno.EINVAL, "negative offset");
        }
        if (length == 0) {
            return 0;
        }
        lock.lock();
        try {
            if (runLength > 0 && (offset < runStart || offset > runStart + runLength)) {
                applyLocked(); // outside the run: the run goes first
            }
            if (runLength == 0) {
                runStart = offset;
                if (spool != null) {
                    spool.truncate(0);
                }
            }
            FileChannel out = spool();
            ByteBuffer data = ByteBuffer.wrap(from, start, length);
            long at = offset - runStart;
            while (data.hasRemaining()) {
                at += out.write(data, at);
            }
            runLength = Math.max(runLength, offset + length - runStart);
            runEnd = runStart + runLength;
            if (runLength >= cap) {
                applyLocked();
            }
            return length;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void flush() throws IOException {
        lock.lock();
        try {
            applyLocked();
        } finally {
            lock.unlock();
        }
    }

    /** Applies what is buffered, then drops the spool file; the handle is gone either way. */
    @Override
    public void release() throws IOException {
        lock.lock();
        try {
            applyLocked();
        } finally {
            runLength = 0;
            runEnd = 0;
            closeSpool();
            lock.unlock();
            fs.closed(this);
        }
    }

    private void applyLocked() throws IOException {
        if (runLength == 0) {
            return;
        }
        if (!discarded) {
            fs.applyWrite(path, runStart, runLength, new SpoolInput(spool, runLength));
        }
        runLength = 0; // kept on failure: a later flush or fsync tries again
        runEnd = 0;
    }

    /** The first {@code length} bytes of the spool, read at their positions (the channel stays open). */
    private static final class SpoolInput extends InputStream {
        private final FileChannel channel;
        private final long length;
        private long at;

        SpoolInput(FileChannel channel, long length) {
            this.channel = channel;
            this.length = length;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (at >= length) {
                return len == 0 ? 0 : -1;
            }
            int n = channel.read(ByteBuffer.wrap(b, off, (int) Math.min(len, length - at)), at);
            if (n > 0) {
                at += n;
            }
            return n;
        }
    }

    private FileChannel spool() throws IOException {
        if (spool == null) {
            spoolFile = Files.createTempFile(Files.createDirectories(spoolDir), "mfs-fuse-", ".spool");
            spool = FileChannel.open(spoolFile, StandardOpenOption.READ, StandardOpenOption.WRITE,
                    StandardOpenOption.DELETE_ON_CLOSE);
        }
        return spool;
    }

    private void closeSpool() throws IOException {
        if (spool != null) {
            spool.close();
            Files.deleteIfExists(spoolFile);
            spool = null;
        }
    }
}
