package io.p2pkit.node.cli.content;

import io.p2pkit.core.identity.PeerId;
import io.p2pkit.core.multiformats.Cid;
import io.p2pkit.core.multiformats.Multicodec;
import io.p2pkit.ipfs.bitswap.Bitswap;
import io.p2pkit.ipfs.graphsync.GraphSync;
import io.p2pkit.ipfs.graphsync.GraphSyncException;
import io.p2pkit.ipfs.repo.Repository;
import io.p2pkit.ipfs.path.IpfsPath;
import io.p2pkit.ipfs.path.IpfsUri;
import io.p2pkit.ipfs.selector.Selector;
import io.p2pkit.ipfs.selector.SelectorWalk;
import io.p2pkit.node.Node;
import io.p2pkit.node.cli.CommandFailedException;
import io.p2pkit.node.cli.Console;
import io.p2pkit.node.cli.ProgressBar;
import io.p2pkit.node.cli.options.ProgressOption;
import io.p2pkit.node.cli.options.RepoOption;
import io.p2pkit.node.exchange.ArrivingBlocks;
import io.p2pkit.node.exchange.DagSources;
import io.p2pkit.node.exchange.FetchOnMiss;

import java.io.IOException;
import java.time.Duration;
import java.util.Optional;

/**
 * A command's repository and, when it runs online, the short-lived node that fetches into it:
 * single blocks as path resolution reads them (the remote tier), whole DAGs with
 * {@link #fetchDag} (over Bitswap, or in one GraphSync request to one peer) before the command
 * walks them offline, or as they arrive ({@link #arriving}) for a command that streams them out.
 */
public final class OnlineRepository implements AutoCloseable {
    private final Repository repo;
    private final Optional<Node> node;
    private final Optional<Bitswap> bitswap;
    private final Optional<GraphSyncPeer> graphsync;
    private final Duration idle;

    /**
     * Where {@link #fetchDag} fetches with GraphSync instead of Bitswap.
     *
     * @param graphsync the node's GraphSync
     * @param peer      the peer asked for whole DAGs
     */
    public record GraphSyncPeer(GraphSync graphsync, PeerId peer) {
    }

    /**
     * @param repo    the repository, opened with a remote tier when online
     * @param node    the node, when online
     * @param bitswap its Bitswap, when online
     * @param idle    how long a fetch may go without a block
     */
    public OnlineRepository(Repository repo, Optional<Node> node, Optional<Bitswap> bitswap, Duration idle) {
        this(repo, node, bitswap, Optional.empty(), idle);
    }

