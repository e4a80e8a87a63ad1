package io.p2pkit.ipfs.block;

import io.p2pkit.core.multiformats.Cid;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Optional;

/** Where blocks are read from: a blockstore, a CAR file, the network. */
@FunctionalInterface
public interface BlockSource {
    /**
     * The block named {@code cid}.
     *
     * @param cid the block's CID (version and codec do not matter to the lookup; the multihash does)
     * @return the block, or empty when this source does not have it
     * @throws IOException when the source cannot be read
     */
    Optional<Block> get(Cid cid) throws IOException;

    /**
     * The bytes of the block named {@code cid}, in a buffer from {@code buffers}, for a reader that
     * only passes them on (a file streamed out): a source that keeps blocks in files reads them
     * straight into it. This default copies what {@link #get} returns. Whatever a source does, it
     * gives the same bytes, checked as {@link #get} checks them.
     *
     * @param cid     the block's CID
     * @param buffers where the buffer comes from; the caller gives it back there when done
     * @return the bytes from position 0 to the limit, or empty when this source does not have the block
     * @throws IOException when the source cannot be read
     */
    default Optional<ByteBuffer> read(Cid cid, DirectBuffers buffers) throws IOException {
        Optional<Block> block = get(cid);
        if (block.isEmpty()) {
            return Optional.empty();
        }
        byte[] data = block.get().data();
        return Optional.of(buffers.acquire(data.length).put(data).flip());
    }

    /**
     * The block named {@code cid}, as {@link #get} gives it, its array perhaps from {@code arrays},
     * for a reader that only passes it on (a Bitswap server sending it): a source that keeps blocks
     * in files reads them into an array from there. The caller gives the block's array back with
     * {@link BlockArrays#release} when done with it, and keeps no reference to it afterwards. This
     * default is {@link #get}.
     *
     * @param cid    the block's CID
     * @param arrays where the block's array may come from
     * @return the block, or empty when this source does not have it
     * @throws IOException when the source cannot be read
     */
    default Optional<Block> get(Cid cid, BlockArrays arrays) throws IOException {
        return get(cid);
    }
}
