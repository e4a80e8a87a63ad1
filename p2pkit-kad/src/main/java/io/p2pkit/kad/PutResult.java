package io.p2pkit.kad;

import io.p2pkit.kad.query.LookupResult;

/**
 * What {@link KadDht#putValue} did.
 *
 * @param peers  how many of the closest peers took the record
 * @param lookup the lookup's cost
 */
public record PutResult(int peers, LookupResult lookup) {
}
