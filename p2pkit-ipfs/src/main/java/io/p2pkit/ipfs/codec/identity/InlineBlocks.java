package io.p2pkit.ipfs.codec.identity;

import io.p2pkit.core.multiformats.Cid;
import io.p2pkit.core.multiformats.Multicodec;
import io.p2pkit.ipfs.block.Block;
import io.p2pkit.ipfs.block.BlockSource;
import io.p2pkit.ipfs.block.DirectBuffers;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Objects;
import java.util.Optional;

/**
 * Blocks whose CID carries their data: a CID with the identity multihash ({@code 0x00}) holds the
 * bytes as its digest, so such a block never needs a store or the network. CARv2 indexes leave them
 * out and Kubo answers them at once; {@link #over} does the same for any source.
 */
public final class InlineBlocks {
    private InlineBlocks() {
    }

    /** @return whether {@code cid}'s multihash is the identity, i.e. it holds its data */
    public static boolean isInline(Cid cid) {
        return cid.multihash().code() == Multicodec.IDENTITY;
    }

    /** @return the block an identity CID holds, or empty for any other CID */
    public static Optional<Block> block(Cid cid) {
        if (!isInline(cid)) {
            return Optional.empty();
        }
        return Optional.of(Block.of(cid, cid.multihash().digest()));
    }

    /**
     * @param source where the other blocks come from
     * @return a source that answers identity CIDs itself and asks {@code source} for the rest
     */
    public static BlockSource over(BlockSource source) {
        Objects.requireNonNull(source, "source");
        return new BlockSource() {
            @Override
            public Optional<Block> get(Cid cid) throws IOException {
                Optional<Block> inline = block(cid);
                return inline.isPresent() ? inline : source.get(cid);
            }

            @Override
            public Optional<ByteBuffer> read(Cid cid, DirectBuffers buffers) throws IOException {
                return isInline(cid) ? BlockSource.super.read(cid, buffers) : source.read(cid, buffers);
            }
        };
    }
}
