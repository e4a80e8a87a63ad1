package io.p2pkit.node;

import io.p2pkit.core.connmgr.ConnectionManagerConfig;
import io.p2pkit.core.crypto.PrivateKey;
import io.p2pkit.core.dns.ServerResolver;
import io.p2pkit.core.host.Host;
import io.p2pkit.core.host.HostBuilder;
import io.p2pkit.core.host.PeerInfo;
import io.p2pkit.core.multiaddr.Multiaddr;
import io.p2pkit.core.peerstore.AddressTtl;
import io.p2pkit.core.resource.ResourceManagerConfig;
import io.p2pkit.core.transport.tcp.TcpTransport;
import io.p2pkit.ipfs.bitswap.BitswapConfig;
import io.p2pkit.kad.KadConfig;
import io.p2pkit.kad.KadDht;
import io.p2pkit.kad.Mode;
import io.p2pkit.nat.autonat.AutoNatConfig;
import io.p2pkit.nat.autorelay.AutoRelayConfig;
import io.p2pkit.nat.relay.RelayConfig;
import io.p2pkit.node.exchange.ReprovideStrategy;
import io.p2pkit.node.exchange.Reprovider;
import io.p2pkit.node.exchange.Role;
import io.p2pkit.pubsub.PubSub;
import io.p2pkit.pubsub.PubsubConfig;
import io.p2pkit.pubsub.Router;
import io.p2pkit.pubsub.SignaturePolicy;
import io.p2pkit.pubsub.flood.FloodRouter;
import io.p2pkit.pubsub.gossip.GossipParams;
import io.p2pkit.pubsub.gossip.GossipRouter;
import io.p2pkit.pubsub.score.ScoreFile;
import io.p2pkit.quic.QuicTransport;
import io.p2pkit.websocket.WebSocketConfig;
import io.p2pkit.websocket.WebSocketTransport;
import io.p2pkit.websocket.WssTls;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Everything a {@link Node} is made of, as values, one section per part: identity, listen
 * addresses and bootstrap peers, {@link Transports}, resource limits, connection manager,
 * {@link Dht}, {@link Pubsub}, the metrics endpoint, {@link Content} and the HTTP servers
 * ({@link Http}: RPC API, gateway). A section left out is off (DHT, pubsub, metrics, content,
 * HTTP) or has the defaults. Immutable; {@link #toBuilder()} starts a variant, so that named
 * presets (node roles) fit in as more of the same.
 *
 * <pre>{@code
 * NodeConfig config = NodeConfig.builder()
 *         .identity(IdentityFile.loadOrCreate(path, KeyType.ED25519).key())
 *         .listen("/ip4/0.0.0.0/tcp/4001")
 *         .bootstrap(PeerInfo.parse("/dnsaddr/bootstrap.libp2p.io/p2p/QmNnoo…"))
 *         .dht(NodeConfig.Dht.of(Mode.AUTO))
 *         .pubsub(NodeConfig.Pubsub.gossipsub().subscribe("news"))
 *         .build();
 * }</pre>
 */
public final class NodeConfig {
    /**
     * The listen addresses without {@link Builder#listen}: TCP and QUIC on port 4001, as go-libp2p
     * and Kubo listen (QUIC on IPv4 only: the QUIC transport's IPv6 wildcard socket is dual-stack,
     * so it cannot bind the port the IPv4 one holds; see docs/QUIC.md). QUIC is left out where its
     * native library does not load.
     */
    public static final List<String> DEFAULT_LISTEN = List.of("/ip4/0.0.0.0/tcp/4001", "/ip6/::/tcp/4001",
            "/ip4/0.0.0.0/udp/4001/quic-v1");

    private final PrivateKey identity;
    private final List<Multiaddr> listen;
    private final List<PeerInfo> bootstrap;
    private final String agentVersion;
    private final boolean perf;
    private final boolean portMapping;
    private final Optional<RelayConfig> relayService;
    private final boolean relayClient;
    private final boolean holePunching;
    private final Optional<AutoRelayConfig> autoRelay;
    private final Transports transports;
    private final ResourceManagerConfig limits;
    private final ConnectionManagerConfig connections;
    private final Optional<Dht> dht;
    private final Optional<Pubsub> pubsub;
    private final Optional<InetSocketAddress> metrics;
    private final Optional<Content> content;
    private final Optional<Http> api;
    private final Optional<Http> gateway;
    private final List<java.net.URI> delegatedRouters;
    private final ApiAccess apiAccess;
    private final Optional<AutoNatConfig> autoNat;

    private NodeConfig(Builder b) {
        this.identity = b.identity != null ? b.identity : PrivateKey.generateEd25519();
        this.listen = List.copyOf(b.listen != null ? b.listen : defaultListen(b.transports.quic()));
        this.bootstrap = List.copyOf(b.bootstrap);
        this.agentVersion = b.agentVersion;
        this.perf = b.perf;
        this.portMapping = b.portMapping;
        this.relayService = b.relayService;
        this.relayClient = b.relayClient;
        this.holePunching = b.holePunching;
        this.autoRelay = b.autoRelay;
        this.transports = b.transports;
        this.limits = b.limits;
        this.connections = b.connections != null ? b.connections : ConnectionManagerConfig.fitting(b.limits);
        this.dht = b.dht;
        this.pubsub = b.pubsub;
        this.metrics = b.metrics;
        this.content = b.content;
        this.api = b.api;
        this.gateway = b.gateway;
        this.delegatedRouters = List.copyOf(b.delegatedRouters);
        this.apiAccess = b.apiAccess;
        this.autoNat = b.autoNat;
    }

    /** A builder with the defaults. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding this configuration, to change some of it. */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.identity = identity;
        b.listen = listen;
        b.bootstrap = bootstrap;
        b.agentVersion = agentVersion;
        b.perf = perf;
        b.portMapping = portMapping;
        b.relayService = relayService;
        b.relayClient = relayClient;
        b.holePunching = holePunching;
        b.autoRelay = autoRelay;
        b.transports = transports;
        b.limits = limits;
        b.connections = connections;
        b.dht = dht;
        b.pubsub = pubsub;
        b.metrics = metrics;
        b.content = content;
        b.api = api;
        b.gateway = gateway;
        b.delegatedRouters = delegatedRouters;
        b.apiAccess = apiAccess;
        b.autoNat = autoNat;
        return b;
    }

    /** {@link #DEFAULT_LISTEN}, less QUIC when it is off or its native library does not load. */
    static List<Multiaddr> defaultListen(boolean quic) {
        boolean withQuic = quic && QuicTransport.isAvailable();
        return DEFAULT_LISTEN.stream().filter(a -> withQuic || !a.endsWith("/quic-v1")).map(Multiaddr::parse).toList();
    }

    /** The node's key (default: a new Ed25519 key, made when the configuration was built). */
    public PrivateKey identity() {
        return identity;
    }

    /** The addresses to listen on (default {@link #DEFAULT_LISTEN}). */
    public List<Multiaddr> listen() {
        return listen;
    }

    /** Peers to connect to at start; the DHT bootstraps from them too. */
    public List<PeerInfo> bootstrap() {
        return bootstrap;
    }

    /** The agent version identify announces. */
    public String agentVersion() {
        return agentVersion;
    }

    /**
     * AutoNAT (default on: the client finds out whether the node is publicly reachable, which the
     * DHT's auto mode follows, and the v1 and v2 services help other peers while this node is not
     * known to be private). The node dials back from a host with its own transports.
     */
    public Optional<AutoNatConfig> autoNat() {
        return autoNat;
    }

    /** Whether {@code /perf/1.0.0} is served (default off: any peer could make the node send data). */
    public boolean perf() {
        return perf;
    }

    /**
     * Whether the listen ports are mapped on the default gateway through NAT-PMP or UPnP (default
     * off here; {@code p2pkit daemon} turns it on unless {@code --no-port-mapping}).
     */
    public boolean portMapping() {
        return portMapping;
    }

    /**
     * The circuit relay v2 service this node runs for others, if any (default off: relaying costs
     * bandwidth; {@code p2pkit daemon --relay-service} turns it on with go-libp2p's limits).
     */
    public Optional<RelayConfig> relayService() {
        return relayService;
    }

    /**
     * Whether the node is a circuit relay v2 client (default on): it dials {@code /p2p-circuit}
     * addresses, and listens through the relays whose {@code …/p2p/<relay>/p2p-circuit} addresses
     * are among its listen addresses.
     */
    public boolean relayClient() {
        return relayClient;
    }

    /**
     * Whether the node upgrades relayed connections to direct ones by hole punching (DCUtR,
     * {@code /libp2p/dcutr}; default on, Kubo's {@code Swarm.EnableHolePunching}). It runs only
     * with the {@linkplain #relayClient() relay client}.
     */
    public boolean holePunching() {
        return holePunching;
    }

    /**
     * AutoRelay (default on, as Kubo's {@code Swarm.RelayClient.Enabled}): while the node is
     * private it holds reservations with relays, static ones or relay-capable peers it is
     * connected to, and advertises the relayed addresses. It runs only with the
     * {@linkplain #relayClient() relay client}.
     */
    public Optional<AutoRelayConfig> autoRelay() {
        return autoRelay;
    }

    /** How the host connects. */
    public Transports transports() {
        return transports;
    }

    /** The resource limits (default: scaled from the heap and the fd limit). */
    public ResourceManagerConfig limits() {
        return limits;
    }

    /** The connection manager's watermarks and grace (default: fitting the limits). */
    public ConnectionManagerConfig connections() {
        return connections;
    }

    /** The Kademlia DHT, if it runs. */
    public Optional<Dht> dht() {
        return dht;
    }

    /** Pubsub, if it runs. */
    public Optional<Pubsub> pubsub() {
        return pubsub;
    }

    /** Where Prometheus metrics are served, if anywhere. */
    public Optional<InetSocketAddress> metrics() {
        return metrics;
    }

    /** The IPFS repository the node serves and fetches into over Bitswap, if configured. */
    public Optional<Content> content() {
        return content;
    }

    /** The Kubo-compatible RPC API's server ({@code /api/v0}), if on. */
    public Optional<Http> api() {
        return api;
    }

    /** The gateway's server ({@code /ipfs/…}, {@code /ipns/…}, {@code /routing/v1}), if on. */
    public Optional<Http> gateway() {
        return gateway;
    }

    /** Who may use the RPC API: extra browser origins and, when set, the secrets it asks for. */
    public ApiAccess apiAccess() {
        return apiAccess;
    }

    /** Delegated Routing V1 HTTP servers asked for providers beside the DHT (base URLs). */
    public List<java.net.URI> delegatedRouters() {
        return delegatedRouters;
    }

    @Override
    public String toString() {
        return "NodeConfig[" + identity.publicKey().toPeerId() + " listen=" + listen + " bootstrap=" + bootstrap.size()
                + " " + transports + " dht=" + dht.map(Dht::mode).orElse(null) + " pubsub="
                + pubsub.map(Pubsub::router).orElse(null) + " metrics=" + metrics.orElse(null)
                + " content=" + content.map(Content::repo).orElse(null) + "]";
    }

    /**
     * The transports and how they are secured and multiplexed.
     *
     * @param security       built-in security protocols by name, in preference order (empty: the host's defaults)
     * @param muxers         built-in muxers by name, in preference order (empty: the host's defaults)
     * @param quic           whether QUIC runs (where its native library loads)
     * @param wssCertificate the PEM certificate chain for listening on {@code /wss}, with {@code wssKey}
     * @param wssKey         the PEM private key of that certificate
     * @param wssTrustedCa   PEM CA certificates to trust when dialing {@code wss} (default: the system's)
     * @param dnsServer      a DNS server for {@code /dns*} and {@code /dnsaddr} (default: the system's resolver)
     */
    public record Transports(List<String> security, List<String> muxers, boolean quic, Optional<Path> wssCertificate,
                             Optional<Path> wssKey, Optional<Path> wssTrustedCa, Optional<InetSocketAddress> dnsServer) {
        /** Checks that the wss certificate and key go together. */
        public Transports {
            security = List.copyOf(security);
            muxers = List.copyOf(muxers);
            Objects.requireNonNull(wssCertificate, "wssCertificate");
            Objects.requireNonNull(wssKey, "wssKey");
            Objects.requireNonNull(wssTrustedCa, "wssTrustedCa");
            Objects.requireNonNull(dnsServer, "dnsServer");
            if (wssCertificate.isPresent() != wssKey.isPresent()) {
                throw new IllegalArgumentException("the wss certificate and key go together");
            }
        }

        /** TCP, WebSocket and QUIC with the host's security protocols and muxers. */
        public static Transports defaults() {
            return new Transports(List.of(), List.of(), true, Optional.empty(), Optional.empty(), Optional.empty(),
                    Optional.empty());
        }

        /**
         * Gives {@code builder} these transports: TCP, WebSocket (wss listening with a certificate,
         * wss dialing trusting {@link #wssTrustedCa()} or the system's CAs) and QUIC where it loads,
         * the security protocols and muxers by name, and the DNS server. Every command that makes a
         * host takes its transports from here, as the node does.
         *
         * @throws IOException              when a wss PEM file cannot be read
         * @throws IllegalArgumentException for an unknown security protocol or muxer name
         */
        public HostBuilder applyTo(HostBuilder builder) throws IOException {
            if (!security.isEmpty()) {
                builder.security(security.toArray(String[]::new));
            }
            if (!muxers.isEmpty()) {
                builder.muxers(muxers.toArray(String[]::new));
            }
            if (dnsServer.isPresent()) {
                builder.dnsResolver(new ServerResolver(dnsServer.get(), Duration.ofSeconds(2)));
            }
            WebSocketTransport webSocket = new WebSocketTransport(WebSocketConfig.defaults(),
                    wssCertificate.isPresent() ? WssTls.serverContext(wssCertificate.get(), wssKey.orElseThrow()) : null,
                    wssTrustedCa.isPresent() ? WssTls.clientContext(wssTrustedCa.get()) : null);
            builder.transport(key -> new TcpTransport()).transport(key -> webSocket);
            if (quic && QuicTransport.isAvailable()) {
                builder.transport(QuicTransport::new); // the host's network closes it
            }
            return builder;
        }
    }

    /**
     * The Kademlia DHT.
     *
     * @param mode           server, client or auto (client until the node is known to be publicly reachable)
     * @param providerStore  where provider records are kept across restarts (default: memory only)
     * @param protocolPrefix the protocol prefix: {@code /ipfs} (the public DHT, {@code /ipfs/kad/1.0.0})
     *                       or, for example, {@code /ipfs/lan} (Kubo's LAN DHT)
     */
    public record Dht(Mode mode, Optional<Path> providerStore, String protocolPrefix) {
        /** Checks the values. */
        public Dht {
            Objects.requireNonNull(mode, "mode");
            Objects.requireNonNull(providerStore, "providerStore");
            Objects.requireNonNull(protocolPrefix, "protocolPrefix");
        }

        /** A DHT in {@code mode} on {@code /ipfs/kad/1.0.0} whose provider records live in memory. */
        public static Dht of(Mode mode) {
            return new Dht(mode, Optional.empty(), "/ipfs");
        }

        /** This DHT with its provider records kept in {@code file}. */
        public Dht withProviderStore(Path file) {
            return new Dht(mode, Optional.of(file), protocolPrefix);
        }

        /** This DHT with another protocol prefix ({@code /ipfs/lan} for Kubo's LAN DHT). */
        public Dht withProtocolPrefix(String prefix) {
            return new Dht(mode, providerStore, prefix);
        }

        /** Attaches the DHT to {@code host}, bootstrapping from {@code bootstrap} (call {@code bootstrap()} next). */
        public KadDht attach(Host host, List<PeerInfo> bootstrap) throws IOException {
            KadConfig.Builder b = KadConfig.builder().mode(mode).bootstrap(bootstrap).protocolPrefix(protocolPrefix);
            providerStore.ifPresent(b::providerStoreFile);
            return KadDht.attach(host, b.build());
        }
    }

    /**
     * Pubsub.
     *
     * @param router      gossipsub or floodsub
     * @param signing     strict sign (the default) or strict no-sign
     * @param scoring     gossipsub peer-score parameters and thresholds, if scoring is on
     * @param directPeers gossipsub direct peers: always sent every message, never meshed, kept connected
     * @param topics      topics subscribed at start; their messages go to {@link NodeListener#message}
     */
    public record Pubsub(RouterKind router, SignaturePolicy signing, Optional<ScoreFile> scoring,
                         List<PeerInfo> directPeers, List<String> topics) {
        /** Checks that scoring and direct peers come with gossipsub. */
        public Pubsub {
            Objects.requireNonNull(router, "router");
            Objects.requireNonNull(signing, "signing");
            Objects.requireNonNull(scoring, "scoring");
            directPeers = List.copyOf(directPeers);
            topics = List.copyOf(topics);
            if (router == RouterKind.FLOODSUB && (scoring.isPresent() || !directPeers.isEmpty())) {
                throw new IllegalArgumentException("peer scoring and direct peers need gossipsub");
            }
        }

        /** Which routing pubsub uses. */
        public enum RouterKind {
            /** gossipsub v1.0–v1.2 (meshes, gossip, scoring). */
            GOSSIPSUB,
            /** floodsub: every message to every subscribed peer. */
            FLOODSUB
        }

        /** Gossipsub with signed messages, no scoring, no direct peers, no topics. */
        public static Pubsub gossipsub() {
            return new Pubsub(RouterKind.GOSSIPSUB, SignaturePolicy.STRICT_SIGN, Optional.empty(), List.of(), List.of());
        }

        /** Floodsub with signed messages and no topics. */
        public static Pubsub floodsub() {
            return new Pubsub(RouterKind.FLOODSUB, SignaturePolicy.STRICT_SIGN, Optional.empty(), List.of(), List.of());
        }

        /** This section with {@code topic} subscribed at start too. */
        public Pubsub subscribe(String topic) {
            List<String> more = new java.util.ArrayList<>(topics);
            more.add(topic);
            return new Pubsub(router, signing, scoring, directPeers, more);
        }

        /** Starts pubsub on {@code host} as this section says (direct peers go into its peerstore). */
        public PubSub start(Host host) {
            Router r = switch (router) {
                case GOSSIPSUB -> {
                    GossipParams.Builder b = GossipParams.builder();
                    scoring.ifPresent(s -> b.scoring(s.params(), s.thresholds()));
                    for (PeerInfo p : directPeers) {
                        // the router reconnects direct peers through the peerstore
                        host.peerStore().addAddresses(p.peerId(), p.addresses(), AddressTtl.PERMANENT);
                    }
                    yield new GossipRouter(b.directPeers(directPeers).build());
                }
                case FLOODSUB -> new FloodRouter();
            };
            return PubSub.start(host, PubsubConfig.builder().signaturePolicy(signing).build(), r);
        }
    }

    /**
     * Content: an IPFS repository opened by the node, served and fetched into over Bitswap, and
     * announced to the DHT (when there is one) as the strategy says.
     *
     * @param repo               the repository's directory (made with {@code p2pkit init})
     * @param bitswap            Bitswap's limits and timings, and whether it serves
     * @param reprovide          what is announced to the DHT
     * @param reprovideInterval  how often everything is announced again (Kubo: 22 h)
     */
    public record Content(Path repo, BitswapConfig bitswap, ReprovideStrategy reprovide, Duration reprovideInterval) {
        /** Checks the values. */
        public Content {
            Objects.requireNonNull(repo, "repo");
            Objects.requireNonNull(bitswap, "bitswap");
            Objects.requireNonNull(reprovide, "reprovide");
            if (reprovideInterval.isNegative() || reprovideInterval.isZero()) {
                throw new IllegalArgumentException("the reprovide interval must be positive: " + reprovideInterval);
            }
        }

        /** The repository at {@code repo}, served, everything announced every 22 hours. */
        public static Content of(Path repo) {
            return new Content(repo, BitswapConfig.defaults(), ReprovideStrategy.ALL, Reprovider.DEFAULT_INTERVAL);
        }

        /** The same, with a role's Bitswap settings and strategy. */
        public Content withRole(Role role) {
            return new Content(repo, role.bitswap(), role.strategy(), reprovideInterval);
        }

        /** The same, with another strategy. */
        public Content withReprovide(ReprovideStrategy strategy, Duration interval) {
            return new Content(repo, bitswap, strategy, interval);
        }
    }

    /**
     * One of the node's HTTP servers: where it listens and the bounds it holds whatever its
     * clients send.
     *
     * @param address        where it listens (port 0 picks a free one)
     * @param maxConnections connections open at once; more wait in the kernel's backlog until one closes
     * @param maxHeaderBytes the request line and headers of one request
     * @param maxBodyBytes   the body of one request ({@code -1}: no bound, for uploads such as
     *                       {@code add}, whose size is the user's business)
     * @param idleTimeout    a connection with nothing read or written this long is closed
     */
    public record Http(InetSocketAddress address, int maxConnections, int maxHeaderBytes, long maxBodyBytes,
                       Duration idleTimeout) {
        /** Kubo's RPC API address, {@code 127.0.0.1:5001}. */
        public static final InetSocketAddress DEFAULT_API = new InetSocketAddress("127.0.0.1", 5001);
        /** Kubo's gateway address, {@code 127.0.0.1:8080}. */
        public static final InetSocketAddress DEFAULT_GATEWAY = new InetSocketAddress("127.0.0.1", 8080);

        /** Checks the values. */
        public Http {
            Objects.requireNonNull(address, "address");
            if (maxConnections < 1) {
                throw new IllegalArgumentException("maxConnections must be at least 1, got " + maxConnections);
            }
            if (maxHeaderBytes < 1024) {
                throw new IllegalArgumentException("maxHeaderBytes must be at least 1024, got " + maxHeaderBytes);
            }
            if (maxBodyBytes < -1) {
                throw new IllegalArgumentException("maxBodyBytes must be -1 (no bound) or more, got " + maxBodyBytes);
            }
            if (idleTimeout.isNegative() || idleTimeout.isZero()) {
                throw new IllegalArgumentException("idleTimeout must be positive, got " + idleTimeout);
            }
        }

        /** The RPC API's bounds at {@code address}: 256 connections, 16 KiB of headers, bodies unbounded, 60 s idle. */
        public static Http api(InetSocketAddress address) {
            return new Http(address, 256, 16 * 1024, -1, Duration.ofSeconds(60));
        }

        /** The gateway's bounds at {@code address}: 1,024 connections, 16 KiB of headers, 64 KiB bodies, 60 s idle. */
        public static Http gateway(InetSocketAddress address) {
            return new Http(address, 1024, 16 * 1024, 64 * 1024, Duration.ofSeconds(60));
        }

        /** The same at another address. */
        public Http at(InetSocketAddress other) {
            return new Http(other, maxConnections, maxHeaderBytes, maxBodyBytes, idleTimeout);
        }

        /** The same with at most {@code n} connections at once. */
        public Http withMaxConnections(int n) {
            return new Http(address, n, maxHeaderBytes, maxBodyBytes, idleTimeout);
        }

        /** The same with request bodies of at most {@code bytes} ({@code -1}: unbounded). */
        public Http withMaxBodyBytes(long bytes) {
            return new Http(address, maxConnections, maxHeaderBytes, bytes, idleTimeout);
        }

        /** The same with connections closed after {@code timeout} of silence. */
        public Http withIdleTimeout(Duration timeout) {
            return new Http(address, maxConnections, maxHeaderBytes, maxBodyBytes, timeout);
        }
    }

    /**
     * Who may use the RPC API, as Kubo's {@code API.HTTPHeaders} origins and {@code API.Authorizations}.
     * A request from a browser page (with an {@code Origin} or {@code Referer}) is refused unless
     * the page is the API's own origin or in {@code allowedOrigins} ({@code "*"}: any). With
     * authorizations, every request must carry one of their secrets and ask for a path the secret
     * allows.
     *
     * @param allowedOrigins  browser origins allowed besides the API's own, such as {@code https://webui.example}
     * @param authorizations  the secrets, none for an API open to whoever reaches it (loopback by default)
     */
    public record ApiAccess(List<String> allowedOrigins, List<Authorization> authorizations) {
        /** The API's own origins only, and no secrets. */
        public static final ApiAccess DEFAULT = new ApiAccess(List.of(), List.of());

        /** Copies the lists. */
        public ApiAccess {
            allowedOrigins = List.copyOf(allowedOrigins);
            authorizations = List.copyOf(authorizations);
        }

        /**
         * One secret and what it opens.
         *
         * @param name         a name for logs and errors
         * @param secret       {@code bearer:TOKEN} or {@code basic:USER:PASSWORD}
         * @param allowedPaths path prefixes it allows, such as {@code /api/v0} (everything) or {@code /api/v0/cat}
         */
        public record Authorization(String name, String secret, List<String> allowedPaths) {
            /** Checks the secret's form and copies the paths. */
            public Authorization {
                Objects.requireNonNull(name, "name");
                if (!(secret.startsWith("bearer:") && secret.length() > 7)
                        && !(secret.startsWith("basic:") && secret.indexOf(':', 6) > 6)) {
                    throw new IllegalArgumentException("authorization " + name + ": the secret must be bearer:TOKEN "
                            + "or basic:USER:PASSWORD");
                }
                allowedPaths = List.copyOf(allowedPaths);
                if (allowedPaths.isEmpty()) {
                    throw new IllegalArgumentException("authorization " + name + " allows no path");
                }
            }

            @Override
            public String toString() {
                return "Authorization[" + name + " " + allowedPaths + "]"; // never the secret
            }
        }
    }

    /** Builds a {@link NodeConfig}; every setter replaces what it names. */
    public static final class Builder {
        private PrivateKey identity;
        private List<Multiaddr> listen;
        private List<PeerInfo> bootstrap = List.of();
        private String agentVersion = "p2pkit/" + NodeVersion.get();
        private boolean perf;
        private boolean portMapping;
        private Optional<RelayConfig> relayService = Optional.empty();
        private boolean relayClient = true;
        private boolean holePunching = true;
        private Optional<AutoRelayConfig> autoRelay = Optional.of(AutoRelayConfig.defaults());
        private Transports transports = Transports.defaults();
        private ResourceManagerConfig limits = ResourceManagerConfig.defaults();
        private ConnectionManagerConfig connections;
        private Optional<Dht> dht = Optional.empty();
        private Optional<Pubsub> pubsub = Optional.empty();
        private Optional<InetSocketAddress> metrics = Optional.empty();
        private Optional<Content> content = Optional.empty();
        private Optional<Http> api = Optional.empty();
        private Optional<Http> gateway = Optional.empty();
        private List<java.net.URI> delegatedRouters = List.of();
        private Optional<AutoNatConfig> autoNat = Optional.of(AutoNatConfig.defaults());
        private ApiAccess apiAccess = ApiAccess.DEFAULT;

        private Builder() {
        }

        /** The node's key. */
        public Builder identity(PrivateKey key) {
            this.identity = Objects.requireNonNull(key, "key");
            return this;
        }

        /** The addresses to listen on. */
        public Builder listen(List<Multiaddr> addresses) {
            this.listen = List.copyOf(addresses);
            return this;
        }

        /** The addresses to listen on, for example {@code /ip4/0.0.0.0/tcp/4001}. */
        public Builder listen(String... addresses) {
            return listen(java.util.Arrays.stream(addresses).map(Multiaddr::parse).toList());
        }

        /** The peers to connect to at start (and to bootstrap the DHT from). */
        public Builder bootstrap(List<PeerInfo> peers) {
            this.bootstrap = List.copyOf(peers);
            return this;
        }

        /** The peers to connect to at start. */
        public Builder bootstrap(PeerInfo... peers) {
            return bootstrap(List.of(peers));
        }

        /** The agent version identify announces (default {@code p2pkit/<version>}). */
        public Builder agentVersion(String agentVersion) {
            this.agentVersion = Objects.requireNonNull(agentVersion, "agentVersion");
            return this;
        }

        /** Whether to serve {@code /perf/1.0.0}. */
        public Builder perf(boolean serve) {
            this.perf = serve;
            return this;
        }

        /** Whether to map the listen ports on the default gateway (NAT-PMP, UPnP IGD). */
        public Builder portMapping(boolean on) {
            this.portMapping = on;
            return this;
        }

        /** Runs a circuit relay v2 service with {@code config} ({@code RelayConfig.defaults()} for go-libp2p's limits). */
        public Builder relayService(RelayConfig config) {
            this.relayService = Optional.of(config);
            return this;
        }

        /** Whether to be a circuit relay v2 client (default on). */
        public Builder relayClient(boolean on) {
            this.relayClient = on;
            return this;
        }

        /** Whether to upgrade relayed connections by hole punching when the relay client runs (default on). */
        public Builder holePunching(boolean on) {
            this.holePunching = on;
            return this;
        }

        /** AutoRelay as {@code config} says ({@code AutoRelayConfig.defaults()}, or with static relays). */
        public Builder autoRelay(AutoRelayConfig config) {
            this.autoRelay = Optional.of(config);
            return this;
        }

        /** Runs no AutoRelay: the node listens through relays only when told to ({@code …/p2p-circuit} listen addresses). */
        public Builder withoutAutoRelay() {
            this.autoRelay = Optional.empty();
            return this;
        }

        /** The transports section. */
        public Builder transports(Transports transports) {
            this.transports = Objects.requireNonNull(transports, "transports");
            return this;
        }

        /** The resource limits. */
        public Builder limits(ResourceManagerConfig limits) {
            this.limits = Objects.requireNonNull(limits, "limits");
            return this;
        }

        /** The connection manager's settings (default: {@link ConnectionManagerConfig#fitting} the limits). */
        public Builder connections(ConnectionManagerConfig connections) {
            this.connections = Objects.requireNonNull(connections, "connections");
            return this;
        }

        /** Runs the DHT as {@code dht} says. */
        public Builder dht(Dht dht) {
            return dht(Optional.of(dht));
        }

        /** Runs the DHT if present, not at all if empty. */
        public Builder dht(Optional<Dht> dht) {
            this.dht = Objects.requireNonNull(dht, "dht");
            return this;
        }

        /** Runs pubsub as {@code pubsub} says. */
        public Builder pubsub(Pubsub pubsub) {
            return pubsub(Optional.of(pubsub));
        }

        /** Runs pubsub if present, not at all if empty. */
        public Builder pubsub(Optional<Pubsub> pubsub) {
            this.pubsub = Objects.requireNonNull(pubsub, "pubsub");
            return this;
        }

        /** Serves Prometheus metrics at {@code address} (port 0 picks one). */
        public Builder metrics(InetSocketAddress address) {
            this.metrics = Optional.of(address);
            return this;
        }

        /** Opens, serves and fetches into an IPFS repository. */
        public Builder content(Content content) {
            this.content = Optional.of(content);
            return this;
        }

        /** Serves the Kubo-compatible RPC API ({@code /api/v0}); see {@link Http#api}. */
        public Builder api(Http api) {
            this.api = Optional.of(api);
            return this;
        }

        /** AutoNAT as {@code config} says (its dialer is replaced by one with the node's transports). */
        public Builder autoNat(AutoNatConfig config) {
            this.autoNat = Optional.of(config);
            return this;
        }

        /** Runs no AutoNAT at all: reachability stays unknown unless set by hand. */
        public Builder withoutAutoNat() {
            this.autoNat = Optional.empty();
            return this;
        }

        /**
         * Asks these Delegated Routing V1 HTTP servers ({@code https://host}, without
         * {@code /routing/v1}) for the providers of content, before the DHT when there is one.
         */
        public Builder delegatedRouters(List<java.net.URI> endpoints) {
            this.delegatedRouters = List.copyOf(endpoints);
            return this;
        }

        /** Who may use the RPC API (default: the API's own origin, no secrets). */
        public Builder apiAccess(ApiAccess access) {
            this.apiAccess = Objects.requireNonNull(access, "access");
            return this;
        }

        /** Serves the gateway; see {@link Http#gateway}. */
        public Builder gateway(Http gateway) {
            this.gateway = Optional.of(gateway);
            return this;
        }

        /**
         * Applies a role's presets: its DHT mode, its connection watermarks, and its Bitswap and
         * announcing settings when there is content. Set those on their own after this to override.
         */
        public Builder role(Role role) {
            this.dht = Optional.of(dht.map(d -> new Dht(role.dhtMode(), d.providerStore(), d.protocolPrefix()))
                    .orElse(Dht.of(role.dhtMode())));
            role.connectionWatermarks().ifPresent(w -> this.connections = ConnectionManagerConfig.of(w[0], w[1],
                    (connections != null ? connections : ConnectionManagerConfig.fitting(limits)).gracePeriod()));
            this.content = content.map(c -> c.withRole(role));
            return this;
        }

        /** The configuration. */
        public NodeConfig build() {
            return new NodeConfig(this);
        }
    }
}
