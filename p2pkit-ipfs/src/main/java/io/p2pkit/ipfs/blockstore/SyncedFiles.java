package io.p2pkit.ipfs.blockstore;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Durable file writes, as the stores make them: a temporary file in the target's directory,
 * written and fsynced, renamed over the target in one atomic step, then the directory fsynced so
 * the rename itself survives a power loss. A crash leaves either the old file or the new one,
 * never a torn one; at worst a temporary file, which the owner removes when it opens.
 */
public final class SyncedFiles {
    /** The prefix of temporary files: go-ds-flatfs's, so Kubo skips ours as we skip its. */
    public static final String TEMP_PREFIX = "put-";

    private static final boolean WINDOWS = System.getProperty("os.name", "").startsWith("Windows");

    private SyncedFiles() {
    }

    /**
     * Replaces {@code target} with {@code data}, durably.
     *
     * @param target the file
     * @param data   its new content
     * @throws IOException when it cannot be written
     */
    public static void writeAtomically(Path target, byte[] data) throws IOException {
        Path dir = target.toAbsolutePath().getParent();
        Path tmp = writeTemp(dir, data, true);
        try {
            moveAtomically(tmp, target);
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(tmp);
            throw e;
        }
        syncDirectory(dir);
    }

    /**
     * Writes {@code data} to a new temporary file in {@code dir}.
     *
     * @return the temporary file
     */
    static Path writeTemp(Path dir, byte[] data, boolean sync) throws IOException {
        return writeTemp(dir, data, sync, null);
    }

    /**
     * Writes {@code data} to a new temporary file in {@code dir}; a synced one directly, past the
     * page cache, when {@code direct} takes it.
     *
     * @return the temporary file
     */
    static Path writeTemp(Path dir, byte[] data, boolean sync, DirectWrites direct) throws IOException {
        // 63 random bits: Long.toUnsignedString of a negative number in base 36 goes through BigInteger
        Path tmp = dir.resolve(TEMP_PREFIX + Long.toString(ThreadLocalRandom.current().nextLong() >>> 1, 36));
        if (sync && direct != null && direct.wants(data.length) && direct.write(tmp, data)) {
            return tmp;
        }
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            ByteBuffer buf = ByteBuffer.wrap(data);
            while (buf.hasRemaining()) {
                ch.write(buf);
            }
            if (sync) {
                ch.force(true);
            }
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(tmp);
            throw e;
        }
        return tmp;
    }

    /** Renames {@code from} over {@code to} in one step (rename(2) replaces an existing target). */
    static void moveAtomically(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            throw new IOException("the file system of " + to + " cannot rename atomically, which crash safety needs", e);
        }
    }

    /**
     * Flushes a directory's entries (new, renamed and removed names) to the device.
     *
     * @param dir the directory
     * @throws IOException when the directory cannot be synced
     */
    public static void syncDirectory(Path dir) throws IOException {
        if (WINDOWS) {
            return; // NTFS cannot open a directory for fsync; its metadata is journaled
        }
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        }
    }

    /**
     * Removes {@code root} and everything under it; nothing when it does not exist.
     *
     * @param root a file or directory
     * @throws IOException when something cannot be removed
     */
    public static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (java.util.stream.Stream<Path> all = Files.walk(root)) {
            for (Path p : all.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
