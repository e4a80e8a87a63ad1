package io.p2pkit.ipfs.blockstore;

import io.p2pkit.core.multiformats.Cid;
import io.p2pkit.core.multiformats.Multihash;
import io.p2pkit.ipfs.block.Block;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.locks.ReentrantLock;
import java.util.stream.Stream;

/**
 * Blocks in memory, bounded by bytes and by count; when either bound is reached the least
 * recently used blocks are evicted. A cache, not a store of record: a block put here stays only
 * until it is evicted, and a block larger than the whole byte bound is not kept at all.
 */
public final class MemoryBlockstore implements Blockstore {
    /**
     * The bounds of a memory store.
     *
     * @param maxBytes       most bytes of block data held
     * @param maxBlocks      most blocks held
     * @param allowBigBlocks whether blocks over {@link Block#MAX_SIZE} are accepted
     */
    public record Limits(long maxBytes, int maxBlocks, boolean allowBigBlocks) {
        /** @throws IllegalArgumentException unless both bounds are positive */
        public Limits {
            if (maxBytes <= 0 || maxBlocks <= 0) {
                throw new IllegalArgumentException("memory limits must be positive: " + maxBytes + " bytes, "
                        + maxBlocks + " blocks");
            }
        }

        /** @return 64 MiB, 16,384 blocks, no big blocks */
        public static Limits defaults() {
            return new Limits(64L << 20, 16_384, false);
        }
    }

    /** A held block; {@code unsaved} marks one that exists nowhere else on this node (see the tiered store). */
    record Entry(byte[] data, boolean unsaved) {
    }

    /** A held block's key and whether it is unsaved, as {@link #residents()} lists them. */
    record Resident(Multihash key, boolean unsaved) {
    }

    private final Limits limits;
    private final ReentrantLock lock = new ReentrantLock();
    // least recently used first: a use moves the entry to the end (see use())
    private final LinkedHashMap<Multihash, Entry> entries = new LinkedHashMap<>();
    private long bytes;
    private long unsavedBlocks;
    private long unsavedBytes;
    private long evictions;
    private boolean closed;

    /** @param limits the bounds */
    public MemoryBlockstore(Limits limits) {
        this.limits = limits;
    }

    /** @return the bounds */
    public Limits limits() {
        return limits;
    }

    @Override
    public Optional<Block> get(Cid cid) {
        Entry e = entry(cid.multihash());
        return e == null ? Optional.empty() : Optional.of(Block.of(cid, e.data));
    }

    @Override
    public void put(Block block) {
        put(block, false);
    }

    /**
     * Stores a block, marking it unsaved or not. An existing entry keeps its data; it can go from
     * unsaved to saved but not back (a block once written down stays written down).
     */
    void put(Block block, boolean unsaved) {
        SizeLimit.check(block, limits.allowBigBlocks());
        if (block.size() > limits.maxBytes()) {
            return; // would evict everything and still not fit
        }
        Multihash key = block.cid().multihash();
        lock.lock();
        try {
            requireOpen();
            Entry old = use(key);
            if (old != null) {
                if (old.unsaved && !unsaved) {
                    replace(key, old, new Entry(old.data, false));
                }
                return;
            }
            Entry e = new Entry(block.data(), unsaved);
            entries.put(key, e);
            account(e, 1);
            evictOverflow();
        } finally {
            lock.unlock();
        }
    }

    /** The entry for {@code key}, counted as a use; null when absent. */
    Entry entry(Multihash key) {
        lock.lock();
        try {
            requireOpen();
            return use(key);
        } finally {
            lock.unlock();
        }
    }

    /** The entry for {@code key} without counting a use; null when absent. */
    Entry peek(Multihash key) {
        lock.lock();
        try {
            requireOpen();
            return entries.get(key);
        } finally {
            lock.unlock();
        }
    }

