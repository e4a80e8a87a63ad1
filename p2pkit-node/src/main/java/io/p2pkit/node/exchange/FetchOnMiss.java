package io.p2pkit.node.exchange;

import io.p2pkit.core.multiformats.Cid;
import io.p2pkit.ipfs.block.Block;
import io.p2pkit.ipfs.block.BlockSource;

import java.io.IOException;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The blocks of a DAG for one reader that walks it: read from the local store until one is
 * missing, then from a background fetch of the whole DAG ({@link ArrivingBlocks}) started at that
 * moment, which brings what is missing many blocks at a time while the reader goes on. A DAG
 * that is all here is read once, with no fetch; one whose root is elsewhere is fetched from the
 * first read. Not thread-safe: one walker. Close it to stop the fetch.
 */
public final class FetchOnMiss implements BlockSource, AutoCloseable {
    private final BlockSource local;
    private final Supplier<ArrivingBlocks> fetch;
    private ArrivingBlocks arriving;

    /**
     * @param local where the blocks here are read
     * @param fetch starts the background fetch of the whole DAG (called at most once)
     */
    public FetchOnMiss(BlockSource local, Supplier<ArrivingBlocks> fetch) {
        this.local = local;
        this.fetch = fetch;
    }

    @Override
    public Optional<Block> get(Cid cid) throws IOException {
        if (arriving == null) {
            Optional<Block> here = local.get(cid);
            if (here.isPresent()) {
                return here;
            }
            arriving = fetch.get();
        }
        return arriving.get(cid);
    }

    @Override
    public void close() {
        if (arriving != null) {
            arriving.close();
        }
    }
}
