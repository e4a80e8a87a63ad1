package io.p2pkit.ipfs.pin;

import io.p2pkit.core.multiformats.Cid;
import io.p2pkit.core.multiformats.Multihash;
import io.p2pkit.ipfs.block.Block;
import io.p2pkit.ipfs.block.LinkReader;
import io.p2pkit.ipfs.blockstore.Blockstore;
import io.p2pkit.ipfs.blockstore.CorruptBlockException;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Collection;
import java.util.Iterator;
import java.util.Objects;
import java.util.OptionalInt;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * {@code repo gc}: removes every stored block that no pin keeps.
 *
 * <p>Mark: under the {@link GcLock}'s exclusive GC lock, walk every recursive pin's DAG over
 * local blocks (raw blocks, which have no links, are marked without being read), mark every
 * direct pin's block, and walk the protected roots (for example MFS roots) best-effort: a
 * missing block under a protected root is skipped. A block missing or unreadable under a
 * recursive pin stops the collection before anything is deleted (a
 * {@link MissingBlockException}), as Kubo's does: run {@code pin verify}. Sweep: still under the
 * lock, delete every stored block that was not marked. Adds wait for the lock, so no block
 * written by an add that has not pinned its root yet is ever swept.
 */
public final class GarbageCollector {
    private final Blockstore local;
    private final PinStore pins;
    private final LinkReader links;
    private final GcLock gcLock;
    private final int maxDagBlocks;

    /**
     * @param local        the blockstore, without the network (e.g. {@code TieredBlockstore.local()})
     * @param pins         the recorded pins
     * @param links        how to read a block's links
     * @param gcLock       shared with adds and the {@link Pinner}
     * @param maxDagBlocks most blocks the mark may visit
     */
    public GarbageCollector(Blockstore local, PinStore pins, LinkReader links, GcLock gcLock, int maxDagBlocks) {
        this.local = Objects.requireNonNull(local, "local");
        this.pins = Objects.requireNonNull(pins, "pins");
        this.links = Objects.requireNonNull(links, "links");
        this.gcLock = Objects.requireNonNull(gcLock, "gcLock");
        if (maxDagBlocks < 1) {
            throw new IllegalArgumentException("maxDagBlocks must be positive");
        }
        this.maxDagBlocks = maxDagBlocks;
    }

    /**
     * Collects garbage.
     *
     * @param protectedRoots DAGs to keep besides the pins, walked best-effort
     * @return what was done
     * @throws MissingBlockException when a block under a recursive pin is missing (nothing was deleted)
     * @throws PinException          when the pinned DAGs are over the walk bound (nothing was deleted)
     * @throws IOException           when the store fails
     * @throws InterruptedException  when interrupted while waiting for adds to pin
     */
    public GcResult collect(Collection<Cid> protectedRoots) throws IOException, InterruptedException {
        return collect(protectedRoots, key -> {
        });
    }

    /**
     * Collects garbage, telling {@code removed} of each block as it is deleted (Kubo's
     * {@code repo gc} streams the removed keys).
     *
     * @param protectedRoots DAGs to keep besides the pins, walked best-effort
     * @param removed        called with each removed block's multihash, on this thread, under the GC lock
     * @return what was done
     * @throws MissingBlockException when a block under a recursive pin is missing (nothing was deleted)
     * @throws PinException          when the pinned DAGs are over the walk bound (nothing was deleted)
     * @throws IOException           when the store fails
     * @throws InterruptedException  when interrupted while waiting for adds to pin
     */
    public GcResult collect(Collection<Cid> protectedRoots, Consumer<Multihash> removed)
            throws IOException, InterruptedException {
        Objects.requireNonNull(removed, "removed");
        GcLock.Held held = gcLock.gcLock();
        try {
            DagWalk mark = new DagWalk(local, links, maxDagBlocks, "garbage collection", false);
            for (Pin p : pins.list(PinType.RECURSIVE)) {
                mark.walk(p.cid(), DagWalk.MARK_ONLY);
            }
            for (Pin p : pins.list(PinType.DIRECT)) {
                mark.mark(p.cid().multihash());
            }
            DagWalk.Visitor bestEffort = new DagWalk.Visitor() {
                @Override
                public void visit(Block block) {
                }

                @Override
                public void missing(Cid cid, Cid root, String purpose) {
                }

                @Override
                public void corrupt(Cid cid, Cid root, CorruptBlockException e) {
                }
            };
            for (Cid root : protectedRoots) {
                mark.walk(root, bestEffort);
            }
            return sweep(mark, removed);
        } finally {
            held.close();
        }
    }

    private GcResult sweep(DagWalk mark, Consumer<Multihash> listener) throws IOException {
        long kept = 0;
        long removed = 0;
        long removedBytes = 0;
        try (Stream<Multihash> keys = local.keys()) {
            Iterator<Multihash> it = keys.iterator();
            while (it.hasNext()) {
                Multihash key = it.next();
                if (mark.seen(key)) {
                    kept++;
                    continue;
                }
                OptionalInt size = local.sizeOf(key);
                if (local.delete(key)) {
                    removed++;
                    removedBytes += size.orElse(0);
                    listener.accept(key);
                }
            }
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
        return new GcResult(mark.seenCount(), kept, removed, removedBytes);
    }
}
