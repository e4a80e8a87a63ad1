package io.p2pkit.ipfs.repo;

import io.p2pkit.core.multiformats.Cid;
import io.p2pkit.core.multiformats.Multihash;
import io.p2pkit.ipfs.blockstore.FlatfsBlockstore;
import io.p2pkit.ipfs.blockstore.RemoteTier;
import io.p2pkit.ipfs.blockstore.SyncedFiles;
import io.p2pkit.ipfs.blockstore.TieredBlockstore;
import io.p2pkit.ipfs.blockstore.VerifyReport;
import io.p2pkit.ipfs.filestore.Filestore;
import io.p2pkit.ipfs.mfs.Mfs;
import io.p2pkit.ipfs.pin.GarbageCollector;
import io.p2pkit.ipfs.pin.GcLock;
import io.p2pkit.ipfs.pin.GcResult;
import io.p2pkit.ipfs.pin.Pinner;
import io.p2pkit.ipfs.unixfs.importer.ImportOptions;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.function.LongConsumer;

/**
 * A p2pkit repository: a directory holding
 * <pre>
 * config       the configuration ({@link RepoConfig}, Java properties)
 * version      the layout version, "1"
 * repo.lock    the lock that keeps the repository to one process, with its PID
 * blocks/      the blocks, in Kubo's flatfs layout (SHARDING, _README, XX/&lt;key&gt;.data)
 * datastore/   the metadata: pins and heat ({@link MetadataStore}, metadata.mv)
 * </pre>
 *
 * <p>{@link #init} creates one, {@link #open} opens one for this process alone (a second opener
 * gets a {@link RepoLockedException} naming the holder's PID). An open repository offers the
 * tiered blockstore, the pinner, garbage collection, {@link #stat} and {@link #verify}.
 */
public final class Repository implements Closeable {
    /** The layout version this p2pkit reads and writes. */
    public static final int VERSION = 1;
    /** The environment variable naming the repository's directory. */
    public static final String HOME_VARIABLE = "P2PKIT_HOME";
    /** The config key of Kubo's {@code Experimental.FilestoreEnabled}. */
    public static final String FILESTORE_ENABLED = "experimental.filestoreEnabled";
    static final String CONFIG = "config";
    static final String VERSION_FILE = "version";
    static final String BLOCKS = "blocks";
    static final String DATASTORE = "datastore";
    private static final int MAX_VERSION_BYTES = 32;

    private final Path root;
    private final RepoConfig config;
    private volatile ConfigSnapshot onDisk;
    private final RepoLock lock;
    private final MetadataStore metadata;
    private final FlatfsBlockstore flatfs;
    private final Filestore filestore;
    private final TieredBlockstore blocks;
    private final GcLock gcLock = new GcLock();
    private final Pinner pinner;
    private final GarbageCollector collector;
    private final ReentrantLock mfsOpen = new ReentrantLock();
    private Mfs mfs;

    private Repository(Path root, RepoConfig config, RepoLock lock, MetadataStore metadata, FlatfsBlockstore flatfs,
                       Filestore filestore, TieredBlockstore blocks, OpenOptions options) {
        this.root = root;
        this.config = config;
        this.lock = lock;
        this.metadata = metadata;
        this.flatfs = flatfs;
        this.filestore = filestore;
        this.blocks = blocks;
        this.pinner = new Pinner(blocks, blocks.local(), metadata, options.links(), gcLock, config.maxDagBlocks());
        this.collector = new GarbageCollector(blocks.local(), metadata, options.links(), gcLock, config.maxDagBlocks());
    }

    /** @return {@code $P2PKIT_HOME}, or {@code ~/.p2pkit} when it is not set */
    public static Path defaultRoot() {
        return defaultRoot(System.getenv(), System.getProperty("user.home"));
    }

    static Path defaultRoot(Map<String, String> env, String userHome) {
        String home = env.get(HOME_VARIABLE);
        return home != null && !home.isBlank() ? Path.of(home) : Path.of(userHome, ".p2pkit");
    }

    /**
     * @param root a directory
     * @return whether a repository was initialized there (its version file exists)
     */
    public static boolean isInitialized(Path root) {
        return Files.exists(root.resolve(VERSION_FILE));
    }

