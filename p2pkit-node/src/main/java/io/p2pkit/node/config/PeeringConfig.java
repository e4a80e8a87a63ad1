package io.p2pkit.node.config;

import io.p2pkit.core.host.PeerInfo;
import io.p2pkit.core.identity.PeerId;
import io.p2pkit.core.multiaddr.Multiaddr;
import io.p2pkit.node.Peering;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Kubo's {@code Peering.Peers} in the repository's config file: the peers a daemon keeps
 * connected from its start, {@code [{"ID": "12D3…", "Addrs": ["/ip4/…/tcp/4001"]}]}, kept as that
 * JSON text in the file key {@value #FILE_KEY}. An address may end in the peer's own
 * {@code /p2p/ID}, as Kubo takes it; one naming another peer is refused.
 */
public final class PeeringConfig {
    /** The file key. */
    public static final String FILE_KEY = "peering.peers";
    private static final String KEY = "Peering.Peers";

    private PeeringConfig() {
    }

    /**
     * The peers a file's text names, a peer named twice once with the addresses of both.
     *
     * @param text the file key's JSON text
     * @return the peers, in the text's order
     * @throws IllegalArgumentException naming the entry that is wrong
     */
    public static List<PeerInfo> peers(String text) {
        Map<PeerId, List<Multiaddr>> merged = new LinkedHashMap<>();
        for (PeerInfo p : parse(KuboConfig.parseJson(text))) {
            List<Multiaddr> addrs = merged.computeIfAbsent(p.peerId(), id -> new ArrayList<>());
            p.addresses().stream().filter(a -> !addrs.contains(a)).forEach(addrs::add);
        }
        return merged.entrySet().stream().map(e -> new PeerInfo(e.getKey(), List.copyOf(e.getValue()))).toList();
    }

    /**
     * Checks Kubo's value and gives the text the file keeps.
     *
     * @param value the JSON value: an array of objects with {@code ID} and {@code Addrs}
     * @return the JSON text, each peer as {@code {"Addrs","ID"}} as given (Kubo keeps no {@code Addrs} that was not given)
     * @throws IllegalArgumentException naming the entry that is wrong
     */
    static String text(Object value) {
        parse(value);
        return io.p2pkit.node.json.Json.write(show(value));
    }

    /**
     * Kubo's JSON shape of the file's text.
     *
     * @param text the file key's JSON text
     * @return the peers, each {@code {"Addrs","ID"}}, {@code Addrs} only where it was given
     */
    static List<Map<String, Object>> show(String text) {
        return show(KuboConfig.parseJson(text));
    }

    private static List<Map<String, Object>> show(Object value) {
        List<Map<String, Object>> out = new ArrayList<>();
        if (value instanceof List<?> entries) {
            for (Object entry : entries) {
                if (entry instanceof Map<?, ?> m) {
                    // as Kubo keeps it: the members given, in Go's order of map keys
                    Map<String, Object> peer = new LinkedHashMap<>();
                    if (m.containsKey("Addrs")) {
                        peer.put("Addrs", m.get("Addrs"));
                    }
                    peer.put("ID", m.get("ID"));
                    out.add(peer);
                }
            }
        }
        return out;
    }

    private static List<PeerInfo> parse(Object value) {
        if (!(value instanceof List<?> entries)) {
            throw new IllegalArgumentException(KEY + ": an array of {\"ID\", \"Addrs\"} objects, not " + value);
        }
        if (entries.size() > Peering.MAX_PEERS) {
            throw new IllegalArgumentException(KEY + ": at most " + Peering.MAX_PEERS + " peers, not " + entries.size());
        }
        List<PeerInfo> out = new ArrayList<>();
        for (int i = 0; i < entries.size(); i++) {
            String where = KEY + "[" + i + "]";
            if (!(entries.get(i) instanceof Map<?, ?> m)) {
                throw new IllegalArgumentException(where + ": an object with \"ID\" and \"Addrs\", not " + entries.get(i));
            }
            if (!(m.get("ID") instanceof String idText)) {
                throw new IllegalArgumentException(where + ".ID: a peer ID string is needed");
            }
            PeerId id;
            try {
                id = PeerId.parse(idText);
            } catch (IllegalArgumentException e) { // a DecodeException among them
                throw new IllegalArgumentException(where + ".ID: not a peer ID: " + idText + " (" + e.getMessage() + ")");
            }
            Object addrsValue = m.get("Addrs");
            if (addrsValue != null && !(addrsValue instanceof List<?>)) {
                throw new IllegalArgumentException(where + ".Addrs: an array of multiaddrs, not " + addrsValue);
            }
            List<Multiaddr> addrs = new ArrayList<>();
            for (Object a : addrsValue == null ? List.of() : (List<?>) addrsValue) {
                if (!(a instanceof String s)) {
                    throw new IllegalArgumentException(where + ".Addrs: an array of multiaddrs, not " + a);
                }
                Multiaddr addr;
                try {
                    addr = Multiaddr.parse(s);
                } catch (IllegalArgumentException e) { // a DecodeException among them
                    throw new IllegalArgumentException(where + ".Addrs: not a multiaddr: " + s + " (" + e.getMessage() + ")");
                }
                if (addr.peerId().isPresent() && !addr.peerId().get().equals(id)) {
                    throw new IllegalArgumentException(where + ".Addrs: " + s + " names another peer than " + id);
                }
                addrs.add(addr.withoutPeerId());
            }
            out.add(new PeerInfo(id, List.copyOf(addrs)));
        }
        return out;
    }
}
