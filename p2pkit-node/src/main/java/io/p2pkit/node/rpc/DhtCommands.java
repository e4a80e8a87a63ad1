package io.p2pkit.node.rpc;

import io.p2pkit.core.host.PeerInfo;
import io.p2pkit.core.identity.PeerId;
import io.p2pkit.core.multiaddr.Multiaddr;
import io.p2pkit.kad.KadDht;
import io.p2pkit.kad.LookupEvents;
import io.p2pkit.kad.query.LookupResult;
import io.p2pkit.kad.routing.KadKey;
import io.p2pkit.kad.routing.RoutingTable;
import io.p2pkit.node.cli.content.TabTable;
import io.p2pkit.node.config.GoDurations;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;

/**
 * What Kubo 0.39 still has under {@code dht/}: {@code dht/query} (the peers closest to a peer ID,
 * streamed as go-libp2p's query events) and, under {@code stats/dht}, the routing table by bucket;
 * the other {@code dht/*} commands are {@link RemovedCommands}. p2pkit has one DHT where Kubo
 * has two (WAN and LAN): it is shown as {@code wan}, and {@code lan} is empty.
 */
final class DhtCommands {
    /** go-libp2p's QueryEventType values. */
    private static final int SENDING_QUERY = 0;
    private static final int PEER_RESPONSE = 1;
    private static final int FINAL_PEER = 2;
    private static final int QUERY_ERROR = 3;
    private static final DateTimeFormatter RFC3339 = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ssXXX");

    private DhtCommands() {
    }

    static List<RpcCommand> all() {
        List<RpcCommand> commands = new ArrayList<>();
        commands.add(RpcCommand.at("dht/query").args(RpcArgument.string("peerID", true, true))
                .options(RpcOption.bool("verbose", "v")).text(DhtCommands::queryText).run(DhtCommands::query));
        commands.add(RpcCommand.at("stats/dht").args(RpcArgument.string("dht", false, true)).text(DhtCommands::statText)
                .run(DhtCommands::stat));
        return commands;
    }

    private static KadDht dht(RpcRequest req) {
        return req.node().dht().orElseThrow(() -> RpcError.failed("routing service is not a DHT"));
    }

    /** A query event, its keys in the order go-libp2p's MarshalJSON writes them (a Go map: sorted). */
    private static Map<String, Object> event(int type, String id, List<Map<String, Object>> responses, String extra) {
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("Extra", extra);
        o.put("ID", id);
        o.put("Responses", responses);
        o.put("Type", type);
        return o;
    }

    private static void query(RpcRequest req, RpcResponse res) throws Exception {
        KadDht dht = dht(req);
        PeerId target;
        try {
            target = PeerId.parse(req.argument(0));
        } catch (IllegalArgumentException e) { // DecodeException too
            throw RpcError.client("invalid peer ID");
        }
        if (dht.routingTable().size() == 0) {
            res.emit(event(QUERY_ERROR, "", null, "failed to find any peer in table"));
            throw RpcError.failed("failed to find any peer in table");
        }
        // the lookup's requests run side by side; their events go out one at a time
        ReentrantLock writing = new ReentrantLock();
        java.util.concurrent.atomic.AtomicReference<IOException> gone = new java.util.concurrent.atomic.AtomicReference<>();
        LookupEvents events = new LookupEvents() {
            @Override
            public void querying(PeerId peer) {
                write(event(SENDING_QUERY, peer.toString(), null, ""));
            }

            @Override
            public void answered(PeerId peer, List<PeerInfo> closer) {
                write(event(PEER_RESPONSE, peer.toString(), closer.stream().map(DhtCommands::addrInfo).toList(), ""));
            }

            @Override
            public void failed(PeerId peer, IOException error) {
                write(event(QUERY_ERROR, peer.toString(), null, String.valueOf(error.getMessage())));
            }

            private void write(Map<String, Object> e) {
                writing.lock();
                try {
                    if (gone.get() == null) {
                        res.emit(e);
                    }
                } catch (IOException clientGone) {
                    gone.set(clientGone); // the lookup ends by itself, bounded by its timeout
                } finally {
                    writing.unlock();
                }
            }
        };
        LookupResult result = dht.getClosestPeers(target.bytes(), events);
        writing.lock();
        try {
            if (gone.get() != null) {
                throw gone.get();
            }
            for (PeerId p : result.closest()) {
                res.emit(event(FINAL_PEER, p.toString(), null, ""));
            }
        } finally {
            writing.unlock();
        }
    }

    private static Map<String, Object> addrInfo(PeerInfo p) {
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("ID", p.peerId().toString());
        o.put("Addrs", p.addresses().stream().map(Multiaddr::toString).toList());
        return o;
    }

    /** Kubo's text: the closest peers, one a line; with {@code verbose}, every event with its time. */
    private static String queryText(RpcRequest req, Object value) {
        Map<?, ?> e = value instanceof Map<?, ?> m ? m : Map.of();
        boolean verbose = req.bool("verbose");
        int type = e.get("Type") instanceof Number n ? n.intValue() : -1;
        String prefix = verbose ? DateTimeFormatter.ofPattern("HH:mm:ss.SSS").format(java.time.LocalTime.now()) + ": " : "";
        return switch (type) {
            case FINAL_PEER -> prefix + e.get("ID") + "\n";
            case SENDING_QUERY -> verbose ? prefix + "* querying " + e.get("ID") + "\n" : "";
            case PEER_RESPONSE -> {
                if (!verbose) {
                    yield "";
                }
                StringBuilder b = new StringBuilder(prefix).append("* ").append(e.get("ID")).append(" says use ");
                if (e.get("Responses") instanceof List<?> l) {
                    l.forEach(p -> b.append(p instanceof Map<?, ?> pm ? pm.get("ID") : p).append(' '));
                }
                yield b.append('\n').toString();
            }
            case QUERY_ERROR -> verbose ? prefix + "error: " + e.get("Extra") + "\n" : "";
            default -> verbose ? prefix + "unrecognized event type: " + type + "\n" : "";
        };
    }

