package io.p2pkit.ipfs.unixfs.exporter;

import io.p2pkit.core.multiformats.Cid;
import io.p2pkit.ipfs.unixfs.pb.Mtime;

/**
 * One entry of a directory listing.
 *
 * @param name  the entry's name (without a HAMT bucket prefix)
 * @param cid   what it links to
 * @param tsize the cumulative size of the DAG below, as the link records it
 * @param type  the entry's type, or null when the listing did not resolve it
 * @param size  a file's size or a symlink's target length (0 for directories), or -1 when not resolved
 * @param mode  the permission bits the entry stores (0 to 0o7777), or null when none are or it was not resolved
 * @param mtime the modification time the entry stores, or null when none is or it was not resolved
 */
public record DirEntry(String name, Cid cid, long tsize, EntryType type, long size, Integer mode, Mtime mtime) {
    /** An entry with no mode or time read. */
    public DirEntry(String name, Cid cid, long tsize, EntryType type, long size) {
        this(name, cid, tsize, type, size, null, null);
    }
}
