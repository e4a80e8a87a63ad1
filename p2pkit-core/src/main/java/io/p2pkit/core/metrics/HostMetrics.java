package io.p2pkit.core.metrics;

import io.p2pkit.core.Direction;
import io.p2pkit.core.crypto.KeyType;
import io.p2pkit.core.host.Host;
import io.p2pkit.core.host.LocalChange;
import io.p2pkit.core.identify.IdentifyService;
import io.p2pkit.core.identity.PeerId;
import io.p2pkit.core.multiaddr.Multiaddr;
import io.p2pkit.core.multiaddr.Protocol;
import io.p2pkit.core.network.Connection;
import io.p2pkit.core.network.ConnectionListener;
import io.p2pkit.core.network.NetworkObserver;
import io.p2pkit.core.network.dial.BlackHoleDetector;
import io.p2pkit.core.resource.Resource;
import io.p2pkit.core.resource.ResourceManager;
import io.p2pkit.core.resource.ResourceScope;

import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The metrics of a host under go-libp2p's names and labels, so that its Grafana dashboards work:
 * {@code libp2p_swarm_*} (connections opened and closed, their duration, handshake latency, dial
 * errors, key types, black-hole filters), {@code libp2p_rcmgr_*} (connections, streams by
 * protocol, memory, descriptors and blocked resources, read from the resource manager at scrape
 * time) and {@code libp2p_identify_*}, plus bytes by protocol and by peer group
 * ({@code libp2p_bandwidth_*}, which go-libp2p keeps in its BandwidthCounter without exporting),
 * and by connected peer in a {@link PeerBandwidth} (not a metric: peers are unbounded labels).
 * Attach once per host.
 */
public final class HostMetrics {
    private static final String[] CONN_LABELS = {"dir", "transport", "security", "muxer", "early_muxer", "ip_version"};

    private final Counter opened;
    private final Counter closed;
    private final Histogram duration;
    private final Histogram handshake;
    private final Counter dialErrors;
    private final Counter ephemeralRedials;
    private final Counter peerDials;
    private final Counter keyTypes;
    private final Histogram identifyProtocols;
    private final Histogram identifyAddrs;
    private final Counter dialsPerPeer;
    private final Histogram dialLatency;
    private final Histogram dialRankingDelay;
    private final Counter identifyTotal;
    private final Counter identifyPush;
    private final Counter pushesTriggered;
    private final Counter pushSupport;
    private final Counter protocolBytes;
    private final Counter peerGroupBytes;

    private HostMetrics(MetricRegistry r) {
        opened = r.counter("libp2p_swarm_connections_opened_total", "Connections Opened", CONN_LABELS);
        closed = r.counter("libp2p_swarm_connections_closed_total", "Connections Closed", CONN_LABELS);
        duration = r.histogram("libp2p_swarm_connection_duration_seconds", "Duration of a Connection",
                Histogram.exponentialBuckets(1.0 / 16, 2, 25), CONN_LABELS);
        handshake = r.histogram("libp2p_swarm_handshake_latency_seconds", "Duration of the libp2p Handshake",
                Histogram.exponentialBuckets(0.001, 1.3, 35), "transport", "security", "muxer", "early_muxer",
                "ip_version");
        dialErrors = r.counter("libp2p_swarm_dial_errors_total", "Dial Error", "transport", "error", "ip_version");
        ephemeralRedials = r.counter("p2pkit_swarm_ephemeral_port_redials_total",
                "Dials from a listening port whose upgrade failed (perhaps a TCP simultaneous open), redialed from an"
                        + " ephemeral port", "transport", "ip_version");
        peerDials = r.counter("p2pkit_swarm_peer_dials_total", "Dials of a peer over all its addresses, by outcome",
                "outcome");
        keyTypes = r.counter("libp2p_swarm_key_types_total", "key type", "dir", "key_type");
        double[] counts = {0, 1, 2, 3, 4, 5, 10, 20, 50, 100, 200};
        identifyProtocols = r.histogram("libp2p_identify_protocols_received",
                "Number of protocols received in identify", counts);
        identifyAddrs = r.histogram("libp2p_identify_addrs_received",
                "Number of addresses received in identify", counts);
        dialsPerPeer = r.counter("libp2p_swarm_dials_per_peer_total", "Number of addresses dialed per peer",
                "outcome", "num_dials");
        dialLatency = r.histogram("libp2p_swarm_dial_latency_seconds", "time taken to establish connection with the peer",
                new double[]{0.001, 0.01, 0.05, 0.1, 0.2, 0.3, 0.4, 0.5, 0.75, 1, 2}, "outcome", "num_dials");
        dialRankingDelay = r.histogram("libp2p_swarm_dial_ranking_delay_seconds",
                "delay introduced by the dial ranking logic",
                new double[]{0.001, 0.01, 0.05, 0.1, 0.2, 0.3, 0.4, 0.5, 0.75, 1, 2});
        identifyTotal = r.counter("libp2p_identify_identify_total", "Identify", "dir");
        identifyPush = r.counter("libp2p_identify_identify_push_total", "Identify Push", "dir");
        pushesTriggered = r.counter("libp2p_identify_identify_pushes_triggered_total", "Pushes Triggered", "trigger");
        pushSupport = r.counter("libp2p_identify_conn_push_support_total", "Identify Connection Push Support",
                "support");
        protocolBytes = r.counter("libp2p_bandwidth_protocol_bytes_total",
                "Bytes carried by streams, by direction (in, out) and protocol", "dir", "protocol");
        peerGroupBytes = r.counter("libp2p_bandwidth_peer_group_bytes_total",
                "Bytes carried by streams, by direction (in, out) and peer group (the remote's implementation, "
                        + "from its identify agent version when the stream opened)", "dir", "group");
    }

