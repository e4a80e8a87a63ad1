package io.p2pkit.ipfs.filestore;

import io.p2pkit.core.multiformats.Cid;

/**
 * One line of {@code filestore ls} or {@code filestore verify}: boxo's {@code ListRes}.
 *
 * @param status   what was found ({@link FilestoreStatus#OK} for a listing)
 * @param errorMsg why it is not ok, or ""
 * @param key      the block, a CIDv1 of the raw codec; null when the stored key is not a multihash
 * @param filePath the file, relative to the filestore's root; "" when there is no reference
 * @param offset   where the block starts in the file
 * @param size     the block's length
 */
public record FilestoreEntry(FilestoreStatus status, String errorMsg, Cid key, String filePath, long offset,
                             long size) {
}