    /**
     * Creates a repository. The version file is written last, so a crash part-way leaves a
     * directory that {@link #open} refuses and {@code init} may be run again on.
     *
     * @param root   its directory, created if missing
     * @param config its configuration
     * @throws RepoException when one is already there, or it is locked
     * @throws IOException   when it cannot be written
     */
    public static void init(Path root, RepoConfig config) throws IOException {
        Path abs = root.toAbsolutePath();
        if (isInitialized(abs)) {
            throw new RepoException(abs, "a repository already exists at " + abs);
        }
        Files.createDirectories(abs);
        RepoLock held = RepoLock.acquire(abs);
        try {
            if (isInitialized(abs)) {
                throw new RepoException(abs, "a repository already exists at " + abs);
            }
            FlatfsBlockstore.open(abs.resolve(BLOCKS), config.disk()).close();
            MetadataStore.open(abs.resolve(DATASTORE).resolve(MetadataStore.FILE)).close();
            SyncedFiles.writeAtomically(abs.resolve(CONFIG), config.format());
            SyncedFiles.writeAtomically(abs.resolve(VERSION_FILE), (VERSION + "\n").getBytes(StandardCharsets.US_ASCII));
        } finally {
            held.close();
        }
    }

    /**
     * Reads a repository's config without opening it: no lock is taken, so it works while another
     * process has the repository open (a command that only computes CIDs needs the import settings).
     *
     * @param root its directory
     * @return its config
     * @throws RepoException       when there is no repository there
     * @throws RepoConfigException when the config file is malformed
     * @throws IOException         when it cannot be read
     */
    public static RepoConfig readConfig(Path root) throws IOException {
        Path abs = root.toAbsolutePath();
        if (!isInitialized(abs)) {
            throw new RepoException(abs, "no p2pkit repository at " + abs + " (run p2pkit init)");
        }
        return RepoConfig.parse(readSmall(abs.resolve(CONFIG), RepoConfig.MAX_BYTES));
    }

    /**
     * Replaces a repository's config file atomically: the new text goes to a temporary file that
     * is synced, then moved over the old one and the directory synced, so a crash leaves either the
     * old file or the new one, never a part. No lock is taken (the file is read when the daemon
     * starts); two processes writing at once: the last move wins.
     *
     * @param root   its directory
     * @param config the new config
     * @throws RepoException when there is no repository there
     * @throws IOException   when it cannot be written
     */
    public static void writeConfig(Path root, RepoConfig config) throws IOException {
        Path abs = root.toAbsolutePath();
        if (!isInitialized(abs)) {
            throw new RepoException(abs, "no p2pkit repository at " + abs + " (run p2pkit init)");
        }
        SyncedFiles.writeAtomically(abs.resolve(CONFIG), config.format());
    }

    /**
     * Opens a repository for this process.
     *
     * @param root    its directory
     * @param options links, clock and network
     * @return the open repository
     * @throws RepoException        when there is none, or it is malformed
     * @throws RepoLockedException  when another process (or this one) has it open
     * @throws RepoVersionException when its layout version is not {@link #VERSION}
     * @throws RepoConfigException  when its config file is malformed
     * @throws IOException          when it cannot be read
     */
    public static Repository open(Path root, OpenOptions options) throws IOException {
        Path abs = root.toAbsolutePath();
        if (!isInitialized(abs)) {
            throw new RepoException(abs, "no p2pkit repository at " + abs + " (run p2pkit init)");
        }
        RepoLock lock = RepoLock.acquire(abs);
        List<Closeable> opened = new ArrayList<>();
        try {
            int version = parseVersion(abs, readSmall(abs.resolve(VERSION_FILE), MAX_VERSION_BYTES));
            if (version != VERSION) {
                throw new RepoVersionException(abs, version);
            }
            RepoConfig stored = RepoConfig.parse(readSmall(abs.resolve(CONFIG), RepoConfig.MAX_BYTES));
            RepoConfig config = options.allowBigBlocks() && !stored.disk().allowBigBlocks()
                    ? new RepoConfig(stored.disk().withAllowBigBlocks(true), stored.tiers(), stored.remoteTimeout(),
                            stored.maxDagBlocks(), stored.other())
                    : stored;
            MetadataStore metadata = MetadataStore.open(abs.resolve(DATASTORE).resolve(MetadataStore.FILE));
            opened.add(metadata);
            FlatfsBlockstore flatfs = FlatfsBlockstore.open(abs.resolve(BLOCKS), config.disk());
            opened.add(flatfs);
            // Kubo's filestore sits between the disk and the tiers; its root is the repository's parent
            Filestore filestore = filestoreEnabled(config)
                    ? new Filestore(flatfs, metadata, abs.getParent() == null ? abs : abs.getParent()) : null;
            TieredBlockstore.Builder b = TieredBlockstore.builder(filestore == null ? flatfs : filestore)
                    .policy(config.tiers())
                    .clock(options.clock())
                    .pinned(metadata::isPinned)
                    .heatStore(metadata)
                    .allowBigBlocks(config.disk().allowBigBlocks());
            options.fetcher().ifPresent(f -> b.remote(new RemoteTier(f, config.remoteTimeout(), config.disk().allowBigBlocks())));
            TieredBlockstore blocks = b.build();
            return new Repository(abs, config, lock, metadata, flatfs, filestore, blocks, options);
        } catch (IOException | RuntimeException e) {
            for (int i = opened.size() - 1; i >= 0; i--) {
                try {
                    opened.get(i).close();
                } catch (IOException suppressed) {
                    e.addSuppressed(suppressed);
                }
            }
            lock.close();
            throw e;
        }
    }

