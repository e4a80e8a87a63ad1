package io.p2pkit.ipfs.blockstore;

import io.p2pkit.core.DecodeException;
import io.p2pkit.core.multiformats.Cid;
import io.p2pkit.core.multiformats.Multihash;
import io.p2pkit.ipfs.block.Block;
import io.p2pkit.ipfs.block.BlockArrays;
import io.p2pkit.ipfs.block.BlockMismatchException;
import io.p2pkit.ipfs.block.DirectBuffers;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.locks.ReentrantLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.LongConsumer;
import java.util.stream.Stream;

/**
 * Blocks on disk, one file per block, in Kubo's flatfs layout, so that a Kubo repository's
 * {@code blocks/} directory can be opened and ours can be read by Kubo:
 * <ul>
 * <li>a block's file is {@code <key>.data}, where the key is its multihash in upper-case base32
 *     without padding ({@code CIQ…} for sha2-256);</li>
 * <li>it lives in the directory named by the sharding function in the {@code SHARDING} file,
 *     {@code /repo/flatfs/shard/v1/next-to-last/2} for new stores: the two characters before the
 *     key's last one ({@code …X3Y.data} goes into {@code X3/});</li>
 * <li>{@code _README} explains the layout to a human.</li>
 * </ul>
 *
 * <p><b>Crash safety.</b> A put writes a temporary file ({@code put-…}) in the block's directory,
 * fsyncs it, renames it to its final name in one atomic step and fsyncs the directory (with
 * {@link Options#syncWrites}; without it the same steps run without the fsyncs, which still
 * survives the death of the process but not a power loss). So a block file is either absent or
 * complete; a crash can only leave temporary files, which are removed (with the files in Kubo's
 * own {@code .temp/} directory) when the store next counts its blocks. A delete is not fsynced: a
 * power loss may bring a deleted block back, which is harmless.
 *
 * <p><b>Counts.</b> {@link #count()} and {@link #totalSize()} come from the file a clean close
 * writes, so that an open reads no block directory; after a crash, the first change or question
 * counts the blocks again ({@link FlatfsUsage}).
 *
 * <p><b>Damage.</b> Files changed behind the store's back are found by re-hashing: on every read
 * with {@link Options#verifyOnRead} (a {@link CorruptBlockException} names the block and file),
 * and for all blocks by {@link #verify()}. A file larger than the block size limit is refused on
 * read without being loaded. A put of a block whose file exists with a different size rewrites
 * it, which repairs a truncated file.
 */
public final class FlatfsBlockstore implements Blockstore {
    /**
     * How a disk store writes and reads.
     *
     * @param syncWrites     fsync each block file and its directory before a put returns
     * @param verifyOnRead   re-hash every block read and refuse one that does not match (Kubo's
     *                       {@code Datastore.HashOnRead})
     * @param allowBigBlocks accept blocks over {@link Block#MAX_SIZE}
     */
    public record Options(boolean syncWrites, boolean verifyOnRead, boolean allowBigBlocks) {
        /** @return synced writes, verified reads, no big blocks */
        public static Options defaults() {
            return new Options(true, true, false);
        }

        /**
         * @param sync fsync on put
         * @return these options with {@code syncWrites} set
         */
        public Options withSyncWrites(boolean sync) {
            return new Options(sync, verifyOnRead, allowBigBlocks);
        }

        /**
         * @param verify re-hash on read
         * @return these options with {@code verifyOnRead} set
         */
        public Options withVerifyOnRead(boolean verify) {
            return new Options(syncWrites, verify, allowBigBlocks);
        }

        /**
         * @param allow accept blocks over 2 MiB
         * @return these options with {@code allowBigBlocks} set
         */
        public Options withAllowBigBlocks(boolean allow) {
            return new Options(syncWrites, verifyOnRead, allow);
        }
    }

