package io.p2pkit.ipfs.blockstore;

import io.p2pkit.core.logging.LazyLogger;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;

/**
 * How many blocks a flatfs store holds and their bytes, known without reading every block
 * directory at each open (10,000 blocks cost a fresh command about 170 ms, a million would cost
 * seconds). A clean close writes the counts to {@value #FILE} in the store's root; the first
 * change after an open removes that file, durably, before the change is made; an open that finds
 * no file counts the blocks, removing the temporary files a crash left, when the counts are first
 * needed: at the first change, or when asked. So the file exists only while it is true, and a
 * command that only reads never lists the directories. As go-ds-flatfs trusts its own
 * {@code diskUsage.cache}, the counts do not see blocks another program (Kubo) adds to or removes
 * from the directory while p2pkit has it closed; removing the file has them counted again.
 */
final class FlatfsUsage {
    /** The file in the store's root; hidden, so that neither Kubo nor the shard walk takes it for a directory of blocks. */
    static final String FILE = ".p2pkit-usage";
    private static final int MAX_BYTES = 128;
    private static final String HEADER = "p2pkit flatfs usage v1";
    private static final System.Logger LOG = LazyLogger.of(FlatfsUsage.class);

    private final AtomicLong count = new AtomicLong();
    private final AtomicLong bytes = new AtomicLong();
    private final Path root;
    // one thread at a time loads, counts, removes or writes the file
    private final ReentrantLock lock = new ReentrantLock();
    private volatile boolean known;
    // whether the file on disk holds the current counts
    private volatile boolean saved;
    private int removedTempFiles;

    FlatfsUsage(Path root) {
        this.root = root;
    }

