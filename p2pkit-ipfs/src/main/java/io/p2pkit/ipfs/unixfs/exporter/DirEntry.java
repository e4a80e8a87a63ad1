package io.p2pkit.ipfs.unixfs.exporter;

import io.p2pkit.core.multiformats.Cid;

/**
 * One entry of a directory listing.
 *
 * @param name  the entry's name (without a HAMT bucket prefix)
 * @param cid   what it links to
 * @param tsize the cumulative size of the DAG below, as the link records it
 * @param type  the entry's type, or null when the listing did not resolve it
 * @param size  a file's size or a symlink's target length (0 for directories), or -1 when not resolved
 */
public record DirEntry(String name, Cid cid, long tsize, EntryType type, long size) {
}