    /** Clears the unsaved mark of {@code key}, if held. */
    void markSaved(Multihash key) {
        lock.lock();
        try {
            Entry old = entries.get(key);
            if (old != null && old.unsaved) {
                replace(key, old, new Entry(old.data, false));
            }
        } finally {
            lock.unlock();
        }
    }

    /** A snapshot of what is held, least recently used first. */
    List<Resident> residents() {
        lock.lock();
        try {
            List<Resident> out = new ArrayList<>(entries.size());
            for (Map.Entry<Multihash, Entry> e : entries.entrySet()) {
                out.add(new Resident(e.getKey(), e.getValue().unsaved));
            }
            return out;
        } finally {
            lock.unlock();
        }
    }

    /** A snapshot of the keys of unsaved blocks. */
    List<Multihash> unsavedKeys() {
        lock.lock();
        try {
            List<Multihash> out = new ArrayList<>();
            for (Map.Entry<Multihash, Entry> e : entries.entrySet()) {
                if (e.getValue().unsaved) {
                    out.add(e.getKey());
                }
            }
            return out;
        } finally {
            lock.unlock();
        }
    }

    long unsavedCount() {
        lock.lock();
        try {
            return unsavedBlocks;
        } finally {
            lock.unlock();
        }
    }

    long unsavedSize() {
        lock.lock();
        try {
            return unsavedBytes;
        } finally {
            lock.unlock();
        }
    }

    /** @return how many blocks were evicted to stay within the bounds */
    public long evictions() {
        lock.lock();
        try {
            return evictions;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public boolean has(Multihash key) {
        lock.lock();
        try {
            requireOpen();
            return entries.containsKey(key);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public boolean delete(Multihash key) {
        lock.lock();
        try {
            requireOpen();
            Entry e = entries.remove(key);
            if (e == null) {
                return false;
            }
            account(e, -1);
            return true;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public OptionalInt sizeOf(Multihash key) {
        lock.lock();
        try {
            requireOpen();
            Entry e = entries.get(key); // not a use: a size query should not keep a block warm
            return e == null ? OptionalInt.empty() : OptionalInt.of(e.data.length);
        } finally {
            lock.unlock();
        }
    }

    /** A snapshot of the keys, taken when called. */
    @Override
    public Stream<Multihash> keys() {
        lock.lock();
        try {
            requireOpen();
            return new ArrayList<>(entries.keySet()).stream();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public long count() {
        lock.lock();
        try {
            return entries.size();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public long totalSize() {
        lock.lock();
        try {
            return bytes;
        } finally {
            lock.unlock();
        }
    }

    /** Drops every block. */
    @Override
    public void close() {
        lock.lock();
        try {
            closed = true;
            entries.clear();
            bytes = 0;
            unsavedBlocks = 0;
            unsavedBytes = 0;
        } finally {
            lock.unlock();
        }
    }

    /** The entry for {@code key}, moved to the most recently used end; null when absent. */
    private Entry use(Multihash key) {
        Entry e = entries.remove(key);
        if (e != null) {
            entries.put(key, e);
        }
        return e;
    }

    private void replace(Multihash key, Entry old, Entry now) {
        account(old, -1);
        entries.put(key, now);
        account(now, 1);
    }

    private void account(Entry e, int sign) {
        bytes += sign * (long) e.data.length;
        if (e.unsaved) {
            unsavedBlocks += sign;
            unsavedBytes += sign * (long) e.data.length;
        }
    }

    private void evictOverflow() {
        Iterator<Map.Entry<Multihash, Entry>> it = entries.entrySet().iterator();
        while ((bytes > limits.maxBytes() || entries.size() > limits.maxBlocks()) && it.hasNext()) {
            Entry e = it.next().getValue();
            it.remove();
            account(e, -1);
            evictions++;
        }
    }

    private void requireOpen() {
        if (closed) {
            throw new IllegalStateException("memory blockstore is closed");
        }
    }
}