    static final String README = "_README";
    /** Where go-ds-flatfs puts its temporary files; emptied at open, as Kubo does. */
    static final String KUBO_TEMP_DIR = ".temp";
    private static final int STRIPES = 64;

    private final Path root;
    private final Sharding sharding;
    private final Options options;
    // one lock per stripe of keys: a put and a delete of the same key see each other's file
    private final ReentrantLock[] stripes = new ReentrantLock[STRIPES];
    private final FlatfsUsage usage;
    // synced chunk-sized blocks past the page cache; null when not synced or not possible here
    private final DirectWrites direct;
    // changes hold it shared; close takes it alone, so the counts it saves include every change
    private final ReentrantReadWriteLock changes = new ReentrantReadWriteLock();
    // shard directories a batch renames files into before it syncs them, and how many batches or
    // writers hold each: a put that finds its block there syncs the directory before it returns.
    // At most one entry per shard directory (1,024 with Kubo's sharding).
    private final java.util.concurrent.ConcurrentHashMap<Path, Integer> unsynced = new java.util.concurrent.ConcurrentHashMap<>();
    private volatile boolean closed;

    private FlatfsBlockstore(Path root, Sharding sharding, Options options) {
        this.root = root;
        this.sharding = sharding;
        this.options = options;
        this.usage = new FlatfsUsage(root);
        this.direct = options.syncWrites() ? DirectWrites.forStore(root, BATCH_SYNCS) : null;
        for (int i = 0; i < STRIPES; i++) {
            stripes[i] = new ReentrantLock();
        }
    }

    /**
     * Opens the store in {@code dir}, creating it (with Kubo's {@code next-to-last/2} sharding)
     * when the directory is missing or empty. Reads no block directory: the counts come from the
     * last clean close, or are made (removing what a crash left) when first needed.
     *
     * @param dir     the directory, e.g. a repository's {@code blocks/}
     * @param options how to write and read
     * @return the store
     * @throws IOException when the directory is not a flatfs store (no or a bad SHARDING file in
     *                     a non-empty directory) or cannot be read
     */
    public static FlatfsBlockstore open(Path dir, Options options) throws IOException {
        Objects.requireNonNull(options, "options");
        Path root = dir.toAbsolutePath();
        Files.createDirectories(root);
        Path shardingFile = root.resolve(Sharding.FILE);
        if (!Files.exists(shardingFile)) {
            if (!isEmpty(root)) {
                throw new IOException(root + " has files but no " + Sharding.FILE + " file: it is not a flatfs block directory");
            }
            SyncedFiles.writeAtomically(shardingFile, (Sharding.KUBO_DEFAULT + "\n").getBytes(StandardCharsets.US_ASCII));
            SyncedFiles.writeAtomically(root.resolve(README), readme(Sharding.KUBO_DEFAULT).getBytes(StandardCharsets.UTF_8));
        }
        return new FlatfsBlockstore(root, readSharding(shardingFile), options);
    }