    /** go's {@code num_dials} label: the number of addresses dialed, 6 and more as {@code >=6}. */
    static String numDials(int dialed) {
        return dialed >= 6 ? ">=6" : Integer.toString(Math.max(0, dialed));
    }

    /** go's {@code trigger} label of a push: the event that caused it. */
    static String pushTrigger(LocalChange change) {
        if (change == null) {
            return "unknown";
        }
        return switch (change) {
            case PROTOCOLS -> "protocols_updated";
            case ADDRESSES -> "addresses_updated";
        };
    }

    /**
     * The peer group of a remote, from its identify agent version: a few implementation families,
     * so that the label's values stay bounded however many peers come and go.
     */
    static String peerGroup(java.util.Optional<String> agentVersion) {
        String a = agentVersion.map(v -> v.trim().toLowerCase(java.util.Locale.ROOT)).orElse("");
        if (a.isEmpty()) {
            return "unknown";
        }
        if (a.startsWith("kubo") || a.startsWith("go-ipfs")) {
            return "kubo";
        }
        if (a.startsWith("p2pkit")) {
            return "p2pkit";
        }
        if (a.contains("go-libp2p")) {
            return "go-libp2p";
        }
        if (a.contains("rust-libp2p")) {
            return "rust-libp2p";
        }
        if (a.contains("js-libp2p") || a.startsWith("helia")) {
            return "js-libp2p";
        }
        return "other";
    }

