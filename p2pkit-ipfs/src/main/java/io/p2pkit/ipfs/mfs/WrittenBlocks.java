package io.p2pkit.ipfs.mfs;

import io.p2pkit.core.multiformats.Cid;
import io.p2pkit.core.multiformats.Multihash;
import io.p2pkit.ipfs.block.Block;
import io.p2pkit.ipfs.blockstore.Blockstore;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.stream.Stream;

/**
 * The MFS's view of its blockstore: everything goes to the store, and the CIDs of the blocks a
 * change puts are noted (at most {@link #MAX_NOTED}), so that they can be announced when the
 * change is recorded. Only the change that holds the MFS's lock puts blocks, so the list has one
 * writer; {@link #take} is called by that same change.
 */
final class WrittenBlocks implements Blockstore {
    /** The most CIDs noted for one change; a larger change's others wait for the next reprovide run. */
    static final int MAX_NOTED = 100_000;

    private final Blockstore store;
    private final List<Cid> noted = new ArrayList<>();

    WrittenBlocks(Blockstore store) {
        this.store = store;
    }

    /** @return the CIDs noted since the last call, and forgets them */
    List<Cid> take() {
        List<Cid> out = List.copyOf(noted);
        noted.clear();
        return out;
    }

    @Override
    public Optional<Block> get(Cid cid) throws IOException {
        return store.get(cid);
    }

    @Override
    public void put(Block block) throws IOException {
        store.put(block);
        if (noted.size() < MAX_NOTED) {
            noted.add(block.cid());
        }
    }

    @Override
    public void putMany(List<Block> blocks) throws IOException {
        store.putMany(blocks);
        for (Block b : blocks) {
            if (noted.size() < MAX_NOTED) {
                noted.add(b.cid());
            }
        }
    }

    @Override
    public boolean has(Multihash key) throws IOException {
        return store.has(key);
    }

    @Override
    public boolean delete(Multihash key) throws IOException {
        return store.delete(key);
    }

    @Override
    public OptionalInt sizeOf(Multihash key) throws IOException {
        return store.sizeOf(key);
    }

    @Override
    public Stream<Multihash> keys() throws IOException {
        return store.keys();
    }

    @Override
    public long count() {
        return store.count();
    }

    @Override
    public long totalSize() {
        return store.totalSize();
    }

    /** The store is not the MFS's to close. */
    @Override
    public void close() {
    }
}
