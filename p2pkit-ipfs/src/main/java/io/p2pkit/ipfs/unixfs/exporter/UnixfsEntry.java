package io.p2pkit.ipfs.unixfs.exporter;

import io.p2pkit.core.multiformats.Cid;
import io.p2pkit.ipfs.unixfs.pb.Mtime;

/**
 * What one UnixFS node is, read from its root block alone.
 *
 * @param cid     its CID
 * @param type    file, directory or symlink
 * @param sharded whether it is a HAMT-sharded directory
 * @param size    a file's size in bytes, a symlink target's length, 0 for a directory
 * @param mode    the permission bits stored (0 to 0o7777), or null when none are
 * @param mtime   the modification time stored, or null when none is
 */
public record UnixfsEntry(Cid cid, EntryType type, boolean sharded, long size, Integer mode, Mtime mtime) {
}
