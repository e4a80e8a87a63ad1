package io.p2pkit.ipfs.repo;

import io.p2pkit.core.DecodeException;
import io.p2pkit.core.logging.LazyLogger;
import io.p2pkit.core.multiformats.Cid;
import io.p2pkit.core.multiformats.Multihash;
import io.p2pkit.ipfs.blockstore.HeatSnapshot;
import io.p2pkit.ipfs.blockstore.HeatStore;
import io.p2pkit.ipfs.filestore.FileRefStore;
import io.p2pkit.ipfs.pin.Pin;
import io.p2pkit.ipfs.pin.PinStore;
import io.p2pkit.ipfs.pin.PinType;
import org.h2.mvstore.MVMap;
import org.h2.mvstore.MVStore;
import org.h2.mvstore.MVStoreException;

import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A repository's metadata in one H2 MVStore file: recursive and direct pins, the index of pinned
 * multihashes, and block heat.
 *
 * <p><b>Durability.</b> Auto-commit is off; nothing reaches the file except through an explicit
 * commit. A pin change ({@link #put}, {@link #remove}) commits and then fsyncs before it
 * returns, so a pin that was reported added survives {@code kill -9} and a power loss. Heat
 * ({@link #saveHeat}) is committed without an fsync: it survives the process dying, and a power
 * loss may take the latest save (heat is a hint). MVStore writes every commit as a new chunk and
 * never overwrites live data; after a crash it opens at the last complete commit, so a torn
 * write loses at most the commit in progress, never an earlier one.
 *
 * <p>Filestore references ({@link FileRefStore}) are committed and synced as pins are.
 *
 * <p>Keys are text: pins by CID string (a CIDv0 and its CIDv1 are two pins, as in Kubo), the
 * multihash index and heat by base58 multihash; values are MVStore's own types (strings,
 * integers, doubles), so no record is serialised by hand.
 */
public final class MetadataStore implements PinStore, HeatStore, FileRefStore, Closeable {
    private static final System.Logger LOG = LazyLogger.of(MetadataStore.class);

    /** The file's name inside the repository's {@code datastore/} directory. */
    public static final String FILE = "metadata.mv";
    private static final String HEAT_SAVED_AT = "heat.savedAt";
    private static final String FILES_ROOT = "/local/filesroot";

    private final Path file;
    private final MVStore store;
    private final MVMap<String, String> recursive;
    private final MVMap<String, String> direct;
    private final MVMap<String, Integer> pinnedRoots;
    private final MVMap<String, Double> heat;
    private final MVMap<String, String> meta;
    private final MVMap<String, byte[]> fileRefs;
    private final MVMap<String, String> keptRoots;
    // pin changes update two maps and commit; one at a time keeps the index consistent
    private final ReentrantLock writes = new ReentrantLock();

    private MetadataStore(Path file, MVStore store) {
        this.file = file;
        this.store = store;
        this.recursive = store.openMap("pins.recursive");
        this.direct = store.openMap("pins.direct");
        this.pinnedRoots = store.openMap("pins.roots");
        this.heat = store.openMap("heat");
        this.meta = store.openMap("meta");
        this.fileRefs = store.openMap("filestore");
        this.keptRoots = store.openMap("roots.kept");
    }

    /**
     * Opens (or creates) the store in {@code file}.
     *
     * @param file the MVStore file
     * @return the store
     * @throws RepoException when the file cannot be opened: locked by another process, damaged beyond
     *                       what MVStore recovers, or not an MVStore file
     */
    public static MetadataStore open(Path file) throws IOException {
        Path abs = file.toAbsolutePath();
        Files.createDirectories(abs.getParent());
        MVStore s;
        try {
            s = new MVStore.Builder().fileName(abs.toString()).autoCommitDisabled().open();
        } catch (MVStoreException | IllegalStateException e) {
            throw new RepoException(abs.getParent(), "metadata store " + abs + " cannot be opened: " + e.getMessage(), e);
        }
        try {
            MetadataStore m = new MetadataStore(abs, s);
            if (m.meta.putIfAbsent("format", "1") == null) {
                m.meta.put("created", Instant.now().toString());
                m.commit(true);
            }
            return m;
        } catch (MVStoreException | IllegalStateException | ClassCastException e) {
            s.closeImmediately();
            throw new RepoException(abs.getParent(), "metadata store " + abs + " is damaged: " + e.getMessage(), e);
        }
    }

    /** @return the store's file */
    public Path file() {
        return file;
    }

    private MVMap<String, String> pinsOf(PinType type) {
        return switch (type) {
            case RECURSIVE -> recursive;
            case DIRECT -> direct;
            case INDIRECT -> throw new IllegalArgumentException("indirect pins are not stored");
        };
    }

    @Override
    public void put(Pin pin) throws IOException {
        MVMap<String, String> map = pinsOf(pin.type());
        writes.lock();
        try {
            String old = map.put(pin.cid().toString(), pin.name());
            if (old == null) {
                pinnedRoots.merge(pin.cid().multihash().toString(), 1, Integer::sum);
            }
            commit(true);
        } catch (MVStoreException e) {
            throw failed("record the pin of " + pin.cid(), e);
        } finally {
            writes.unlock();
        }
    }

    @Override
    public boolean remove(Cid cid, PinType type) throws IOException {
        MVMap<String, String> map = pinsOf(type);
        writes.lock();
        try {
            if (map.remove(cid.toString()) == null) {
                return false;
            }
            pinnedRoots.computeIfPresent(cid.multihash().toString(), (k, n) -> n <= 1 ? null : n - 1);
            commit(true);
            return true;
        } catch (MVStoreException e) {
            throw failed("remove the pin of " + cid, e);
        } finally {
            writes.unlock();
        }
    }

    @Override
    public Optional<Pin> get(Cid cid, PinType type) throws IOException {
        try {
            String name = pinsOf(type).get(cid.toString());
            return name == null ? Optional.empty() : Optional.of(new Pin(cid, type, name));
        } catch (MVStoreException e) {
            throw failed("read the pins", e);
        }
    }

    @Override
    public List<Pin> list(PinType type) throws IOException {
        List<Pin> out = new ArrayList<>();
        try {
            for (Map.Entry<String, String> e : pinsOf(type).entrySet()) {
                out.add(new Pin(parseCid(e.getKey()), type, e.getValue()));
            }
        } catch (MVStoreException e) {
            throw failed("read the pins", e);
        }
        return out;
    }

    private Cid parseCid(String key) throws RepoException {
        try {
            return Cid.parse(key);
        } catch (DecodeException e) {
            throw new RepoException(file.getParent(), "metadata store " + file + " holds a key that is not a CID: '"
                    + key + "' (" + e.getMessage() + ")", e);
        }
    }

    @Override
    public boolean isPinned(Multihash root) {
        return pinnedRoots.containsKey(root.toString());
    }

    /** Heat entries that do not parse are skipped: heat is only a hint. */
    @Override
    public HeatSnapshot loadHeat() throws IOException {
        try {
            String at = meta.get(HEAT_SAVED_AT);
            if (at == null) {
                return HeatSnapshot.empty();
            }
            Map<Multihash, Double> values = new HashMap<>();
            for (Map.Entry<String, Double> e : heat.entrySet()) {
                try {
                    values.put(Multihash.parse(e.getKey()), e.getValue());
                } catch (DecodeException notAMultihash) {
                    // heat is a hint: a damaged entry costs that block its heat, nothing more
                    LOG.log(System.Logger.Level.DEBUG, "skipping heat entry {0}: {1}", e.getKey(), notAMultihash.getMessage());
                }
            }
            return new HeatSnapshot(Instant.ofEpochMilli(Long.parseLong(at)), values);
        } catch (NumberFormatException e) {
            return HeatSnapshot.empty();
        } catch (MVStoreException e) {
            throw failed("read the heat", e);
        }
    }

    @Override
    public void saveHeat(HeatSnapshot snapshot) throws IOException {
        writes.lock();
        try {
            heat.clear();
            for (Map.Entry<Multihash, Double> e : snapshot.heat().entrySet()) {
                heat.put(e.getKey().toString(), e.getValue());
            }
            meta.put(HEAT_SAVED_AT, Long.toString(snapshot.at().toEpochMilli()));
            commit(false);
        } catch (MVStoreException e) {
            throw failed("save the heat", e);
        } finally {
            writes.unlock();
        }
    }

    /**
     * @return the MFS root's CID, kept as Kubo keeps it under {@code /local/filesroot}, or empty
     *         before the first MFS change
     * @throws IOException when it cannot be read or is not a CID
     */
    public Optional<Cid> filesRoot() throws IOException {
        try {
            String s = meta.get(FILES_ROOT);
            return s == null ? Optional.empty() : Optional.of(parseCid(s));
        } catch (MVStoreException e) {
            throw failed("read the files root", e);
        }
    }

    /**
     * Records the MFS root; committed and synced before it returns, so a reported change survives
     * {@code kill -9} and a power loss (the blocks it names must be stored first).
     *
     * @param root the new root
     * @throws IOException when it cannot be recorded
     */
    public void saveFilesRoot(Cid root) throws IOException {
        writes.lock();
        try {
            meta.put(FILES_ROOT, root.toString());
            commit(true);
        } catch (MVStoreException e) {
            throw failed("record the files root " + root, e);
        } finally {
            writes.unlock();
        }
    }

    /**
     * A further tree's root kept by name (the {@code /ipns} mount's directory, say): garbage
     * collection keeps it as it keeps the MFS root.
     *
     * @param name what the tree is kept as
     * @return its root, or empty when none was recorded
     * @throws IOException when it cannot be read or is not a CID
     */
    public Optional<Cid> keptRoot(String name) throws IOException {
        try {
            String s = keptRoots.get(name);
            return s == null ? Optional.empty() : Optional.of(parseCid(s));
        } catch (MVStoreException e) {
            throw failed("read the kept root " + name, e);
        }
    }

    /**
     * Records a kept tree's root; committed and synced before it returns, as the MFS root is.
     *
     * @param name what the tree is kept as
     * @param root its new root
     * @throws IOException when it cannot be recorded
     */
    public void saveKeptRoot(String name, Cid root) throws IOException {
        writes.lock();
        try {
            keptRoots.put(name, root.toString());
            commit(true);
        } catch (MVStoreException e) {
            throw failed("record the kept root " + name + " " + root, e);
        } finally {
            writes.unlock();
        }
    }

    /**
     * @return the roots of every kept tree
     * @throws IOException when they cannot be read
     */
    public List<Cid> keptRoots() throws IOException {
        try {
            List<Cid> out = new ArrayList<>();
            for (String s : keptRoots.values()) {
                out.add(parseCid(s));
            }
            return out;
        } catch (MVStoreException e) {
            throw failed("read the kept roots", e);
        }
    }

    /** Committed and synced before it returns, as pins are: a reference reported added survives a crash. */
    @Override
    public void putRefs(Map<String, byte[]> refs) throws IOException {
        writes.lock();
        try {
            fileRefs.putAll(refs);
            commit(true);
        } catch (MVStoreException e) {
            throw failed("record " + refs.size() + " filestore references", e);
        } finally {
            writes.unlock();
        }
    }

    @Override
    public Optional<byte[]> ref(String key) throws IOException {
        try {
            return Optional.ofNullable(fileRefs.get(key));
        } catch (MVStoreException e) {
            throw failed("read the filestore references", e);
        }
    }

    @Override
    public boolean removeRef(String key) throws IOException {
        writes.lock();
        try {
            if (fileRefs.remove(key) == null) {
                return false;
            }
            commit(true);
            return true;
        } catch (MVStoreException e) {
            throw failed("remove the filestore reference " + key, e);
        } finally {
            writes.unlock();
        }
    }

    @Override
    public List<String> refKeys() throws IOException {
        try {
            return new ArrayList<>(fileRefs.keySet());
        } catch (MVStoreException e) {
            throw failed("read the filestore references", e);
        }
    }

    @Override
    public long refCount() {
        return fileRefs.sizeAsLong();
    }

    private void commit(boolean sync) {
        store.commit();
        if (sync) {
            store.sync();
        }
    }

    private RepoException failed(String what, MVStoreException e) {
        return new RepoException(file.getParent(), "cannot " + what + " in " + file + ": " + e.getMessage(), e);
    }

    /**
     * @return the file's size in bytes
     * @throws IOException when it cannot be read
     */
    public long fileSize() throws IOException {
        return Files.size(file);
    }

    /**
     * Commits what is pending and closes the file.
     *
     * @throws RepoException when the final commit fails
     */
    @Override
    public void close() throws IOException {
        try {
            store.close();
        } catch (MVStoreException e) {
            throw failed("close", e);
        }
    }
}