    /** Registers the host's metrics in {@code registry} and starts recording. */
    public static HostMetrics attach(Host host, MetricRegistry registry) {
        HostMetrics m = new HostMetrics(registry);
        host.addConnectionListener(new ConnectionListener() {
            @Override
            public void connected(Connection c) {
                m.opened.inc(labels(c));
                m.keyTypes.inc(dir(c.direction()), keyTypeName(c.remotePublicKey().type()));
            }

            @Override
            public void disconnected(Connection c) {
                String[] l = labels(c);
                m.closed.inc(l);
                m.duration.observe(java.time.Duration.between(c.opened(), java.time.Instant.now()).toNanos() / 1e9, l);
            }
        });
        host.network().addObserver(new NetworkObserver() {
            @Override
            public void handshakeCompleted(Connection c, long nanos) {
                String[] l = labels(c);
                m.handshake.observe(nanos / 1e9, java.util.Arrays.copyOfRange(l, 1, l.length));
            }

            @Override
            public void dialFailed(PeerId peer, Multiaddr address, Throwable cause, long nanos) {
                m.dialErrors.inc(transport(address), errorKind(cause), ipVersion(address));
            }

            @Override
            public void redialedFromEphemeralPort(PeerId peer, Multiaddr address, Throwable cause) {
                m.ephemeralRedials.inc(transport(address), ipVersion(address));
            }

            @Override
            public void peerDialed(PeerId peer, boolean success) {
                m.peerDials.inc(success ? "success" : "failed");
            }

            @Override
            public void peerDialCompleted(PeerId peer, boolean success, int addressesDialed, long nanos) {
                String outcome = success ? "success" : "failed";
                String n = numDials(addressesDialed);
                m.dialsPerPeer.inc(outcome, n);
                m.dialLatency.observe(nanos / 1e9, outcome, n);
            }

            @Override
            public void dialRankingDelay(PeerId peer, long nanos) {
                m.dialRankingDelay.observe(nanos / 1e9);
            }
        });
        PeerBandwidth byPeer = PeerBandwidth.attach(host);
        host.setStreamMeter((protocol, direction, c) -> {
            String group = peerGroup(host.peerStore().agentVersion(c.remotePeer()));
            java.util.function.LongConsumer inByProtocol = m.protocolBytes.adder("in", protocol);
            java.util.function.LongConsumer outByProtocol = m.protocolBytes.adder("out", protocol);
            java.util.function.LongConsumer inByGroup = m.peerGroupBytes.adder("in", group);
            java.util.function.LongConsumer outByGroup = m.peerGroupBytes.adder("out", group);
            java.util.function.LongConsumer[] peer = byPeer.counters(c.remotePeer());
            return new io.p2pkit.core.host.StreamMeter.Counters(n -> {
                inByProtocol.accept(n);
                inByGroup.accept(n);
                peer[0].accept(n);
            }, n -> {
                outByProtocol.accept(n);
                outByGroup.accept(n);
                peer[1].accept(n);
            });
        });
        host.service(IdentifyService.class).ifPresent(id -> {
            id.addListener(r -> {
                m.identifyProtocols.observe(r.protocols().size());
                m.identifyAddrs.observe(r.listenAddrs().size());
            });
            // Directions as go's tracer: a request is outbound when we receive the answer, a push inbound.
            id.addObserver(new IdentifyService.Observer() {
                @Override
                public void sent(boolean push) {
                    if (push) {
                        m.identifyPush.inc("outbound");
                    } else {
                        m.identifyTotal.inc("inbound");
                    }
                }

                @Override
                public void received(boolean push, boolean pushSupported) {
                    if (push) {
                        m.identifyPush.inc("inbound");
                    } else {
                        m.identifyTotal.inc("outbound");
                        m.pushSupport.inc(pushSupported ? "supported" : "unsupported");
                    }
                }

                @Override
                public void pushTriggered(LocalChange change) {
                    m.pushesTriggered.inc(pushTrigger(change));
                }
            });
        });
        registry.gaugeCallback("libp2p_identify_protocols_count", "Number of protocols we support", List.of(),
                () -> Map.of(List.of(), (double) host.protocols().size()));
        registry.gaugeCallback("libp2p_identify_addrs_count", "Number of addresses we announce", List.of(),
                () -> Map.of(List.of(), (double) host.addresses().size()));
        registerResourceGauges(host.network().resources(), registry);
        registerPeerDistributions(host, registry);
        registry.gaugeCallback("libp2p_swarm_black_hole_filter_state",
                "State of the black hole filter (0 probing, 1 allowed, 2 blocked)", List.of("name"), () -> {
                    Map<List<String>, Double> out = new HashMap<>();
                    for (BlackHoleDetector d : host.network().dialPolicy().blackHoleDetectors()) {
                        out.put(List.of(d.name()), (double) d.state().ordinal());
                    }
                    return out;
                });
        registry.gaugeCallback("libp2p_swarm_black_hole_filter_success_fraction",
                "Fraction of successful dials among the last n requests", List.of("name"), () -> {
                    Map<List<String>, Double> out = new HashMap<>();
                    for (BlackHoleDetector d : host.network().dialPolicy().blackHoleDetectors()) {
                        out.put(List.of(d.name()), d.successFraction());
                    }
                    return out;
                });
        registry.gaugeCallback("libp2p_swarm_black_hole_filter_next_request_allowed_after",
                "Number of requests after which the next request will be allowed", List.of("name"), () -> {
                    Map<List<String>, Double> out = new HashMap<>();
                    for (BlackHoleDetector d : host.network().dialPolicy().blackHoleDetectors()) {
                        out.put(List.of(d.name()), (double) d.nextProbeAfter());
                    }
                    return out;
                });
        registry.gaugeCallback("p2pkit_swarm_dials_in_progress", "Address dials in progress", List.of(),
                () -> Map.of(List.of(), (double) host.network().dialPolicy().dialsInProgress()));
        registerReputation(host.reputation(), registry);
        return m;
    }

    /** The spread of reputation scores and how many peers have one: no per-peer series. */
    private static void registerReputation(io.p2pkit.core.reputation.PeerReputation reputation, MetricRegistry registry) {
        registry.histogramCallback("p2pkit_reputation_score", "Reputation scores of the tracked peers, in (-1, 1)",
                REPUTATION_BUCKETS, List.of(), () -> Map.of(List.of(), reputation.scores()));
        registry.gaugeCallback("p2pkit_reputation_tracked_peers", "Peers whose reputation is tracked", List.of(),
                () -> Map.of(List.of(), (double) reputation.size()));
    }

