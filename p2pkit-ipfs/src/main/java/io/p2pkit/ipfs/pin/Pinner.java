package io.p2pkit.ipfs.pin;

import io.p2pkit.core.DecodeException;
import io.p2pkit.core.multiformats.Cid;
import io.p2pkit.core.multiformats.Multihash;
import io.p2pkit.ipfs.block.Block;
import io.p2pkit.ipfs.block.BlockMismatchException;
import io.p2pkit.ipfs.block.BlockSource;
import io.p2pkit.ipfs.block.LinkReader;
import io.p2pkit.ipfs.blockstore.Blockstore;
import io.p2pkit.ipfs.blockstore.CorruptBlockException;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.LongConsumer;

/**
 * Pins, as Kubo has them: {@code add}, {@code rm}, {@code update}, {@code ls} and {@code verify}.
 *
 * <p>Pinning recursively walks the whole DAG: the blocks in {@code local} as they are (a walk
 * does not count as a read that warms them), the others through {@code blocks} (which may fetch
 * them from the network); it makes sure every block is stored ({@code put}, which writes a block
 * held only in memory down to disk), and records the pin only when all of it is here; a missing
 * block is a {@link MissingBlockException} and no pin is recorded. Online, a {@link DagSource}
 * (a Bitswap fetch of the DAG) can take the walk's place, handing over the blocks it fetched as
 * they arrive, so that they are not read back from disk. All of this runs under the
 * {@link GcLock}'s pin lock, so a concurrent garbage collection cannot remove a block between
 * the walk and the record. Listing indirect pins and verifying walk {@code local} only, never
 * the network.
 */
public final class Pinner {
    /** Default bound on the blocks one walk may visit: 10 million (about 1 GiB of bookkeeping). */
    public static final int DEFAULT_MAX_DAG_BLOCKS = 10_000_000;

    private final Blockstore blocks;
    private final Blockstore local;
    // what a pin's walk reads: stored blocks without warming them (a walk over a DAG of thousands
    // of blocks is a scan, not use, and would push the blocks that are read often out of the heat
    // table, then have every one of them saved at close), the network only for what is missing
    private final BlockSource walked;
    private final PinStore pins;
    private final LinkReader links;
    private final GcLock gcLock;
    private final int maxDagBlocks;

    /**
     * @param blocks       where pinned blocks are read from and stored (may reach the network)
     * @param local        the same store without the network, for listing and verifying
     * @param pins         where pins are recorded
     * @param links        how to read a block's links
     * @param gcLock       shared with the garbage collector
     * @param maxDagBlocks most blocks one walk may visit
     */
    public Pinner(Blockstore blocks, Blockstore local, PinStore pins, LinkReader links, GcLock gcLock, int maxDagBlocks) {
        this.blocks = Objects.requireNonNull(blocks, "blocks");
        this.local = Objects.requireNonNull(local, "local");
        this.walked = cid -> {
            Optional<Block> here = local.get(cid);
            return here.isPresent() ? here : blocks.get(cid);
        };
        this.pins = Objects.requireNonNull(pins, "pins");
        this.links = Objects.requireNonNull(links, "links");
        this.gcLock = Objects.requireNonNull(gcLock, "gcLock");
        if (maxDagBlocks < 1) {
            throw new IllegalArgumentException("maxDagBlocks must be positive");
        }
        this.maxDagBlocks = maxDagBlocks;
    }

    /** @return the lock adds and garbage collection share */
    public GcLock gcLock() {
        return gcLock;
    }

    /**
     * Pins a CID. Pinning recursively what is pinned directly turns the direct pin into a
     * recursive one; pinning again what is pinned the same way only updates the name.
     *
     * @param cid  what to pin
     * @param type {@link PinType#RECURSIVE} or {@link PinType#DIRECT}
     * @param name a name for the pin, or empty
     * @throws MissingBlockException when a block is not available
     * @throws PinException          when a direct pin is asked for what is pinned recursively, or the DAG is too large
     * @throws IOException           when the store fails
     * @throws InterruptedException  when interrupted while a garbage collection runs
     */
    public void pin(Cid cid, PinType type, String name) throws IOException, InterruptedException {
        pin(cid, type, name, n -> { });
    }

