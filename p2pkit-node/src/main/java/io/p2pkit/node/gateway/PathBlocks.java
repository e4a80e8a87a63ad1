package io.p2pkit.node.gateway;

import io.p2pkit.core.multiformats.Cid;
import io.p2pkit.ipfs.block.Block;
import io.p2pkit.ipfs.block.BlockSource;
import io.p2pkit.ipfs.block.DirectBuffers;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A block source that remembers, in order, the blocks read while a path is resolved: a CAR
 * response starts with them (the trustless gateway's "path blocks"), and resolving each prefix of
 * the path again reads them from here instead of the store.
 */
final class PathBlocks implements BlockSource {
    /** A path crosses one block per segment (more in HAMT shards); beyond this, blocks are not kept. */
    private static final int MAX_KEPT = 4096;
    /** Nor beyond this many bytes: what is kept is held for the whole response. */
    private static final long MAX_KEPT_BYTES = 16L << 20;

    private final BlockSource source;
    private final Map<Cid, Block> read = new LinkedHashMap<>();
    private long keptBytes;
    private boolean keeping = true;

    PathBlocks(BlockSource source) {
        this.source = source;
    }

    @Override
    public Optional<Block> get(Cid cid) throws IOException {
        Cid key = cid.toV1();
        Block kept = read.get(key);
        if (kept != null) {
            return Optional.of(kept);
        }
        Optional<Block> b = source.get(cid);
        if (b.isPresent() && keeping && read.size() < MAX_KEPT && keptBytes + b.get().size() <= MAX_KEPT_BYTES) {
            read.put(key, b.get());
            keptBytes += b.get().size();
        }
        return b;
    }

    /** Once the path is resolved, the content's blocks go straight into the buffer. */
    @Override
    public Optional<ByteBuffer> read(Cid cid, DirectBuffers buffers) throws IOException {
        if (keeping || read.containsKey(cid.toV1())) {
            return BlockSource.super.read(cid, buffers);
        }
        return source.read(cid, buffers);
    }

    /**
     * The path is resolved: later reads (the content itself, which may be gigabytes) pass through
     * without being kept.
     */
    void resolved() {
        keeping = false;
    }

    /** The blocks read so far, in the order they were first read. */
    List<Block> blocks() {
        return new ArrayList<>(read.values());
    }
}
