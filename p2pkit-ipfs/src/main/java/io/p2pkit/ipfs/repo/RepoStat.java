package io.p2pkit.ipfs.repo;

import java.nio.file.Path;

/**
 * {@code repo stat}: what a repository holds.
 *
 * @param root       where it is
 * @param version    its layout version
 * @param numObjects blocks on disk
 * @param blocksSize bytes of those blocks
 * @param repoSize   bytes of the whole repository (blocks, metadata, config)
 * @param storageMax the disk quota ({@code blockstore.storageMax})
 */
public record RepoStat(Path root, int version, long numObjects, long blocksSize, long repoSize, long storageMax) {
}
