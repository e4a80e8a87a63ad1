package io.p2pkit.node.cli.content;

import io.p2pkit.core.multiformats.Cid;
import io.p2pkit.ipfs.bitswap.Bitswap;
import io.p2pkit.ipfs.repo.Repository;
import io.p2pkit.node.Node;
import io.p2pkit.node.cli.CommandFailedException;
import io.p2pkit.node.cli.Console;
import io.p2pkit.node.cli.ProgressBar;
import io.p2pkit.node.cli.options.ProgressOption;
import io.p2pkit.node.cli.options.RepoOption;

import java.io.IOException;
import java.time.Duration;
import java.util.Optional;

/**
 * A command's repository and, when it runs online, the short-lived node that fetches into it:
 * single blocks as path resolution reads them (the remote tier), whole DAGs with
 * {@link #fetchDag} before the command walks them offline.
 */
public final class OnlineRepository implements AutoCloseable {
    private final Repository repo;
    private final Optional<Node> node;
    private final Optional<Bitswap> bitswap;
    private final Duration idle;

    /**
     * @param repo    the repository, opened with a remote tier when online
     * @param node    the node, when online
     * @param bitswap its Bitswap, when online
     * @param idle    how long a fetch may go without a block
     */
    public OnlineRepository(Repository repo, Optional<Node> node, Optional<Bitswap> bitswap, Duration idle) {
        this.repo = repo;
        this.node = node;
        this.bitswap = bitswap;
        this.idle = idle;
    }

    /** The repository. */
    public Repository repo() {
        return repo;
    }

    /**
     * Online, fetches every block of the DAG under {@code root} that the repository lacks, with a
     * progress bar of the bytes fetched; offline, does nothing (the command then reports what is missing).
     *
     * @throws CommandFailedException when no block arrived for the fetch timeout
     */
    public void fetchDag(Cid root, ProgressOption progress, Console console) throws IOException, InterruptedException {
        if (bitswap.isEmpty()) {
            return;
        }
        try (ProgressBar bar = progress.bar(console, "fetching", -1, ProgressBar.Unit.BYTES, "")) {
            bitswap.get().fetchDag(root, RepoOption.codecs(true), (block, fetched) -> {
                if (fetched) {
                    bar.add(block.size());
                }
            }, idle);
        } catch (IOException e) {
            throw new CommandFailedException("fetching " + root + ": " + e.getMessage());
        }
    }

    /**
     * An {@code /ipns/} path resolved through the DHT to an {@code /ipfs/} one; other paths as they are.
     *
     * @throws CommandFailedException offline, or when the name has no valid record
     */
    public String resolveName(String arg) throws IOException {
        String path = arg.startsWith("ipns://") ? "/ipns/" + arg.substring("ipns://".length()) : arg;
        if (!path.startsWith("/ipns/")) {
            return path;
        }
        if (node.isEmpty() || node.get().dht().isEmpty()) {
            throw new CommandFailedException(path + " is an IPNS name: resolving it needs the network (give --bootstrap)");
        }
        var dht = node.get().dht().get();
        dht.connectBootstrapPeers(); // the routing table starts from them
        dht.getClosestPeers(node.get().peerId().bytes());
        return IpnsNames.resolve(dht, path, true);
    }

    /** Stops the node, then closes the repository. */
    @Override
    public void close() throws IOException {
        try {
            node.ifPresent(Node::close);
        } finally {
            repo.close();
        }
    }
}
