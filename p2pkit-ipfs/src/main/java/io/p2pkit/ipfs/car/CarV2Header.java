package io.p2pkit.ipfs.car;

import io.p2pkit.core.DecodeException;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The fixed 40 bytes after a CARv2's pragma: characteristics, and where the inner CARv1 and the
 * index are. All integers are little-endian; offsets count from the start of the CARv2.
 *
 * @param characteristicsHi the first 8 bytes of the characteristics bitfield, little-endian
 * @param characteristicsLo the second 8 bytes, little-endian
 * @param dataOffset        where the CARv1 payload starts (at least 51: pragma and header)
 * @param dataSize          how many bytes the CARv1 payload has
 * @param indexOffset       where the index starts, or 0 for none
 */
public record CarV2Header(long characteristicsHi, long characteristicsLo, long dataOffset, long dataSize, long indexOffset) {
    /** The 11 bytes every CARv2 starts with: a CARv1 header of length 10 saying {@code {"version": 2}}. */
    static final byte[] PRAGMA = {0x0a, (byte) 0xa1, 0x67, 'v', 'e', 'r', 's', 'i', 'o', 'n', 0x02};
    /** The size of the header itself. */
    public static final int SIZE = 40;
    /** Where the data payload of a CARv2 without padding starts: pragma and header. */
    public static final long FIRST_DATA_OFFSET = PRAGMA.length + SIZE;

    /**
     * @throws IllegalArgumentException unless the offsets are consistent: data after the header,
     *                                  the index (when present) after the data, nothing past 2^63-1
     */
    public CarV2Header {
        String problem = problem(dataOffset, dataSize, indexOffset);
        if (problem != null) {
            throw new IllegalArgumentException(problem);
        }
    }

    /** @return a header for data right after it and the index right after the data (or none) */
    public static CarV2Header of(long dataSize, boolean withIndex) {
        return new CarV2Header(0, 0, FIRST_DATA_OFFSET, dataSize, withIndex ? FIRST_DATA_OFFSET + dataSize : 0);
    }

    /** @return whether the CAR has an index */
    public boolean hasIndex() {
        return indexOffset != 0;
    }

    /**
     * Reads the 40 bytes after the pragma.
     *
     * @throws DecodeException (field {@code "car"}) when the offsets are inconsistent
     */
    static CarV2Header read(byte[] forty) {
        ByteBuffer b = ByteBuffer.wrap(forty).order(ByteOrder.LITTLE_ENDIAN);
        long hi = b.getLong();
        long lo = b.getLong();
        long dataOffset = b.getLong();
        long dataSize = b.getLong();
        long indexOffset = b.getLong();
        String problem = problem(dataOffset, dataSize, indexOffset);
        if (problem != null) {
            throw new DecodeException("car", "CARv2 header: " + problem);
        }
        return new CarV2Header(hi, lo, dataOffset, dataSize, indexOffset);
    }

    byte[] bytes() {
        ByteBuffer b = ByteBuffer.allocate(SIZE).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(characteristicsHi).putLong(characteristicsLo).putLong(dataOffset).putLong(dataSize).putLong(indexOffset);
        return b.array();
    }

    private static String problem(long dataOffset, long dataSize, long indexOffset) {
        if (dataOffset < FIRST_DATA_OFFSET) {
            return "data offset " + Long.toUnsignedString(dataOffset) + " is inside the pragma and header (it must be at least 51)";
        }
        if (dataSize < 0 || dataOffset + dataSize < 0) {
            return "data size " + Long.toUnsignedString(dataSize) + " runs past 2^63-1";
        }
        if (indexOffset != 0 && Long.compareUnsigned(indexOffset, dataOffset + dataSize) < 0) {
            return "index offset " + Long.toUnsignedString(indexOffset) + " is inside the data (which ends at " + (dataOffset + dataSize) + ")";
        }
        if (indexOffset < 0) {
            return "index offset " + Long.toUnsignedString(indexOffset) + " runs past 2^63-1";
        }
        return null;
    }
}
