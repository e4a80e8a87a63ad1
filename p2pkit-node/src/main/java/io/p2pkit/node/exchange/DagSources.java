package io.p2pkit.node.exchange;

import io.p2pkit.core.multiformats.Cid;
import io.p2pkit.ipfs.bitswap.Bitswap;
import io.p2pkit.ipfs.block.BlockSource;
import io.p2pkit.ipfs.pin.PinException;
import io.p2pkit.ipfs.pin.Pinner;
import io.p2pkit.node.cli.content.DagTraversal;

import java.io.IOException;
import java.time.Duration;
import java.util.function.BiFunction;

/** Where the daemon's and the CLI's pins take a DAG from ({@link Pinner.DagSource}). */
public final class DagSources {
    private DagSources() {
    }

    /**
     * A Bitswap fetch of the DAG: each block it brings or finds here goes to the pin as it comes,
     * so nothing is read back.
     *
     * @param bitswap the exchange
     * @param idle    how long the fetch may go without a block
     * @param failure the command's error for a fetch that failed (the pin's own failures pass as they are)
     */
    public static Pinner.DagSource fetched(Bitswap bitswap, Duration idle,
                                           BiFunction<Cid, IOException, RuntimeException> failure) {
        return (root, links, each) -> {
            try {
                bitswap.fetchDag(root, links, (block, fetched) -> each.block(block), idle);
            } catch (PinException e) {
                throw e;
            } catch (IOException e) {
                throw failure.apply(root, e);
            }
        };
    }

    /** The blocks in {@code local} alone; a missing one stops the pin with a {@code BlockNotFoundException} naming it. */
    public static Pinner.DagSource local(BlockSource local) {
        return (root, links, each) -> new DagTraversal(local, links).walk(root, each::block);
    }
}
