package io.p2pkit.ipfs.repo;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The lock that keeps a repository to one process: an OS file lock on {@code repo.lock} (as Kubo
 * has), with the holder's PID written inside so that the next one can say who holds it. The OS
 * releases the lock when the process dies, {@code kill -9} included, so a stale file never locks
 * anyone out.
 */
final class RepoLock implements Closeable {
    static final String FILE = "repo.lock";
    private static final int MAX_PID_TEXT = 32;
    // Repositories open in this JVM, checked before any second channel to the lock file is opened:
    // closing any descriptor of a file drops the process's POSIX locks on it.
    private static final Set<Path> OPEN_HERE = ConcurrentHashMap.newKeySet();

    private final Path key;
    private final FileChannel channel;
    private final FileLock lock;

    private RepoLock(Path key, FileChannel channel, FileLock lock) {
        this.key = key;
        this.channel = channel;
        this.lock = lock;
    }

    static RepoLock acquire(Path root) throws IOException {
        Path key = root.toRealPath();
        if (!OPEN_HERE.add(key)) {
            throw new RepoLockedException(root, OptionalLong.of(ProcessHandle.current().pid()), "already open in this process");
        }
        FileChannel ch = null;
        try {
            ch = FileChannel.open(root.resolve(FILE), StandardOpenOption.CREATE, StandardOpenOption.READ,
                    StandardOpenOption.WRITE);
            FileLock lock;
            try {
                lock = ch.tryLock();
            } catch (OverlappingFileLockException e) {
                lock = null;
            }
            if (lock == null) {
                throw new RepoLockedException(root, parsePid(readHead(ch)), "");
            }
            ch.truncate(0);
            ch.write(ByteBuffer.wrap((ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.US_ASCII)), 0);
            ch.force(true);
            return new RepoLock(key, ch, lock);
        } catch (IOException | RuntimeException e) {
            if (ch != null) {
                ch.close();
            }
            OPEN_HERE.remove(key);
            throw e;
        }
    }

    private static String readHead(FileChannel ch) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(MAX_PID_TEXT);
        while (buf.hasRemaining() && ch.read(buf, buf.position()) > 0) {
            // read at absolute positions until full or at the end
        }
        return new String(buf.array(), 0, buf.position(), StandardCharsets.ISO_8859_1);
    }

    /**
     * The PID in a lock file's text: decimal digits, optionally surrounded by white space.
     *
     * @return it, or empty for anything else
     */
    static OptionalLong parsePid(String text) {
        String s = text.strip();
        if (s.isEmpty() || s.length() > 18) {
            return OptionalLong.empty();
        }
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) < '0' || s.charAt(i) > '9') {
                return OptionalLong.empty();
            }
        }
        long pid = Long.parseLong(s);
        return pid > 0 ? OptionalLong.of(pid) : OptionalLong.empty();
    }

    /** Releases the lock; the file stays (its content is stale once unlocked). */
    @Override
    public void close() throws IOException {
        try {
            if (lock.isValid()) {
                lock.release();
            }
            channel.close();
        } finally {
            OPEN_HERE.remove(key);
        }
    }
}