    /** Loads the counts from the file, or counts the blocks (removing temporary files); once. */
    void ensureKnown() throws IOException {
        if (known) {
            return;
        }
        lock.lock();
        try {
            if (known) {
                return;
            }
            Path file = root.resolve(FILE);
            long[] stored = read(file);
            if (stored != null) {
                count.set(stored[0]);
                bytes.set(stored[1]);
                saved = true;
            } else {
                Files.deleteIfExists(file); // unreadable: counted again, and written again at close
                scan();
            }
            known = true;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Before a change: the counts known and the file gone for good, so that a crash during the
     * change leaves no counts that would be false.
     */
    void beforeChange() throws IOException {
        if (known && !saved) {
            return;
        }
        lock.lock();
        try {
            ensureKnown();
            if (saved) {
                Files.deleteIfExists(root.resolve(FILE));
                SyncedFiles.syncDirectory(root);
                saved = false;
            }
        } finally {
            lock.unlock();
        }
    }

    /** A block file of {@code size} bytes appeared ({@code replaced}: over one of {@code replaced} bytes; -1: none). */
    void added(long size, long replaced) {
        if (replaced < 0) {
            count.incrementAndGet();
            bytes.addAndGet(size);
        } else {
            bytes.addAndGet(size - replaced);
        }
    }

    /** A block file of {@code size} bytes was removed. */
    void removed(long size) {
        count.decrementAndGet();
        bytes.addAndGet(-size);
    }

    /** The block count, counting the blocks first when it is not known yet. */
    long count() throws IOException {
        ensureKnown();
        return count.get();
    }

    /** The blocks' bytes, counting the blocks first when they are not known yet. */
    long bytes() throws IOException {
        ensureKnown();
        return bytes.get();
    }

    /** At a clean close: the counts written down for the next open, when known and not there yet. */
    void save() {
        lock.lock();
        try {
            if (!known || saved) {
                return;
            }
            SyncedFiles.writeAtomically(root.resolve(FILE), format(count.get(), bytes.get()));
            saved = true;
        } catch (IOException e) {
            LOG.log(System.Logger.Level.WARNING, () -> "could not write " + root.resolve(FILE)
                    + "; the next open counts the blocks again: " + e);
        } finally {
            lock.unlock();
        }
    }

    /** How many temporary files the count removed (none when the counts came from the file). */
    int removedTempFiles() throws IOException {
        ensureKnown();
        lock.lock();
        try {
            return removedTempFiles;
        } finally {
            lock.unlock();
        }
    }

    /** The file's content for these counts. */
    static byte[] format(long count, long bytes) {
        return (HEADER + "\ncount " + count + "\nbytes " + bytes + "\n").getBytes(StandardCharsets.US_ASCII);
    }

    /** The counts in {@code file}, or null when it is missing or not exactly what {@link #save} writes. */
    private static long[] read(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return parse(in.readNBytes(MAX_BYTES + 1));
        } catch (NoSuchFileException e) {
            return null;
        }
    }

    /** The counts {@link #format} wrote into {@code raw}, or null for anything else (at most {@value #MAX_BYTES} bytes). */
    static long[] parse(byte[] raw) {
        String[] lines = new String(raw, StandardCharsets.US_ASCII).split("\n", -1);
        if (raw.length > MAX_BYTES || lines.length != 4 || !lines[0].equals(HEADER) || !lines[3].isEmpty()) {
            return null;
        }
        long count = field(lines[1], "count ");
        long bytes = field(lines[2], "bytes ");
        return count < 0 || bytes < 0 ? null : new long[] {count, bytes};
    }

    private static long field(String line, String name) {
        if (!line.startsWith(name) || line.length() == name.length() || line.length() > name.length() + 19
                || (line.charAt(name.length()) == '0' && line.length() > name.length() + 1)) {
            return -1; // empty, too long, or with a leading zero save never writes
        }
        for (int i = name.length(); i < line.length(); i++) {
            if (line.charAt(i) < '0' || line.charAt(i) > '9') {
                return -1;
            }
        }
        try {
            return Long.parseLong(line, name.length(), line.length(), 10);
        } catch (NumberFormatException overLongMax) {
            return -1;
        }
    }

    /** Counts the blocks and removes temporary files, syncing each directory something was removed from. */
    private void scan() throws IOException {
        long blocks = 0;
        long total = 0;
        int removed = removeTemps(root);
        Path kuboTemp = root.resolve(FlatfsBlockstore.KUBO_TEMP_DIR);
        if (Files.isDirectory(kuboTemp)) {
            removed += removeAll(kuboTemp);
        }
        for (Path dir : FlatfsBlockstore.shardDirectories(root)) {
            int removedHere = 0;
            try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
                for (Path f : files) {
                    String name = f.getFileName().toString();
                    if (name.startsWith(SyncedFiles.TEMP_PREFIX)) {
                        Files.deleteIfExists(f);
                        removedHere++;
                    } else if (name.endsWith(FlatfsKey.EXTENSION)) {
                        BasicFileAttributes a = Files.readAttributes(f, BasicFileAttributes.class);
                        if (a.isRegularFile()) {
                            blocks++;
                            total += a.size();
                        }
                    }
                }
            }
            if (removedHere > 0) {
                SyncedFiles.syncDirectory(dir);
                removed += removedHere;
            }
        }
        count.set(blocks);
        bytes.set(total);
        removedTempFiles = removed;
    }

    private static int removeTemps(Path dir) throws IOException {
        int removed = 0;
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, SyncedFiles.TEMP_PREFIX + "*")) {
            for (Path f : files) {
                if (Files.isRegularFile(f)) {
                    Files.deleteIfExists(f);
                    removed++;
                }
            }
        }
        if (removed > 0) {
            SyncedFiles.syncDirectory(dir);
        }
        return removed;
    }

    private static int removeAll(Path dir) throws IOException {
        int removed = 0;
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
            for (Path f : files) {
                if (Files.isDirectory(f)) {
                    removed += removeAll(f);
                }
                Files.deleteIfExists(f);
                removed++;
            }
        }
        return removed;
    }
}
