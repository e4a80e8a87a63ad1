package io.p2pkit.ipfs.repo;

import io.p2pkit.ipfs.block.LinkReader;
import io.p2pkit.ipfs.blockstore.BlockFetcher;

import java.time.Clock;
import java.util.Objects;
import java.util.Optional;

/**
 * What a repository needs from the rest of the node when it is opened: how to read a block's
 * links (the codec registry), the clock heat decays by, and, for a node on the network, how to
 * fetch blocks it does not have.
 */
public final class OpenOptions {
    private final LinkReader links;
    private final Clock clock;
    private final BlockFetcher fetcher;
    private final boolean allowBigBlocks;

    private OpenOptions(LinkReader links, Clock clock, BlockFetcher fetcher, boolean allowBigBlocks) {
        this.links = Objects.requireNonNull(links, "links");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.fetcher = fetcher;
        this.allowBigBlocks = allowBigBlocks;
    }

    /**
     * @param links how to read a block's links
     * @return options with the system clock and no network
     */
    public static OpenOptions of(LinkReader links) {
        return new OpenOptions(links, Clock.systemUTC(), null, false);
    }

    /**
     * @param c the clock heat decays by
     * @return these options with it
     */
    public OpenOptions clock(Clock c) {
        return new OpenOptions(links, c, fetcher, allowBigBlocks);
    }

    /**
     * @param f how to fetch blocks from the network
     * @return these options with it
     */
    public OpenOptions fetcher(BlockFetcher f) {
        return new OpenOptions(links, clock, Objects.requireNonNull(f, "fetcher"), allowBigBlocks);
    }

    /**
     * Lets this opening store and read blocks over {@link io.p2pkit.ipfs.block.Block#MAX_SIZE}
     * even when the config's {@code blockstore.allowBigBlocks} is off: Kubo's
     * {@code --allow-big-block} for one command. A big block stored that way stays on disk; only
     * an opening that allows big blocks can read it back.
     *
     * @param allow whether big blocks are allowed
     * @return these options with it
     */
    public OpenOptions allowBigBlocks(boolean allow) {
        return new OpenOptions(links, clock, fetcher, allow);
    }

    /** @return whether this opening allows big blocks whatever the config says */
    public boolean allowBigBlocks() {
        return allowBigBlocks;
    }

    /** @return how to read a block's links */
    public LinkReader links() {
        return links;
    }

    /** @return the clock */
    public Clock clock() {
        return clock;
    }

    /** @return how to fetch blocks from the network, if the node has one */
    public Optional<BlockFetcher> fetcher() {
        return Optional.ofNullable(fetcher);
    }
}
