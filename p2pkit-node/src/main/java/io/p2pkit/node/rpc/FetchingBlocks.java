package io.p2pkit.node.rpc;

import io.p2pkit.core.multiformats.Cid;
import io.p2pkit.core.multiformats.Multicodec;
import io.p2pkit.ipfs.block.Block;
import io.p2pkit.ipfs.block.BlockSource;
import io.p2pkit.ipfs.blockstore.Blockstore;
import io.p2pkit.ipfs.block.LinkReader;
import io.p2pkit.ipfs.bitswap.Bitswap;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.List;
import java.util.Optional;

/**
 * The node's local blocks, where a block a read lacks is fetched over Bitswap first (and kept), as
 * a Kubo node online reads through its exchange: only the blocks a command walks come, not whole
 * DAGs. Each fetch fails after {@link NodeContent#FETCH_IDLE} without the block; with the request's
 * {@code offline} option nothing is fetched, and a missing block is missing.
 */
public final class FetchingBlocks implements BlockSource {
    private static final LinkReader NO_LINKS = block -> List.of();

    private final Blockstore local;
    private final Optional<Bitswap> exchange;
    private volatile Cid missing;

    private FetchingBlocks(Blockstore local, Optional<Bitswap> exchange) {
        this.local = local;
        this.exchange = exchange;
    }

    /** The blocks a request's command reads: fetching unless the request is {@code offline}. */
    static FetchingBlocks of(RpcRequest request) {
        return of(NodeContent.content(request), !NodeContent.offline(request));
    }

    /** The node's blocks, fetched over Bitswap when missing if {@code fetch} (the mounts read through this). */
    public static FetchingBlocks of(io.p2pkit.node.exchange.ContentService content, boolean fetch) {
        return new FetchingBlocks(content.repository().blocks().local(),
                fetch ? Optional.of(content.bitswap()) : Optional.empty());
    }

    /** The block, fetched first when it is not here and fetching is on. */
    @Override
    public Optional<Block> get(Cid cid) throws IOException {
        Optional<Block> here = local.get(cid);
        if (here.isEmpty() && exchange.isPresent() && cid.multihash().code() != Multicodec.IDENTITY) {
            fetch(cid, NO_LINKS);
            here = local.get(cid);
        }
        if (here.isEmpty()) {
            missing = cid;
        }
        return here;
    }

    /** The block's bytes read straight into a buffer when it is here (a file streamed out), fetched first when not. */
    @Override
    public Optional<java.nio.ByteBuffer> read(Cid cid, io.p2pkit.ipfs.block.DirectBuffers buffers) throws IOException {
        Optional<java.nio.ByteBuffer> here = local.read(cid, buffers);
        return here.isPresent() ? here : BlockSource.super.read(cid, buffers);
    }

    /** The last block a read lacked, for Kubo's error naming it. */
    Optional<Cid> missing() {
        return Optional.ofNullable(missing);
    }

    /**
     * Makes sure {@code cid} is here, with the blocks it links to directly when {@code children}
     * (one batch instead of one round trip each, as for a directory's entries).
     */
    void ensure(Cid cid, LinkReader children) throws IOException {
        if (exchange.isPresent() && cid.multihash().code() != Multicodec.IDENTITY) {
            fetch(cid, block -> block.cid().equals(cid) ? children.links(block) : List.of());
        }
    }

    private void fetch(Cid cid, LinkReader links) throws IOException {
        try {
            exchange.orElseThrow().fetchDag(cid, links, (block, fetched) -> { }, NodeContent.FETCH_IDLE);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // the command's deadline or its client's going away
            throw new InterruptedIOException("interrupted while fetching " + cid);
        } catch (IOException e) {
            throw RpcError.failed("could not fetch " + cid + ": " + e.getMessage());
        }
    }
}
