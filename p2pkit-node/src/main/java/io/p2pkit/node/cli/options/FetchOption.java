package io.p2pkit.node.cli.options;

import io.p2pkit.core.host.PeerInfo;
import io.p2pkit.ipfs.bitswap.Bitswap;
import io.p2pkit.ipfs.bitswap.BitswapConfig;
import io.p2pkit.ipfs.bitswap.ProviderFinder;
import io.p2pkit.ipfs.repo.Repository;
import io.p2pkit.kad.Mode;
import io.p2pkit.node.Node;
import io.p2pkit.node.NodeConfig;
import io.p2pkit.node.cli.CommandFailedException;
import io.p2pkit.node.cli.Console;
import io.p2pkit.node.cli.content.DaemonApi;
import io.p2pkit.node.cli.content.OnlineRepository;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

/**
 * {@code --bootstrap MADDR} and {@code --fetch-timeout} for commands that read content: with
 * {@code --bootstrap}, what the repository lacks is fetched over Bitswap by a short-lived node
 * (a dial-only DHT client that serves nothing) connected to those peers and to the providers the
 * DHT names; without it the command works offline.
 */
public final class FetchOption {
    @Mixin
    private BootstrapOption bootstrap;

    @Option(names = "--fetch-timeout", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "with --bootstrap: give up when no block arrives for this long (default 60s)")
    private Duration idle = Duration.ofSeconds(60);

    /**
     * The daemon running on the repository, which the command then asks instead of opening the
     * repository (the daemon holds it); none with {@code --bootstrap}, which asks for a node of
     * the command's own.
     */
    public Optional<DaemonApi> daemon(RepoOption repo) {
        return bootstrap.peers().isEmpty() ? DaemonApi.find(repo.root()) : Optional.empty();
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
            return new OnlineRepository(r, Optional.of(node), Optional.of(bitswap), idle);
        } catch (IOException | RuntimeException e) {
            if (node != null) {
                node.close();
            }
            r.close();
            throw e;
        }
    }
}