    private static final double[] REPUTATION_BUCKETS = {-0.75, -0.5, -0.25, -0.05, 0.05, 0.25, 0.5, 0.75};

    private static void registerResourceGauges(ResourceManager rm, MetricRegistry registry) {
        registry.gaugeCallback("libp2p_rcmgr_connections", "Number of Connections", List.of("dir", "scope"), () -> {
            Map<List<String>, Double> out = new HashMap<>();
            for (ResourceScope s : List.of(rm.system(), rm.transientScope())) {
                out.put(List.of("inbound", s.name()), (double) s.used(Resource.INBOUND_CONNECTIONS));
                out.put(List.of("outbound", s.name()), (double) s.used(Resource.OUTBOUND_CONNECTIONS));
            }
            return out;
        });
        registry.gaugeCallback("libp2p_rcmgr_streams", "Number of Streams", List.of("dir", "scope", "protocol"), () -> {
            Map<List<String>, Double> out = new HashMap<>();
            for (ResourceScope s : List.of(rm.system(), rm.transientScope())) {
                out.put(List.of("inbound", s.name(), ""), (double) s.used(Resource.INBOUND_STREAMS));
                out.put(List.of("outbound", s.name(), ""), (double) s.used(Resource.OUTBOUND_STREAMS));
            }
            rm.protocolScopes().forEach((p, s) -> {
                out.put(List.of("inbound", "protocol", p), (double) s.used(Resource.INBOUND_STREAMS));
                out.put(List.of("outbound", "protocol", p), (double) s.used(Resource.OUTBOUND_STREAMS));
            });
            return out;
        });
        registry.gaugeCallback("libp2p_rcmgr_memory", "Amount of memory reserved as reported to the Resource Manager",
                List.of("scope", "protocol"), () -> {
                    Map<List<String>, Double> out = new HashMap<>();
                    out.put(List.of("system", ""), (double) rm.system().used(Resource.MEMORY));
                    out.put(List.of("transient", ""), (double) rm.transientScope().used(Resource.MEMORY));
                    rm.protocolScopes().forEach((p, s) -> out.put(List.of("protocol", p), (double) s.used(Resource.MEMORY)));
                    return out;
                });
        registry.gaugeCallback("libp2p_rcmgr_fds", "Number of file descriptors reserved as reported to the Resource Manager",
                List.of("scope"), () -> Map.of(List.of("system"), (double) rm.system().used(Resource.FILE_DESCRIPTORS),
                        List.of("transient"), (double) rm.transientScope().used(Resource.FILE_DESCRIPTORS)));
        registry.gaugeCallback("libp2p_rcmgr_blocked_resources", "Number of blocked resources",
                List.of("dir", "scope", "resource"), () -> {
                    Map<List<String>, Double> out = new HashMap<>();
                    rm.blocked().forEach((k, v) -> {
                        String scope = k.scope().equals("connection") ? "conn" : k.scope();
                        String dir = k.direction().map(HostMetrics::dir).orElse("");
                        out.merge(List.of(dir, scope, resourceName(k.resource())), (double) v, Double::sum);
                    });
                    return out;
                });
    }

