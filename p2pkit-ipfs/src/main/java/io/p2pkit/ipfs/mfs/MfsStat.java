package io.p2pkit.ipfs.mfs;

import io.p2pkit.core.multiformats.Cid;
import io.p2pkit.ipfs.unixfs.pb.Mtime;

/**
 * What {@code files stat} tells of a node, as Kubo computes it.
 *
 * @param cid            the node
 * @param size           the file size (0 for a directory)
 * @param cumulativeSize the node's block plus the sizes its links name
 * @param blocks         how many links the node has
 * @param directory      whether it is a directory (else a file)
 * @param mode           the UnixFS mode, or null
 * @param mtime          the UnixFS modification time, or null
 */
public record MfsStat(Cid cid, long size, long cumulativeSize, int blocks, boolean directory, Integer mode, Mtime mtime) {
}
