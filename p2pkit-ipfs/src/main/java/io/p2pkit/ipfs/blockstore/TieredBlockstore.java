package io.p2pkit.ipfs.blockstore;

import io.p2pkit.core.multiformats.Cid;
import io.p2pkit.core.multiformats.Multicodec;
import io.p2pkit.core.multiformats.Multihash;
import io.p2pkit.ipfs.block.Block;
import io.p2pkit.ipfs.block.BlockArrays;
import io.p2pkit.ipfs.block.BlockSource;
import io.p2pkit.ipfs.block.DirectBuffers;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * Memory over disk over the network, moved between by heat (see {@link TierPolicy}).
 *
 * <p><b>Reads</b> try memory, then disk, then the remote tier if there is one; each read that
 * finds the block adds 1 to its heat. A disk read that makes a block hot ({@code promoteAt})
 * copies it into memory. A block from the network is written down to disk at once when it is
 * pinned, or when it is hot and the disk is within its quota; otherwise it is kept in memory only
 * ("unsaved") and written down later if it becomes hot or pinned while still there, or lost when
 * memory evicts it (it can be fetched again).
 *
 * <p><b>Writes</b> ({@link #put}) go to disk, durably; they do not heat a block. {@link #delete}
 * removes a block from every local tier and forgets its heat.
 *
 * <p><b>Maintenance</b> ({@link #maintain}, also run by reads every {@code maintainInterval})
 * writes down unsaved blocks that became pinned or hot, drops from memory the blocks whose heat
 * has fallen below {@code demoteBelow}, and saves heat to the {@link HeatStore} every
 * {@code heatFlushInterval}. Everything is bounded: memory by bytes and blocks (LRU), the heat
 * table by {@code maxHeatEntries} (coldest forgotten first).
 *
 * <p>Identity CIDs are answered from the CID itself and never stored, as Kubo's idstore does.
 * The store's content, for {@link #keys}, {@link #count} and {@link #totalSize}, is what is on
 * disk plus the unsaved blocks in memory. {@link #local()} is a view without the network and
 * without heat, for walks that must not fetch or warm anything (garbage collection, verify).
 * Closing the tiered store saves heat and closes the disk store it was built on.
 */
public final class TieredBlockstore implements Blockstore {
    private final MemoryBlockstore memory;
    private final Blockstore disk;
    private final BlockSource remote;
    private final Predicate<Multihash> pinned;
    private final HeatStore heatStore;
    private final TierPolicy policy;
    private final Clock clock;
    private final boolean allowBigBlocks;
    private final Heat heat;
    private final ReentrantLock maintenance = new ReentrantLock();
    private final AtomicLong lastMaintain;
    private final AtomicLong lastFlush;
    private final LongAdder memoryHits = new LongAdder();
    private final LongAdder diskHits = new LongAdder();
    private final LongAdder remoteHits = new LongAdder();
    private final LongAdder misses = new LongAdder();
    private final LongAdder promotions = new LongAdder();
    private final LongAdder demotions = new LongAdder();
    private final LongAdder writeDowns = new LongAdder();
    private final Blockstore localView = new LocalView();
    private volatile IOException lastMaintenanceError;

    private TieredBlockstore(Builder b) throws IOException {
        this.disk = b.disk;
        this.remote = b.remote;
        this.pinned = b.pinned;
        this.heatStore = b.heatStore;
        this.policy = b.policy;
        this.clock = b.clock;
        this.allowBigBlocks = b.allowBigBlocks;
        this.memory = new MemoryBlockstore(new MemoryBlockstore.Limits(policy.memoryMaxBytes(), policy.memoryMaxBlocks(),
                allowBigBlocks));
        // loaded when first asked: a command that reads no block never parses it
        this.heat = new Heat(clock, policy.halfLife(), policy.maxHeatEntries(), heatStore);
        this.lastMaintain = new AtomicLong(clock.millis());
        this.lastFlush = new AtomicLong(clock.millis());
    }

    /**
     * @param disk the disk tier, e.g. a {@link FlatfsBlockstore}; the tiered store owns it from now on
     * @return a builder with the default policy, the system clock, no network, nothing pinned and no heat store
     */
    public static Builder builder(Blockstore disk) {
        return new Builder(disk);
    }

    /** Assembles a tiered store. */
    public static final class Builder {
        private final Blockstore disk;
        private BlockSource remote;
        private Predicate<Multihash> pinned = key -> false;
        private HeatStore heatStore = HeatStore.NONE;
        private TierPolicy policy = TierPolicy.defaults();
        private Clock clock = Clock.systemUTC();
        private boolean allowBigBlocks;

        private Builder(Blockstore disk) {
            this.disk = Objects.requireNonNull(disk, "disk");
        }

        /**
         * @param source the tier below the disk, usually a {@link RemoteTier}
         * @return this
         */
        public Builder remote(BlockSource source) {
            this.remote = Objects.requireNonNull(source, "remote");
            return this;
        }

        /**
         * @param test whether a block is pinned (its multihash is a pin's root)
         * @return this
         */
        public Builder pinned(Predicate<Multihash> test) {
            this.pinned = Objects.requireNonNull(test, "pinned");
            return this;
        }

        /**
         * @param store where heat is kept between runs
         * @return this
         */
        public Builder heatStore(HeatStore store) {
            this.heatStore = Objects.requireNonNull(store, "heatStore");
            return this;
        }

        /**
         * @param p the tiering policy
         * @return this
         */
        public Builder policy(TierPolicy p) {
            this.policy = Objects.requireNonNull(p, "policy");
            return this;
        }

        /**
         * @param c the clock heat decays by
         * @return this
         */
        public Builder clock(Clock c) {
            this.clock = Objects.requireNonNull(c, "clock");
            return this;
        }

        /**
         * @param allow accept blocks over {@link Block#MAX_SIZE} in memory (the disk store has its own option)
         * @return this
         */
        public Builder allowBigBlocks(boolean allow) {
            this.allowBigBlocks = allow;
            return this;
        }

        /**
         * @return the store, with the heat the heat store held
         * @throws IOException when the heat cannot be loaded
         */
        public TieredBlockstore build() throws IOException {
            return new TieredBlockstore(this);
        }
    }

    /** @return the policy */
    public TierPolicy policy() {
        return policy;
    }

    /** @return the disk tier */
    public Blockstore disk() {
        return disk;
    }

    /** @return a view of memory and disk only: no network, no heat, no promotion; closing it does nothing */
    public Blockstore local() {
        return localView;
    }

    /**
     * @param key a multihash
     * @return its heat now (0 when untracked)
     */
    public double heatOf(Multihash key) {
        return heat.heatOf(key);
    }

    /**
     * @param key a multihash
     * @return whether the block is in the memory tier
     */
    public boolean inMemory(Multihash key) {
        return memory.has(key);
    }

    @Override
    public Optional<Block> get(Cid cid) throws IOException {
        if (cid.multihash().code() == Multicodec.IDENTITY) {
            return Optional.of(Block.of(cid, cid.multihash().digest()));
        }
        maintainIfDue();
        Multihash key = cid.multihash();
        MemoryBlockstore.Entry inMemory = memory.entry(key);
        if (inMemory != null) {
            memoryHits.increment();
            double h = heat.touch(key);
            Block block = Block.of(cid, inMemory.data());
            if (inMemory.unsaved() && (pinned.test(key) || (h >= policy.writeDownAt() && diskHasRoom(block.size())))) {
                writeDown(block);
            }
            return Optional.of(block);
        }
        Optional<Block> onDisk = disk.get(cid);
        if (onDisk.isPresent()) {
            diskHits.increment();
            // a filestore reference is re-read and re-checked each time: a copy would hide a changed file
            if (heat.touch(key) >= policy.promoteAt() && !disk.isReference(key)) {
                memory.put(onDisk.get(), false);
                promotions.increment();
            }
            return onDisk;
        }
        Optional<Block> fetched = remote == null ? Optional.empty() : remote.get(cid);
        if (fetched.isEmpty()) {
            misses.increment();
            return fetched;
        }
        Block block = fetched.get();
        SizeLimit.check(block, allowBigBlocks);
        remoteHits.increment();
        double h = heat.touch(key);
        if (pinned.test(key) || (h >= policy.writeDownAt() && diskHasRoom(block.size()))) {
            disk.put(block);
            writeDowns.increment();
            if (h >= policy.promoteAt()) {
                memory.put(block, false);
            }
        } else {
            memory.put(block, true);
        }
        return fetched;
    }

    /**
     * A block on disk and not in memory is read straight into the buffer and warmed, but not
     * copied into memory however hot it is: this is how files are streamed out, and a file read
     * often is kept by the page cache already, while copying each block of a large one into
     * memory would only push the blocks {@link #get} keeps there out (a sequential scan, which
     * database buffer pools keep out of their cache for the same reason). Anything else goes
     * through {@link #get}.
     */
    @Override
    public Optional<ByteBuffer> read(Cid cid, DirectBuffers buffers) throws IOException {
        Multihash key = cid.multihash();
        if (key.code() == Multicodec.IDENTITY || memory.peek(key) != null) {
            return Blockstore.super.read(cid, buffers);
        }
        maintainIfDue();
        Optional<ByteBuffer> onDisk = disk.read(cid, buffers);
        if (onDisk.isEmpty()) {
            return Blockstore.super.read(cid, buffers);
        }
        diskHits.increment();
        heat.touch(key);
        return onDisk;
    }

    private boolean diskHasRoom(int size) {
        return disk.totalSize() + size <= policy.diskQuotaBytes();
    }

    private void writeDown(Block block) throws IOException {
        disk.put(block);
        memory.markSaved(block.cid().multihash());
        writeDowns.increment();
    }

    /** Stores a block on disk, durably; it does not count as a read. */
    @Override
    public void put(Block block) throws IOException {
        if (block.cid().multihash().code() == Multicodec.IDENTITY) {
            return;
        }
        SizeLimit.check(block, allowBigBlocks);
        disk.put(block);
        memory.markSaved(block.cid().multihash());
    }

    /** Stores the blocks on disk in one batch (see {@link FlatfsBlockstore#putMany}); identity blocks are skipped. */
    @Override
    public void putMany(List<Block> blocks) throws IOException {
        BlockWrites batch = writes();
        batch.putMany(blocks);
        batch.sync();
    }

    /** The disk's writer (see {@link FlatfsBlockstore#writes}) for the blocks that are stored; identity blocks are skipped. */
    @Override
    public BlockWrites writes() {
        BlockWrites onDisk = disk.writes();
        return new BlockWrites() {
            @Override
            public void putMany(List<Block> blocks) throws IOException {
                List<Block> stored = new ArrayList<>(blocks.size());
                for (Block b : blocks) {
                    if (b.cid().multihash().code() != Multicodec.IDENTITY) {
                        SizeLimit.check(b, allowBigBlocks);
                        stored.add(b);
                    }
                }
                onDisk.putMany(stored);
                for (Block b : stored) {
                    memory.markSaved(b.cid().multihash());
                }
            }

            @Override
            public void sync() throws IOException {
                onDisk.sync();
            }
        };
    }

    @Override
    public boolean has(Multihash key) throws IOException {
        return key.code() == Multicodec.IDENTITY || memory.has(key) || disk.has(key);
    }

    @Override
    public boolean delete(Multihash key) throws IOException {
        if (key.code() == Multicodec.IDENTITY) {
            return false;
        }
        boolean inMemory = memory.delete(key);
        boolean onDisk = disk.delete(key);
        heat.forget(key);
        return inMemory || onDisk;
    }

    @Override
    public OptionalInt sizeOf(Multihash key) throws IOException {
        if (key.code() == Multicodec.IDENTITY) {
            return OptionalInt.of(key.length());
        }
        OptionalInt size = memory.sizeOf(key);
        return size.isPresent() ? size : disk.sizeOf(key);
    }

    /** The disk's keys, then the unsaved blocks in memory (a snapshot taken when the disk keys are exhausted). */
    @Override
    public Stream<Multihash> keys() throws IOException {
        return Stream.concat(disk.keys(), Stream.of(memory).flatMap(m -> m.unsavedKeys().stream()));
    }

    @Override
    public long count() {
        return disk.count() + memory.unsavedCount();
    }

    @Override
    public long totalSize() {
        return disk.totalSize() + memory.unsavedSize();
    }

    /** @return counts of what is where and what moved */
    public TierStats stats() {
        return new TierStats(memory.count(), memory.totalSize(), memory.unsavedCount(), disk.count(), disk.totalSize(),
                heat.size(), memoryHits.sum(), diskHits.sum(), remoteHits.sum(), misses.sum(), promotions.sum(),
                demotions.sum(), memory.evictions(), writeDowns.sum());
    }

    /** @return the error of the last maintenance a read ran, if it failed; null otherwise */
    public IOException lastMaintenanceError() {
        return lastMaintenanceError;
    }

    private void maintainIfDue() {
        long now = clock.millis();
        long last = lastMaintain.get();
        if (now - last < policy.maintainInterval().toMillis() || !lastMaintain.compareAndSet(last, now)) {
            return;
        }
        try {
            maintain();
            lastMaintenanceError = null;
        } catch (IOException e) {
            lastMaintenanceError = e; // a read must not fail because heat could not be saved
        }
    }

    /**
     * Writes down unsaved blocks that became pinned or hot, drops cold blocks from memory, and
     * saves heat when it is due. Returns at once if another thread is maintaining.
     *
     * @throws IOException when a write-down or saving heat fails
     */
    public void maintain() throws IOException {
        if (!maintenance.tryLock()) {
            return;
        }
        try {
            lastMaintain.set(clock.millis());
            for (MemoryBlockstore.Resident r : memory.residents()) {
                double h = heat.heatOf(r.key());
                if (r.unsaved()) {
                    MemoryBlockstore.Entry e = memory.peek(r.key());
                    if (e != null && e.unsaved() && (pinned.test(r.key())
                            || (h >= policy.writeDownAt() && diskHasRoom(e.data().length)))) {
                        writeDown(Block.of(Cid.v1(Multicodec.RAW, r.key()), e.data()));
                    }
                }
                if (h < policy.demoteBelow() && memory.delete(r.key())) {
                    demotions.increment();
                }
            }
            long now = clock.millis();
            if (now - lastFlush.get() >= policy.heatFlushInterval().toMillis()) {
                saveHeat();
                lastFlush.set(now);
            }
        } finally {
            maintenance.unlock();
        }
    }

    /**
     * Saves heat, then closes memory and the disk store.
     *
     * @throws IOException when heat cannot be saved or the disk store cannot be closed
     */
    @Override
    public void close() throws IOException {
        maintenance.lock();
        try {
            try {
                saveHeat();
            } finally {
                memory.close();
                disk.close();
            }
        } finally {
            maintenance.unlock();
        }
    }

    /** Writes the heat down when something changed it since it was loaded or last written. */
    private void saveHeat() throws IOException {
        Heat.Unsaved unsaved = heat.unsaved();
        if (unsaved != null) {
            heatStore.saveHeat(unsaved.snapshot());
            heat.saved(unsaved);
        }
    }

    /** Memory and disk, untouched by heat. */
    private final class LocalView implements Blockstore {
        @Override
        public Optional<Block> get(Cid cid) throws IOException {
            if (cid.multihash().code() == Multicodec.IDENTITY) {
                return Optional.of(Block.of(cid, cid.multihash().digest()));
            }
            MemoryBlockstore.Entry e = memory.peek(cid.multihash());
            return e != null ? Optional.of(Block.of(cid, e.data())) : disk.get(cid);
        }

        @Override
        public Optional<ByteBuffer> read(Cid cid, DirectBuffers buffers) throws IOException {
            if (cid.multihash().code() == Multicodec.IDENTITY || memory.peek(cid.multihash()) != null) {
                return Blockstore.super.read(cid, buffers);
            }
            return disk.read(cid, buffers);
        }

        @Override
        public Optional<Block> get(Cid cid, BlockArrays arrays) throws IOException {
            if (cid.multihash().code() == Multicodec.IDENTITY || memory.peek(cid.multihash()) != null) {
                return get(cid); // shared arrays, which arrays.release passes over
            }
            return disk.get(cid, arrays);
        }

        @Override
        public void put(Block block) throws IOException {
            TieredBlockstore.this.put(block);
        }

        @Override
        public void putMany(List<Block> blocks) throws IOException {
            TieredBlockstore.this.putMany(blocks);
        }

        @Override
        public BlockWrites writes() {
            return TieredBlockstore.this.writes();
        }

        @Override
        public boolean has(Multihash key) throws IOException {
            return TieredBlockstore.this.has(key);
        }

        @Override
        public boolean delete(Multihash key) throws IOException {
            return TieredBlockstore.this.delete(key);
        }

        @Override
        public OptionalInt sizeOf(Multihash key) throws IOException {
            return TieredBlockstore.this.sizeOf(key);
        }

        @Override
        public Stream<Multihash> keys() throws IOException {
            return TieredBlockstore.this.keys();
        }

        @Override
        public long count() {
            return TieredBlockstore.this.count();
        }

        @Override
        public long totalSize() {
            return TieredBlockstore.this.totalSize();
        }

        @Override
        public void close() {
            // a view: the tiered store owns the tiers
        }
    }
}
