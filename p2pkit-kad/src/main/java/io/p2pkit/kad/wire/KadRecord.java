package io.p2pkit.kad.wire;

import java.util.Arrays;
import java.util.HexFormat;
import java.util.Objects;

/**
 * The {@code Record} of a PUT_VALUE or GET_VALUE message: a key, its value and, as go sends it,
 * the time the holder received it (RFC 3339 text, informational only).
 */
public final class KadRecord {
    private final byte[] key;
    private final byte[] value;
    private final String timeReceived;

    /** A record; the arrays are copied. {@code timeReceived} may be empty. */
    public KadRecord(byte[] key, byte[] value, String timeReceived) {
        this.key = key.clone();
        this.value = value.clone();
        this.timeReceived = Objects.requireNonNull(timeReceived, "timeReceived");
    }

    /** The record's key (a copy). */
    public byte[] key() {
        return key.clone();
    }

    /** The record's value (a copy). */
    public byte[] value() {
        return value.clone();
    }

    /** When the sender received it, as the sender wrote it, or empty. */
    public String timeReceived() {
        return timeReceived;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof KadRecord r && Arrays.equals(key, r.key) && Arrays.equals(value, r.value)
                && timeReceived.equals(r.timeReceived);
    }

    @Override
    public int hashCode() {
        return Objects.hash(Arrays.hashCode(key), Arrays.hashCode(value), timeReceived);
    }

    @Override
    public String toString() {
        return "KadRecord[key=" + RecordKeys.printable(key) + ", value=" + value.length + " bytes"
                + (timeReceived.isEmpty() ? "" : ", received " + timeReceived) + "]";
    }

    /** Hex of the first bytes of {@code b}, for messages. */
    static String hexPrefix(byte[] b) {
        return HexFormat.of().formatHex(b, 0, Math.min(b.length, 16)) + (b.length > 16 ? "…" : "");
    }
}
