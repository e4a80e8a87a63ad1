package io.p2pkit.node.ipnsps;

import io.p2pkit.core.identity.PeerId;
import io.p2pkit.kad.record.IpnsRecord;
import io.p2pkit.kad.record.IpnsValidator;

import java.time.Instant;
import java.util.Arrays;

/**
 * What a record received for a name is worth against the one held, by go-libp2p-pubsub-router's
 * rule over boxo's IPNS validator: an invalid record (bad signature, wrong key, expired, over the
 * 10 KiB cap, malformed) is refused; otherwise the higher sequence wins, then the later end of
 * validity, then the larger bytes; a held record that no longer validates always loses.
 */
enum RecordVerdict {
    /** Not a valid record of the name: dropped, and its sender penalised. */
    INVALID,
    /** Valid, but the held record is better. */
    WORSE,
    /** The very record held. */
    SAME,
    /** Better than the held record (or there is none). */
    BETTER;

    /**
     * Judges {@code candidate} as a record of {@code name} at {@code now}, against {@code held}
     * (null when there is none).
     */
    static RecordVerdict judge(PeerId name, byte[] candidate, byte[] held, Instant now) {
        IpnsRecord c = valid(name, candidate, now);
        if (c == null) {
            return INVALID;
        }
        IpnsRecord h = held == null ? null : valid(name, held, now);
        if (h == null) {
            return BETTER;
        }
        if (Arrays.equals(candidate, held)) {
            return SAME;
        }
        int cmp = Long.compareUnsigned(c.sequence(), h.sequence());
        if (cmp == 0) {
            cmp = c.validUntil().compareTo(h.validUntil());
        }
        if (cmp == 0) {
            cmp = Arrays.compareUnsigned(candidate, held);
        }
        return cmp >= 0 ? BETTER : WORSE;
    }

    /** The record decoded when it is a valid record of {@code name}, else null. */
    private static IpnsRecord valid(PeerId name, byte[] value, Instant now) {
        try {
            IpnsRecord r = IpnsRecord.decode(value); // refuses more than IpnsRecord.MAX_BYTES
            IpnsValidator.check(name, r, now);
            return r;
        } catch (RuntimeException e) { // a DecodeException, or anything else a stranger's bytes provoke
            return null;
        }
    }
}
