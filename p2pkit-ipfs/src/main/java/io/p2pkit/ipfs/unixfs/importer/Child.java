package io.p2pkit.ipfs.unixfs.importer;

import io.p2pkit.core.multiformats.Cid;

/**
 * A finished node, as its parent links it.
 *
 * @param cid      its CID
 * @param tsize    its cumulative size (its block plus every block below)
 * @param fileSize the file bytes under it (0 for directories and symlinks)
 */
record Child(Cid cid, long tsize, long fileSize) {
}
