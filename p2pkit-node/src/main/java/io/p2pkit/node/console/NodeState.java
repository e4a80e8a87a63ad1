package io.p2pkit.node.console;

import io.p2pkit.core.host.Host;
import io.p2pkit.core.identity.PeerId;
import io.p2pkit.core.multiaddr.Multiaddr;
import io.p2pkit.core.multiaddr.Protocol;
import io.p2pkit.core.network.Connection;
import io.p2pkit.ipfs.blockstore.TierStats;
import io.p2pkit.ipfs.pin.Pin;
import io.p2pkit.ipfs.pin.PinType;
import io.p2pkit.ipfs.repo.Repository;
import io.p2pkit.kad.KadDht;
import io.p2pkit.kad.routing.RoutingTable;
import io.p2pkit.node.Node;
import io.p2pkit.node.metrics.BandwidthMeter;
import io.p2pkit.pubsub.PubSub;

import java.io.IOException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What the console shows, as one JSON-ready snapshot: the node, its connections, its DHT buckets,
 * its traffic over time, its blockstore and its pubsub topics. Bounded: at most
 * {@link #MAX_PEERS} connections and {@link #MAX_PEERS} routing-table entries are listed.
 */
final class NodeState {
    static final int MAX_PEERS = 500;

    private NodeState() {
    }

    static Map<String, Object> of(Node node, BandwidthMeter bandwidth, LatencyProbe latency) {
        Host host = node.host();
        Map<String, Object> state = new LinkedHashMap<>();
        state.put("node", identity(node));
        state.put("peers", peers(host, latency));
        node.dht().ifPresent(d -> state.put("dht", dht(d)));
        state.put("bandwidth", bandwidth.history().stream().map(p -> List.of(p.epochMillis(), p.totalIn(), p.totalOut(),
                Math.round(p.rateIn()), Math.round(p.rateOut()))).toList());
        node.content().ifPresent(c -> state.put("blockstore", blockstore(c.repository())));
        node.pubsub().ifPresent(p -> state.put("pubsub", pubsub(p)));
        return state;
    }

    private static Map<String, Object> identity(Node node) {
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("id", node.peerId().toString());
        o.put("agent", node.config().agentVersion());
        o.put("addresses", node.addresses().stream().map(Multiaddr::toString).toList());
        o.put("protocols", node.host().protocols().stream().sorted().toList());
        node.apiAddress().ifPresent(a -> o.put("api", a.toString()));
        node.gatewayAddress().ifPresent(a -> o.put("gateway", a.toString()));
        return o;
    }

    private static List<Map<String, Object>> peers(Host host, LatencyProbe latency) {
        List<Map<String, Object>> peers = new ArrayList<>();
        for (Connection c : host.network().connections()) {
            if (peers.size() >= MAX_PEERS) {
                break;
            }
            Map<String, Object> o = new LinkedHashMap<>();
            o.put("id", c.remotePeer().toString());
            o.put("address", c.remoteAddress().toString());
            o.put("transport", transport(c.remoteAddress()));
            o.put("direction", c.direction().name().toLowerCase(Locale.ROOT));
            o.put("security", c.security());
            o.put("muxer", c.muxer());
            o.put("agent", host.peerStore().agentVersion(c.remotePeer()).orElse(""));
            latency.rtt(c.remotePeer()).ifPresent(d -> o.put("latencyMs", d.toNanos() / 1e6));
            o.put("streams", c.streamCount());
            o.put("opened", c.opened().toEpochMilli());
            peers.add(o);
        }
        return peers;
    }

    /** The transport of an address as people name it: tcp, quic-v1, ws, wss, webtransport… */
    static String transport(Multiaddr address) {
        String transport = "";
        for (Protocol p : address.protocols()) {
            String name = p.name();
            if (name.equals("tcp") || name.equals("udp") || name.equals("quic-v1") || name.equals("quic")
                    || name.equals("ws") || name.equals("wss") || name.equals("webtransport")
                    || name.equals("webrtc-direct") || name.equals("p2p-circuit") || name.equals("memory")) {
                transport = name;
            }
        }
        return transport;
    }

    private static Map<String, Object> dht(KadDht d) {
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("mode", d.effectiveMode().name().toLowerCase(Locale.ROOT));
        o.put("protocol", d.protocolId());
        RoutingTable table = d.routingTable();
        o.put("size", table.size());
        List<Map<String, Object>> buckets = new ArrayList<>();
        int listed = 0;
        for (int i : table.nonEmptyBuckets()) {
            List<String> peers = new ArrayList<>();
            for (RoutingTable.Entry e : table.bucket(i)) {
                if (listed++ < MAX_PEERS) {
                    peers.add(e.peer().toString());
                }
            }
            buckets.add(Map.of("bucket", i, "peers", peers));
        }
        o.put("buckets", buckets);
        return o;
    }

    private static Map<String, Object> blockstore(Repository repo) {
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("root", repo.root().toString());
        TierStats t = repo.blocks().stats();
        o.put("memory", Map.of("blocks", t.memoryBlocks(), "bytes", t.memoryBytes()));
        o.put("disk", Map.of("blocks", t.diskBlocks(), "bytes", t.diskBytes()));
        o.put("reads", Map.of("memory", t.memoryHits(), "disk", t.diskHits(), "network", t.remoteHits(),
                "missed", t.misses()));
        try {
            // Not repo.stat(), which walks every block file: the tiers' own counts are enough here.
            List<Pin> recursive = repo.pinner().ls(EnumSet.of(PinType.RECURSIVE));
            List<Pin> direct = repo.pinner().ls(EnumSet.of(PinType.DIRECT));
            o.put("pins", Map.of("recursive", recursive.size(), "direct", direct.size()));
            o.put("pinned", java.util.stream.Stream.concat(recursive.stream(), direct.stream()).limit(50)
                    .map(p -> p.cid() + " (" + p.type().name().toLowerCase(Locale.ROOT) + ")").toList());
        } catch (IOException e) {
            o.put("error", "the repository cannot be read: " + e.getMessage());
        }
        return o;
    }

    private static List<Map<String, Object>> pubsub(PubSub p) {
        List<Map<String, Object>> topics = new ArrayList<>();
        for (String topic : p.topics().stream().sorted().toList()) {
            List<String> peers = p.topicPeers(topic).stream().map(PeerId::toString).sorted().limit(MAX_PEERS).toList();
            topics.add(Map.of("topic", topic, "peers", peers));
        }
        return topics;
    }
}
