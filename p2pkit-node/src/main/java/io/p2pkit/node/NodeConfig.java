package io.p2pkit.node;

import io.p2pkit.core.connmgr.ConnectionManagerConfig;
import io.p2pkit.core.crypto.PrivateKey;
import io.p2pkit.core.dns.ServerResolver;
import io.p2pkit.core.host.Host;
import io.p2pkit.core.host.HostBuilder;
import io.p2pkit.core.pnet.PreSharedKey;
import io.p2pkit.core.host.PeerInfo;
import io.p2pkit.core.multiaddr.Multiaddr;
import io.p2pkit.core.peerstore.AddressTtl;
import io.p2pkit.core.resource.ResourceManagerConfig;
import io.p2pkit.core.transport.tcp.TcpTransport;
import io.p2pkit.discovery.mdns.MdnsConfig;
import io.p2pkit.discovery.rendezvous.RendezvousDiscovery;
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
import io.p2pkit.node.http.HttpHeaderText;
import io.p2pkit.pubsub.PubSub;
import io.p2pkit.pubsub.PubsubConfig;
import io.p2pkit.pubsub.Router;
import io.p2pkit.pubsub.SignaturePolicy;
import io.p2pkit.pubsub.flood.FloodRouter;
import io.p2pkit.pubsub.gossip.GossipParams;
import io.p2pkit.pubsub.gossip.GossipRouter;
import io.p2pkit.pubsub.score.ScoreFile;
import io.p2pkit.quic.QuicTransport;
import io.p2pkit.webrtc.transport.WebRtcDirectTransport;
import io.p2pkit.webrtc.turn.TurnServer;
import io.p2pkit.webtransport.WebTransportTransport;
import io.p2pkit.websocket.WebSocketConfig;
import io.p2pkit.websocket.WebSocketTransport;
import io.p2pkit.websocket.WssTls;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import io.p2pkit.node.config.GoDurations;
import java.time.Duration;
import java.util.List;
import java.util.Map;
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
 *         .listen("/ip4/0.0.0.0/tcp/4001", "/ip4/0.0.0.0/udp/4002/webrtc-direct",
 *                 "/ip4/0.0.0.0/udp/4003/quic-v1/webtransport")      // the last two: for browsers
 *         .bootstrap(PeerInfo.parse("/dnsaddr/bootstrap.libp2p.io/p2p/QmNnoo…"))
 *         .dht(NodeConfig.Dht.of(Mode.AUTO))
 *         .pubsub(NodeConfig.Pubsub.gossipsub().subscribe("news"))
 *         .build();
 * }</pre>
 */
public final class NodeConfig {
    /**
     * The listen addresses without {@link Builder#listen}: TCP and QUIC on port 4001 over IPv4 and
     * IPv6, as go-libp2p and Kubo listen (QUIC on IPv6 only where its IPv6 sockets can be IPv6-only,
     * {@link QuicTransport#separatesIpFamilies}; see docs/QUIC.md), and the two transports a
     * browser can dial, as Kubo listens by default: WebRTC-direct on UDP 4002 (IPv4 and IPv6, one
     * dual-stack socket) and
     * WebTransport on UDP 4003 (IPv4, and IPv6 where QUIC is; Kubo shares QUIC's port, here each
     * has its own socket). QUIC and WebTransport are
     * left out where the native QUIC library does not load, and a transport that is off is left out.
     */
    public static final List<String> DEFAULT_LISTEN = List.of("/ip4/0.0.0.0/tcp/4001", "/ip6/::/tcp/4001",
            "/ip4/0.0.0.0/udp/4001/quic-v1", "/ip6/::/udp/4001/quic-v1", "/ip4/0.0.0.0/udp/4002/webrtc-direct",
            "/ip6/::/udp/4002/webrtc-direct", "/ip4/0.0.0.0/udp/4003/quic-v1/webtransport", "/ip6/::/udp/4003/quic-v1/webtransport");

    private final PrivateKey identity;
    private final List<Multiaddr> listen;
    private final List<PeerInfo> bootstrap;
    private final String agentVersion;
    private final io.p2pkit.core.host.AddressPolicy addressPolicy;
    private final List<String> addressFilters;
    private final List<PeerInfo> peering;
    private final boolean perf;
    private final boolean streamMounting;
    private final boolean portMapping;
    private final boolean ipnsPubsub;
    private final IpnsRepublish ipnsRepublish;
    private final IpnsCache ipnsCache;
    private final io.p2pkit.node.dnslink.DnsResolvers dnsResolvers;
    private final Duration portMappingLease;
    private final Optional<RelayConfig> relayService;
    private final Optional<java.nio.file.Path> rendezvousServer;
    private final Optional<RendezvousDiscovery.Config> rendezvous;
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
    private final List<java.net.URI> delegatedPublishers;
    private final java.util.Set<io.p2pkit.core.identity.PeerId> ignoredProviders;
    private final Map<String, String> fixedNames;
    private final ApiAccess apiAccess;
    private final Optional<AutoNatConfig> autoNat;
    private final Optional<MdnsConfig> mdns;
    private final Optional<PreSharedKey> privateNetwork;
    private final io.p2pkit.node.config.GatewayHosts gatewayHosts;
    private final io.p2pkit.node.config.GatewayOptions gatewayOptions;
    private final Optional<WebRtc> webRtc;

    private NodeConfig(Builder b) {
        this.identity = b.identity != null ? b.identity : PrivateKey.generateEd25519();
        this.privateNetwork = b.privateNetwork;
        // QUIC, WebTransport and WebRTC-direct secure their own connections, so no private network
        // key can wrap them: off, as in Kubo
        Transports t = b.transports;
        if (privateNetwork.isPresent() && (t.quic() || t.webRtcDirect() || t.webTransport())) {
            t = new Transports(t.security(), t.muxers(), false, t.wssCertificate(), t.wssKey(), t.wssTrustedCa(),
                    t.dnsServer(), false, false);
        }
        // /webrtc runs over DTLS too, and signals over relayed connections, which need the relay client
        this.webRtc = privateNetwork.isPresent() ? Optional.empty() : b.webRtc;
        if (webRtc.isPresent() && !b.relayClient) {
            throw new IllegalArgumentException("/webrtc needs the relay client: it signals over relayed connections");
        }
        List<Multiaddr> listening = b.listen != null ? b.listen : defaultListen(t);
        if (b.listen == null && webRtc.isPresent()) {
            listening = java.util.stream.Stream.concat(listening.stream(), java.util.stream.Stream.of(WEBRTC_LISTEN))
                    .toList();
        }
        this.listen = List.copyOf(listening);
        if (webRtc.isEmpty() && privateNetwork.isEmpty() && listen.contains(WEBRTC_LISTEN)) {
            throw new IllegalArgumentException("listening on /webrtc needs the /webrtc transport: "
                    + "NodeConfig.Builder.webRtc(NodeConfig.WebRtc.defaults())");
        }
        if (privateNetwork.isPresent()) {
            for (Multiaddr a : listen) {
                if (securesItself(a.toString())) {
                    throw new IllegalArgumentException("cannot listen on " + a + " in a private network: QUIC, "
                            + "WebTransport and WebRTC secure their own connections, so the swarm key cannot "
                            + "wrap them (go-libp2p and Kubo refuse it too)");
                }
            }
        }
        this.bootstrap = List.copyOf(b.bootstrap);
        this.agentVersion = b.agentVersion;
        this.addressPolicy = b.addressPolicy;
        this.addressFilters = b.addressFilters.stream().map(AddressFilters::canonical).distinct().toList();
        this.peering = List.copyOf(b.peering);
        this.perf = b.perf;
        this.streamMounting = b.streamMounting;
        this.portMapping = b.portMapping;
        this.portMappingLease = b.portMappingLease;
        this.relayService = b.relayService;
        this.rendezvousServer = b.rendezvousServer;
        this.rendezvous = b.rendezvous;
        this.relayClient = b.relayClient;
        this.holePunching = b.holePunching;
        this.autoRelay = b.autoRelay;
        this.transports = t;
        this.limits = b.limits;
        this.connections = b.connections != null ? b.connections : ConnectionManagerConfig.fitting(b.limits);
        this.dht = b.dht;
        // IPNS over pubsub runs on pubsub: asking for it turns gossipsub on, as Kubo's flag does
        this.pubsub = b.ipnsPubsub && b.pubsub.isEmpty() ? Optional.of(Pubsub.gossipsub()) : b.pubsub;
        this.ipnsPubsub = b.ipnsPubsub;
        this.ipnsRepublish = b.ipnsRepublish;
        this.ipnsCache = b.ipnsCache;
        this.dnsResolvers = b.dnsResolvers;
        this.metrics = b.metrics;
        this.content = b.content;
        this.api = b.api;
        this.gateway = b.gateway;
        this.delegatedRouters = List.copyOf(b.delegatedRouters);
        this.delegatedPublishers = List.copyOf(b.delegatedPublishers);
        this.ignoredProviders = java.util.Set.copyOf(b.ignoredProviders);
        this.fixedNames = Map.copyOf(b.fixedNames);
        this.apiAccess = b.apiAccess;
        this.autoNat = b.autoNat;
        this.mdns = b.mdns;
        this.gatewayHosts = b.gatewayHosts;
        this.gatewayOptions = b.gatewayOptions;
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
        b.addressPolicy = addressPolicy;
        b.addressFilters = addressFilters;
        b.peering = peering;
        b.perf = perf;
        b.streamMounting = streamMounting;
        b.portMapping = portMapping;
        b.portMappingLease = portMappingLease;
        b.relayService = relayService;
        b.rendezvousServer = rendezvousServer;
        b.rendezvous = rendezvous;
        b.relayClient = relayClient;
        b.holePunching = holePunching;
        b.autoRelay = autoRelay;
        b.transports = transports;
        b.limits = limits;
        b.connections = connections;
        b.dht = dht;
        b.pubsub = pubsub;
        b.ipnsPubsub = ipnsPubsub;
        b.ipnsRepublish = ipnsRepublish;
        b.ipnsCache = ipnsCache;
        b.dnsResolvers = dnsResolvers;
        b.metrics = metrics;
        b.content = content;
        b.api = api;
        b.gateway = gateway;
        b.delegatedRouters = delegatedRouters;
        b.delegatedPublishers = delegatedPublishers;
        b.ignoredProviders = ignoredProviders;
        b.fixedNames = fixedNames;
        b.apiAccess = apiAccess;
        b.autoNat = autoNat;
        b.mdns = mdns;
        b.privateNetwork = privateNetwork;
        b.gatewayHosts = gatewayHosts;
        b.gatewayOptions = gatewayOptions;
        b.webRtc = webRtc;
        return b;
    }