    /**
     * Pins a CID as {@link #pin(Cid, PinType, String)} does, telling {@code progress} the count of
     * blocks the recursive walk has visited so far after each one (Kubo's {@code pin add --progress}).
     *
     * @param cid      what to pin
     * @param type     {@link PinType#RECURSIVE} or {@link PinType#DIRECT}
     * @param name     a name for the pin, or empty
     * @param progress told the running count of blocks visited
     * @throws IOException          as {@link #pin(Cid, PinType, String)}
     * @throws InterruptedException when interrupted while a garbage collection runs
     */
    public void pin(Cid cid, PinType type, String name, LongConsumer progress) throws IOException, InterruptedException {
        pin(cid, type, name, progress, null);
    }

    /**
     * Pins a CID as {@link #pin(Cid, PinType, String, LongConsumer)} does; a recursive pin's DAG
     * comes from {@code source} (a fetch over the network, under the pin lock) instead of the
     * pin's own walk through the store, so that blocks just fetched are not read back.
     *
     * @param cid      what to pin
     * @param type     {@link PinType#RECURSIVE} or {@link PinType#DIRECT}
     * @param name     a name for the pin, or empty
     * @param progress told the running count of blocks visited
     * @param source   where a recursive pin's DAG comes from, or null for the walk through the store
     * @throws IOException          as {@link #pin(Cid, PinType, String)}, or as {@code source} fails
     * @throws InterruptedException when interrupted while a garbage collection runs or the source waits
     */
    public void pin(Cid cid, PinType type, String name, LongConsumer progress, DagSource source)
            throws IOException, InterruptedException {
        Pin pin = new Pin(cid, type, name);
        long[] visited = {0};
        GcLock.Held held = gcLock.pinLock();
        try {
            switch (type) {
                case RECURSIVE -> {
                    if (source == null) {
                        new DagWalk(walked, links, maxDagBlocks, "cannot pin " + cid, true).walk(cid, block -> {
                            blocks.put(block);
                            progress.accept(++visited[0]);
                        });
                    } else {
                        source.walk(cid, links, storing("cannot pin " + cid, 0, progress));
                    }
                    pins.put(pin);
                    pins.remove(cid, PinType.DIRECT); // after the recursive pin is durable: never neither
                }
                case DIRECT -> {
                    if (pins.get(cid, PinType.RECURSIVE).isPresent()) {
                        throw new PinException(cid + " is already pinned recursively");
                    }
                    Block block = walked.get(cid).orElseThrow(() -> new MissingBlockException(cid, cid, "cannot pin " + cid));
                    blocks.put(block);
                    pins.put(pin);
                }
                case INDIRECT -> throw new IllegalArgumentException("indirect pins follow from recursive ones; pin "
                        + cid + " recursively or directly");
            }
        } finally {
            held.close();
        }
    }

    /**
     * Takes what a {@link DagSource} hands over: each block stored (one found only in memory goes
     * down to disk) and counted from {@code start} against the walk bound, the count told to
     * {@code progress}.
     */
    private DagSource.Each storing(String purpose, long start, LongConsumer progress) {
        long[] reached = {start};
        return block -> {
            if (++reached[0] > maxDagBlocks) {
                throw DagWalk.tooLarge(purpose, maxDagBlocks);
            }
            blocks.put(block);
            progress.accept(reached[0]);
        };
    }

    /**
     * Where a recursive pin's DAG comes from instead of the pin's walk through the store: online,
     * a fetch that follows the same links and hands over each block it fetched or found.
     */
    @FunctionalInterface
    public interface DagSource {
        /** Takes one block of the DAG. */
        @FunctionalInterface
        interface Each {
            /**
             * @param block a block of the DAG
             * @throws IOException to end the walk with this failure
             */
            void block(Block block) throws IOException;
        }

        /**
         * Calls {@code each} once with every block of the DAG under {@code root} that {@code links}
         * reaches, fetched or found here, and returns only when it has had all of them.
         *
         * @param root  the DAG's root
         * @param links how to read a block's links (the pinner's own)
         * @param each  takes each block
         * @throws IOException          when a block cannot be had, or {@code each} fails
         * @throws InterruptedException when interrupted
         */
        void walk(Cid root, LinkReader links, Each each) throws IOException, InterruptedException;
    }