    private static void stat(RpcRequest req, RpcResponse res) throws Exception {
        KadDht dht = dht(req);
        List<String> names = req.arguments().isEmpty() ? List.of("wan", "lan") : req.arguments();
        for (String name : names) {
            switch (name) {
                case "wan", "wanserver" -> res.emit(table(req, name, dht));
                // p2pkit's one DHT covers every address; there is no LAN table of its own
                case "lan", "lanserver" -> res.emit(Map.of("Name", name, "Buckets", List.of()));
                default -> throw RpcError.client("unknown dht type: " + name);
            }
        }
    }

    /** The routing table as Kubo's {@code dhtStat}: buckets by common prefix length, up to the deepest used one. */
    private static Map<String, Object> table(RpcRequest req, String name, KadDht dht) {
        RoutingTable table = dht.routingTable();
        int deepest = table.maxCommonPrefix();
        Optional<KadDht.Refreshed> refreshed = dht.lastRefresh();
        List<Map<String, Object>> buckets = new ArrayList<>();
        for (int cpl = 0; cpl <= deepest; cpl++) {
            List<Map<String, Object>> peers = null; // Go's nil slice: a bucket nobody is in
            for (RoutingTable.Entry e : table.entries()) {
                if (table.localKey().commonPrefixLength(KadKey.of(e.peer())) != cpl) {
                    continue;
                }
                if (peers == null) {
                    peers = new ArrayList<>();
                }
                peers.add(peer(req, e));
            }
            Map<String, Object> b = new LinkedHashMap<>();
            final int bucket = cpl;
            b.put("LastRefresh", refreshed.filter(r -> bucket < r.buckets()).map(r -> rfc3339(r.at())).orElse(""));
            b.put("Peers", peers);
            buckets.add(b);
        }
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("Name", name);
        o.put("Buckets", buckets);
        return o;
    }

    private static Map<String, Object> peer(RpcRequest req, RoutingTable.Entry e) {
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("ID", e.peer().toString());
        o.put("Connected", !req.node().host().network().connections(e.peer()).isEmpty());
        o.put("AgentVersion", req.node().host().peerStore().agentVersion(e.peer()).map(io.p2pkit.node.cli.content.UntrustedText::cleanAndTrim).orElse(""));
        // the table keeps when a peer last answered this node: Kubo's "useful" and "queried" times both
        String seen = rfc3339(e.lastSeen());
        o.put("LastUsefulAt", seen);
        o.put("LastQueriedAt", seen);
        return o;
    }

    private static String rfc3339(Instant t) {
        return RFC3339.format(t.truncatedTo(ChronoUnit.SECONDS).atZone(java.time.ZoneId.systemDefault()));
    }

    /** Kubo's text of one table: aligned lines per bucket and peer, times as "5m3s ago". */
    private static String statText(RpcRequest req, Object value) {
        Map<?, ?> stat = value instanceof Map<?, ?> m ? m : Map.of();
        List<?> buckets = stat.get("Buckets") instanceof List<?> l ? l : List.of();
        Instant now = Instant.now();
        int count = 0;
        for (Object b : buckets) {
            count += peers(b).size();
        }
        TabTable t = new TabTable(4, 2);
        t.line("DHT " + stat.get("Name") + " (" + count + " peers):\t\t\t");
        for (int i = 0; i < buckets.size(); i++) {
            Map<?, ?> b = (Map<?, ?>) buckets.get(i);
            String refreshed = b.get("LastRefresh") instanceof String r && !r.isEmpty() ? since(now, r) : "never";
            t.line(String.format("  Bucket %2d (%d peers) - refreshed %s:\t\t\t", i, peers(b).size(), refreshed));
            t.line("    Peer\tlast useful\tlast queried\tAgent Version");
            for (Object o : peers(b)) {
                Map<?, ?> p = (Map<?, ?>) o;
                String useful = p.get("LastUsefulAt") instanceof String u && !u.isEmpty() ? since(now, u) : "never";
                String queried = p.get("LastUsefulAt") instanceof String u && !u.isEmpty()
                        ? since(now, String.valueOf(p.get("LastQueriedAt"))) : "never";
                t.line("  " + (Boolean.TRUE.equals(p.get("Connected")) ? "@" : " ") + " " + p.get("ID") + "\t" + useful
                        + "\t" + queried + "\t" + p.get("AgentVersion"));
            }
            t.line("\t\t\t");
        }
        return t.flush();
    }

    private static List<?> peers(Object bucket) {
        return bucket instanceof Map<?, ?> b && b.get("Peers") instanceof List<?> l ? l : List.of();
    }

    /** Go's {@code now.Sub(t).Round(time.Second).String() + " ago"}. */
    private static String since(Instant now, String rfc3339) {
        Duration d = Duration.between(java.time.OffsetDateTime.parse(rfc3339).toInstant(), now);
        long seconds = Math.round(d.toMillis() / 1000.0);
        return GoDurations.format(Duration.ofSeconds(seconds)) + " ago";
    }
}
