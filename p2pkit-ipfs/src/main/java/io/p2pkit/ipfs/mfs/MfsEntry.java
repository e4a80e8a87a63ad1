package io.p2pkit.ipfs.mfs;

import io.p2pkit.core.multiformats.Cid;

/**
 * An entry {@code files ls -l} shows.
 *
 * @param name      its name
 * @param directory whether it is a directory
 * @param size      a file's size (0 for a directory)
 * @param cid       what it is
 */
public record MfsEntry(String name, boolean directory, long size, Cid cid) {
}
