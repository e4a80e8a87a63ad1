package io.p2pkit.ipfs.bitswap;

import io.p2pkit.core.host.PeerInfo;
import io.p2pkit.core.multiformats.Cid;

import java.io.IOException;
import java.util.function.Consumer;

/** Where a session looks for providers when its peers do not have a block: usually the DHT. */
@FunctionalInterface
public interface ProviderFinder {
    /** Finds nobody: sessions only ask the peers they are connected to. */
    ProviderFinder NONE = (cid, limit, found) -> {
    };

    /**
     * Looks providers of {@code cid} up, telling {@code found} of each as it comes; blocks until done.
     *
     * @param cid   the block
     * @param limit how many providers are enough
     * @param found told of each provider
     * @throws IOException when the lookup fails
     */
    void findProviders(Cid cid, int limit, Consumer<PeerInfo> found) throws IOException;
}
