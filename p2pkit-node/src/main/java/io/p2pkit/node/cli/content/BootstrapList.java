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
 * <p>p2pkit has no default bootstrap list: {@code default} and {@code auto} add Kubo's
 * {@code "auto"} placeholder, which AutoConf replaces, only when AutoConf is on and has an
 * {@code AutoConf.URL} the user set; otherwise they are refused rather than filled with public
 * peers the user never named.
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
     * The list with AutoConf's {@code "auto"} replaced as the daemon replaces it, from the document
     * kept in the repository (Kubo's {@code --expand-auto}: nothing is fetched; without a document,
     * {@code "auto"} is left out).
     */
    public static List<String> expanded(Path root) throws IOException {
        RepoConfig config = Repository.readConfig(root);
        return io.p2pkit.node.config.AutoConf.bootstrap(read(config),
                config.get("routing.type").filter(t -> !t.isBlank()).orElse("auto"),
                io.p2pkit.node.config.AutoConfClient.kept(root, config).orElse(null));
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
        // as Kubo: "default" is "auto", the placeholder AutoConf replaces
        peers = peers.stream().map(p -> p.equals("default") ? io.p2pkit.node.config.AutoConf.AUTO : p).toList();
        for (String p : peers) {
            if (p.equals(io.p2pkit.node.config.AutoConf.AUTO)) {
                checkAutoConf(Repository.readConfig(root));
            } else {
                check(p);
            }
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
            List<String> held = read(c);
            boolean auto = held.contains(io.p2pkit.node.config.AutoConf.AUTO);
            if (auto && autoConfOn(c)) {
                throw new BootstrapException("cannot remove individual bootstrap peers when using 'auto' placeholder: "
                        + "the 'auto' value is managed by AutoConf. Either disable AutoConf by setting "
                        + "AutoConf.Enabled=false and replace 'auto' with specific peer addresses, or use "
                        + "'ipfs bootstrap rm --all' to remove all peers");
            }
            Map<PeerId, List<Multiaddr>> keep = new LinkedHashMap<>();
            Map<PeerId, List<Multiaddr>> gone = new LinkedHashMap<>();
            List<String> addresses = held.stream().filter(a -> !a.equals(io.p2pkit.node.config.AutoConf.AUTO)).toList();
            for (Map.Entry<PeerId, List<Multiaddr>> p : group(addresses).entrySet()) {
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
            List<String> kept = new ArrayList<>(strings(keep));
            if (auto) {
                kept.addFirst(io.p2pkit.node.config.AutoConf.AUTO); // AutoConf is off: the placeholder stays, unused
            }
            return store(c, kept);
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
            List<String> held = read(c);
            // as Kubo: with "auto" the list is answered as it was written
            removed.set(held.contains(io.p2pkit.node.config.AutoConf.AUTO) ? held : strings(group(held)));
            return store(c, List.of());
        }, false);
        return removed.get();
    }

    /**
     * Whether {@code "auto"} may be added: Kubo's refusal when AutoConf is off, and p2pkit's when it
     * has no URL (p2pkit has no default one, so the placeholder would name nothing).
     */
    private static void checkAutoConf(RepoConfig config) {
        if (config.get("autoConf.enabled").map(String::strip).orElse("true").equals("false")) {
            throw new BootstrapException("cannot add default bootstrap peers: AutoConf is disabled "
                    + "(AutoConf.Enabled=false). Enable AutoConf by setting AutoConf.Enabled=true in your config, or add "
                    + "specific peer addresses instead");
        }
        if (!autoConfOn(config)) {
            throw new BootstrapException("cannot add default bootstrap peers: p2pkit has no default bootstrap list "
                    + "(it joins only the peers it is given, or AutoConf's once AutoConf.URL is set); add specific peer "
                    + "addresses instead");
        }
    }

    /** Whether AutoConf is on and has a URL, so that {@code "auto"} names something. */
    private static boolean autoConfOn(RepoConfig config) {
        return !config.get("autoConf.enabled").map(String::strip).orElse("true").equals("false")
                && config.get("autoConf.url").filter(t -> !t.isBlank()).isPresent();
    }

    /** Kubo's checks of one address to add: a multiaddr whose last part is {@code /p2p/}, after a transport. */
    private static void check(String peer) {
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
