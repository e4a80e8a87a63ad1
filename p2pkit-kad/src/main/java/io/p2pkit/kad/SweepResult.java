package io.p2pkit.kad;

import java.time.Duration;

/**
 * What {@link KadDht#provideSweep} did.
 *
 * @param keys           keys announced
 * @param regions        regions of the key space the keys fell in
 * @param lookups        lookups made (against one per key when announced one by one)
 * @param lookupMessages requests those lookups sent
 * @param recordsSent    provider records sent without error (one ADD_PROVIDER each, as in go)
 * @param recordsFailed  provider records whose send failed
 * @param unplaced       keys no peer took
 * @param oneByOne       keys of regions that could not be explored, announced one by one instead
 * @param peers          peers of the swept regions given records (those of keys announced one by one not counted)
 * @param reachable      those of them that took every record sent to them
 * @param elapsed        wall time
 */
public record SweepResult(int keys, int regions, int lookups, int lookupMessages, long recordsSent, long recordsFailed,
                          int unplaced, int oneByOne, int peers, int reachable, Duration elapsed) {
}
