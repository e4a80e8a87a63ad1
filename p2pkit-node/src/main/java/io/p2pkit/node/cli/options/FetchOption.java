package io.p2pkit.node.cli.options;

import io.p2pkit.core.host.PeerInfo;
import io.p2pkit.ipfs.bitswap.Bitswap;
import io.p2pkit.ipfs.bitswap.BitswapConfig;
import io.p2pkit.ipfs.bitswap.ProviderFinder;
import io.p2pkit.ipfs.graphsync.GraphSync;
import io.p2pkit.ipfs.graphsync.GraphSyncConfig;
import io.p2pkit.ipfs.path.IpfsUri;
import io.p2pkit.ipfs.repo.Repository;
import io.p2pkit.kad.Mode;
import io.p2pkit.node.Node;
import io.p2pkit.node.NodeConfig;
import io.p2pkit.node.cli.CommandFailedException;
import io.p2pkit.node.cli.Console;
import io.p2pkit.node.cli.UsageException;
import io.p2pkit.node.cli.content.ContentPath;
import io.p2pkit.node.cli.content.DaemonApi;
import io.p2pkit.node.cli.content.OnlineRepository;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

/**
 * {@code --bootstrap MADDR} and {@code --fetch-timeout} for commands that read content: with
 * {@code --bootstrap}, what the repository lacks is fetched over Bitswap by a short-lived node
 * (a dial-only DHT client that serves nothing) connected to those peers and to the providers the
 * DHT names; without it the command works offline. With {@code --graphsync}, what an argument
 * names (a CID's DAG; an {@code /ipfs/} path's blocks and the DAG under its end) comes from the
 * first of those peers in one GraphSync request instead.
 */
public final class FetchOption {
    @Mixin
    private BootstrapOption bootstrap;

    @Option(names = "--fetch-timeout", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "with --bootstrap: give up when no block arrives for this long (default 60s)")
    private Duration idle = Duration.ofSeconds(60);

    @Option(names = "--graphsync", description = "with --bootstrap: fetch from the first --bootstrap peer in one GraphSync "
            + "request (/ipfs/graphsync/2.0.0) instead of over Bitswap: a CID's whole DAG, or an /ipfs/ path's blocks and "
            + "the whole DAG under its end")
    private boolean graphsync;

    /** @return whether peers to fetch from were given ({@code --bootstrap}) */
    public boolean fetches() {
        return !bootstrap.peers().isEmpty();
    }

    /**
     * The daemon running on the repository, which the command then asks instead of opening the
     * repository (the daemon holds it); none with {@code --bootstrap}, which asks for a node of
     * the command's own, except with {@code --graphsync}: then the daemon fetches (see
     * {@link #fetchThroughDaemon}).
     */
    public Optional<DaemonApi> daemon(RepoOption repo) {
        if (graphsync && bootstrap.peers().isEmpty()) {
            throw new UsageException("--graphsync needs --bootstrap: the peer to ask");
        }
        return bootstrap.peers().isEmpty() || graphsync ? DaemonApi.find(repo.root()) : Optional.empty();
    }

    /**
     * With {@code --graphsync}, has the daemon fetch what each argument names from the first
     * {@code --bootstrap} peer in one GraphSync request ({@code graphsync/fetch}): a CID's whole
     * DAG, or for an {@code /ipfs/} path the blocks on the path and the whole DAG under its end;
     * without it, nothing (the daemon fetches over Bitswap as the command reads).
     *
     * @param args CIDs or {@code /ipfs/} paths
     * @throws UsageException         for an {@code /ipns/} path (its root is not known here)
     * @throws CommandFailedException when the daemon's fetch fails
     */
    public void fetchThroughDaemon(DaemonApi api, List<String> args) throws IOException {
        if (!graphsync) {
            return;
        }
        PeerInfo peer = bootstrap.peers().getFirst();
        String address = peer.addresses().getFirst().encapsulate("/p2p/" + peer.peerId()).toString();
        for (String arg : args) {
            if (IpfsUri.toPath(arg).startsWith("/ipns/")) {
                throw new UsageException("--graphsync through the daemon takes CIDs or /ipfs/ paths, not " + arg);
            }
            String path = ContentPath.parse(arg).toString();
            try (InputStream in = api.post("graphsync/fetch", List.of(path),
                    Map.of("peer", address, "timeout", idle.toMillis() + "ms"))) {
                in.readAllBytes();
            }
        }
    }

    /**
     * Opens the repository, online when {@code --bootstrap} was given.
     *
     * @param repo    the repository option
     * @param console for the connection errors
     * @return the repository and, online, the node fetching into it; close it
     */
    public OnlineRepository open(RepoOption repo, Console console) throws IOException {
        List<PeerInfo> peers = bootstrap.peers();
        if (graphsync && peers.isEmpty()) {
            throw new UsageException("--graphsync needs --bootstrap: the peer to ask");
        }
        if (peers.isEmpty()) {
            return new OnlineRepository(repo.open(), Optional.empty(), Optional.empty(), idle);
        }
        AtomicReference<Bitswap> exchange = new AtomicReference<>();
        Repository r = repo.open((cid, timeout) -> {
            Bitswap b = exchange.get();
            return b == null ? Optional.empty() : b.fetch(cid, timeout.compareTo(idle) < 0 ? timeout : idle);
        });
        Node node = null;
        try {
            // the node also bootstraps its DHT from the peers, for provider lookups beyond them
            node = Node.start(NodeConfig.builder().listen(List.of()).bootstrap(peers)
                    .dht(NodeConfig.Dht.of(Mode.CLIENT)).build());
            Node started = node;
            ProviderFinder finder = (cid, limit, found) ->
                    started.dht().orElseThrow().findProviders(cid.multihash().bytes(), limit, found);
            Bitswap bitswap = Bitswap.attach(node.host(), r.blocks().local(), BitswapConfig.defaults().withServe(false), finder);
            exchange.set(bitswap);
            List<String> failures = new ArrayList<>();
            for (PeerInfo p : peers) {
                try {
                    node.host().connect(p);
                } catch (IOException e) {
                    failures.add(p.peerId() + ": " + e.getMessage());
                }
            }
            if (failures.size() == peers.size()) {
                throw new CommandFailedException("cannot reach any --bootstrap peer: " + String.join("; ", failures));
            }
            failures.forEach(f -> console.info("warning: cannot reach " + f));
            Optional<OnlineRepository.GraphSyncPeer> gs = Optional.empty();
            if (graphsync) {
                if (node.host().network().connection(peers.getFirst().peerId()).isEmpty()) {
                    throw new CommandFailedException("--graphsync: cannot reach " + peers.getFirst().peerId());
                }
                gs = Optional.of(new OnlineRepository.GraphSyncPeer(GraphSync.attach(node.host(), r.blocks().local(),
                        GraphSyncConfig.defaults().withServe(false)), peers.getFirst().peerId()));
            }
            return new OnlineRepository(r, Optional.of(node), Optional.of(bitswap), gs, idle);
        } catch (IOException | RuntimeException e) {
            if (node != null) {
                node.close();
            }
            r.close();
            throw e;
        }
    }
}
