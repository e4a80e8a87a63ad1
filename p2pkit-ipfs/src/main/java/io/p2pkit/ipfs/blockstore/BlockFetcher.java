package io.p2pkit.ipfs.blockstore;

import io.p2pkit.core.multiformats.Cid;

import java.io.IOException;
import java.time.Duration;
import java.util.Optional;

/**
 * How the remote tier asks the network for a block: the seam the block exchange (Bitswap) fills
 * in. The fetcher need not verify what it returns; {@link RemoteTier} checks the bytes against
 * the CID before anything else sees them.
 */
@FunctionalInterface
public interface BlockFetcher {
    /**
     * Asks the network for a block and waits for it.
     *
     * @param cid     the block wanted
     * @param timeout how long to wait at most
     * @return the bytes a peer sent for it, or empty when no peer had it within {@code timeout}
     * @throws IOException          when the exchange failed
     * @throws InterruptedException when the caller was interrupted while waiting
     */
    Optional<byte[]> fetch(Cid cid, Duration timeout) throws IOException, InterruptedException;
}
