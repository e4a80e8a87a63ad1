package io.p2pkit.kad;

import io.p2pkit.kad.query.LookupResult;
import io.p2pkit.kad.query.NetworkSizeEstimator;

/**
 * What {@link KadDht#provide} did.
 *
 * @param peers    how many peers took the record (the ADD_PROVIDER went out without error; it
 *                 has no reply, as in go); for an optimistic provide, those known when it returned
 * @param lookup   the lookup's cost; for an optimistic provide, its closest are the peers the
 *                 record was sent to
 * @param strategy how the provide went about it
 * @param estimate the network-size estimate consulted (its status says why optimistic provide
 *                 fell back to classic)
 */
public record ProvideResult(int peers, LookupResult lookup, ProvideStrategy strategy,
                            NetworkSizeEstimator.Estimate estimate) {
}
