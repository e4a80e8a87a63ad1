package io.p2pkit.node;

import io.p2pkit.core.connmgr.ConnectionManager;
import io.p2pkit.core.host.Host;
import io.p2pkit.core.host.HostBuilder;
import io.p2pkit.core.host.PeerInfo;
import io.p2pkit.core.identify.IdentifyService;
import io.p2pkit.core.identity.PeerId;
import io.p2pkit.core.metrics.HostMetrics;
import io.p2pkit.core.metrics.MetricRegistry;
import io.p2pkit.core.multiaddr.Multiaddr;
import io.p2pkit.core.multiaddr.Protocol;
import io.p2pkit.core.network.Connection;
import io.p2pkit.core.network.ConnectionListener;
import io.p2pkit.core.resource.ResourceManager;
import io.p2pkit.discovery.rendezvous.RendezvousClient;
import io.p2pkit.discovery.rendezvous.RendezvousConfig;
import io.p2pkit.discovery.rendezvous.RendezvousDiscovery;
import io.p2pkit.discovery.rendezvous.RendezvousServer;
import io.p2pkit.discovery.rendezvous.RendezvousStore;
import io.p2pkit.kad.KadDht;
import io.p2pkit.discovery.mdns.MdnsConfig;
import io.p2pkit.discovery.mdns.MdnsService;
import io.p2pkit.nat.autonat.AutoNat;
import io.p2pkit.nat.autorelay.AutoRelay;
import io.p2pkit.nat.holepunch.HolePunchService;
import io.p2pkit.nat.portmap.HostPortMapper;
import io.p2pkit.nat.portmap.PortMapper;
import io.p2pkit.nat.relay.RelayClient;
import io.p2pkit.webrtc.transport.WebRtcTransport;
import io.p2pkit.nat.relay.RelayService;
import io.p2pkit.core.crypto.PrivateKey;
import io.p2pkit.node.config.Keystore;
import io.p2pkit.node.exchange.ContentService;
import io.p2pkit.ipfs.bitswap.ProviderFinder;
import io.p2pkit.node.http.HttpFace;
import io.p2pkit.node.routing.RoutingV1Client;
import io.p2pkit.node.rpc.NameCommands;
import io.p2pkit.node.http.NodeHttp;
import io.p2pkit.node.ipnsps.IpnsPubsub;
import io.p2pkit.node.metrics.MetricsServer;
import io.p2pkit.node.names.NameRepublisher;
import io.p2pkit.node.names.NameCache;
import io.p2pkit.node.names.PublishedNames;
import io.p2pkit.node.p2p.StreamMounting;
import io.p2pkit.pubsub.PubSub;

