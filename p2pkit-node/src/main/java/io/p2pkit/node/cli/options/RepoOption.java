package io.p2pkit.node.cli.options;

import io.p2pkit.ipfs.block.Block;
import io.p2pkit.ipfs.blockstore.BlockFetcher;
import io.p2pkit.ipfs.codec.Codecs;
import io.p2pkit.ipfs.codec.Limits;
import io.p2pkit.ipfs.repo.ImportSettings;
import io.p2pkit.ipfs.repo.OpenOptions;
import io.p2pkit.ipfs.repo.RepoConfig;
import io.p2pkit.ipfs.repo.RepoException;
import io.p2pkit.ipfs.repo.RepoLockedException;
import io.p2pkit.ipfs.repo.Repository;
import io.p2pkit.node.config.NodeHome;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * {@code --repo-dir DIR}: the IPFS repository a command works on, offline. Without the option it
 * is the node's home, {@code $P2PKIT_HOME} or else {@code ~/.p2pkit} (where the identity key
 * lives too). Kubo's {@code $IPFS_PATH} is deliberately not read: it names a Kubo repository,
 * whose config and pins p2pkit cannot use.
 *
 * <p>{@link #open()} opens it for this process, with messages that say what to do when there is
 * none ({@code p2pkit init}) or another process has it (its PID). Commands that add content
 * ({@code add}, {@code block put}, {@code dag put}, {@code dag import}) use
 * {@link #openForAdding(boolean)}, whose repository refuses blocks over 2 MiB unless
 * {@code --allow-big-block} or the config says otherwise; check the size first with
 * {@link #bigBlocksAllowed(Repository)} to fail before anything is stored.
 */
public final class RepoOption {
    /** The largest block read or stored with big blocks allowed: short of the largest Java array. */
    public static final int BIG_BLOCK_LIMIT = Integer.MAX_VALUE - (1 << 16);

    @Option(names = "--repo-dir", paramLabel = "DIR",
            description = "the repository to use (default: $P2PKIT_HOME, else ~/.p2pkit)")
    private Path dir;

    /** @return the repository's directory: {@code --repo-dir}, else the node's home */
    public Path root() {
        return (dir != null ? dir : NodeHome.get()).toAbsolutePath();
    }

    /**
     * The hash function a command that stores blocks uses: the one given, else the repository's
     * {@code Import.HashFunction} (Kubo's rule for {@code block put} and {@code dag put}), else sha2-256.
     *
     * @param given the command's option, or null
     * @return the multihash name
     * @throws IOException when the repository's config cannot be read
     */
    public String hashFunction(String given) throws IOException {
        if (given != null) {
            return given;
        }
        Path root = root();
        return ImportSettings.hashFunctionName(Repository.isInitialized(root) ? Repository.readConfig(root)
                : RepoConfig.defaults());
    }

    /**
     * Opens the repository to read and manage what it holds. Blocks over 2 MiB that are already
     * stored (put with {@code --allow-big-block}) can be read.
     *
     * @return the open repository; close it
     * @throws RepoException saying what to do when there is none, or another process has it
     * @throws IOException   when it cannot be read
     */
    public Repository open() throws IOException {
        return open(true);
    }

    /**
     * Opens the repository with a remote tier: blocks it lacks are asked of {@code fetcher}.
     *
     * @return the open repository; close it
     * @throws RepoException saying what to do when there is none, or another process has it
     * @throws IOException   when it cannot be read
     */
    public Repository open(BlockFetcher fetcher) throws IOException {
        return open(true, Optional.of(fetcher));
    }

    /**
     * Opens the repository to add content: blocks over 2 MiB are refused unless
     * {@code allowBigBlocks} or the config's {@code blockstore.allowBigBlocks}.
     *
     * @param allowBigBlocks Kubo's {@code --allow-big-block}
     * @return the open repository; close it
     * @throws RepoException saying what to do when there is none, or another process has it
     * @throws IOException   when it cannot be read
     */
    public Repository openForAdding(boolean allowBigBlocks) throws IOException {
        return open(allowBigBlocks);
    }

    /**
     * @param repo an open repository
     * @return whether it accepts blocks over {@link Block#MAX_SIZE}
     */
    public static boolean bigBlocksAllowed(Repository repo) {
        return repo.config().disk().allowBigBlocks();
    }

    /**
     * The codecs to read blocks of this repository with: the standard ones, with the block size
     * cap lifted when big blocks are allowed.
     *
     * @param bigBlocks whether blocks over 2 MiB are to be read
     * @return the codecs
     */
    public static Codecs codecs(boolean bigBlocks) {
        return bigBlocks ? Codecs.standard(Limits.DEFAULT.withMaxBlockSize(BIG_BLOCK_LIMIT)) : Codecs.standard();
    }

    private Repository open(boolean allowBigBlocks) throws IOException {
        return open(allowBigBlocks, Optional.empty());
    }

    private Repository open(boolean allowBigBlocks, Optional<BlockFetcher> fetcher) throws IOException {
        Path root = root();
        if (!Repository.isInitialized(root)) {
            throw new RepoException(root, "no p2pkit repository at " + root + ": run 'p2pkit init' first"
                    + (dir == null ? " (or set P2PKIT_HOME, or give --repo-dir)" : ""));
        }
        try {
            OpenOptions options = OpenOptions.of(codecs(true)).allowBigBlocks(allowBigBlocks);
            return Repository.open(root, fetcher.map(options::fetcher).orElse(options));
        } catch (RepoLockedException e) {
            String who = e.holderPid().isPresent() ? "process " + e.holderPid().getAsLong() : "another process";
            throw new RepoException(root, "the repository " + root + " is in use by " + who
                    + " (a running 'p2pkit daemon' or another p2pkit command): stop it or wait for it to finish, then "
                    + "try again", e);
        }
    }
}
