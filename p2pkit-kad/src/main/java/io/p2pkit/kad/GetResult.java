package io.p2pkit.kad;

import io.p2pkit.core.identity.PeerId;
import io.p2pkit.kad.query.LookupResult;

import java.util.List;
import java.util.Optional;

/**
 * What {@link KadDht#getValue} found.
 *
 * @param value     the best valid record, if any
 * @param received  how many valid records arrived (the local one included)
 * @param corrected peers that had sent an outdated record and were sent the best one
 * @param lookup    the lookup's cost
 */
public record GetResult(Optional<byte[]> value, int received, List<PeerId> corrected, LookupResult lookup) {
}