import java.io.Closeable;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A full p2pkit node made from one {@link NodeConfig}: a host with the configured transports,
 * limits and connection manager, and, as configured, the Kademlia DHT, pubsub, an IPFS repository
 * served and fetched into over Bitswap, a Prometheus metrics endpoint, and the HTTP servers: the
 * Kubo-compatible RPC API and the gateway. The daemon, the tests and library users all build
 * nodes this way.
 *
 * <pre>{@code
 * NodeConfig config = NodeConfig.builder()
 *         .listen("/ip4/0.0.0.0/tcp/4001")
 *         .dht(NodeConfig.Dht.of(Mode.SERVER))
 *         .pubsub(NodeConfig.Pubsub.gossipsub().subscribe("news"))
 *         .build();
 * try (Node node = Node.start(config, new NodeListener() {
 *     public void message(PubsubMessage m) { System.out.println(new String(m.data(), UTF_8)); }
 * })) {
 *     node.pubsub().orElseThrow().join("news").publish("hello".getBytes(UTF_8));
 * }
 * }</pre>
 *
 * <p>{@link #start} returns once the node listens; it then connects to the bootstrap peers and
 * bootstraps the DHT in the background, telling the {@link NodeListener} how that went. Close it to
 * stop everything.
 */
public final class Node implements Closeable {
    private static final System.Logger LOG = io.p2pkit.core.logging.LazyLogger.of(Node.class);
    private final NodeConfig config;
    private final Host host;
    private final Optional<KadDht> dht;
    private final Optional<PubSub> pubsub;
    private final Optional<MetricsServer> metrics;
    private final Optional<ContentService> content;
    /** The HTTP servers, filled once while the node starts. */
    private final List<HttpFace> http = new java.util.concurrent.CopyOnWriteArrayList<>();
    /** The delegated routers' clients, closed with the node. */
    private final List<RoutingV1Client> delegated = new java.util.concurrent.CopyOnWriteArrayList<>();
    /** The clients of the publishers that are not also routers, closed with the node. */
    private final List<RoutingV1Client> publishers = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final NodeListener listener;
    private final AddressFilters addressFilters;
    private final Peering peering;
    private final AtomicBoolean closed = new AtomicBoolean();
    /** When {@link #close()} began, for {@code diag healthy}. */
    private volatile java.time.Instant closingSince;
    /** The last records of the names published here, when the node has a repository to keep them in. */
    private final Optional<PublishedNames> publishedNames;
    private final NameCache nameCache;
    /** Keeps those names alive; started once the node serves, when it has somewhere to publish. */
    private volatile NameRepublisher republisher;

    private Node(NodeConfig config, Host host, Optional<KadDht> dht, Optional<PubSub> pubsub,
                 Optional<MetricsServer> metrics, Optional<ContentService> content, NodeListener listener,
                 AddressFilters addressFilters, Peering peering) {
        this.addressFilters = addressFilters;
        this.peering = peering;
        this.content = content;
        this.config = config;
        this.host = host;
        this.dht = dht;
        this.pubsub = pubsub;
        this.metrics = metrics;
        this.listener = listener;
        this.publishedNames = config.content().map(c -> new PublishedNames(c.repo()));
        this.nameCache = new NameCache(config.ipnsCache(), config.fixedNames());
    }

    /** Starts a node that tells nobody about its events. */
    public static Node start(NodeConfig config) throws IOException {
        return start(config, new NodeListener() {
        });
    }

    /**
     * Starts a node: builds its host and listens, starts the metrics endpoint, the DHT and pubsub
     * as configured, tells {@code listener} it is {@link NodeListener#ready}, then starts
     * bootstrapping in the background.
     *
     * @throws IOException              when an address or the metrics endpoint cannot be bound, or a
     *                                  wss PEM file cannot be read
     * @throws IllegalArgumentException for a configuration the host refuses (an unknown protocol name)
     */
    public static Node start(NodeConfig config, NodeListener listener) throws IOException {
        ConnectionManager connections = new ConnectionManager(config.connections());
        // Reported here once, to the listener; the host builder's own check then stays quiet.
        connections.warnIfInconsistent(config.limits(), listener::warning);
        // relayed listen addresses (…/p2p/<relay>/p2p-circuit) need the relay client, attached once the host exists
        List<Multiaddr> relayed = config.listen().stream().filter(a -> a.hasProtocol(Protocol.P2P_CIRCUIT)).toList();
        // and /webrtc needs the /webrtc transport, which is attached to the host too
        List<Multiaddr> direct = config.listen().stream().filter(a -> !a.hasProtocol(Protocol.P2P_CIRCUIT)
                && !a.equals(NodeConfig.WEBRTC_LISTEN)).toList();
        // the gater is always there, so that filters can be added while the node runs
        io.p2pkit.core.network.FilterGater gater = new io.p2pkit.core.network.FilterGater();
        AddressFilters addressFilters = new AddressFilters(gater);
        config.addressFilters().forEach(addressFilters::add);
        HostBuilder builder = Host.builder().identity(config.identity()).listen(direct)
                .agentVersion(config.agentVersion()).addressPolicy(config.addressPolicy()).perf(config.perf())
                .resourceManager(new ResourceManager(config.limits())).connectionManager(connections)
                .privateNetwork(config.privateNetwork().orElse(null)).connectionGater(gater);
        config.transports().applyTo(builder);
        if (!config.dnsResolvers().isEmpty()) { // Kubo's DNS.Resolvers, for /dns* and /dnsaddr too
            builder.dnsResolver(config.dnsResolvers().over(config.transports().dnsResolver()));
        }
        Host host = builder.build();
        Peering peering = new Peering(host, connections);
        host.addService(peering);
        Optional<MetricsServer> metrics = Optional.empty();
        Optional<ContentService> content = Optional.empty();
        Node node = null;
        List<RoutingV1Client> delegated = new java.util.ArrayList<>();
        List<RoutingV1Client> publishers = new java.util.ArrayList<>();
        try {
            Optional<AutoNat> autoNat = Optional.empty();
            if (config.autoNat().isPresent()) {
                // Dial-backs leave from a host of their own, with the same transports as the node.
                autoNat = Optional.of(AutoNat.attach(host, config.autoNat().get().withDialer(
                        () -> config.transports().applyTo(Host.builder().identify(false)
                                .privateNetwork(config.privateNetwork().orElse(null))).build())));
            }
            if (config.portMapping()) {
                HostPortMapper mapper = HostPortMapper.start(host, PortMapper.builder()
                        .lease(config.portMappingLease())); // closed with the host
                // mapped addresses are candidates: advertised once AutoNAT has confirmed them, as go does;
                // one whose mapping is gone (lease lost, gateway gone) is withdrawn at once
                autoNat.ifPresent(a -> {
                    java.util.concurrent.atomic.AtomicReference<List<Multiaddr>> before =
                            new java.util.concurrent.atomic.AtomicReference<>(List.of());
                    mapper.addListener(external -> {
                        List<Multiaddr> old = before.getAndSet(external);
                        old.stream().filter(m -> !external.contains(m)).forEach(a::withdraw);
                        external.stream().filter(m -> !old.contains(m)).forEach(a::confirm);
                    });
                });
            }
            if (config.relayClient()) {
                RelayClient.attach(host);
                if (config.holePunching()) {
                    HolePunchService.attach(host).addListener(listener::holePunch);
                }
            }
            if (config.relayService().isPresent()) {
                RelayService.attach(host, config.relayService().get());
            }
            if (config.webRtc().isPresent()) {
                NodeConfig.WebRtc w = config.webRtc().get();
                WebRtcTransport.Config defaults = WebRtcTransport.Config.defaults();
                WebRtcTransport.attach(host, new WebRtcTransport.Config(w.maxConnections(), w.maxHandshakes(),
                        defaults.handshakeTimeout(), defaults.acceptBacklog(), w.hostCandidates(), defaults.sctp(),
                        w.stunServers(), w.turnServers(), false));
            }
            if (config.rendezvousServer().isPresent()) {
                RendezvousStore store = RendezvousStore.open(config.rendezvousServer().get());
                // services close in order: the server stops serving before its store closes
                host.addService(RendezvousServer.attach(host, store, RendezvousConfig.defaults()));
                host.addService(store);
            }
            if (config.streamMounting()) {
                StreamMounting.attach(host, connections); // closed with the host
            }
            RendezvousClient rendezvous = RendezvousClient.attach(host);
            host.addService(rendezvous);
            if (config.rendezvous().isPresent()) {
                host.addService(RendezvousDiscovery.attach(host, rendezvous, config.rendezvous().get()));
            }
            Optional<AutoRelay> autoRelay = Optional.empty();
            if (config.relayClient() && config.autoRelay().isPresent()) {
                autoRelay = Optional.of(AutoRelay.attach(host, config.autoRelay().get())); // closed with the host
            }
            for (Multiaddr a : relayed) {
                if (!config.relayClient()) {
                    throw new IllegalArgumentException("listening on " + a + " needs the relay client");
                }
                try {
                    host.listen(a);
                } catch (IOException e) {
                    // an unreachable or refusing relay is not worth failing the node for
                    listener.warning("cannot listen through the relay " + a + ": " + e.getMessage());
                }
            }
            if (config.listen().contains(NodeConfig.WEBRTC_LISTEN)) {
                // after the relayed addresses: it advertises <relayed address>/webrtc for each, now and later
                host.listen(NodeConfig.WEBRTC_LISTEN);
            }
            if (config.mdns().isPresent()) {
                startMdns(host, config.mdns().get(), listener);
            }
            Optional<KadDht> dht = Optional.empty();
            if (config.dht().isPresent()) {
                // a node with content reprovides it itself (the reprovider), so the DHT keeps no keys of its own
                dht = Optional.of(config.dht().get().attach(host, config.bootstrap(), config.content().isPresent()));
            }
            // for content, and IPNS names over the RPC API; one client per server, asked for what its URLs name
            delegated.addAll(RoutingV1Client.grouped(config.delegatedRouters()));
            for (java.net.URI endpoint : config.delegatedPublishers()) {
                if (delegated.stream().noneMatch(r -> r.endpoint().equals(RoutingV1Client.base(endpoint))
                        && r.serves(RoutingV1Client.Capability.IPNS))
                        && publishers.stream().noneMatch(r -> r.endpoint().equals(RoutingV1Client.base(endpoint)))) {
                    publishers.add(new RoutingV1Client(endpoint)); // a router of IPNS records is a publisher already
                }
            }
            if (config.content().isPresent()) {
                List<ProviderFinder> routers = new java.util.ArrayList<>();
                for (RoutingV1Client client : delegated) {
                    if (client.serves(RoutingV1Client.Capability.PROVIDERS)) {
                        routers.add(client::findProviders);
                    }
                }
                content = Optional.of(ContentService.start(host, config.content().get(), dht, routers,
                        config.ignoredProviders()));
            }
            // The HTTP servers count their requests, and the RPC server serves the metrics as Kubo does.
            MetricRegistry registry = new MetricRegistry();
            if (config.metrics().isPresent() || config.api().isPresent() || config.gateway().isPresent()) {
                HostMetrics.attach(host, registry);
                content.ifPresent(c -> c.registerMetrics(registry));
                autoNat.ifPresent(a -> a.registerMetrics(registry));
                autoRelay.ifPresent(a -> a.registerMetrics(registry));
            }
            if (config.metrics().isPresent()) {
                InetSocketAddress at = config.metrics().get();
                try {
                    metrics = Optional.of(MetricsServer.start(at, registry));
                } catch (IOException e) {
                    throw new IOException("the metrics endpoint cannot listen on " + at + ": " + e.getMessage(), e);
                }
            }
            Optional<PubSub> pubsub = config.pubsub().map(p -> p.start(host));
            if (config.ipnsPubsub()) {
                IpnsPubsub.start(host, pubsub.orElseThrow()); // a service of the host, closed with it
            }
            if (pubsub.isPresent()) {
                for (String topic : config.pubsub().get().topics()) {
                    pubsub.get().join(topic).subscribe(listener::message);
                }
            }
            host.addConnectionListener(new ConnectionListener() {
                @Override
                public void connected(Connection c) {
                    listener.connected(c);
                }

                @Override
                public void disconnected(Connection c) {
                    listener.disconnected(c);
                }
            });
            host.service(IdentifyService.class).ifPresent(id -> id.addListener(listener::identified));
            node = new Node(config, host, dht, pubsub, metrics, content, listener, addressFilters, peering);
            node.delegated.addAll(delegated);
            node.publishers.addAll(publishers);
            listener.beforeServing(node);
            node.startHttp(registry);
            listener.ready(node);
            node.bootstrap();
            node.startRepublisher();
            return node;
        } catch (IOException | RuntimeException e) {
            if (node != null) {
                node.http.forEach(HttpFace::close);
            }
            metrics.ifPresent(MetricsServer::close);
            delegated.forEach(RoutingV1Client::close);
            publishers.forEach(RoutingV1Client::close);
            host.close(); // and with it the DHT and pubsub it runs
            if (content.isPresent()) {
                content.get().close();
            }
            throw e;
        }
    }

    /** Starts the RPC API and gateway servers the configuration asks for. */
    private void startHttp(MetricRegistry registry) throws IOException {
        if (config.api().isPresent()) {
            http.add(HttpFace.start("rpc", config.api().get(), NodeHttp.rpc(this, registry), registry));
        }
        if (config.gateway().isPresent()) {
            http.add(HttpFace.start("gateway", config.gateway().get(), NodeHttp.gateway(this, registry), registry));
        }
        if (!http.isEmpty()) {
            registry.gaugeCallback("p2pkit_http_connections", "HTTP connections open, by server",
                    List.of("server"), () -> http.stream().collect(java.util.stream.Collectors.toMap(
                            f -> List.of(f.name()), f -> (double) f.openConnections())));
        }
    }

    /** Connects to the bootstrap and peering peers and bootstraps the DHT, each on a thread of its own. */
    private void bootstrap() {
        for (PeerInfo peer : config.peering()) {
            try {
                peering.add(peer);
            } catch (IllegalArgumentException e) { // this node itself, which Kubo takes and never dials
                LOG.log(System.Logger.Level.WARNING, () -> "peering: not keeping " + peer.peerId() + " connected: " + e.getMessage());
            }
        }
        for (PeerInfo peer : config.bootstrap()) {
            host.spawn("p2pkit-bootstrap " + peer.peerId(), () -> {
                try {
                    host.connect(peer);
                } catch (Exception e) {
                    listener.bootstrapFailed(peer, e);
                }
            });
        }
        dht.ifPresent(d -> host.spawn("p2pkit-dht-bootstrap", () -> {
            try {
                listener.dhtBootstrapped(d, d.bootstrap());
            } catch (Exception e) {
                listener.dhtBootstrapFailed(e);
            }
        }));
    }

    /** The configuration it was made from. */
    public NodeConfig config() {
        return config;
    }

    /** The host: connections, streams, protocols. */
    public Host host() {
        return host;
    }

    /** This node's peer ID. */
    public PeerId peerId() {
        return host.peerId();
    }

    /** The addresses other peers can dial, each ending in {@code /p2p/<this node's ID>}. */
    public List<Multiaddr> addresses() {
        return host.addresses().stream().map(a -> a.encapsulate("/p2p/" + host.peerId())).toList();
    }

    /** The networks the node neither dials nor accepts (Kubo's {@code swarm filters}); they can change while it runs. */
    public AddressFilters addressFilters() {
        return addressFilters;
    }

    /** The peers the node keeps connected (Kubo's {@code swarm peering}); they can change while it runs. */
    public Peering peering() {
        return peering;
    }

    /** The DHT, if configured. */
    public Optional<KadDht> dht() {
        return dht;
    }

    /**
     * The clients of the delegated routers ({@code --routing-http}), in the configured order, one per
     * server (see {@link RoutingV1Client#serves} for what each is asked).
     */
    public List<RoutingV1Client> delegatedRouters() {
        return List.copyOf(delegated);
    }

    /**
     * The clients of every server the IPNS records published here are put to: the delegated
     * routers of IPNS records, then the delegated publishers that are not such routers
     * ({@code Ipns.DelegatedPublishers}).
     */
    public List<RoutingV1Client> delegatedPublishers() {
        List<RoutingV1Client> all = new java.util.ArrayList<>(delegated.stream()
                .filter(r -> r.serves(RoutingV1Client.Capability.IPNS)).toList());
        all.addAll(publishers);
        return List.copyOf(all);
    }

    /** Pubsub, if configured. */
    public Optional<PubSub> pubsub() {
        return pubsub;
    }

    /** IPNS over pubsub, if on ({@link NodeConfig#ipnsPubsub()}). */
    public Optional<IpnsPubsub> ipnsPubsub() {
        return host.service(IpnsPubsub.class);
    }

    /** The repository, Bitswap and reprovider, if the node has content. */
    public Optional<ContentService> content() {
        return content;
    }

    /** When the node began to stop ({@link #close()}), or empty while it runs. */
    public Optional<java.time.Instant> closingSince() {
        return Optional.ofNullable(closingSince);
    }

    /** The last IPNS record of each name published from this node, kept in its repository (if it has one). */
    public Optional<PublishedNames> publishedNames() {
        return publishedNames;
    }

    /** What IPNS names and DNSLink domains resolved to lately ({@link NodeConfig#ipnsCache()}). */
    public NameCache nameCache() {
        return nameCache;
    }

    /**
     * Starts republishing the names published here (the node's own and its keystore's), as Kubo's
     * daemon does, when the node has a repository and somewhere to publish.
     */
    private void startRepublisher() {
        if (publishedNames.isEmpty() || !NameCommands.routed(this) && publishers.isEmpty()) {
            return;
        }
        java.nio.file.Path repo = config.content().orElseThrow().repo();
        Keystore keystore = new Keystore(repo, repo.resolve("identity.key"));
        NameRepublisher.Keys keys = () -> {
            List<PrivateKey> all = new java.util.ArrayList<>();
            all.add(host.identity());
            for (Keystore.Entry e : keystore.list()) {
                keystore.get(e.name()).ifPresent(all::add);
            }
            return all;
        };
        republisher = NameRepublisher.start(keys, publishedNames.get(), (id, record) -> NameCommands.putSigned(this, id, record),
                config.ipnsRepublish());
    }

    /**
     * Starts mDNS unless the node listens on loopback only (then it has nothing to tell the LAN).
     * A failure to start it is a warning: the node works without it.
     */
    private static void startMdns(Host host, MdnsConfig mdns, NodeListener listener) {
        boolean onLan = mdns.allowLoopback() || host.network().listenAddresses().stream()
                .anyMatch(a -> a.toSocketAddress().map(s -> !s.getAddress().isLoopbackAddress()).orElse(false));
        if (!onLan) {
            return;
        }
        try {
            MdnsService.attach(host, mdns, listener::discovered); // closed with the host
        } catch (IOException e) {
            listener.warning("mDNS is off: " + e.getMessage());
        }
    }

    /** mDNS discovery, if it runs ({@link NodeConfig#mdns()}). */
    public Optional<MdnsService> mdns() {
        return host.service(MdnsService.class);
    }

    /**
     * Mounts the node's content with FUSE, as Kubo's {@code ipfs mount}: {@code /ipfs/<cid>/…} and
     * {@code /ipns/<name>} read-only, and the node's MFS read and written, at three existing
     * directories. Mounting again first unmounts; the mounts end when the node stops. Needs Linux
     * with FUSE: root mounts directly, other users through fusermount3 (see docs/FUSE.md).
     *
     * @param allowOther whether other users may use the mounts (FUSE's {@code allow_other})
     * @throws IOException naming the directory that could not be mounted (then none is)
     */
    public void mount(java.nio.file.Path ipfs, java.nio.file.Path ipns, java.nio.file.Path mfs, boolean allowOther)
            throws IOException {
        io.p2pkit.node.fuse.FuseMounts.mount(this, new io.p2pkit.node.fuse.FuseMounts.Mountpoints(
                ipfs.toAbsolutePath().toString(), ipns.toAbsolutePath().toString(), mfs.toAbsolutePath().toString()),
                allowOther, false);
    }

    /**
     * Unmounts what {@link #mount} mounted.
     *
     * @return whether anything was mounted
     */
    public boolean unmount() throws IOException {
        return io.p2pkit.node.fuse.FuseMounts.unmount(this);
    }

    /**
     * Libp2p stream mounting ({@code p2p listen|forward}), if {@link NodeConfig#streamMounting()}
     * turned it on (Kubo's {@code Experimental.Libp2pStreamMounting}).
     */
    public Optional<StreamMounting> streamMounting() {
        return host.service(StreamMounting.class);
    }

    /** The port mapping on the default gateway, if it is on ({@link NodeConfig#portMapping()}). */
    public Optional<HostPortMapper> portMapper() {
        return host.service(HostPortMapper.class);
    }

    /** Where the metrics endpoint listens, if configured (the real port when 0 was asked for). */
    public Optional<InetSocketAddress> metricsAddress() {
        return metrics.map(MetricsServer::address);
    }

    /** The rendezvous client: register this node at rendezvous points and discover peers there. */
    public RendezvousClient rendezvous() {
        return host.service(RendezvousClient.class).orElseThrow();
    }

    /** Where the RPC API ({@code /api/v0}) listens, if on (the real port when 0 was asked for). */
    public Optional<InetSocketAddress> apiAddress() {
        return http("rpc");
    }

    /** Where the gateway listens, if on (the real port when 0 was asked for). */
    public Optional<InetSocketAddress> gatewayAddress() {
        return http("gateway");
    }

    private Optional<InetSocketAddress> http(String name) {
        return http.stream().filter(f -> f.name().equals(name)).map(HttpFace::address).findFirst();
    }

    /** Stops the node: the HTTP servers and metrics endpoint, then the host with everything it runs. Idempotent. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        closingSince = java.time.Instant.now();
        try {
            http.forEach(HttpFace::close);
            metrics.ifPresent(MetricsServer::close);
            if (republisher != null) {
                republisher.close();
            }
            host.close();
            delegated.forEach(RoutingV1Client::close);
            publishers.forEach(RoutingV1Client::close);
            if (content.isPresent()) {
                content.get().close(); // after the host: nothing is served from a closed repository
            }
        } catch (IOException e) {
            listener.warning("closing the repository failed: " + e.getMessage());
        } finally {
            listener.stopped();
        }
    }

    @Override
    public String toString() {
        return "Node[" + host.peerId() + " " + host.network().listenAddresses() + "]";
    }
}