    private static Sharding readSharding(Path file) throws IOException {
        long size = Files.size(file);
        if (size > Sharding.MAX_TEXT) {
            throw new IOException(file + " has " + size + " bytes, not a sharding identifier");
        }
        try {
            String text = StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(Files.readAllBytes(file))).toString();
            return Sharding.parse(text);
        } catch (CharacterCodingException | DecodeException e) {
            throw new IOException(file + " is not a flatfs sharding identifier: " + e.getMessage(), e);
        }
    }

    static List<Path> shardDirectories(Path root) throws IOException {
        List<Path> dirs = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(root)) {
            for (Path p : entries) {
                if (!p.getFileName().toString().startsWith(".") && Files.isDirectory(p)) {
                    dirs.add(p);
                }
            }
        }
        return dirs;
    }

    private static boolean isEmpty(Path dir) throws IOException {
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
            return !entries.iterator().hasNext();
        }
    }

    /** @return the store's directory */
    public Path directory() {
        return root;
    }

    /** @return the options it was opened with */
    public Options options() {
        return options;
    }

    /** @return the sharding identifier from its SHARDING file */
    public String shardingIdentifier() {
        return sharding.toString();
    }

    /**
     * @return how many temporary files left by a crash were removed when the blocks were counted
     *         (counting them now if they were not yet)
     * @throws IOException when the directories cannot be read
     */
    public int removedTempFiles() throws IOException {
        return usage.removedTempFiles();
    }

    /**
     * @param key a block's multihash
     * @return the file that holds (or would hold) it
     */
    public Path pathOf(Multihash key) {
        String name = FlatfsKey.encode(key);
        return root.resolve(sharding.directoryOf(name)).resolve(name + FlatfsKey.EXTENSION);
    }

    @Override
    public Optional<Block> get(Cid cid) throws IOException {
        return load(cid, null);
    }

    /** As {@link #get}, the file read into an array from {@code arrays}. */
    @Override
    public Optional<Block> get(Cid cid, BlockArrays arrays) throws IOException {
        return load(cid, Objects.requireNonNull(arrays, "arrays"));
    }

    /** The block, read into a new array or one from {@code arrays}, and hashed first when the store verifies what it reads. */
    private Optional<Block> load(Cid cid, BlockArrays arrays) throws IOException {
        requireOpen();
        Multihash key = cid.multihash();
        Path file = pathOf(key);
        byte[] data;
        try {
            data = read(key, file, arrays);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
        if (options.verifyOnRead() && Multihash.isSupported(key.code())) {
            try {
                return Optional.of(Block.verified(cid, data));
            } catch (BlockMismatchException e) {
                if (arrays != null) {
                    arrays.release(data);
                }
                throw new CorruptBlockException(key, file, "its " + data.length + " bytes do not hash to its multihash");
            }
        }
        return Optional.of(Block.of(cid, data));
    }

    /** Without re-hashing, the file's bytes go straight into the buffer; with it, through {@link #get}. */
    @Override
    public Optional<ByteBuffer> read(Cid cid, DirectBuffers buffers) throws IOException {
        Multihash key = cid.multihash();
        if (options.verifyOnRead() && Multihash.isSupported(key.code())) {
            return Blockstore.super.read(cid, buffers);
        }
        requireOpen();
        Path file = pathOf(key);
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            ByteBuffer buf = buffers.acquire(sizeOf(key, file, ch));
            try {
                readFully(key, file, ch, buf);
            } catch (IOException | RuntimeException e) {
                buffers.release(buf);
                throw e;
            }
            return Optional.of(buf.flip());
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
    }

    private byte[] read(Multihash key, Path file) throws IOException {
        return read(key, file, null);
    }

    /** The file's bytes, in a new array or (given back on failure) one from {@code arrays}. */
    private byte[] read(Multihash key, Path file, BlockArrays arrays) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            int size = sizeOf(key, file, ch);
            byte[] data = arrays == null ? new byte[size] : arrays.acquire(size);
            try {
                readFully(key, file, ch, ByteBuffer.wrap(data));
            } catch (IOException | RuntimeException e) {
                if (arrays != null) {
                    arrays.release(data);
                }
                throw e;
            }
            return data;
        }
    }

    private int sizeOf(Multihash key, Path file, FileChannel ch) throws IOException {
        long size = ch.size();
        int limit = SizeLimit.of(options.allowBigBlocks());
        if (size > limit) {
            throw new CorruptBlockException(key, file, "its file has " + size + " bytes, over the block size limit of " + limit);
        }
        return (int) size;
    }

    private static void readFully(Multihash key, Path file, FileChannel ch, ByteBuffer buf) throws IOException {
        int size = buf.remaining();
        while (buf.hasRemaining()) {
            if (ch.read(buf) < 0) {
                throw new CorruptBlockException(key, file, "its file ended after " + (size - buf.remaining()) + " of " + size + " bytes");
            }
        }
    }

    @Override
    public void put(Block block) throws IOException {
        SizeLimit.check(block, options.allowBigBlocks());
        Multihash key = block.cid().multihash();
        Path file = pathOf(key);
        changes.readLock().lock();
        ReentrantLock lock = stripe(key);
        lock.lock();
        try {
            requireOpen();
            long existing = sizeOrMinusOne(file);
            Path dir = file.getParent();
            if (existing == block.size()) {
                if (options.syncWrites() && unsynced.containsKey(dir)) {
                    SyncedFiles.syncDirectory(dir); // renamed by a batch that has not synced its name yet
                }
                return;
            }
            usage.beforeChange();
            makeDirectory(dir);
            Path tmp = SyncedFiles.writeTemp(dir, block.data(), options.syncWrites(), direct);
            try {
                SyncedFiles.moveAtomically(tmp, file);
            } catch (IOException | RuntimeException e) {
                Files.deleteIfExists(tmp);
                throw e;
            }
            // counted as soon as the file is there, so that the counts a close saves match the
            // directory even when the sync below fails
            usage.added(block.size(), existing);
            if (options.syncWrites()) {
                SyncedFiles.syncDirectory(dir);
            }
        } finally {
            lock.unlock();
            changes.readLock().unlock();
        }
    }

    /**
     * Stores several blocks with one directory sync per shard directory instead of one per block,
     * as go-ds-flatfs's {@code PutMany} does: every block is written to a temporary file and,
     * with {@code syncWrites}, synced (up to {@link #BATCH_SYNCS} at once, so the device can merge
     * the flushes); then each is renamed to its name; then, with {@code syncWrites}, every
     * directory touched is synced once (as many at once again).
     * Crash safety is that of {@link #put}: a block file appears only by renaming a complete,
     * synced file, and the call returns only when every block and every name is durable.
     */
    @Override
    public void putMany(List<Block> blocks) throws IOException {
        BlockWrites batch = writes();
        batch.putMany(blocks);
        batch.sync();
    }

    /**
     * A writer whose batches sync their files as {@link #putMany}'s do, and each directory they
     * touched once, at {@link BlockWrites#sync}. Without {@code syncWrites} nothing is synced,
     * as in {@link #putMany}.
     */
    @Override
    public BlockWrites writes() {
        return new BlockWrites() {
            // the directories this writer holds in unsynced, until its sync (none without syncWrites)
            private final java.util.Set<Path> held = new java.util.HashSet<>();

            @Override
            public void putMany(List<Block> blocks) throws IOException {
                changes.readLock().lock();
                try {
                    putManyOpen(blocks, held);
                } catch (IOException | RuntimeException e) {
                    try {
                        sync(); // what came before the failure is durable too
                    } catch (IOException x) {
                        e.addSuppressed(x);
                    }
                    throw e;
                } finally {
                    changes.readLock().unlock();
                }
            }

            @Override
            public void sync() throws IOException {
                List<Path> dirs = new ArrayList<>(held);
                held.clear();
                try {
                    // each directory's fsync waits for the device, as each file's did: in flight together
                    inParallel(dirs, SyncedFiles::syncDirectory);
                } finally {
                    release(dirs);
                }
            }
        };
    }

    /** @return how many directories hold renamed files whose names are not synced yet (for tests) */
    int unsyncedDirectories() {
        return unsynced.size();
    }

    /** Marks directories as holding renamed files whose names are not synced yet; each mark is released once. */
    private void hold(Path dir) {
        unsynced.merge(dir, 1, Integer::sum);
    }

    private void release(java.util.Collection<Path> dirs) {
        for (Path d : dirs) {
            unsynced.computeIfPresent(d, (k, n) -> n == 1 ? null : n - 1);
        }
    }

    /**
     * Writes and renames the blocks that are not stored yet; with {@code syncWrites}, syncs their
     * files and holds each directory a file is renamed into (or an unsynced one a stored block was
     * found in) in {@code dirs}, for the caller to sync and release.
     */
    private void putManyOpen(List<Block> blocks, java.util.Set<Path> dirs) throws IOException {
        requireOpen();
        List<Block> todo = new ArrayList<>(blocks.size());
        // each block's file named once: the name is the key in base32, the batch's busiest code
        List<Path> files = new ArrayList<>(blocks.size());
        java.util.Set<Multihash> seen = new java.util.HashSet<>();
        for (Block b : blocks) {
            SizeLimit.check(b, options.allowBigBlocks());
            Multihash key = b.cid().multihash();
            if (!seen.add(key)) {
                continue;
            }
            Path file = pathOf(key);
            if (sizeOrMinusOne(file) != b.size()) {
                todo.add(b);
                files.add(file);
            } else if (options.syncWrites() && unsynced.containsKey(file.getParent()) && dirs.add(file.getParent())) {
                hold(file.getParent()); // stored by a batch that has not synced its name yet: this one syncs it too
            }
        }
        if (todo.isEmpty()) {
            return;
        }
        usage.beforeChange();
        java.util.Set<Path> made = new java.util.HashSet<>();
        for (Path file : files) {
            Path dir = file.getParent();
            if (made.add(dir)) {
                makeDirectory(dir);
                // held before any file is renamed into it, so a put that finds the file syncs the name
                if (options.syncWrites() && dirs.add(dir)) {
                    hold(dir);
                }
            }
        }
        Path[] temps = new Path[todo.size()];
        try {
            List<Integer> indexes = new ArrayList<>(todo.size());
            for (int i = 0; i < todo.size(); i++) {
                indexes.add(i);
            }
            // fsync blocks its thread for the device's round trip, and creating files costs system
            // calls: several writes in flight let the device merge flushes and the cores share the calls
            inParallel(indexes, i -> temps[i] = SyncedFiles.writeTemp(files.get(i).getParent(), todo.get(i).data(),
                    options.syncWrites(), direct));
            for (int i = 0; i < todo.size(); i++) {
                Block b = todo.get(i);
                Path file = files.get(i);
                ReentrantLock lock = stripe(b.cid().multihash());
                lock.lock();
                try {
                    long existing = sizeOrMinusOne(file);
                    if (existing == b.size()) {
                        Files.deleteIfExists(temps[i]); // another put got there first
                    } else {
                        SyncedFiles.moveAtomically(temps[i], file);
                        usage.added(b.size(), existing);
                    }
                    temps[i] = null;
                } finally {
                    lock.unlock();
                }
            }
        } finally {
            for (Path t : temps) {
                if (t != null) {
                    Files.deleteIfExists(t);
                }
            }
        }
    }

    /** How many temporary files a batch writes and syncs at once. */
    static final int BATCH_SYNCS = 16;

    /** An action on one item that may fail with an {@link IOException}. */
    private interface IoAction<T> {
        void run(T item) throws IOException;
    }

    /**
     * Runs {@code action} on every item, {@link #BATCH_SYNCS} at once on virtual threads (a single
     * item on this thread), and returns when all are done; the first failure is thrown.
     */
    private static <T> void inParallel(List<T> items, IoAction<T> action) throws IOException {
        if (items.isEmpty()) {
            return;
        }
        if (items.size() == 1) {
            action.run(items.getFirst());
            return;
        }
        java.util.concurrent.Semaphore slots = new java.util.concurrent.Semaphore(BATCH_SYNCS);
        List<java.util.concurrent.Future<?>> runs = new ArrayList<>(items.size());
        try (var pool = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()) {
            for (T item : items) {
                slots.acquireUninterruptibly();
                runs.add(pool.submit(() -> {
                    try {
                        action.run(item);
                    } finally {
                        slots.release();
                    }
                    return null;
                }));
            }
            for (java.util.concurrent.Future<?> r : runs) {
                r.get();
            }
        } catch (java.util.concurrent.ExecutionException e) {
            if (e.getCause() instanceof IOException io) {
                throw io;
            }
            throw new IOException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException("interrupted while writing blocks");
        }
    }

    private void makeDirectory(Path dir) throws IOException {
        if (Files.isDirectory(dir)) {
            return;
        }
        Files.createDirectories(dir);
        if (options.syncWrites()) {
            SyncedFiles.syncDirectory(root); // the new directory's name must survive too
        }
    }

    @Override
    public boolean has(Multihash key) {
        requireOpen();
        return Files.isRegularFile(pathOf(key));
    }

    @Override
    public boolean delete(Multihash key) throws IOException {
        Path file = pathOf(key);
        changes.readLock().lock();
        ReentrantLock lock = stripe(key);
        lock.lock();
        try {
            requireOpen();
            long size = sizeOrMinusOne(file);
            if (size < 0) {
                return false;
            }
            usage.beforeChange();
            if (!Files.deleteIfExists(file)) {
                return false;
            }
            usage.removed(size);
            return true;
        } finally {
            lock.unlock();
            changes.readLock().unlock();
        }
    }

    @Override
    public OptionalInt sizeOf(Multihash key) throws IOException {
        requireOpen();
        long size = sizeOrMinusOne(pathOf(key));
        return size < 0 ? OptionalInt.empty() : OptionalInt.of((int) Math.min(size, Integer.MAX_VALUE));
    }

    /**
     * The keys of the block files, read lazily directory by directory. Files whose name is not a
     * block key, or that sit in the wrong directory, are skipped ({@link #verify()} reports them).
     * An I/O error while reading surfaces as an {@link UncheckedIOException}.
     */
    @Override
    public Stream<Multihash> keys() throws IOException {
        requireOpen();
        return Files.list(root)
                .filter(p -> !p.getFileName().toString().startsWith(".") && Files.isDirectory(p))
                .flatMap(FlatfsBlockstore::listOrEmpty)
                .map(this::placedKey)
                .filter(Objects::nonNull);
    }

    private static Stream<Path> listOrEmpty(Path dir) {
        try {
            return Files.list(dir);
        } catch (NoSuchFileException e) {
            return Stream.empty();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The key of a block file in its right directory, else null. */
    private Multihash placedKey(Path file) {
        Multihash key = FlatfsKey.fromFileName(file.getFileName().toString());
        if (key == null || !file.getParent().getFileName().toString().equals(sharding.directoryOf(FlatfsKey.encode(key)))) {
            return null;
        }
        return key;
    }

    @Override
    public long count() {
        try {
            return usage.count();
        } catch (IOException e) {
            throw cannotCount(e);
        }
    }

    @Override
    public long totalSize() {
        try {
            return usage.bytes();
        } catch (IOException e) {
            throw cannotCount(e);
        }
    }

    private UncheckedIOException cannotCount(IOException e) {
        return new UncheckedIOException("cannot count the blocks in " + root + ": " + e.getMessage(), e);
    }

    /**
     * Re-hashes every block file and reports the ones that fail: damaged content, a file too
     * large to be a block, a name that is not a block key, a file in the wrong directory.
     * Temporary files are skipped; other files that do not end in {@code .data} are ignored, as
     * Kubo ignores them.
     *
     * @return what was found
     * @throws IOException when a directory cannot be listed
     */
    public VerifyReport verify() throws IOException {
        return verify(examined -> {
        });
    }

    /**
     * As {@link #verify()}, telling {@code progress} how many block files have been examined
     * after each one (for a progress bar: {@link #count()} is about the total).
     *
     * @param progress called on this thread with the number of block files examined so far
     * @return what was found
     * @throws IOException when a directory cannot be listed
     */
    public VerifyReport verify(LongConsumer progress) throws IOException {
        requireOpen();
        long examined = 0;
        long checked = 0;
        long unverifiable = 0;
        long bad = 0;
        List<BadBlock> badBlocks = new ArrayList<>();
        for (Path dir : shardDirectories(root)) {
            try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*" + FlatfsKey.EXTENSION)) {
                for (Path f : files) {
                    BadBlock problem;
                    Multihash key = null;
                    String name = f.getFileName().toString();
                    try {
                        key = FlatfsKey.decode(name.substring(0, name.length() - FlatfsKey.EXTENSION.length()));
                        problem = check(key, f);
                        if (problem == null) {
                            if (Multihash.isSupported(key.code())) {
                                checked++;
                            } else {
                                unverifiable++;
                            }
                        }
                    } catch (DecodeException e) {
                        problem = new BadBlock(f, Optional.empty(), "its name is not a block key: " + e.getMessage());
                    } catch (NoSuchFileException e) {
                        problem = null; // deleted while we looked
                    } catch (IOException e) {
                        problem = new BadBlock(f, Optional.ofNullable(key), "cannot be read: " + e);
                    }
                    if (problem != null) {
                        bad++;
                        if (badBlocks.size() < VerifyReport.MAX_LISTED) {
                            badBlocks.add(problem);
                        }
                    }
                    progress.accept(++examined);
                }
            }
        }
        return new VerifyReport(checked, unverifiable, bad, badBlocks);
    }

    private BadBlock check(Multihash key, Path file) throws IOException {
        String name = FlatfsKey.encode(key);
        String expected = sharding.directoryOf(name);
        if (!file.getParent().getFileName().toString().equals(expected)) {
            return new BadBlock(file, Optional.of(key), "it is in directory " + file.getParent().getFileName()
                    + " but belongs in " + expected);
        }
        byte[] data;
        try {
            data = read(key, file);
        } catch (CorruptBlockException e) {
            return new BadBlock(file, Optional.of(key), e.getMessage());
        }
        if (!Multihash.isSupported(key.code())) {
            return null;
        }
        try {
            Block.verified(Cid.v1(io.p2pkit.core.multiformats.Multicodec.RAW, key), data);
            return null;
        } catch (BlockMismatchException e) {
            return new BadBlock(file, Optional.of(key), "its " + data.length + " bytes do not hash to its multihash");
        }
    }

    /**
     * Marks the store closed (it holds no open files between calls), once the changes under way
     * are done, and writes its counts down for the next open.
     */
    @Override
    public void close() {
        closed = true;
        changes.writeLock().lock();
        try {
            usage.save();
        } finally {
            changes.writeLock().unlock();
        }
    }

    private ReentrantLock stripe(Multihash key) {
        return stripes[Math.floorMod(key.hashCode(), STRIPES)];
    }

    private static long sizeOrMinusOne(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            return -1; // asked first: Files.size throws, with a stack trace, for each block not stored yet
        }
        try {
            return Files.size(file);
        } catch (NoSuchFileException e) {
            return -1;
        }
    }

    private void requireOpen() {
        if (closed) {
            throw new IllegalStateException("blockstore " + root + " is closed");
        }
    }

    private static String readme(Sharding sharding) {
        return """
                This directory holds IPFS blocks, one file per block, in the flatfs layout Kubo uses.

                A block's file is named after its multihash, written in upper-case base32 (RFC 4648)
                without padding, followed by ".data"; a sha2-256 block's name starts with "CIQ".
                The file holds the block's bytes and nothing else.

                Files are spread over subdirectories by the function in the SHARDING file:
                    %s
                "next-to-last/2" takes the two characters before the last character of the name:
                    CIQFTFEEHEDF6KLBT32BFAGLXEZL4UWFNWM4LFTLMXQBCERZ6CMLX3Y.data  lives in  X3/

                Files whose names start with "put-" are being written; one left behind by a crash is
                removed the next time the store is opened. Do not edit the block files: a changed
                file no longer matches its name and is reported as corrupt.
                """.formatted(sharding);
    }
}
