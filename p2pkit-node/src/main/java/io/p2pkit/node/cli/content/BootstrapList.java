package io.p2pkit.node.cli.content;

import io.p2pkit.core.identity.PeerId;
import io.p2pkit.core.multiaddr.Multiaddr;
import io.p2pkit.core.multiaddr.Protocol;
import io.p2pkit.ipfs.repo.RepoConfig;
import io.p2pkit.ipfs.repo.Repository;
import io.p2pkit.node.config.KuboConfig;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The bootstrap list of a repository's config (Kubo's {@code Bootstrap}), read and edited as
 * Kubo's {@code ipfs bootstrap list|add|rm} does, with its error texts. {@code p2pkit bootstrap}
 * and the RPC API's {@code bootstrap/*} both use it; the daemon reads the list when it starts.
 *
 * <p>p2pkit has no default bootstrap list: {@code default} (and Kubo's {@code auto}) is refused
 * rather than filled with public peers the user never named.
 */
public final class BootstrapList {
    /** The Kubo config key. */
    private static final String KEY = "Bootstrap";

    private BootstrapList() {
    }

    /** A change Kubo refuses; the message is Kubo's text (or p2pkit's where Kubo has none). */
    public static final class BootstrapException extends IllegalArgumentException {
        private static final long serialVersionUID = 1L;

        BootstrapException(String message) {
            super(message);
        }
    }

    /**
     * @param root the repository
     * @return the list as the config file holds it (empty when it has none)
     * @throws IOException when the file cannot be read
     */
    public static List<String> read(Path root) throws IOException {
        return read(Repository.readConfig(root));
    }

    private static List<String> read(RepoConfig config) {
        return config.get("bootstrap").map(KuboConfig::split).orElse(List.of());
    }

    /**
     * Adds peers in front of the list, each once, as Kubo: every one given is answered as added,
     * also one the list already held (it moves to the front).
     *
     * @param root  the repository
     * @param peers multiaddrs ending in {@code /p2p/<peer ID>}
     * @return the peers added, in the order given
     * @throws BootstrapException with Kubo's text for an empty or bad list, and for {@code default}
     * @throws IOException        when the file cannot be read or written
     */
    public static List<String> add(Path root, List<String> peers) throws IOException {
        if (peers.isEmpty()) {
            throw new BootstrapException("no bootstrap peers to add");
        }
        for (String p : peers) {
            check(p);
        }
        List<String> added = List.copyOf(new LinkedHashSet<>(peers));
        KuboConfig.edit(root, c -> {
            LinkedHashSet<String> next = new LinkedHashSet<>(added);
            next.addAll(read(c));
            return store(c, List.copyOf(next));
        }, false);
        return added;
    }

    /**
     * Removes addresses as Kubo does: {@code /p2p/<ID>} alone removes every address of that peer,
     * an address with a transport removes that address; the list is written back grouped by peer.
     *
     * @return the addresses removed, each {@code <transport>/p2p/<ID>}
     * @throws BootstrapException when an argument is not a multiaddr ending in {@code /p2p/<ID>}
     * @throws IOException        when the file cannot be read or written
     */
    public static List<String> remove(Path root, List<String> peers) throws IOException {
        Map<PeerId, List<Multiaddr>> toRemove = group(peers);
        AtomicReference<List<String>> removed = new AtomicReference<>();
        KuboConfig.edit(root, c -> {
            Map<PeerId, List<Multiaddr>> keep = new LinkedHashMap<>();
            Map<PeerId, List<Multiaddr>> gone = new LinkedHashMap<>();
            for (Map.Entry<PeerId, List<Multiaddr>> p : group(read(c)).entrySet()) {
                List<Multiaddr> named = toRemove.get(p.getKey());
                if (named == null) {
                    keep.put(p.getKey(), p.getValue());
                } else if (named.isEmpty()) {
                    gone.put(p.getKey(), p.getValue());
                } else {
                    List<Multiaddr> kept = new ArrayList<>(p.getValue());
                    List<Multiaddr> cut = p.getValue().stream().filter(named::contains).toList();
                    kept.removeAll(cut);
                    if (!cut.isEmpty()) {
                        gone.put(p.getKey(), cut);
                    }
                    if (!kept.isEmpty()) {
                        keep.put(p.getKey(), kept);
                    }
                }
            }
            removed.set(strings(gone));
            return store(c, strings(keep));
        }, false);
        return removed.get();
    }

    /**
     * Empties the list.
     *
     * @return what it held, each {@code <transport>/p2p/<ID>}
     * @throws IOException when the file cannot be read or written
     */
    public static List<String> removeAll(Path root) throws IOException {
        AtomicReference<List<String>> removed = new AtomicReference<>();
        KuboConfig.edit(root, c -> {
            removed.set(strings(group(read(c))));
            return store(c, List.of());
        }, false);
        return removed.get();
    }

    /** Kubo's checks of one address to add: a multiaddr whose last part is {@code /p2p/}, after a transport. */
    private static void check(String peer) {
        if (peer.equals("default") || peer.equals("auto")) {
            throw new BootstrapException("cannot add default bootstrap peers: p2pkit has no default bootstrap list "
                    + "(it joins only the peers it is given); add specific peer addresses instead");
        }
        List<Protocol> parts = parse(peer).protocols();
        if (parts.getLast() != Protocol.P2P) {
            throw new BootstrapException("invalid bootstrap address: " + peer);
        }
        if (parts.size() == 1) {
            throw new BootstrapException("bootstrap address without a transport: " + peer);
        }
    }

    private static Multiaddr parse(String text) {
        try {
            return Multiaddr.parse(text);
        } catch (IllegalArgumentException e) { // a DecodeException among them
            // go-multiaddr's words for the commonest mistake; p2pkit's parser's for the others
            String why = text.startsWith("/") ? e.getMessage() : "must begin with /";
            throw new BootstrapException("failed to parse multiaddr \"" + text + "\": " + why);
        }
    }

    /** go-libp2p's AddrInfosFromP2pAddrs, in first-seen order (Go's is a map's): each peer's transports. */
    private static Map<PeerId, List<Multiaddr>> group(List<String> addresses) {
        Map<PeerId, List<Multiaddr>> peers = new LinkedHashMap<>();
        for (String text : addresses) {
            Multiaddr a = parse(text);
            if (a.protocols().getLast() != Protocol.P2P) {
                throw new BootstrapException("invalid p2p multiaddr");
            }
            List<Multiaddr> transports = peers.computeIfAbsent(a.peerId().orElseThrow(), p -> new ArrayList<>());
            Multiaddr transport = a.withoutPeerId();
            if (!transport.isEmpty()) {
                transports.add(transport);
            }
        }
        return peers;
    }

    /** go-libp2p's AddrInfoToP2pAddrs for each peer: its transports with {@code /p2p/<ID>}, or {@code /p2p/<ID>} alone. */
    private static List<String> strings(Map<PeerId, List<Multiaddr>> peers) {
        List<String> out = new ArrayList<>();
        peers.forEach((id, transports) -> {
            if (transports.isEmpty()) {
                out.add("/p2p/" + id);
            }
            transports.forEach(t -> out.add(t + "/p2p/" + id));
        });
        return out;
    }

    private static RepoConfig store(RepoConfig config, List<String> list) {
        return KuboConfig.set(config, KEY, list.isEmpty() ? null : list);
    }
}