    /**
     * Moves a recursive pin to another DAG, as Kubo's {@code pin update}: the blocks of {@code to}'s
     * DAG that {@code from}'s DAG does not have are stored and pinned recursively under the old
     * pin's name; then, with {@code unpin}, the old pin goes. The old DAG is walked over local
     * blocks first and its blocks are taken as present, so what the two share is neither fetched
     * nor walked again (the walk bound counts both DAGs). Runs under the pin lock.
     *
     * @param from   a recursively pinned CID
     * @param to     the new root
     * @param unpin  whether the pin of {@code from} is removed (Kubo's default)
     * @param source where the new blocks come from, after the checks (given links that pass over
     *               the old DAG's blocks), or null for the walk through the store
     * @throws PinException          when {@code from} is not pinned recursively, {@code to} already is, or a DAG is too large
     * @throws MissingBlockException when a block of the new DAG is not available
     * @throws IOException           when the store fails, or as {@code source} fails
     * @throws InterruptedException  when interrupted while a garbage collection runs or the source waits
     */
    public void update(Cid from, Cid to, boolean unpin, DagSource source) throws IOException, InterruptedException {
        GcLock.Held held = gcLock.pinLock();
        try {
            Pin old = pins.get(from, PinType.RECURSIVE)
                    .orElseThrow(() -> new PinException("'from' cid was not recursively pinned already"));
            if (from.equals(to)) {
                return;
            }
            if (pins.get(to, PinType.RECURSIVE).isPresent()) {
                throw new PinException("'to' cid was already recursively pinned");
            }
            KnownDag known = KnownDag.walk(local, links, maxDagBlocks, from);
            String purpose = "cannot pin " + to;
            if (source == null) {
                DagWalk walk = new DagWalk(walked, links, maxDagBlocks, purpose, true);
                known.markIn(walk);
                walk.walk(to, blocks::put);
            } else if (!known.has(to)) {
                LinkReader unknown = block -> links.links(block).stream().filter(c -> !known.has(c)).toList();
                source.walk(to, unknown, storing(purpose, known.size(), n -> { }));
            }
            pins.put(new Pin(to, PinType.RECURSIVE, old.name()));
            pins.remove(to, PinType.DIRECT);
            if (unpin) {
                pins.remove(from, PinType.RECURSIVE);
            }
        } finally {
            held.close();
        }
    }

    /**
     * Removes the pin of a CID, as {@code ipfs pin rm} does.
     *
     * @param cid       a pinned CID
     * @param recursive whether a recursive pin may be removed (Kubo's {@code --recursive}, default true)
     * @throws PinException when the CID is not pinned (or only indirectly), or is pinned recursively and {@code recursive} is false
     * @throws IOException  when the store fails
     */
    public void unpin(Cid cid, boolean recursive) throws IOException {
        if (pins.get(cid, PinType.RECURSIVE).isPresent()) {
            if (!recursive) {
                throw new PinException(cid + " is pinned recursively");
            }
            pins.remove(cid, PinType.RECURSIVE);
        } else if (!pins.remove(cid, PinType.DIRECT)) {
            throw new PinException("not pinned or pinned indirectly"); // boxo's ErrNotPinned, word for word
        }
    }

    /**
     * How a CID is pinned: recursively, directly, or indirectly (found by walking every
     * recursive pin over local blocks); recursive wins over direct, direct over indirect.
     *
     * @param cid a CID
     * @return its pin, or empty when it is not pinned
     * @throws IOException when the store fails or a pinned DAG cannot be walked
     */
    public Optional<Pin> pinOf(Cid cid) throws IOException {
        return status(cid).map(PinStatus::pin);
    }