    private static final double[] PER_PEER_BUCKETS = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 16, 32, 64, 128, 256};
    private static final double[] MEMORY_BUCKETS = {1 << 10, 4 << 10, 32 << 10, 1 << 20, 32 << 20, 256 << 20,
            512 << 20, 1L << 30, 2L << 30, 4L << 30};

    /**
     * go's per-peer distributions. go observes each change into {@code X} and the value it
     * replaced into {@code previous_X}, so that {@code X - previous_X} is the current distribution;
     * here {@code X} is that distribution, computed at each scrape, and {@code previous_X} is
     * exported empty, so the same queries give the same answer.
     */
    private static void registerPeerDistributions(Host host, MetricRegistry registry) {
        ResourceManager rm = host.network().resources();
        for (String what : List.of("connections", "streams")) {
            Resource in = what.equals("connections") ? Resource.INBOUND_CONNECTIONS : Resource.INBOUND_STREAMS;
            Resource out = what.equals("connections") ? Resource.OUTBOUND_CONNECTIONS : Resource.OUTBOUND_STREAMS;
            registry.histogramCallback("libp2p_rcmgr_peer_" + what, "Number of " + what + " this peer has",
                    PER_PEER_BUCKETS, List.of("dir"), () -> {
                        List<Double> inbound = new java.util.ArrayList<>();
                        List<Double> outbound = new java.util.ArrayList<>();
                        for (ResourceScope s : rm.peerScopes().values()) {
                            addIfPositive(inbound, s.used(in));
                            addIfPositive(outbound, s.used(out));
                        }
                        return Map.of(List.of("inbound"), inbound, List.of("outbound"), outbound);
                    });
            registry.histogramCallback("libp2p_rcmgr_previous_peer_" + what,
                    "Number of " + what + " this peer previously had (always empty here, see HostMetrics)",
                    PER_PEER_BUCKETS, List.of("dir"),
                    () -> Map.of(List.of("inbound"), List.of(), List.of("outbound"), List.of()));
        }
        registry.histogramCallback("libp2p_rcmgr_peer_memory",
                "How many peers have reserved this bucket of memory, as reported to the Resource Manager",
                MEMORY_BUCKETS, List.of(), () -> {
                    List<Double> values = new java.util.ArrayList<>();
                    rm.peerScopes().values().forEach(s -> addIfPositive(values, s.used(Resource.MEMORY)));
                    return Map.of(List.of(), values);
                });
        registry.histogramCallback("libp2p_rcmgr_conn_memory",
                "How many conns have reserved this bucket of memory, as reported to the Resource Manager",
                MEMORY_BUCKETS, List.of(), () -> {
                    List<Double> values = new java.util.ArrayList<>();
                    for (Connection c : host.network().connections()) {
                        addIfPositive(values, c.resources().scope().used(Resource.MEMORY));
                    }
                    return Map.of(List.of(), values);
                });
        for (String what : List.of("peer_memory", "conn_memory")) {
            registry.histogramCallback("libp2p_rcmgr_previous_" + what,
                    "Previously reserved memory (always empty here, see HostMetrics)", MEMORY_BUCKETS, List.of(),
                    () -> Map.of(List.of(), List.of()));
        }
    }

    private static void addIfPositive(List<Double> values, long v) {
        if (v > 0) {
            values.add((double) v);
        }
    }

    private static String resourceName(Resource r) {
        return switch (r) {
            case INBOUND_CONNECTIONS, OUTBOUND_CONNECTIONS, CONNECTIONS -> "connection";
            case INBOUND_STREAMS, OUTBOUND_STREAMS, STREAMS -> "stream";
            case MEMORY -> "memory";
            case FILE_DESCRIPTORS -> "fd";
        };
    }

    private static String[] labels(Connection c) {
        return new String[]{dir(c.direction()), transport(c.remoteAddress()), c.security(), c.muxer(),
                Boolean.toString(c.earlyMuxerNegotiation()), ipVersion(c.localAddress())};
    }

    static String dir(Direction d) {
        return d == Direction.INBOUND ? "inbound" : "outbound";
    }

    /** The transport label go-libp2p uses for an address. */
    static String transport(Multiaddr a) {
        if (a.hasProtocol(Protocol.P2P_CIRCUIT)) {
            return "circuit-relay";
        }
        if (a.hasProtocol(Protocol.WEBTRANSPORT)) {
            return "webtransport";
        }
        if (a.hasProtocol(Protocol.QUIC_V1)) {
            return "quic-v1";
        }
        if (a.hasProtocol(Protocol.QUIC)) {
            return "quic";
        }
        if (a.hasProtocol(Protocol.WS)) {
            return "websocket";
        }
        if (a.hasProtocol(Protocol.WEBRTC_DIRECT)) {
            return "webrtc-direct";
        }
        if (a.hasProtocol(Protocol.TCP)) {
            return "tcp";
        }
        if (a.hasProtocol(Protocol.MEMORY)) {
            return "memory";
        }
        return "other";
    }

    static String ipVersion(Multiaddr a) {
        if (a.hasProtocol(Protocol.IP4) || a.hasProtocol(Protocol.DNS4)) {
            return "ip4";
        }
        if (a.hasProtocol(Protocol.IP6) || a.hasProtocol(Protocol.DNS6)) {
            return "ip6";
        }
        return "unknown";
    }

    static String errorKind(Throwable t) {
        if (t instanceof InterruptedIOException && !(t instanceof SocketTimeoutException)) {
            return "canceled";
        }
        if (t instanceof SocketTimeoutException || (t.getMessage() != null && t.getMessage().contains("timed out"))) {
            return "timeout";
        }
        if (t instanceof ConnectException) {
            return "connection refused";
        }
        return "other";
    }

    private static String keyTypeName(KeyType t) {
        return switch (t) {
            case RSA -> "RSA";
            case ED25519 -> "Ed25519";
            case SECP256K1 -> "Secp256k1";
            case ECDSA -> "ECDSA";
        };
    }
}