    /**
     * The same, fetching whole DAGs over GraphSync from one peer when {@code graphsync} is there.
     *
     * @param graphsync GraphSync and the peer to ask, or empty for Bitswap
     */
    public OnlineRepository(Repository repo, Optional<Node> node, Optional<Bitswap> bitswap,
                            Optional<GraphSyncPeer> graphsync, Duration idle) {
        this.repo = repo;
        this.node = node;
        this.bitswap = bitswap;
        this.graphsync = graphsync;
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
        if (graphsync.isPresent()) {
            fetchOverGraphSync(root, graphsync.get(), progress, console);
            return;
        }
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
     * Whether a command that reads the DAG under {@code root} streams it while a fetch brings it
     * ({@link #arriving}) instead of fetching it first: online over Bitswap, when the root is not
     * here (a DAG whose root is here is taken as mostly here, and {@link #fetchDag} brings the rest).
     */
    public boolean streams(Cid root) throws IOException {
        return bitswap.isPresent() && graphsync.isEmpty() && root.multihash().code() != Multicodec.IDENTITY
                && !repo.blocks().local().has(root.multihash());
    }

    /**
     * The DAG under {@code root} as a background Bitswap fetch brings it, for a command that reads
     * it while it comes (as the daemon's {@code cat} and {@code get} do); a block the fetch does not
     * bring is fetched alone. Only when {@link #streams} said so. Close it to stop the fetch.
     */
    public ArrivingBlocks arriving(Cid root) {
        return ArrivingBlocks.start(bitswap.orElseThrow(), repo.blocks().local(), repo.blocks(), root,
                RepoOption.codecs(true), idle);
    }

    /**
     * The DAG under {@code root} for a command that walks it once and writes each block as it
     * comes ({@code dag export}): online over Bitswap, the local blocks until one is missing, then a
     * background fetch of the whole DAG ({@link FetchOnMiss}); empty otherwise (offline, the local
     * blocks; over GraphSync, {@link #fetchDag} first). Close it to stop the fetch.
     */
    public Optional<FetchOnMiss> fetchOnMiss(Cid root) {
        if (bitswap.isEmpty() || graphsync.isPresent()) {
            return Optional.empty();
        }
        return Optional.of(new FetchOnMiss(repo.blocks().local(), () -> arriving(root)));
    }

    /**
     * Where a recursive pin takes its DAG from: over Bitswap, a fetch of it whose blocks go to the
     * pin as they come (nothing read back); over GraphSync, one request for what the repository
     * lacks, then the local blocks; offline, null (the pin's walk through the repository).
     */
    public io.p2pkit.ipfs.pin.Pinner.DagSource pinSource(ProgressOption progress, Console console) {
        if (graphsync.isPresent()) {
            io.p2pkit.ipfs.pin.Pinner.DagSource local = DagSources.local(repo.blocks().local());
            return (root, links, each) -> {
                fetchDag(root, progress, console);
                local.walk(root, links, each);
            };
        }
        return bitswap.map(b -> DagSources.fetched(b, idle,
                (root, e) -> new CommandFailedException("fetching " + root + ": " + e.getMessage()))).orElse(null);
    }

    /**
     * Resolves a CID or content path ({@code /ipns/} names through the DHT) to the CID it names.
     * With GraphSync, an {@code /ipfs/} path's blocks come first in one request from the peer: the
     * directories on the path (their UnixFS names, HAMT shards along the name's hash), then, with
     * {@code wholeDag}, the DAG under its end too (so that {@link #fetchDag} has nothing left to
     * ask); the path's siblings never come. Otherwise the path's blocks come as resolution reads them.
     *
     * @param wholeDag whether the command goes on to read the whole DAG under the path's end
     */
    public Cid resolveCid(String arg, boolean wholeDag, ProgressOption progress, Console console)
            throws IOException, InterruptedException {
        String resolved = resolveName(arg);
        if (graphsync.isPresent()) {
            IpfsPath path = ContentPath.parse(resolved);
            if (!path.segments().isEmpty() && path.namespace() == IpfsPath.Namespace.IPFS) {
                Selector end = wholeDag ? Selector.exploreAll() : new Selector.Matcher(Optional.empty());
                fetchOverGraphSync(path.root(), Selector.unixfsPath(path.segments(), end), path.toString(),
                        graphsync.get(), progress, console);
            }
        }
        return ContentPath.resolveCid(repo, resolved);
    }

    /** One explore-all request unless the repository holds the DAG already; what the peer lacks fails the command, as a missing block would offline. */
    private void fetchOverGraphSync(Cid root, GraphSyncPeer gs, ProgressOption progress, Console console)
            throws IOException, InterruptedException {
        SelectorWalk.Result local = new SelectorWalk(RepoOption.codecs(true), SelectorWalk.Limits.DEFAULT)
                .walk(root, Selector.exploreAll(), repo.blocks().local()::get, SelectorWalk.Visitor.NONE);
        if (local.missing().isEmpty()) {
            return;
        }
        fetchOverGraphSync(root, Selector.exploreAll(), root.toString(), gs, progress, console);
    }

    private void fetchOverGraphSync(Cid root, Selector selector, String what, GraphSyncPeer gs, ProgressOption progress,
                                    Console console) throws IOException, InterruptedException {
        try (ProgressBar bar = progress.bar(console, "fetching", -1, ProgressBar.Unit.BYTES, "")) {
            GraphSync.Result r = gs.graphsync().request(gs.peer(), root, selector, idle);
            bar.add(r.bytes());
            if (!r.missing().isEmpty()) {
                throw new CommandFailedException("fetching " + what + " over GraphSync: " + gs.peer() + " lacks "
                        + r.missing().size() + " blocks of the DAG, " + r.missing().getFirst() + " first");
            }
        } catch (GraphSyncException e) {
            throw new CommandFailedException("fetching " + what + " over GraphSync from " + gs.peer() + ": " + e.getMessage());
        }
    }

    /**
     * An {@code /ipns/} path (or {@code ipns://} URI) resolved through the DHT to an {@code /ipfs/} one;
     * other paths as they are, a URI as its path.
     *
     * @throws CommandFailedException offline, or when the name has no valid record
     */
    public String resolveName(String arg) throws IOException {
        String path = IpfsUri.toPath(arg);
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
