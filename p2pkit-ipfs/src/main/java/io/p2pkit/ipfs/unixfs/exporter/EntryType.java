package io.p2pkit.ipfs.unixfs.exporter;

/** What a UnixFS entry is. */
public enum EntryType {
    /** A file: a raw block, or DAG-PB nodes of type File or Raw. */
    FILE,
    /** A directory, basic or HAMT-sharded. */
    DIRECTORY,
    /** A symbolic link. */
    SYMLINK
}