    /** {@link #DEFAULT_LISTEN}, less the addresses of transports that are off or cannot load. */
    static List<Multiaddr> defaultListen(Transports t) {
        boolean quicLoads = QuicTransport.isAvailable();
        return defaultListen(t.quic() && quicLoads, t.webRtcDirect(), t.webTransport() && quicLoads).stream()
                .map(Multiaddr::parse).toList();
    }

    /**
     * {@link #DEFAULT_LISTEN} with only the transports that run: QUIC ({@code /quic-v1}) and
     * WebTransport ({@code /quic-v1/webtransport}), each over IPv6 only where
     * {@link QuicTransport#separatesIpFamilies} says its sockets can be IPv6-only, and
     * WebRTC-direct ({@code /webrtc-direct}).
     */
    public static List<String> defaultListen(boolean quic, boolean webRtcDirect, boolean webTransport) {
        boolean quicOnIp6 = QuicTransport.separatesIpFamilies(io.p2pkit.quic.QuicConfig.defaults());
        return DEFAULT_LISTEN.stream().filter(a -> a.endsWith("/quic-v1") ? quic && (quicOnIp6 || a.startsWith("/ip4/"))
                : a.endsWith("/webrtc-direct") ? webRtcDirect
                : a.endsWith("/webtransport") ? webTransport && (quicOnIp6 || a.startsWith("/ip4/")) : true).toList();
    }

    /**
     * Whether {@code address} belongs to a transport that secures its own connections (QUIC,
     * WebTransport, WebRTC-direct, {@code /webrtc}), which a private network's key cannot wrap.
     */
    public static boolean securesItself(String address) {
        return address.contains("/quic") || address.contains("/webrtc") || address.contains("/webtransport");
    }

    /** The listen address of browser-to-browser WebRTC: the node answers offers signalled over its relayed connections. */
    public static final Multiaddr WEBRTC_LISTEN = Multiaddr.parse("/webrtc");

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

    /** The networks the node neither dials nor accepts at start (Kubo's Swarm.AddrFilters), canonical. */
    public List<String> addressFilters() {
        return addressFilters;
    }

    /** The peers the node keeps connected at start (Kubo's Peering.Peers). */
    public List<PeerInfo> peering() {
        return peering;
    }

    /** Which addresses the node announces (Kubo's Addresses.Announce, AppendAnnounce, NoAnnounce). */
    public io.p2pkit.core.host.AddressPolicy addressPolicy() {
        return addressPolicy;
    }

    /**
     * AutoNAT (default on: the client finds out whether the node is publicly reachable, which the
     * DHT's auto mode follows, and the v1 and v2 services help other peers while this node is not
     * known to be private). The node dials back from a host with its own transports.
     */
    public Optional<AutoNatConfig> autoNat() {
        return autoNat;
    }

    /**
     * mDNS discovery on the local network (default off here, so that tests and embedded nodes stay
     * quiet on the LAN; {@code p2pkit daemon} turns it on unless {@code --no-mdns}). The node runs
     * it only while it listens on an address that is not loopback (or the config allows loopback).
     */
    public Optional<MdnsConfig> mdns() {
        return mdns;
    }

    /**
     * The private network's key (libp2p PSK v1, Kubo's {@code swarm.key}), if the node is in one:
     * it then talks only to peers with the same key, over TCP and WebSocket (never QUIC, which is
     * left out). Default: none.
     */
    public Optional<PreSharedKey> privateNetwork() {
        return privateNetwork;
    }

    /** Whether {@code /perf/1.0.0} is served (default off: any peer could make the node send data). */
    public boolean perf() {
        return perf;
    }

    /**
     * Whether libp2p stream mounting ({@code ipfs p2p …}) is on: Kubo's
     * {@code Experimental.Libp2pStreamMounting}, off by default (a listener hands any peer a TCP
     * connection to its target).
     */
    public boolean streamMounting() {
        return streamMounting;
    }

    /**
     * Whether the listen ports are mapped on the default gateway through NAT-PMP or UPnP (default
     * off here; {@code p2pkit daemon} turns it on unless {@code --no-port-mapping}).
     */
    public boolean portMapping() {
        return portMapping;
    }

    /** The lease asked for each port mapping (default one hour), renewed at half of what the gateway grants. */
    public Duration portMappingLease() {
        return portMappingLease;
    }

    /**
     * The circuit relay v2 service this node runs for others, if any (default off: relaying costs
     * bandwidth; {@code p2pkit daemon --relay-service} turns it on with go-libp2p's limits).
     */
    public Optional<RelayConfig> relayService() {
        return relayService;
    }

    /**
     * The store file of the rendezvous point ({@code /rendezvous/1.0.0}) this node runs for others,
     * if any (default off; {@code p2pkit daemon --rendezvous-server} keeps it next to the identity).
     */
    public Optional<java.nio.file.Path> rendezvousServer() {
        return rendezvousServer;
    }

