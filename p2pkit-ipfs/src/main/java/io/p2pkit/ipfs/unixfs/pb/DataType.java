package io.p2pkit.ipfs.unixfs.pb;

/** The UnixFS node types ({@code Data.Type}), with their wire numbers. */
public enum DataType {
    /** Raw file data: the leaves of trickle DAGs and of old imports. */
    RAW(0),
    /** A basic (single-block) directory. */
    DIRECTORY(1),
    /** A file, or a part of one. */
    FILE(2),
    /** Metadata (a MIME type); obsolete, read only. */
    METADATA(3),
    /** A symbolic link; {@code Data} holds the target. */
    SYMLINK(4),
    /** A node of a HAMT-sharded directory. */
    HAMT_SHARD(5);

    private final int number;

    DataType(int number) {
        this.number = number;
    }

    /** @return the number on the wire */
    public int number() {
        return number;
    }

    /**
     * @param number a wire number
     * @return its type, or null when no type has that number
     */
    public static DataType of(long number) {
        for (DataType t : values()) {
            if (t.number == number) {
                return t;
            }
        }
        return null;
    }
}
