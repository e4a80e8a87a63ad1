package io.p2pkit.kad.record;

import java.util.List;

/**
 * Validates and ranks the records of one key namespace (the {@code pk} of {@code /pk/<id>}).
 * Implementations must be thread-safe and must not block.
 */
public interface RecordValidator {
    /**
     * Checks a record.
     *
     * @throws InvalidRecordException if the record is not valid under {@code key} now
     */
    void validate(byte[] key, byte[] value);

    /**
     * Picks the best of several valid records for {@code key}.
     *
     * @return the index of the best one in {@code values} (the earliest one among equals)
     */
    int select(byte[] key, List<byte[]> values);
}