    /**
     * Discovery through rendezvous points, if any (default off; {@code p2pkit daemon --rendezvous}):
     * the node registers in the namespace at each point and connects to the peers it finds there.
     */
    public Optional<RendezvousDiscovery.Config> rendezvous() {
        return rendezvous;
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

    /**
     * Whether IPNS names are also published and resolved over pubsub (Kubo's
     * {@code --enable-namesys-pubsub}, {@code Ipns.UsePubsub}); pubsub runs when this is on.
     */
    public boolean ipnsPubsub() {
        return ipnsPubsub;
    }

    /** How often the names this node published are published again, and for how long each record is valid. */
    public IpnsRepublish ipnsRepublish() {
        return ipnsRepublish;
    }

    /** How many resolved IPNS names and DNSLink domains are kept, and for how long at most. */
    public IpnsCache ipnsCache() {
        return ipnsCache;
    }

    /** The DNS-over-HTTPS endpoints asked for the domains they cover (Kubo's {@code DNS.Resolvers}). */
    public io.p2pkit.node.dnslink.DnsResolvers dnsResolvers() {
        return dnsResolvers;
    }

    /**
     * A DNSLink resolver of its own (its cache empty) asking this config's DNS server, else the
     * system's, and its {@link #dnsResolvers()} for the domains they cover.
     */
    public io.p2pkit.node.dnslink.DnsLinkResolver dnsLink() {
        return io.p2pkit.node.dnslink.DnsLinkResolver.forServer(transports.dnsServer()).withResolvers(dnsResolvers);
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

    /** Which hostnames the gateway serves as subdomain gateways, and whether DNSLink hosts are served. */
    public io.p2pkit.node.config.GatewayHosts gatewayHosts() {
        return gatewayHosts;
    }

    /** What the gateway serves (fetching, deserialised responses, {@code /routing/v1}) and how much at once. */
    public io.p2pkit.node.config.GatewayOptions gatewayOptions() {
        return gatewayOptions;
    }

    /** Who may use the RPC API: extra browser origins and, when set, the secrets it asks for. */
    public ApiAccess apiAccess() {
        return apiAccess;
    }

    /** Delegated Routing V1 HTTP servers asked for providers beside the DHT (base URLs). */
    public List<java.net.URI> delegatedRouters() {
        return delegatedRouters;
    }

    /**
     * Delegated Routing V1 HTTP servers that take the IPNS records published here and are asked
     * nothing (Kubo's {@code Ipns.DelegatedPublishers}; base URLs); the delegated routers take them too.
     */
    public List<java.net.URI> delegatedPublishers() {
        return delegatedPublishers;
    }

    /** The peers whose provider records are ignored, wherever providers are looked up (Kubo's {@code Routing.IgnoreProviders}). */
    public java.util.Set<io.p2pkit.core.identity.PeerId> ignoredProviders() {
        return ignoredProviders;
    }

    /** Names that resolve to a fixed path before anything is asked (Kubo's {@code IPFS_NS_MAP}), keyed as {@link io.p2pkit.node.names.NameCache} keys them. */
    public Map<String, String> fixedNames() {
        return fixedNames;
    }

    /**
     * Browser-to-browser WebRTC ({@code /webrtc}), if on (default off): the node dials
     * {@code …/p2p-circuit/webrtc/p2p/<peer>} addresses, and while {@link #WEBRTC_LISTEN} is among
     * its listen addresses (added to the defaults when this is on) it answers offers and
     * advertises {@code <relayed address>/webrtc} for each relay reservation it holds.
     */
    public Optional<WebRtc> webRtc() {
        return webRtc;
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
     * @param webRtcDirect   whether WebRTC-direct runs ({@code /udp/…/webrtc-direct}, which browsers dial)
     * @param webTransport   whether WebTransport runs ({@code /udp/…/quic-v1/webtransport}, which browsers
     *                       dial; where the native QUIC library loads)
     * @param tcp            whether TCP runs ({@code /tcp/…} without {@code /ws})
     * @param webSocket      whether WebSocket runs ({@code /tcp/…/ws}, {@code /wss}, {@code /tls/ws})
     */
    public record Transports(List<String> security, List<String> muxers, boolean quic, Optional<Path> wssCertificate,
                             Optional<Path> wssKey, Optional<Path> wssTrustedCa, Optional<InetSocketAddress> dnsServer,
                             boolean webRtcDirect, boolean webTransport, boolean tcp, boolean webSocket) {
        /** Checks that the wss certificate and key go together, and that some transport runs. */
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
            if (!tcp && !webSocket && !quic && !webRtcDirect && !webTransport) {
                throw new IllegalArgumentException("every transport is off: TCP, WebSocket, QUIC, WebRTC-direct and "
                        + "WebTransport");
            }
        }

        /** These transports with TCP and WebSocket on. */
        public Transports(List<String> security, List<String> muxers, boolean quic, Optional<Path> wssCertificate,
                          Optional<Path> wssKey, Optional<Path> wssTrustedCa, Optional<InetSocketAddress> dnsServer,
                          boolean webRtcDirect, boolean webTransport) {
            this(security, muxers, quic, wssCertificate, wssKey, wssTrustedCa, dnsServer, webRtcDirect, webTransport,
                    true, true);
        }

        /** These transports with the stream muxers in {@code order} (empty: the host's defaults). */
        public Transports withMuxers(List<String> order) {
            return new Transports(security, order, quic, wssCertificate, wssKey, wssTrustedCa, dnsServer, webRtcDirect,
                    webTransport, tcp, webSocket);
        }

        /** These transports with the security protocols in {@code order} (empty: the host's defaults). */
        public Transports withSecurity(List<String> order) {
            return new Transports(order, muxers, quic, wssCertificate, wssKey, wssTrustedCa, dnsServer, webRtcDirect,
                    webTransport, tcp, webSocket);
        }

        /**
         * These transports with each network transport on or off (Kubo's
         * {@code Swarm.Transports.Network}): one that is off is neither dialed nor listened on.
         *
         * @throws IllegalArgumentException when every one is off
         */
        public Transports withNetwork(boolean tcp, boolean webSocket, boolean quic, boolean webRtcDirect,
                                      boolean webTransport) {
            return new Transports(security, muxers, quic, wssCertificate, wssKey, wssTrustedCa, dnsServer, webRtcDirect,
                    webTransport, tcp, webSocket);
        }

        /**
         * The transport an address needs, as Kubo names it in {@code Swarm.Transports.Network}
         * ({@code TCP}, {@code Websocket}, {@code QUIC}, {@code WebTransport}, {@code WebRTCDirect}),
         * or empty for one these settings do not govern (a relayed or browser-to-browser address).
         */
        public static Optional<String> networkOf(Multiaddr address) {
            List<String> names = address.protocols().stream().map(io.p2pkit.core.multiaddr.Protocol::name).toList();
            if (names.contains("webrtc-direct")) {
                return Optional.of("WebRTCDirect");
            }
            if (names.contains("webtransport")) {
                return Optional.of("WebTransport");
            }
            if (names.contains("quic-v1") || names.contains("quic")) {
                return Optional.of("QUIC");
            }
            if (names.contains("p2p-circuit") || names.contains("webrtc")) {
                return Optional.empty();
            }
            if (names.contains("ws") || names.contains("wss")) {
                return Optional.of("Websocket");
            }
            return names.contains("tcp") ? Optional.of("TCP") : Optional.empty();
        }

        /** Whether the transport {@code address} needs is on (an address none of them governs is). */
        public boolean carries(Multiaddr address) {
            return networkOf(address).map(n -> switch (n) {
                case "TCP" -> tcp;
                case "Websocket" -> webSocket;
                case "QUIC" -> quic;
                case "WebTransport" -> webTransport;
                default -> webRtcDirect;
            }).orElse(true);
        }

        /**
         * The transports of before WebRTC-direct and WebTransport were among them: both run when
         * {@code quic} does (as QUIC's browser-facing siblings) and are off when it is off.
         */
        public Transports(List<String> security, List<String> muxers, boolean quic, Optional<Path> wssCertificate,
                          Optional<Path> wssKey, Optional<Path> wssTrustedCa, Optional<InetSocketAddress> dnsServer) {
            this(security, muxers, quic, wssCertificate, wssKey, wssTrustedCa, dnsServer, quic, quic);
        }

        /** TCP, WebSocket, QUIC, WebRTC-direct and WebTransport with the host's security protocols and muxers. */
        public static Transports defaults() {
            return new Transports(List.of(), List.of(), true, Optional.empty(), Optional.empty(), Optional.empty(),
                    Optional.empty(), true, true);
        }

        /** These transports with WebRTC-direct and WebTransport on or off. */
        public Transports withBrowserTransports(boolean webRtcDirect, boolean webTransport) {
            return new Transports(security, muxers, quic, wssCertificate, wssKey, wssTrustedCa, dnsServer,
                    webRtcDirect, webTransport, tcp, webSocket);
        }

        /** The resolver of {@code /dns*} multiaddrs: {@link #dnsServer()}, asked directly, else the system's. */
        public io.p2pkit.core.dns.DnsResolver dnsResolver() {
            return dnsServer.isPresent() ? new ServerResolver(dnsServer.get(), Duration.ofSeconds(2))
                    : new io.p2pkit.core.dns.SystemResolver();
        }

        /**
         * Gives {@code builder} these transports: TCP, WebSocket (wss listening with a certificate,
         * wss dialing trusting {@link #wssTrustedCa()} or the system's CAs), QUIC and WebTransport
         * where the native QUIC library loads (each made on its first dial or listen, the library
         * loaded on the first such address asked about), and WebRTC-direct (their certificates are derived
         * from the host's key, so the certhashes in their addresses survive a restart),
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
                builder.dnsResolver(dnsResolver());
            }
            if (tcp) {
                builder.transport(key -> new TcpTransport());
            }
            if (webSocket) {
                WebSocketTransport ws = new WebSocketTransport(WebSocketConfig.defaults(),
                        wssCertificate.isPresent() ? WssTls.serverContext(wssCertificate.get(), wssKey.orElseThrow()) : null,
                        wssTrustedCa.isPresent() ? WssTls.clientContext(wssTrustedCa.get()) : null);
                builder.transport(key -> ws);
            }
            if (quic) {
                // made on its first QUIC dial or listen, and its native library loaded on the first
                // QUIC address asked about: a host that never speaks QUIC never pays for them
                builder.transport(key -> new LazyTransport(key, QuicTransport::new,
                        a -> QuicTransport.dialable(a) && QuicTransport.isAvailable(),
                        a -> QuicTransport.listenable(a) && QuicTransport.isAvailable()));
            }
            if (webRtcDirect) {
                builder.transport(WebRtcDirectTransport::new);
            }
            if (webTransport) {
                builder.transport(key -> new LazyTransport(key, WebTransportTransport::new,
                        a -> WebTransportTransport.dialable(a) && QuicTransport.isAvailable(),
                        a -> WebTransportTransport.listenable(a) && QuicTransport.isAvailable()));
            }
            return builder;
        }
    }

    /**
     * Browser-to-browser WebRTC ({@code /webrtc}, libp2p's {@code webrtc.md}): SDP and ICE candidates
     * go over {@code /webrtc-signaling/0.0.1} on a relayed connection, then ICE, DTLS and SCTP run
     * between the two peers (directly, or through a TURN server), as between js-libp2p browser nodes. The candidates are host
     * candidates on {@code hostCandidates} and, with {@code stunServers}, server-reflexive ones (the
     * address a STUN server saw, which gets through endpoint-independent NATs) and, with
     * {@code turnServers}, relay candidates on TURN allocations, which get through any NAT that lets
     * UDP out (symmetric ones too), the data then going through the TURN server.
     *
     * <pre>{@code
     * NodeConfig.builder()
     *         .webRtc(NodeConfig.WebRtc.defaults())
     *         .listen("/ip4/0.0.0.0/tcp/4001", "/webrtc",
     *                 "/ip4/198.51.100.7/tcp/4001/p2p/<relay>/p2p-circuit")   // a reservation to advertise /webrtc behind
     *         .build();
     * }</pre>
     *
     * @param hostCandidates the IPv4 addresses our ICE host candidates carry (each connection's
     *                       socket is IPv4); empty: this machine's non-loopback IPv4 addresses
     *                       (loopback when it has none). The candidate
     *                       policy follows: with loopback addresses only, checks go to a remote's
     *                       loopback candidates only (one machine, tests); otherwise never to them
     * @param maxConnections most {@code /webrtc} connections open at once, inbound and outbound
     * @param maxHandshakes  most signalling and ICE runs at once; more offers are refused
     * @param stunServers    STUN servers (IPv4 addresses and ports, at most four) each connection asks
     *                       for its server-reflexive candidate before writing its SDP; none by
     *                       default: the node never contacts a STUN server unless told to
     * @param turnServers    TURN servers (IPv4, UDP, long-term credentials; at most four, at
     *                       distinct addresses) on which each connection allocates a relay candidate;
     *                       none by default: the node never contacts a TURN server unless told to
     */
    public record WebRtc(List<java.net.InetAddress> hostCandidates, int maxConnections, int maxHandshakes,
                         List<java.net.InetSocketAddress> stunServers, List<TurnServer> turnServers) {
        /** Copies the lists and checks the bounds, that the candidates and servers are IPv4, and the TURN servers distinct. */
        public WebRtc {
            hostCandidates = List.copyOf(hostCandidates);
            stunServers = List.copyOf(stunServers);
            turnServers = List.copyOf(turnServers);
            if (turnServers.size() > 4) {
                throw new IllegalArgumentException("/webrtc: at most four TURN servers");
            }
            if (turnServers.stream().map(TurnServer::address).distinct().count() < turnServers.size()) {
                throw new IllegalArgumentException("/webrtc: one allocation per TURN server address: " + turnServers);
            }
            if (stunServers.size() > 4) {
                throw new IllegalArgumentException("/webrtc: at most four STUN servers");
            }
            for (java.net.InetSocketAddress s : stunServers) {
                if (s.isUnresolved() || !(s.getAddress() instanceof java.net.Inet4Address) || s.getPort() == 0) {
                    throw new IllegalArgumentException("/webrtc STUN servers are IPv4 addresses with a port, not " + s);
                }
            }
            for (java.net.InetAddress a : hostCandidates) {
                if (!(a instanceof java.net.Inet4Address)) {
                    throw new IllegalArgumentException("/webrtc host candidates are IPv4 only, not " + a);
                }
            }
            if (maxConnections < 1 || maxHandshakes < 1) {
                throw new IllegalArgumentException("/webrtc: at least one connection and one handshake");
            }
        }

        /** A configuration without TURN servers. */
        public WebRtc(List<java.net.InetAddress> hostCandidates, int maxConnections, int maxHandshakes,
                      List<java.net.InetSocketAddress> stunServers) {
            this(hostCandidates, maxConnections, maxHandshakes, stunServers, List.of());
        }

        /** The machine's addresses as candidates, 256 connections, 16 handshakes at once, no STUN or TURN server. */
        public static WebRtc defaults() {
            return new WebRtc(List.of(), 256, 16, List.of(), List.of());
        }

        /** The defaults with loopback candidates only: for peers on this machine (tests, a local browser). */
        public static WebRtc loopback() {
            try {
                return defaults().withHostCandidates(List.of(java.net.InetAddress.getByAddress(new byte[]{127, 0, 0, 1})));
            } catch (java.net.UnknownHostException e) {
                throw new IllegalStateException("four bytes are an IPv4 address", e);
            }
        }

        /** The same with these host candidate addresses. */
        public WebRtc withHostCandidates(List<java.net.InetAddress> addresses) {
            return new WebRtc(addresses, maxConnections, maxHandshakes, stunServers, turnServers);
        }

        /** The same with these STUN servers for server-reflexive candidates. */
        public WebRtc withStunServers(List<java.net.InetSocketAddress> servers) {
            return new WebRtc(hostCandidates, maxConnections, maxHandshakes, servers, turnServers);
        }

        /** The same with these TURN servers for relay candidates. */
        public WebRtc withTurnServers(List<TurnServer> servers) {
            return new WebRtc(hostCandidates, maxConnections, maxHandshakes, stunServers, servers);
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
            return attach(host, bootstrap, false);
        }

        /**
         * The same; with {@code reprovidedByOwner} the DHT neither keeps nor republishes the keys
         * it is asked to provide, because the node's reprovider announces what its repository
         * holds, as the strategy says, on its own schedule (else keys of blocks long gone would
         * be announced every 22 hours, and every key twice).
         */
        public KadDht attach(Host host, List<PeerInfo> bootstrap, boolean reprovidedByOwner) throws IOException {
            KadConfig.Builder b = KadConfig.builder().mode(mode).bootstrap(bootstrap).protocolPrefix(protocolPrefix)
                    .republishProviders(!reprovidedByOwner);
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
     * @param seen        how long a message ID is remembered, to drop duplicates
     */
    public record Pubsub(RouterKind router, SignaturePolicy signing, Optional<ScoreFile> scoring,
                         List<PeerInfo> directPeers, List<String> topics, Seen seen) {
        /** Checks that scoring and direct peers come with gossipsub. */
        public Pubsub {
            Objects.requireNonNull(router, "router");
            Objects.requireNonNull(signing, "signing");
            Objects.requireNonNull(scoring, "scoring");
            Objects.requireNonNull(seen, "seen");
            directPeers = List.copyOf(directPeers);
            topics = List.copyOf(topics);
            if (router == RouterKind.FLOODSUB && (scoring.isPresent() || !directPeers.isEmpty())) {
                throw new IllegalArgumentException("peer scoring and direct peers need gossipsub");
            }
        }

        /** The same, message IDs remembered as {@link Seen#DEFAULT} says. */
        public Pubsub(RouterKind router, SignaturePolicy signing, Optional<ScoreFile> scoring, List<PeerInfo> directPeers,
                      List<String> topics) {
            this(router, signing, scoring, directPeers, topics, Seen.DEFAULT);
        }

        /**
         * How long a message ID is remembered as seen (Kubo's {@code Pubsub.SeenMessagesTTL} and
         * {@code Pubsub.SeenMessagesStrategy}).
         *
         * @param ttl      how long, positive
         * @param lastSeen whether the time starts again each time the ID is seen ({@code last-seen},
         *                 Kubo's default) rather than only when it first came ({@code first-seen})
         */
        public record Seen(Duration ttl, boolean lastSeen) {
            /** go-libp2p-pubsub's two minutes, first-seen. */
            public static final Seen DEFAULT = new Seen(Duration.ofMinutes(2), false);

            /** Checks the TTL. */
            public Seen {
                if (ttl.isNegative() || ttl.isZero()) {
                    throw new IllegalArgumentException("the seen-messages TTL must be positive: " + ttl);
                }
            }
        }

        /** This section with message IDs remembered as {@code s} says. */
        public Pubsub withSeen(Seen s) {
            return new Pubsub(router, signing, scoring, directPeers, topics, s);
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
            return new Pubsub(router, signing, scoring, directPeers, more, seen);
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
            return PubSub.start(host, PubsubConfig.builder().signaturePolicy(signing).seenTtl(seen.ttl())
                    .seenSliding(seen.lastSeen()).build(), r);
        }
    }

    /**
     * Content: an IPFS repository opened by the node, served and fetched into over Bitswap (and
     * GraphSync, when on), and announced to the DHT (when there is one) as the strategy says.
     *
     * @param repo               the repository's directory (made with {@code p2pkit init})
     * @param bitswap            Bitswap's limits and timings, and whether it serves
     * @param reprovide          what is announced to the DHT
     * @param reprovideInterval  how often everything is announced again (Kubo: 22 h)
     * @param graphsync          whether GraphSync 2.0 runs next to Bitswap (it serves when Bitswap does);
     *                           on by default: it costs a stream handler until a peer asks
     * @param provideWorkers     announcements to the DHT in flight at once (Kubo's {@code Provide.DHT.MaxWorkers}),
     *                           from 1 to {@link Reprovider#MAX_PARALLELISM}; {@link Reprovider#PARALLELISM} by default
     * @param gc                 garbage collection now and then, when the repository grows past a watermark
     *                           (Kubo's {@code daemon --enable-gc}); none by default
     * @param sweep              how keys are announced many at once, region by region of the key space
     *                           (Kubo 0.39's default, {@code Provide.DHT.SweepEnabled}); empty: each key
     *                           with a lookup of its own (Kubo's legacy provider)
     */
    public record Content(Path repo, BitswapConfig bitswap, ReprovideStrategy reprovide, Duration reprovideInterval,
                          boolean graphsync, int provideWorkers, Optional<Gc> gc, Optional<Sweep> sweep) {
        /** Checks the values. */
        public Content {
            Objects.requireNonNull(repo, "repo");
            Objects.requireNonNull(bitswap, "bitswap");
            Objects.requireNonNull(reprovide, "reprovide");
            Objects.requireNonNull(gc, "gc");
            Objects.requireNonNull(sweep, "sweep");
            if (reprovideInterval.isNegative() || reprovideInterval.isZero()) {
                throw new IllegalArgumentException("the reprovide interval must be positive: " + reprovideInterval);
            }
            if (provideWorkers < 1 || provideWorkers > Reprovider.MAX_PARALLELISM) {
                throw new IllegalArgumentException("provideWorkers must be from 1 to " + Reprovider.MAX_PARALLELISM
                        + ", got " + provideWorkers);
            }
        }

        /** The same, sweeping with {@link Sweep#DEFAULT}. */
        public Content(Path repo, BitswapConfig bitswap, ReprovideStrategy reprovide, Duration reprovideInterval,
                       boolean graphsync, int provideWorkers, Optional<Gc> gc) {
            this(repo, bitswap, reprovide, reprovideInterval, graphsync, provideWorkers, gc, Optional.of(Sweep.DEFAULT));
        }

        /** The same without garbage collection of its own. */
        public Content(Path repo, BitswapConfig bitswap, ReprovideStrategy reprovide, Duration reprovideInterval,
                       boolean graphsync, int provideWorkers) {
            this(repo, bitswap, reprovide, reprovideInterval, graphsync, provideWorkers, Optional.empty());
        }

        /** The same with GraphSync on. */
        public Content(Path repo, BitswapConfig bitswap, ReprovideStrategy reprovide, Duration reprovideInterval) {
            this(repo, bitswap, reprovide, reprovideInterval, true, Reprovider.PARALLELISM);
        }

        /** The repository at {@code repo}, served, everything announced every 22 hours. */
        public static Content of(Path repo) {
            return new Content(repo, BitswapConfig.defaults(), ReprovideStrategy.ALL, Reprovider.DEFAULT_INTERVAL);
        }

        /** The same, with a role's Bitswap settings and strategy. */
        public Content withRole(Role role) {
            return new Content(repo, role.bitswap(), role.strategy(), reprovideInterval, graphsync, provideWorkers, gc,
                    sweep);
        }

        /** The same, with other Bitswap settings. */
        public Content withBitswap(BitswapConfig settings) {
            return new Content(repo, settings, reprovide, reprovideInterval, graphsync, provideWorkers, gc, sweep);
        }

        /** The same, with another strategy. */
        public Content withReprovide(ReprovideStrategy strategy, Duration interval) {
            return new Content(repo, bitswap, strategy, interval, graphsync, provideWorkers, gc, sweep);
        }

        /** The same, with GraphSync on or off. */
        public Content withGraphSync(boolean on) {
            return new Content(repo, bitswap, reprovide, reprovideInterval, on, provideWorkers, gc, sweep);
        }

        /** The same, with {@code n} announcements in flight at once (Kubo's Provide.DHT.MaxWorkers). */
        public Content withProvideWorkers(int n) {
            return new Content(repo, bitswap, reprovide, reprovideInterval, graphsync, n, gc, sweep);
        }

        /** The same, collecting garbage as {@code settings} say. */
        public Content withGc(Gc settings) {
            return new Content(repo, bitswap, reprovide, reprovideInterval, graphsync, provideWorkers,
                    Optional.of(settings), sweep);
        }

        /** The same, announcing region by region as {@code settings} say, or each key alone when empty. */
        public Content withSweep(Optional<Sweep> settings) {
            return new Content(repo, bitswap, reprovide, reprovideInterval, graphsync, provideWorkers, gc, settings);
        }
    }

    /**
     * Announcing keys many at once, region by region of the DHT's key space, as Kubo 0.39's sweeping
     * provider does: the peers of a region are found with a lookup or a few, then every key in it
     * goes to its closest peers among them, instead of a lookup per key.
     *
     * @param batch       keys sorted and swept together (Kubo's {@code Provide.DHT.KeystoreBatchSize}):
     *                    the memory a run holds, and the fewer lookups the larger it is
     * @param connections peers a region's records are sent to at once (Kubo's
     *                    {@code Provide.DHT.MaxProvideConnsPerWorker})
     * @param resume      whether a restart resumes (Kubo's {@code Provide.DHT.ResumeEnabled}): the
     *                    end of the last run and the provide queue are kept in the repository's
     *                    {@code provider/}, so that a restart announces the queue and waits for the
     *                    next run rather than announcing everything again
     * @param offlineDelay how long without a DHT peer before the provider is offline (Kubo's
     *                    {@code Provide.DHT.OfflineDelay}): until then keys to announce wait for
     *                    the network; after, the provide queue is dropped and provide requests refused
     */
    public record Sweep(int batch, int connections, boolean resume, Duration offlineDelay) {
        /** Kubo's {@code Provide.DHT.OfflineDelay}: 2 h. */
        public static final Duration DEFAULT_OFFLINE_DELAY = Duration.ofHours(2);
        /** Kubo's: 16,384 keys a batch, 20 connections, resuming, offline after 2 h without a peer. */
        public static final Sweep DEFAULT = new Sweep(16_384, 20, true);
        /** The largest batch (about 40 MiB of keys and their points). */
        public static final int MAX_BATCH = 262_144;
        /** The most connections. */
        public static final int MAX_CONNECTIONS = 1024;

        /** The same with Kubo's offline delay ({@link #DEFAULT_OFFLINE_DELAY}). */
        public Sweep(int batch, int connections, boolean resume) {
            this(batch, connections, resume, DEFAULT_OFFLINE_DELAY);
        }

        /** Checks the values. */
        public Sweep {
            if (batch < 1 || batch > MAX_BATCH) {
                throw new IllegalArgumentException("a sweep batch is from 1 to " + MAX_BATCH + " keys, not " + batch);
            }
            if (connections < 1 || connections > MAX_CONNECTIONS) {
                throw new IllegalArgumentException("a sweep's connections are from 1 to " + MAX_CONNECTIONS + ", not "
                        + connections);
            }
            if (offlineDelay.isNegative()) {
                throw new IllegalArgumentException("the offline delay must not be negative, not " + offlineDelay);
            }
        }
    }

    /**
     * Garbage collection now and then, as Kubo's {@code daemon --enable-gc}: every {@code period}
     * the repository's size is measured, and when it is past {@code watermarkPercent} of its
     * {@code StorageMax}, {@code repo gc} runs (pins, the MFS tree and the mount's trees kept).
     *
     * @param period           how often the size is looked at (Kubo's {@code Datastore.GCPeriod}, 1 h)
     * @param watermarkPercent the share of {@code StorageMax} past which garbage is collected
     *                         (Kubo's {@code Datastore.StorageGCWatermark}, 90), from 1 to 100
     */
    public record Gc(Duration period, int watermarkPercent) {
        /** Kubo's: every hour, past 90 % of StorageMax. */
        public static final Gc DEFAULT = new Gc(Duration.ofHours(1), 90);

        /** Checks the values. */
        public Gc {
            if (period.isNegative() || period.isZero()) {
                throw new IllegalArgumentException("the GC period must be positive: " + period);
            }
            if (watermarkPercent < 1 || watermarkPercent > 100) {
                throw new IllegalArgumentException("the GC watermark is a percentage of StorageMax from 1 to 100, not "
                        + watermarkPercent);
            }
        }
    }

    /**
     * How a node with a repository keeps the IPNS names it published alive, as Kubo's republisher:
     * {@code initialDelay} after the start, then every {@code period} (five minutes after a round
     * that reached no one), each name's last record is signed again with its value and sequence,
     * valid for {@code lifetime} from then (or as long as it was, if longer), and published.
     *
     * @param period       Kubo's {@code Ipns.RepublishPeriod}
     * @param lifetime     Kubo's {@code Ipns.RecordLifetime}; at least {@code period}, or a record
     *                     could expire before it is republished
     * @param initialDelay Kubo's one minute (or the period, if shorter)
     */
    public record IpnsRepublish(Duration period, Duration lifetime, Duration initialDelay) {
        /** Kubo's: every 4 hours, records valid for 48 hours, the first round a minute after the start. */
        public static final IpnsRepublish DEFAULT = new IpnsRepublish(Duration.ofHours(4), Duration.ofHours(48),
                Duration.ofMinutes(1));

        /** Checks the values; the refusal of a lifetime shorter than the period is Kubo 0.43's. */
        public IpnsRepublish {
            Objects.requireNonNull(period, "period");
            Objects.requireNonNull(lifetime, "lifetime");
            Objects.requireNonNull(initialDelay, "initialDelay");
            if (period.isNegative() || period.isZero() || lifetime.isNegative() || lifetime.isZero() || initialDelay.isNegative()) {
                throw new IllegalArgumentException("the IPNS republish period and record lifetime must be positive");
            }
            if (lifetime.compareTo(period) < 0) {
                throw new IllegalArgumentException("config setting IPNS.RecordLifetime (" + GoDurations.format(lifetime)
                        + ") must be >= IPNS.RepublishPeriod (" + GoDurations.format(period)
                        + "), otherwise records expire before they are republished");
            }
        }

        /** Kubo's first round: a minute after the start, or after {@code period} when that is shorter. */
        public static IpnsRepublish every(Duration period, Duration lifetime) {
            Duration first = period.compareTo(DEFAULT.initialDelay) < 0 ? period : DEFAULT.initialDelay;
            return new IpnsRepublish(period, lifetime, first);
        }
    }

    /**
     * What a node keeps of the names it resolved (Kubo's {@code Ipns.ResolveCacheSize} and
     * {@code Ipns.MaxCacheTTL}): each IPNS name's or DNSLink domain's value is kept for its
     * record's TTL, or {@code maxTtl} if shorter, so that the gateway and {@code name resolve} do
     * not look a name up on every request; names published here go in at once.
     *
     * @param size   names kept at once, the least recently used leaving first; 0 keeps none
     * @param maxTtl the longest a value is kept and the longest TTL reported (a gateway's
     *               {@code Cache-Control}); zero keeps none; empty: the record's TTL
     */
    public record IpnsCache(int size, Optional<Duration> maxTtl) {
        /** The most names a cache may be given (each is a name and a path, well under a KiB). */
        public static final int MAX_SIZE = 1 << 20;
        /** Kubo's: 128 names, each for its record's TTL. */
        public static final IpnsCache DEFAULT = new IpnsCache(128, Optional.empty());

        /** Checks the values. */
        public IpnsCache {
            Objects.requireNonNull(maxTtl, "maxTtl");
            if (size < 0 || size > MAX_SIZE) {
                throw new IllegalArgumentException("the IPNS resolve cache holds 0 to " + MAX_SIZE + " names, not " + size);
            }
            if (maxTtl.isPresent() && maxTtl.get().isNegative()) {
                throw new IllegalArgumentException("the IPNS cache's longest TTL cannot be negative");
            }
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
     * Who may use the RPC API, and what its answers carry, as Kubo's {@code API.HTTPHeaders} and
     * {@code API.Authorizations}. A request from a browser page (with an {@code Origin} or
     * {@code Referer}) is refused unless the page is the API's own origin, the IPFS Companion
     * browser extension's (Kubo's defaults) or in {@code allowedOrigins} ({@code "*"}: any). With
     * authorizations, every request must carry one of their secrets and ask for a path the secret
     * allows.
     *
     * <p>{@code httpHeaders} are added to every answer, except the three Kubo reads as CORS
     * settings: {@code Access-Control-Allow-Origin} (give those in {@code allowedOrigins}),
     * {@code Access-Control-Allow-Methods} (the methods a page may use: {@code POST} when unset)
     * and {@code Access-Control-Allow-Credentials} ({@code true}: pages may send cookies and
     * credentials).
     *
     * @param allowedOrigins  browser origins allowed besides the API's own, such as {@code https://webui.example}
     * @param authorizations  the secrets, none for an API open to whoever reaches it (loopback by default)
     * @param httpHeaders     header name to values, as Kubo's {@code API.HTTPHeaders} without its origins
     */
    public record ApiAccess(List<String> allowedOrigins, List<Authorization> authorizations,
                            Map<String, List<String>> httpHeaders) {
        /** The API's own origins only, no secrets and no headers. */
        public static final ApiAccess DEFAULT = new ApiAccess(List.of(), List.of());

        private static final String ALLOW_METHODS = "Access-Control-Allow-Methods";
        private static final String ALLOW_CREDENTIALS = "Access-Control-Allow-Credentials";

        /** Copies the lists and the headers, whose names and values are checked (one line each). */
        public ApiAccess {
            allowedOrigins = List.copyOf(allowedOrigins);
            authorizations = List.copyOf(authorizations);
            Map<String, List<String>> copy = new java.util.LinkedHashMap<>();
            httpHeaders.forEach((name, values) -> copy.put(HttpHeaderText.name(name),
                    HttpHeaderText.values(name, values)));
            if (copy.containsKey("Access-Control-Allow-Origin")) {
                throw new IllegalArgumentException("give the allowed origins as allowedOrigins, "
                        + "not as an Access-Control-Allow-Origin header");
            }
            httpHeaders = java.util.Collections.unmodifiableMap(copy);
        }

        /**
         * Origins and secrets, and no headers.
         *
         * @param allowedOrigins browser origins allowed besides the API's own
         * @param authorizations the secrets
         */
        public ApiAccess(List<String> allowedOrigins, List<Authorization> authorizations) {
            this(allowedOrigins, authorizations, Map.of());
        }

        /** @return the methods a browser page may use, upper case: {@code Access-Control-Allow-Methods}, or POST */
        public List<String> allowedMethods() {
            List<String> given = httpHeaders.get(ALLOW_METHODS);
            if (given == null) {
                return List.of("POST");
            }
            // Kubo's CORS library takes each value as one method; a comma-separated value is split here too
            return given.stream().flatMap(v -> java.util.Arrays.stream(v.split(","))).map(String::strip)
                    .filter(m -> !m.isEmpty()).map(m -> m.toUpperCase(java.util.Locale.ROOT)).toList();
        }

        /** @return whether {@code Access-Control-Allow-Credentials} is {@code true} (any case) */
        public boolean allowCredentials() {
            return httpHeaders.getOrDefault(ALLOW_CREDENTIALS, List.of()).stream()
                    .anyMatch(v -> v.strip().equalsIgnoreCase("true"));
        }

        /** @return the headers every answer carries: {@link #httpHeaders()} without the CORS settings */
        public Map<String, List<String>> responseHeaders() {
            Map<String, List<String>> out = new java.util.LinkedHashMap<>(httpHeaders);
            out.remove(ALLOW_METHODS);
            out.remove(ALLOW_CREDENTIALS);
            return java.util.Collections.unmodifiableMap(out);
        }

        /**
         * One secret and what it opens, as Kubo's {@code API.Authorizations} entries.
         *
         * @param name         a name for logs and errors
         * @param secret       Kubo's {@code AuthSecret}: {@code bearer:TOKEN}, {@code basic:USER:PASSWORD},
         *                     {@code basic:BASE64} (user and password already encoded) or a bare
         *                     {@code TOKEN} without a colon (a bearer token)
         * @param allowedPaths path prefixes it allows, such as {@code /api/v0} (everything) or
         *                     {@code /api/v0/cat}; none opens only {@code /api/v0/version}, as in Kubo
         */
        public record Authorization(String name, String secret, List<String> allowedPaths) {
            /** Checks the secret's form and copies the paths. */
            public Authorization {
                Objects.requireNonNull(name, "name");
                boolean bearer = secret.startsWith("bearer:") && secret.length() > "bearer:".length();
                boolean basic = secret.startsWith("basic:") && secret.length() > "basic:".length();
                boolean bare = !secret.isEmpty() && secret.indexOf(':') < 0;
                if (!bearer && !basic && !bare) {
                    // Kubo ignores a type it does not know, which leaves the API shut to that secret without a word
                    throw new IllegalArgumentException("authorization " + name + ": the secret must be bearer:TOKEN, "
                            + "basic:USER:PASSWORD, basic:BASE64 or a TOKEN without a colon");
                }
                if (secret.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
                    throw new IllegalArgumentException("authorization " + name + ": the secret must be one line of text");
                }
                allowedPaths = List.copyOf(allowedPaths);
            }

            /**
             * Whether this secret opens {@code path}: a path under one of its prefixes
             * ({@code /api/v0/cat} is under {@code /api/v0}, {@code /api/v0/identity} is not under
             * {@code /api/v0/id}), or {@code /api/v0/version}, which any secret opens as in Kubo.
             *
             * @param path the request's path, such as {@code /api/v0/cat}
             * @return whether a request for it with this secret is let in
             */
            public boolean allows(String path) {
                if (path.equals("/api/v0/version")) {
                    return true; // clients ask for it before anything else
                }
                for (String prefix : allowedPaths) {
                    String p = prefix.endsWith("/") ? prefix.substring(0, prefix.length() - 1) : prefix;
                    if (path.equals(p) || path.startsWith(p + "/")) {
                        return true;
                    }
                }
                return false;
            }

            /** @return the {@code Authorization} header that carries this secret: {@code Bearer …} or {@code Basic …} */
            public String header() {
                if (secret.startsWith("bearer:")) {
                    return "Bearer " + secret.substring("bearer:".length());
                }
                if (!secret.startsWith("basic:")) {
                    return "Bearer " + secret;
                }
                String rest = secret.substring("basic:".length());
                return "Basic " + (rest.indexOf(':') < 0 ? rest // already encoded, as Kubo takes it
                        : java.util.Base64.getEncoder().encodeToString(rest.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
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
        private io.p2pkit.core.host.AddressPolicy addressPolicy = io.p2pkit.core.host.AddressPolicy.DEFAULT;
        private List<String> addressFilters = List.of();
        private List<PeerInfo> peering = List.of();
        private boolean perf;
        private boolean streamMounting;
        private boolean portMapping;
        private Duration portMappingLease = Duration.ofHours(1);
        private Optional<RelayConfig> relayService = Optional.empty();
        private Optional<java.nio.file.Path> rendezvousServer = Optional.empty();
        private Optional<RendezvousDiscovery.Config> rendezvous = Optional.empty();
        private boolean relayClient = true;
        private boolean holePunching = true;
        private Optional<AutoRelayConfig> autoRelay = Optional.of(AutoRelayConfig.defaults());
        private Transports transports = Transports.defaults();
        private ResourceManagerConfig limits = ResourceManagerConfig.defaults();
        private ConnectionManagerConfig connections;
        private Optional<Dht> dht = Optional.empty();
        private Optional<Pubsub> pubsub = Optional.empty();
        private boolean ipnsPubsub;
        private IpnsRepublish ipnsRepublish = IpnsRepublish.DEFAULT;
        private IpnsCache ipnsCache = IpnsCache.DEFAULT;
        private io.p2pkit.node.dnslink.DnsResolvers dnsResolvers = io.p2pkit.node.dnslink.DnsResolvers.NONE;
        private Optional<InetSocketAddress> metrics = Optional.empty();
        private Optional<Content> content = Optional.empty();
        private Optional<Http> api = Optional.empty();
        private Optional<Http> gateway = Optional.empty();
        private List<java.net.URI> delegatedRouters = List.of();
        private List<java.net.URI> delegatedPublishers = List.of();
        private java.util.Set<io.p2pkit.core.identity.PeerId> ignoredProviders = java.util.Set.of();
        private Map<String, String> fixedNames = Map.of();
        private Optional<AutoNatConfig> autoNat = Optional.of(AutoNatConfig.defaults());
        private Optional<MdnsConfig> mdns = Optional.empty();
        private ApiAccess apiAccess = ApiAccess.DEFAULT;
        private Optional<PreSharedKey> privateNetwork = Optional.empty();
        private io.p2pkit.node.config.GatewayHosts gatewayHosts = io.p2pkit.node.config.GatewayHosts.DEFAULT;
        private io.p2pkit.node.config.GatewayOptions gatewayOptions = io.p2pkit.node.config.GatewayOptions.DEFAULT;
        private Optional<WebRtc> webRtc = Optional.empty();

        private Builder() {
        }

        /**
         * Turns on browser-to-browser WebRTC ({@code /webrtc}) as {@code config} says; it needs the
         * relay client (on by default). Without {@link #listen} the node then listens on
         * {@link #WEBRTC_LISTEN} too.
         */
        public Builder webRtc(WebRtc config) {
            this.webRtc = Optional.of(config);
            return this;
        }

        /** Runs no {@code /webrtc} (the default). */
        public Builder withoutWebRtc() {
            this.webRtc = Optional.empty();
            return this;
        }

        /**
         * Puts the node in the private network of {@code key} (null for none): QUIC is then off,
         * and a QUIC listen address is refused.
         */
        public Builder privateNetwork(PreSharedKey key) {
            this.privateNetwork = Optional.ofNullable(key);
            return this;
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

        /**
         * The addresses to listen on, for example {@code /ip4/0.0.0.0/tcp/4001}, or for browsers
         * {@code /ip4/0.0.0.0/udp/4002/webrtc-direct} and {@code /ip4/0.0.0.0/udp/4003/quic-v1/webtransport}
         * (the node's addresses then carry their {@code /certhash}es, derived from the identity key
         * and so the same after a restart with it).
         */
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

        /**
         * Which addresses the node announces (identify, and so the DHT): Kubo's {@code Addresses.Announce},
         * {@code AppendAnnounce} and {@code NoAnnounce} (default: every address it finds).
         */
        public Builder addressPolicy(io.p2pkit.core.host.AddressPolicy policy) {
            this.addressPolicy = Objects.requireNonNull(policy, "policy");
            return this;
        }

        /**
         * Networks the node neither dials nor accepts connections from, as go-multiaddr masks
         * ({@code /ip4/10.0.0.0/ipcidr/8}): Kubo's {@code Swarm.AddrFilters}. More can be added
         * while it runs ({@link Node#addressFilters}).
         *
         * @throws IllegalArgumentException (when built) with Kubo's message for a text that is no mask
         */
        public Builder addressFilters(List<String> masks) {
            this.addressFilters = List.copyOf(masks);
            return this;
        }

        /**
         * Peers the node keeps connected, reconnecting with back-off when a connection drops and
         * protecting it from the connection manager: Kubo's {@code Peering.Peers}. More can be
         * added while it runs ({@link Node#peering}).
         */
        public Builder peering(List<PeerInfo> peers) {
            this.peering = List.copyOf(peers);
            return this;
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

        /** Whether to allow libp2p stream mounting ({@code p2p/*}), Kubo's {@code Experimental.Libp2pStreamMounting}. */
        public Builder streamMounting(boolean on) {
            this.streamMounting = on;
            return this;
        }

        /** Whether to map the listen ports on the default gateway (NAT-PMP, UPnP IGD). */
        public Builder portMapping(boolean on) {
            this.portMapping = on;
            return this;
        }

        /** The lease asked for each port mapping (default one hour; at least 2 s). */
        public Builder portMappingLease(Duration lease) {
            if (lease.toSeconds() < 2) {
                throw new IllegalArgumentException("port mapping lease " + lease + ": at least 2 s");
            }
            this.portMappingLease = lease;
            return this;
        }

        /** Runs a circuit relay v2 service with {@code config} ({@code RelayConfig.defaults()} for go-libp2p's limits). */
        public Builder relayService(RelayConfig config) {
            this.relayService = Optional.of(config);
            return this;
        }

        /**
         * Runs a rendezvous point with the spec's default limits, its registrations kept in the
         * MVStore file {@code storeFile} so that they survive a restart.
         */
        public Builder rendezvousServer(java.nio.file.Path storeFile) {
            this.rendezvousServer = Optional.of(storeFile);
            return this;
        }

        /** Registers and discovers at rendezvous points as {@code discovery} says. */
        public Builder rendezvous(RendezvousDiscovery.Config discovery) {
            this.rendezvous = Optional.of(discovery);
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

        /**
         * IPNS over pubsub on or off (off by default): names are then also published on, and
         * resolved from, their pubsub topics; on starts gossipsub unless pubsub is configured.
         */
        public Builder ipnsPubsub(boolean on) {
            this.ipnsPubsub = on;
            return this;
        }

        /** How the names this node published are kept alive (Kubo's 4 h and 48 h by default). */
        public Builder ipnsRepublish(IpnsRepublish republish) {
            this.ipnsRepublish = Objects.requireNonNull(republish, "republish");
            return this;
        }

        /** How many resolved names are kept, and for how long at most (Kubo's 128, each for its record's TTL, by default). */
        public Builder ipnsCache(IpnsCache cache) {
            this.ipnsCache = Objects.requireNonNull(cache, "cache");
            return this;
        }

        /**
         * DNS-over-HTTPS endpoints for some domains or all (Kubo's {@code DNS.Resolvers}): DNSLink and
         * {@code /dns*} multiaddrs of the domains they cover are asked of them (default: none).
         */
        public Builder dnsResolvers(io.p2pkit.node.dnslink.DnsResolvers resolvers) {
            this.dnsResolvers = Objects.requireNonNull(resolvers, "resolvers");
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

        /** Runs mDNS discovery on the local network as {@code config} says. */
        public Builder mdns(MdnsConfig config) {
            this.mdns = Optional.of(config);
            return this;
        }

        /** Runs no mDNS (the default). */
        public Builder withoutMdns() {
            this.mdns = Optional.empty();
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

        /**
         * Puts the IPNS records this node publishes to these Delegated Routing V1 HTTP servers
         * ({@code PUT /routing/v1/ipns/{name}}, base URLs as {@link #delegatedRouters}), beside the
         * DHT, and asks them nothing: Kubo's {@code Ipns.DelegatedPublishers}.
         */
        public Builder delegatedPublishers(List<java.net.URI> endpoints) {
            this.delegatedPublishers = List.copyOf(endpoints);
            return this;
        }

        /**
         * Ignores every provider record of these peers, from the DHT and the delegated routers alike:
         * Bitswap never asks them for a block because a lookup named them, and {@code routing
         * findprovs} leaves them out (Kubo's {@code Routing.IgnoreProviders}). A peer already
         * connected is still asked by Bitswap's broadcast, as in Kubo.
         */
        public Builder ignoredProviders(java.util.Collection<io.p2pkit.core.identity.PeerId> peers) {
            this.ignoredProviders = java.util.Set.copyOf(peers);
            return this;
        }

        /**
         * Names resolved to a fixed path before anything is asked, with a TTL of zero, whatever the
         * DHT or DNS say (Kubo's {@code IPFS_NS_MAP}, for tests and debugging): as
         * {@link io.p2pkit.node.names.NameCache#fixedNames} parses the variable.
         */
        public Builder fixedNames(Map<String, String> names) {
            this.fixedNames = Map.copyOf(names);
            return this;
        }

        /** Who may use the RPC API (default: the API's own origin, no secrets). */
        public Builder apiAccess(ApiAccess access) {
            this.apiAccess = Objects.requireNonNull(access, "access");
            return this;
        }

        /** The gateway's known hostnames (Kubo's {@code Gateway.PublicGateways}; default: {@code localhost} with subdomains). */
        public Builder gatewayHosts(io.p2pkit.node.config.GatewayHosts hosts) {
            this.gatewayHosts = Objects.requireNonNull(hosts, "hosts");
            return this;
        }

        /** What the gateway serves and how much at once (Kubo's {@code Gateway.NoFetch} and the rest; default {@link io.p2pkit.node.config.GatewayOptions#DEFAULT}). */
        public Builder gatewayOptions(io.p2pkit.node.config.GatewayOptions options) {
            this.gatewayOptions = Objects.requireNonNull(options, "options");
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