    /**
     * How a CID is pinned ({@link #pinOf}), and for an indirect pin the first recursive pin, in
     * the order they are listed, whose DAG holds it.
     *
     * @param cid a CID
     * @return its status, or empty when it is not pinned
     * @throws IOException when the store fails or a pinned DAG cannot be walked
     */
    public Optional<PinStatus> status(Cid cid) throws IOException {
        Optional<Pin> p = pins.get(cid, PinType.RECURSIVE);
        if (p.isEmpty()) {
            p = pins.get(cid, PinType.DIRECT);
        }
        if (p.isPresent()) {
            return Optional.of(new PinStatus(p.get(), Optional.empty()));
        }
        DagWalk walk = new DagWalk(local, links, maxDagBlocks, "pin ls", true);
        for (Pin r : pins.list(PinType.RECURSIVE)) {
            walk.walk(r.cid(), DagWalk.MARK_ONLY);
            if (walk.seen(cid.multihash())) {
                return Optional.of(new PinStatus(new Pin(cid, PinType.INDIRECT, ""), Optional.of(r.cid())));
            }
        }
        return Optional.empty();
    }

    /**
     * @param root a multihash
     * @return whether a recursive or direct pin's CID has this multihash (for the tiered store)
     */
    public boolean isPinnedRoot(Multihash root) {
        return pins.isPinned(root);
    }

    /**
     * Lists pins: recursive, then direct, then indirect (each block reachable from a recursive
     * pin that is not itself a recursive or direct pin, once), as {@code ipfs pin ls --type} does.
     *
     * @param types which kinds to list
     * @return the pins
     * @throws IOException when the store fails or a recursive pin's DAG cannot be walked over local blocks
     */
    public List<Pin> ls(Set<PinType> types) throws IOException {
        List<Pin> out = new ArrayList<>();
        List<Pin> recursive = pins.list(PinType.RECURSIVE);
        List<Pin> direct = pins.list(PinType.DIRECT);
        if (types.contains(PinType.RECURSIVE)) {
            out.addAll(recursive);
        }
        if (types.contains(PinType.DIRECT)) {
            out.addAll(direct);
        }
        if (types.contains(PinType.INDIRECT)) {
            Set<Multihash> explicit = new HashSet<>();
            recursive.forEach(p -> explicit.add(p.cid().multihash()));
            direct.forEach(p -> explicit.add(p.cid().multihash()));
            DagWalk walk = new DagWalk(local, links, maxDagBlocks, "pin ls", true);
            for (Pin r : recursive) {
                walk.walk(r.cid(), block -> {
                    if (!explicit.contains(block.cid().multihash())) {
                        out.add(new Pin(block.cid(), PinType.INDIRECT, ""));
                    }
                });
            }
        }
        return out;
    }

    /**
     * Checks every recursive pin's DAG over local blocks: each block present, intact (re-hashed)
     * and with readable links, as {@code ipfs pin verify} does.
     *
     * @return one result per recursive pin
     * @throws IOException when the store fails or a DAG is over the walk bound
     */
    public List<PinVerifyResult> verify() throws IOException {
        List<PinVerifyResult> results = new ArrayList<>();
        for (Pin r : pins.list(PinType.RECURSIVE)) {
            List<PinVerifyResult.BadNode> bad = new ArrayList<>();
            // a fresh walk per pin: a block shared by two pins is judged in both
            new DagWalk(local, links, maxDagBlocks, "pin verify", true).walk(r.cid(), new DagWalk.Visitor() {
                @Override
                public void visit(Block block) {
                    if (!Multihash.isSupported(block.cid().multihash().code())) {
                        return; // cannot be re-hashed here; presence is all that can be checked
                    }
                    try {
                        Block.verified(block.cid(), block.data());
                    } catch (BlockMismatchException e) {
                        add(block.cid(), "damaged: " + e.getMessage());
                    }
                }

                @Override
                public void missing(Cid cid, Cid root, String purpose) {
                    add(cid, "missing");
                }

                @Override
                public void corrupt(Cid cid, Cid root, CorruptBlockException e) {
                    add(cid, "damaged: " + e.getMessage());
                }

                @Override
                public void undecodable(Block block, Cid root, DecodeException e, String purpose) {
                    add(block.cid(), "links cannot be read: " + e.getMessage());
                }

                private void add(Cid cid, String error) {
                    if (bad.size() < PinVerifyResult.MAX_LISTED) {
                        bad.add(new PinVerifyResult.BadNode(cid, error));
                    }
                }
            });
            results.add(new PinVerifyResult(r.cid(), bad));
        }
        return results;
    }
}
