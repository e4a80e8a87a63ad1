package io.p2pkit.kad;

import io.p2pkit.core.host.PeerInfo;
import io.p2pkit.kad.query.LookupResult;

import java.util.List;

/**
 * What {@link KadDht#findProviders} found.
 *
 * @param providers the providers, in the order they arrived (the local store's first)
 * @param lookup    the lookup's cost
 */
public record FindProvidersResult(List<PeerInfo> providers, LookupResult lookup) {
    /** Copies the list. */
    public FindProvidersResult {
        providers = List.copyOf(providers);
    }
}
