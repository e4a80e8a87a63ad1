package io.p2pkit.ipfs.unixfs.importer;

import io.p2pkit.core.multiformats.Cid;

/**
 * What an import made.
 *
 * @param root        the CID of the top-level entry (the wrapping directory with {@code -w})
 * @param size        the cumulative size of the DAG under the root (its blocks' bytes, as Tsize counts them)
 * @param bytes       the file bytes read
 * @param files       how many files were imported
 * @param directories how many directories (the wrapping one included)
 * @param blocks      how many blocks were made (identity CIDs not counted)
 */
public record ImportResult(Cid root, long size, long bytes, long files, long directories, long blocks) {
}