    /**
     * @param config a repository's config
     * @return whether it turns the filestore on ({@code Experimental.FilestoreEnabled}, off by default)
     */
    public static boolean filestoreEnabled(RepoConfig config) {
        return config.other().getOrDefault(FILESTORE_ENABLED, "false").strip().equals("true");
    }

    /**
     * @return where a copying {@code add} stores its blocks: the tiered store, or with a filestore
     *         its main store, past the references (as Kubo's add writes to its base blockstore)
     */
    public io.p2pkit.ipfs.blockstore.Blockstore addTarget() {
        return filestore == null ? blocks : filestore.main();
    }

    /** @return the filestore ({@code add --nocopy}), or empty when the config leaves it off */
    public Optional<Filestore> filestore() {
        return Optional.ofNullable(filestore);
    }

    private static byte[] readSmall(Path file, int max) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            byte[] bytes = in.readNBytes(max + 1);
            if (bytes.length > max) {
                throw new RepoException(file.getParent(), file + " is over " + max + " bytes");
            }
            return bytes;
        } catch (NoSuchFileException e) {
            throw new RepoException(file.getParent(), "the repository has no " + file.getFileName() + " file", e);
        }
    }

    /**
     * The version in a version file's text: decimal digits, optionally surrounded by white space.
     *
     * @throws RepoException for anything else
     */
    static int parseVersion(Path root, byte[] text) throws RepoException {
        String s = new String(text, StandardCharsets.ISO_8859_1).strip();
        if (s.isEmpty() || s.length() > 9 || !s.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw new RepoException(root, "the version file of " + root + " does not hold a version number");
        }
        return Integer.parseInt(s);
    }

    /** @return the repository's directory */
    public Path root() {
        return root;
    }

    /** @return its configuration, as in force: with big blocks allowed when the {@link OpenOptions} said so */
    public RepoConfig config() {
        return config;
    }

    /**
     * The config as its file has it now, for settings Kubo reads per command (its {@code Import.*}):
     * a change made while the node runs applies to the next {@code add}.
     *
     * @return the file's config
     * @throws IOException when the file cannot be read
     */
    public RepoConfig configOnDisk() throws IOException {
        // one stat per call; the file is read and parsed again only when it was replaced or changed
        java.nio.file.attribute.BasicFileAttributes now = Files.readAttributes(root.resolve(CONFIG),
                java.nio.file.attribute.BasicFileAttributes.class);
        ConfigSnapshot seen = onDisk;
        if (seen != null && seen.sameFile(now)) {
            return seen.config();
        }
        RepoConfig read = readConfig(root); // attributes first: a change after them makes the next call read again
        onDisk = new ConfigSnapshot(now.fileKey(), now.lastModifiedTime(), now.size(), read);
        return read;
    }

    /** The config file as last read, with what identifies that version of it. */
    private record ConfigSnapshot(Object fileKey, java.nio.file.attribute.FileTime modified, long size, RepoConfig config) {
        boolean sameFile(java.nio.file.attribute.BasicFileAttributes a) {
            return java.util.Objects.equals(fileKey, a.fileKey()) && modified.equals(a.lastModifiedTime())
                    && size == a.size();
        }
    }

    /** @return the blockstore: memory over disk (over the network, when the options gave a fetcher) */
    public TieredBlockstore blocks() {
        return blocks;
    }

    /** @return the pins */
    public Pinner pinner() {
        return pinner;
    }

    /** @return the lock adds hold until they have pinned, and garbage collection takes exclusively */
    public GcLock gcLock() {
        return gcLock;
    }

    /**
     * The mutable file system ({@code ipfs files}), opened on first use: its root is kept in the
     * metadata store as Kubo keeps {@code /local/filesroot}, its directories are written with the
     * repository's import profile, and garbage collection keeps its tree.
     *
     * @return the repository's MFS
     * @throws IOException when its root cannot be read or first written
     */
    public Mfs mfs() throws IOException {
        mfsOpen.lock();
        try {
            if (mfs == null) {
                Mfs.RootStore roots = new Mfs.RootStore() {
                    @Override
                    public Optional<Cid> load() throws IOException {
                        return metadata.filesRoot();
                    }

                    @Override
                    public void save(Cid cid) throws IOException {
                        metadata.saveFilesRoot(cid);
                    }
                };
                mfs = Mfs.open(blocks, blocks.local(), gcLock, roots, importProfile(), root.resolve("tmp"));
            }
            return mfs;
        } finally {
            mfsOpen.unlock();
        }
    }

    /**
     * A further MFS tree over the repository's blocks, as {@link #mfs()} is built, whose root is
     * kept under {@code name} in the metadata store: garbage collection keeps that tree too, and
     * the next run finds it. The {@code /ipns} mount's own directory is one.
     *
     * @param name  what the tree is kept as
     * @param start the root to start from, or empty for the kept one (else an empty directory)
     * @param saved told of each new root once it is recorded, while the change still holds its locks: it must return quickly
     * @return the tree
     * @throws IOException when its root cannot be read or first written
     */
    public Mfs keptMfs(String name, Optional<Cid> start, Consumer<Cid> saved) throws IOException {
        Optional<Cid> kept = metadata.keptRoot(name);
        Mfs.RootStore roots = new Mfs.RootStore() {
            @Override
            public Optional<Cid> load() {
                return start.isPresent() ? start : kept;
            }

            @Override
            public void save(Cid cid) throws IOException {
                metadata.saveKeptRoot(name, cid);
                saved.accept(cid);
            }
        };
        return Mfs.open(blocks, blocks.local(), gcLock, roots, importProfile(), root.resolve("tmp"));
    }

    /** The import settings MFS directories are written with: Kubo's Import.* keys, else its defaults. */
    private ImportOptions importProfile() {
        try {
            return ImportSettings.options(config);
        } catch (IllegalArgumentException e) { // the daemon and add refuse such a config with the message
            return ImportOptions.UNIXFS_V0_2015;
        }
    }

    /** @return the metadata store */
    public MetadataStore metadata() {
        return metadata;
    }

    /**
     * {@code repo gc}: removes every block no pin (and no protected root) keeps.
     *
     * @param protectedRoots DAGs kept besides the pins, the MFS root and the kept roots, walked best-effort
     * @return what was removed
     * @throws IOException          when a pinned DAG is incomplete (nothing is removed then) or the store fails
     * @throws InterruptedException when interrupted while waiting for adds to pin
     */
    public GcResult gc(Collection<Cid> protectedRoots) throws IOException, InterruptedException {
        return gc(protectedRoots, key -> {
        });
    }

    /**
     * {@code repo gc}, telling {@code removed} of each block as it is deleted.
     *
     * @param protectedRoots DAGs kept besides the pins, walked best-effort
     * @param removed        called with each removed block's multihash
     * @return what was removed
     * @throws IOException          when a pinned DAG is incomplete (nothing is removed then) or the store fails
     * @throws InterruptedException when interrupted while waiting for adds to pin
     */
    public GcResult gc(Collection<Cid> protectedRoots, Consumer<Multihash> removed) throws IOException, InterruptedException {
        // the MFS root is read under the GC lock: a change records its root before it lets go of the pin lock
        try (GcLock.Held held = gcLock.gcLock()) {
            List<Cid> kept = new ArrayList<>(protectedRoots);
            metadata.filesRoot().ifPresent(kept::add); // the MFS tree is kept as Kubo keeps its files root
            kept.addAll(metadata.keptRoots()); // and the further trees, such as the /ipns mount's directory
            return collector.collect(kept, removed);
        }
    }

    /**
     * {@code repo stat}.
     *
     * @return the repository's numbers
     * @throws IOException when its files cannot be measured
     */
    public RepoStat stat() throws IOException {
        long other = metadata.fileSize() + sizeOfFiles(root) + sizeOfFiles(root.resolve(BLOCKS));
        return new RepoStat(root, VERSION, flatfs.count(), flatfs.totalSize(), flatfs.totalSize() + other,
                config.tiers().diskQuotaBytes());
    }

    private static long sizeOfFiles(Path dir) throws IOException {
        long total = 0;
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir, Files::isRegularFile)) {
            for (Path p : entries) {
                total += Files.size(p);
            }
        }
        return total;
    }

    /**
     * {@code repo verify}: re-hashes every block on disk.
     *
     * @return the blocks that failed, with why
     * @throws IOException when the block directory cannot be read
     */
    public VerifyReport verify() throws IOException {
        return flatfs.verify();
    }

    /**
     * {@code repo verify}, telling {@code progress} how many block files have been examined so far.
     *
     * @param progress called after each block file with the number examined
     * @return the blocks that failed, with why
     * @throws IOException when the block directory cannot be read
     */
    public VerifyReport verify(LongConsumer progress) throws IOException {
        return flatfs.verify(progress);
    }

    /**
     * Saves heat, closes the stores and releases the lock.
     *
     * @throws IOException when a store fails to close (the lock is released anyway)
     */
    @Override
    public void close() throws IOException {
        try {
            try {
                blocks.close();
            } finally {
                metadata.close();
            }
        } finally {
            lock.close();
        }
    }
}
