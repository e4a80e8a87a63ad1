package io.p2pkit.node.cli.command;

import io.p2pkit.core.DecodeException;
import io.p2pkit.core.connmgr.ConnectionManagerConfig;
import io.p2pkit.core.crypto.KeyType;
import io.p2pkit.core.crypto.PrivateKey;
import io.p2pkit.core.host.PeerInfo;
import io.p2pkit.core.identify.IdentifyResult;
import io.p2pkit.core.identity.PeerId;
import io.p2pkit.core.multiaddr.Multiaddr;
import io.p2pkit.core.network.Connection;
import io.p2pkit.core.pnet.PreSharedKey;
import io.p2pkit.core.resource.LimitsFile;
import io.p2pkit.core.resource.ResourceManagerConfig;
import io.p2pkit.discovery.rendezvous.RendezvousDiscovery;
import io.p2pkit.ipfs.repo.Repository;
import io.p2pkit.discovery.mdns.MdnsConfig;
import io.p2pkit.kad.KadDht;
import io.p2pkit.kad.Mode;
import io.p2pkit.nat.autorelay.AutoRelayConfig;
import io.p2pkit.nat.holepunch.HolePunchEvent;
import io.p2pkit.nat.relay.AsnTable;
import io.p2pkit.nat.relay.RelayConfig;
import io.p2pkit.node.Node;
import io.p2pkit.node.NodeConfig;
import io.p2pkit.node.NodeListener;
import io.p2pkit.node.NodeVersion;
import io.p2pkit.node.config.KuboResourceLimits;
import io.p2pkit.node.exchange.ReprovideStrategy;
import io.p2pkit.node.exchange.Role;
import io.p2pkit.node.gateway.IpnsPreload;
import io.p2pkit.node.cli.CliCommand;
import io.p2pkit.node.fuse.FuseMounts;
import io.p2pkit.node.cli.Console;
import io.p2pkit.node.cli.UsageException;
import io.p2pkit.node.cli.options.BootstrapOption;
import io.p2pkit.node.cli.options.DurationConverter;
import io.p2pkit.node.cli.options.IdentityOption;
import io.p2pkit.node.cli.options.JsonOption;
import io.p2pkit.node.cli.options.ListenOption;
import io.p2pkit.node.cli.options.RepoOption;
import io.p2pkit.node.cli.options.TransportOptions;
import io.p2pkit.node.http.HttpAddress;
import io.p2pkit.node.metrics.MetricsServer;
import io.p2pkit.pubsub.PubsubMessage;
import io.p2pkit.webrtc.turn.TurnServer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;

/**
 * {@code p2pkit daemon}: runs a {@link Node} until SIGINT or SIGTERM. The options become a
 * {@link NodeConfig}; what the node tells its {@link NodeListener} is printed.
 */
@Command(name = "daemon", description = {
        "Run a node.",
        "",
        "Runs a libp2p node with identify and ping until SIGINT or SIGTERM.",
        "",
        "Without --identity: the repository's key file, identity.key in $P2PKIT_HOME or --repo-dir",
        "(P2PKIT_HOME defaults to ~/.p2pkit), created when missing.",
        "Without --listen: the repository's addresses.swarm (comma-separated multiaddrs, Kubo's Addresses.Swarm;",
        "'p2pkit init' writes the defaults there), else the defaults: TCP and QUIC on port 4001:",
        "/ip4/0.0.0.0/tcp/4001, /ip6/::/tcp/4001, /ip4/0.0.0.0/udp/4001/quic-v1 and /ip6/::/udp/4001/quic-v1,",
        "and for browsers",
        "/ip4/0.0.0.0/udp/4002/webrtc-direct, /ip6/::/udp/4002/webrtc-direct,",
        "/ip4/0.0.0.0/udp/4003/quic-v1/webtransport and",
        "/ip6/::/udp/4003/quic-v1/webtransport (QUIC and",
        "WebTransport only where the native QUIC library loads). WebRTC-direct and WebTransport certificates are",
        "derived from the identity key: the /certhash parts of their addresses stay the same across restarts",
        "(WebTransport's rotate weekly). WebSocket when asked: --listen /ip4/0.0.0.0/tcp/4002/ws, or /wss with",
        "--wss-cert and --wss-key.",
        "--bootstrap peers are connected to at start.",
        "",
        "Private network: with --swarm-key FILE, or a swarm.key in the repository ($P2PKIT_HOME or --repo-dir), as",
        "Kubo's, the node talks only to peers holding the same key (libp2p PSK v1), over TCP and WebSocket; QUIC,",
        "WebRTC-direct and WebTransport are then off. LIBP2P_FORCE_PNET=1 in the environment makes the daemon",
        "refuse to start without a key.",
        "",
        "Content: when the repository ($P2PKIT_HOME or --repo-dir, made with 'p2pkit init') exists, the daemon",
        "opens it, serves its blocks over Bitswap (/ipfs/bitswap/1.2.0, 1.1.0, 1.0.0), fetches what it lacks from",
        "its peers and the DHT's providers, and announces its content to the DHT (--reprovider-strategy). While",
        "the daemon runs it holds the repository: other commands on it wait for it to stop.",
        "",
        "HTTP: with a repository the daemon serves the Kubo-compatible RPC API on /ip4/127.0.0.1/tcp/5001 and the",
        "gateway on /ip4/127.0.0.1/tcp/8080 (the repository's addresses.api and addresses.gateway, or --api and",
        "--gateway), and writes the API's address to the repository's 'api' file while it runs.",
        "",
        "Settings: the repository's config file holds Kubo's Addresses.*, Bootstrap, Routing.Type, Swarm.ConnMgr.*,",
        "relay, hole punching, AutoNAT, mDNS and Provide.* settings ('p2pkit config KEY VALUE', docs/CLI.md);",
        "every option given here wins over the file.",
        "",
        "Roles (--role) are presets; options given beside a role override it:",
        "  master   DHT server, serves blocks, announces every block",
        "  worker   DHT auto, serves blocks and keeps what it fetches, announces pinned DAGs",
        "  leecher  DHT client, serves nothing, announces nothing, 32/64 connections",
        ""},
        footer = {"", "With --json, events as JSON lines: first {\"event\":\"ready\",\"peerId\":…,\"addrs\":[…]}, "
                + "then connected, identified, disconnected and bootstrap events, and {\"event\":\"message\","
                + "\"topic\":…,\"from\":…,\"seqno\":…,\"data\":\"<utf-8>\",\"dataBase64\":…} per pubsub message."})
public final class DaemonCommand extends CliCommand {
    /** The repository config key of the RPC API's address (Kubo's {@code Addresses.API}). */
    public static final String API_KEY = "addresses.api";
    /** The repository config key of the gateway's address (Kubo's {@code Addresses.Gateway}). */
    public static final String GATEWAY_KEY = "addresses.gateway";
    /** The repository config key of the swarm's listen addresses, comma-separated (Kubo's {@code Addresses.Swarm}). */
    public static final String SWARM_KEY = "addresses.swarm";
    /** The private network's key file in the repository, read when {@code --swarm-key} is not given (Kubo's). */
    public static final String SWARM_KEY_FILE = "swarm.key";
    /** The file in the repository that holds the running daemon's RPC API address, as Kubo's. */
    public static final String API_FILE = "api";

    /**
     * The addresses listened on without {@code --listen} or the repository's {@link #SWARM_KEY}:
     * {@link NodeConfig#DEFAULT_LISTEN}, less what cannot run: in a private network, the transports that
     * secure themselves; without the native QUIC library, QUIC and WebTransport.
     */
    static List<String> defaultListen(boolean privateNetwork, boolean quicAvailable) {
        return NodeConfig.defaultListen(!privateNetwork && quicAvailable, !privateNetwork,
                !privateNetwork && quicAvailable);
    }

    /**
     * The listen addresses: {@code --listen}, else the repository's {@link #SWARM_KEY} (less, in a
     * private network, the transports that secure themselves, with a note), else the defaults.
     */
    private List<Multiaddr> listenAddresses(Console console, boolean privateNetwork, NodeConfig.Transports on) {
        // Whether the native QUIC library loads is asked only where a QUIC address is in play:
        // loading it starts Netty, some 70 ms of a daemon's start that listens on TCP alone
        // (docs/PERFORMANCE.md, "QUIC made on its first use").
        if (listenOption.given()) {
            List<Multiaddr> given = listenOption.addresses(List.of());
            for (Multiaddr a : given) {
                if (!on.carries(a)) {
                    String network = NodeConfig.Transports.networkOf(a).orElseThrow();
                    throw new UsageException("--listen " + a + ": the " + network + " transport is off (Swarm.Transports.Network."
                            + network + " in the repository's config)");
                }
            }
            return given;
        }
        Path root = repo.root();
        String stored = null;
        if (Repository.isInitialized(root)) {
            try {
                stored = Repository.readConfig(root).other().get(SWARM_KEY);
            } catch (java.io.IOException | RuntimeException e) {
                stored = null; // the content part below reports a broken config
            }
        }
        if (stored == null) {
            boolean quic = on.quic() || on.webTransport() || on.webRtcDirect();
            return listenOption.addresses(defaultListen(privateNetwork, quic && io.p2pkit.quic.QuicTransport.isAvailable()))
                    .stream().filter(on::carries).toList();
        }
        List<Multiaddr> out = new ArrayList<>();
        List<String> listed = split(stored);
        boolean quicLoads = listed.stream().anyMatch(a -> a.contains("/quic"))
                && io.p2pkit.quic.QuicTransport.isAvailable();
        Boolean separatesFamilies = null; // asked only when an IPv6 address shares a UDP port with an IPv4 one
        boolean leftOutByNetwork = false;
        for (String a : listed) {
            Optional<String> off = offNetwork(a, on);
            if (off.isPresent()) {
                leftOutByNetwork = true;
                console.info("p2pkit daemon: not listening on " + a + " (the repository's " + SWARM_KEY
                        + "): Swarm.Transports.Network." + off.get() + " is false");
                continue;
            }
            if (privateNetwork && NodeConfig.securesItself(a)) {
                console.info("p2pkit daemon: not listening on " + a + " (the repository's " + SWARM_KEY
                        + "): it cannot carry a private network");
                continue;
            }
            if (!quicLoads && a.contains("/quic")) {
                console.info("p2pkit daemon: not listening on " + a + " (the repository's " + SWARM_KEY
                        + "): the native QUIC library does not load on this platform");
                continue;
            }
            if (quicLoads && sharesUdpPortWithIp4(a, listed)) {
                if (separatesFamilies == null) {
                    separatesFamilies = io.p2pkit.quic.QuicTransport.separatesIpFamilies(
                            io.p2pkit.quic.QuicConfig.defaults());
                }
                if (!separatesFamilies) {
                    console.info("p2pkit daemon: not listening on " + a + " (the repository's " + SWARM_KEY
                            + "): UDP sockets cannot be IPv6-only on this platform, so the IPv4 listener on its "
                            + "port takes both families");
                    continue;
                }
            }
            try {
                out.add(Multiaddr.parse(a));
            } catch (IllegalArgumentException e) { // a DecodeException among them
                throw new UsageException("the repository's " + SWARM_KEY + ": not a multiaddr: " + a + " ("
                        + e.getMessage() + ")");
            }
        }
        if (out.isEmpty() && leftOutByNetwork) {
            // as go-libp2p, which fails when it can listen on none of the addresses asked for
            throw new UsageException("failed to listen on any addresses: every address of the repository's " + SWARM_KEY
                    + " needs a transport that Swarm.Transports.Network turns off or this platform lacks");
        }
        return out;
    }

    /** The Kubo name of the network transport {@code address} needs when {@code on} has it off; empty otherwise (or when it does not parse). */
    private static Optional<String> offNetwork(String address, NodeConfig.Transports on) {
        try {
            Multiaddr a = Multiaddr.parse(address);
            return on.carries(a) ? Optional.empty() : NodeConfig.Transports.networkOf(a);
        } catch (IllegalArgumentException e) {
            return Optional.empty(); // reported where the address is read
        }
    }

    @Mixin
    private IdentityOption identity;

    @Mixin
    private ListenOption listenOption;

    @Mixin
    private BootstrapOption bootstrapOption;

    @Mixin
    private TransportOptions transport;

    @Option(names = "--enable-gc", description = "collect garbage now and then, as Kubo's daemon --enable-gc: every "
            + "Datastore.GCPeriod (1h; \"0\" never), when the repository is past Datastore.StorageGCWatermark (90) %% of "
            + "Datastore.StorageMax, 'repo gc' runs (pins, the files tree and the mount's trees kept)")
    private boolean enableGc;

    @Option(names = "--enable-perf", description = "serve /perf/1.0.0 (off by default: any peer could make this node "
            + "send data)")
    private boolean enablePerf;

    @Option(names = "--enable-p2p-stream-mounting", description = "allow libp2p stream mounting, the 'p2p listen|"
            + "forward' commands of the RPC API and of 'p2pkit p2p' (off by default, as Kubo's "
            + "Experimental.Libp2pStreamMounting, which turns it on too)")
    private boolean enableStreamMounting;

    @Option(names = "--mount", description = "mount /ipfs, /ipns and /mfs with FUSE once the node is up, as "
            + "'p2pkit mount' does (Kubo's --mount); the daemon stops if it cannot")
    private boolean mount;

    @Option(names = "--mount-ipfs", paramLabel = "DIR", description = "where --mount puts /ipfs (default: the "
            + "config's Mounts.IPFS, else /ipfs)")
    private String mountIpfs;

    @Option(names = "--mount-ipns", paramLabel = "DIR", description = "where --mount puts /ipns (default: the "
            + "config's Mounts.IPNS, else /ipns)")
    private String mountIpns;

    @Option(names = "--mount-mfs", paramLabel = "DIR", description = "where --mount puts /mfs (default: the "
            + "config's Mounts.MFS, else /mfs)")
    private String mountMfs;

    @Option(names = "--autonat-service", paramLabel = "MODE", description = "whether to answer other peers' AutoNAT "
            + "v1 and v2 requests: enabled (the default: while this node is not known to be private) or disabled; "
            + "Kubo's AutoNAT.ServiceMode. The AutoNAT client always runs")
    private String autoNatService;

    @Option(names = "--no-port-mapping", description = "do not map the listen ports on the default gateway (by "
            + "default they are mapped through NAT-PMP or UPnP IGD, and the external addresses printed; Kubo's "
            + "Swarm.DisableNatPortMap in the config)")
    private boolean noPortMapping;

    @Option(names = "--port-mapping-lease", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "the lease asked for each port mapping, renewed at half of what the gateway grants "
                    + "(default 1h, at least 2s); a mapping lost with its lease leaves the advertised addresses")
    private Duration portMappingLease;

    @Option(names = "--no-mdns", description = "do not run mDNS (by default the node announces itself and finds "
            + "peers on the local network, _p2p._udp.local on the LAN interfaces, and connects to up to "
            + MDNS_CONNECTIONS + " of them; it runs only while the node listens on an address that is not loopback)")
    private boolean noMdns;

    /** How many peers found by mDNS the daemon connects to on its own. */
    static final int MDNS_CONNECTIONS = 16;

    @Option(names = "--relay-service", description = "serve circuit relay v2 (/libp2p/circuit/relay/0.2.0/hop) "
            + "for other peers, with go-libp2p's limits: reservations of 1 h, at most 128 (8 per IP), 16 relayed "
            + "connections per peer, each closed after 2 min or 128 KiB each way (off by default)")
    private boolean relayService;

    @Option(names = "--relay-asn-table", paramLabel = "FILE", description = "with --relay-service: which autonomous "
            + "system (ASN) each client address belongs to, one 'PREFIX ASN' line each (203.0.113.0/24 64500; a "
            + "RouteViews pfx2as or iptoasn.com export cut to those two columns; # comments), for the per-ASN "
            + "reservation limit; without it no address has an ASN and only the per-IP limit applies")
    private Path relayAsnTable;

    @Option(names = "--relay-max-reservations-per-asn", paramLabel = "N", description = "with --relay-service: "
            + "at most N live reservations from the addresses --relay-asn-table puts in one ASN (default 32, "
            + "go-libp2p's and Kubo's Swarm.RelayService.MaxReservationsPerASN)")
    private Integer relayMaxPerAsn;

    @Option(names = "--rendezvous-server", description = "serve as a rendezvous point (/rendezvous/1.0.0): peers "
            + "register in namespaces and discover each other; registrations (TTL 2 h to 72 h, at most 1000 per "
            + "peer and per namespace, 10000 in all) are kept in rendezvous.mv next to the identity and survive a "
            + "restart (off by default)")
    private boolean rendezvousServer;

    @Option(names = "--rendezvous", paramLabel = "MADDR", description = "register at this rendezvous point (its "
            + "address ending in /p2p/<point>; repeatable) in the --rendezvous-ns namespace, kept renewed, and every "
            + "5 minutes connect to the peers registered there (off by default)")
    private List<String> rendezvousPoints = new ArrayList<>();

    @Option(names = "--rendezvous-ns", paramLabel = "NAMESPACE", description = "the namespace for --rendezvous "
            + "(default: p2pkit)")
    private String rendezvousNamespace = RendezvousDiscovery.Config.DEFAULT_NAMESPACE;

    @Option(names = "--hole-punching", paramLabel = "MODE", description = "whether to upgrade relayed connections "
            + "to direct ones by hole punching (DCUtR, /libp2p/dcutr): enabled (the default, with the relay client) "
            + "or disabled; Kubo's Swarm.EnableHolePunching")
    private String holePunching;

    @Option(names = "--static-relay", paramLabel = "MADDR", description = "use this relay (its address ending in "
            + "/p2p/<relay>) for AutoRelay instead of relay-capable peers found among the connected ones; repeatable, "
            + "Kubo's Swarm.RelayClient.StaticRelays")
    private List<String> staticRelays = new ArrayList<>();

    @Option(names = "--no-auto-relay", description = "do not look for relays when the node is private (by default, "
            + "as Kubo's Swarm.RelayClient.Enabled, it keeps reservations with 2 relays and advertises the relayed "
            + "addresses while AutoNAT finds it private)")
    private boolean noAutoRelay;

    @Option(names = "--dht", paramLabel = "MODE", description = DhtOptions.DESCRIPTION)
    private String dht;

    @Option(names = "--dht-protocol-prefix", paramLabel = "PREFIX", description = "the DHT's protocol prefix (default "
            + "/ipfs: /ipfs/kad/1.0.0, the public DHT; /ipfs/lan speaks Kubo's LAN DHT)")
    private String dhtPrefix;

    @Option(names = "--conn-low", paramLabel = "N", description = "trim connections down to N when above the high "
            + "watermark (default: Kubo's 32, or lower to fit the limits)")
    private Integer connLow;

    @Option(names = "--conn-high", paramLabel = "N", description = "start trimming above N connections (default: Kubo's "
            + "96, or 90 %% of the system connection limits if lower)")
    private Integer connHigh;

    @Option(names = "--conn-grace", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "never trim a peer this soon after it connected (default: Kubo's 20s)")
    private Duration connGrace;

    @Option(names = "--limits", paramLabel = "FILE", description = "resource limits overriding the defaults scaled "
            + "from the heap and the fd limit; a properties file, one limit per line, for example "
            + "system.connections.inbound = 256 (docs/RESOURCES.md)")
    private String limitsFile;

    @Option(names = "--metrics", paramLabel = "HOST:PORT", description = "serve Prometheus metrics at "
            + "/debug/metrics/prometheus and /metrics (for example 127.0.0.1:5001)")
    private String metricsOption;

    @Option(names = "--subscribe", paramLabel = "TOPIC", description = "run pubsub and print each message of TOPIC; "
            + "repeatable")
    private List<String> subscribe = new ArrayList<>();

    @Mixin
    private PubsubOptions pubsubOptions;

    @Option(names = "--agent-version-suffix", paramLabel = "TEXT", description = "a suffix to the agent version "
            + "identify sends and 'id' shows (p2pkit/<version>/TEXT), as Kubo's; Version.AgentSuffix wins over it")
    private String agentSuffix;

    @Option(names = "--enable-pubsub-experiment", arity = "0..1", paramLabel = "BOOL", description = "pubsub on (Kubo's "
            + "flag, and its pubsub/* RPC commands); overrides Pubsub.Enabled; --subscribe and --pubsub turn it on too")
    private Boolean enablePubsub;

    @Option(names = "--enable-namesys-pubsub", arity = "0..1", paramLabel = "BOOL", description = "IPNS over pubsub "
            + "(Kubo's flag): names are also published on and resolved from their pubsub topics; turns pubsub on; "
            + "overrides Ipns.UsePubsub")
    private Boolean namesysPubsub;

    @Mixin
    private RepoOption repo;

    @Option(names = "--role", paramLabel = "ROLE", description = "master, worker or leecher: a preset of the DHT mode, "
            + "serving, announcing and connection limits (see above)")
    private String role;

    @Option(names = "--reprovider-strategy", paramLabel = "STRATEGY", description = "what is announced to the DHT: all "
            + "(default), pinned, roots, mfs, pinned+mfs or none, as Kubo's Provide.Strategy")
    private String reprovideStrategy;

    @Option(names = "--reprovider-interval", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "how often everything is announced again (default 22h, at most 48h), as Kubo's "
                    + "Provide.DHT.Interval")
    private Duration reprovideInterval;

    @Option(names = "--api", paramLabel = "ADDRESS", description = "serve the Kubo-compatible RPC API (/api/v0) at "
            + "ADDRESS, /ip4/127.0.0.1/tcp/5001 or 127.0.0.1:5001, or 'off' (default: the repository's addresses.api, "
            + "else /ip4/127.0.0.1/tcp/5001; off without a repository)")
    private String api;

    @Option(names = "--gateway", paramLabel = "ADDRESS", description = "serve the gateway (/ipfs, /ipns, /routing/v1) "
            + "at ADDRESS, or 'off' (default: the repository's addresses.gateway, else /ip4/127.0.0.1/tcp/8080; off "
            + "without a repository)")
    private String gateway;

    @Option(names = "--routing-http", paramLabel = "URL", description = "also find providers through this Delegated "
            + "Routing V1 HTTP server (its base URL, for example http://127.0.0.1:8080), before the DHT; repeatable")
    private List<String> routingHttp = new ArrayList<>();

    @Option(names = "--ipns-record", paramLabel = "NAME=FILE", description = "put the signed IPNS record in FILE "
            + "into the DHT's local store as NAME's, so that the gateway resolves /ipns/NAME offline from its first "
            + "request (repeatable; read before the node starts; an invalid record is reported and skipped)")
    private List<String> ipnsRecords = new java.util.ArrayList<>();

    @Option(names = "--announce", paramLabel = "MADDR", description = "announce this address instead of those the "
            + "node finds (repeatable; Kubo's Addresses.Announce)")
    private List<String> announce = new ArrayList<>();

    @Option(names = "--append-announce", paramLabel = "MADDR", description = "announce this address besides those "
            + "the node finds (repeatable; Kubo's Addresses.AppendAnnounce)")
    private List<String> appendAnnounce = new ArrayList<>();

    @Option(names = "--no-announce", paramLabel = "MADDR", description = "never announce this address, or the "
            + "addresses in this network (/ip4/10.0.0.0/ipcidr/8); repeatable; Kubo's Addresses.NoAnnounce")
    private List<String> noAnnounce = new ArrayList<>();

    @Option(names = "--swarm-key", paramLabel = "FILE", description = "join the private network of this key file "
            + "(/key/swarm/psk/1.0.0/, then /base16/, /base64/ or /bin/ and the 32-byte key; Kubo's swarm.key); "
            + "default: swarm.key in the repository folder, when present")
    private Path swarmKey;

    @Option(names = "--webrtc", description = "browser-to-browser WebRTC (/webrtc, as js-libp2p's webRTC()): dial "
            + "…/p2p-circuit/webrtc/p2p/<peer> addresses, and listen on /webrtc: for each relay reservation (a "
            + "--listen …/p2p/<relay>/p2p-circuit address, or AutoRelay's) the node advertises "
            + "<relayed address>/webrtc, which a browser dials through the relay to reach this node directly. "
            + "Off by default; a /webrtc listen address turns it on too. Not in a private network")
    private boolean webRtc;

    @Option(names = "--webrtc-candidate", paramLabel = "IP", description = "with --webrtc: an address for the "
            + "node's ICE host candidates (an IPv4 literal; repeatable). Default: the machine's non-loopback IPv4 "
            + "addresses. With loopback ones only (127.0.0.1), connectivity checks go to the remote's loopback "
            + "candidates only, for browsers on this machine")
    private List<String> webRtcCandidates = new ArrayList<>();

    @Option(names = "--webrtc-stun", paramLabel = "IP:PORT", description = "with --webrtc: a STUN server (an IPv4 "
            + "literal and a port, e.g. 198.51.100.3:3478; repeatable, at most four) each /webrtc connection asks for "
            + "its server-reflexive candidate, the address its NAT gives it, so that peers behind "
            + "endpoint-independent NATs connect directly. Default: none, and no STUN server is ever contacted")
    private List<String> webRtcStun = new ArrayList<>();

    @Option(names = "--webrtc-turn", paramLabel = "USER[:PASSWORD]@IP:PORT", description = "with --webrtc: a TURN "
            + "server (UDP, long-term credentials; an IPv4 literal and a port, e.g. alice:s3cret@198.51.100.3:3478; "
            + "repeatable, at most four) on which each /webrtc connection allocates a relay candidate, so that peers "
            + "behind symmetric NATs connect, their data going through the server. The username ends at the first "
            + "colon; without ':PASSWORD' the password comes from the environment variable " + TURN_PASSWORD_VARIABLE
            + " (which, unlike the command line, other users cannot see). The password is never printed. Default: "
            + "none, and no TURN server is ever contacted")
    private List<String> webRtcTurn = new ArrayList<>();

    /** Where {@code --webrtc-turn USER@IP:PORT} takes its password from. */
    static final String TURN_PASSWORD_VARIABLE = "P2PKIT_TURN_PASSWORD";

    @Mixin
    private JsonOption output;

    /** Kubo's AutoConf as the config sets it, read by {@link #config}. */
    private AutoConfSettings autoConf;

    @Override
    public int run() throws Exception {
        Console console = console();
        boolean json = output.json();
        NodeConfig config = config(console);
        CountDownLatch stopped = new CountDownLatch(1);
        if (!ipnsRecords.isEmpty() && config.dht().isEmpty()) {
            throw new UsageException("--ipns-record needs the DHT (--dht is off)");
        }
        // Read and checked now, put into the DHT's store before the gateway takes its first request
        // (Events.beforeServing): a client that waits for "ready" finds them in place.
        List<IpnsPreload.Entry> records = new ArrayList<>();
        for (String spec : ipnsRecords) {
            try {
                records.add(IpnsPreload.read(spec));
            } catch (IllegalArgumentException | java.io.IOException e) {
                console.info("p2pkit daemon: warning: --ipns-record " + spec + ": " + e.getMessage());
            }
        }
        Optional<Mounting> mounting = mounting(console);
        Events events = new Events(console, json, stopped, records, mounting, new java.util.concurrent.atomic.AtomicBoolean());
        // started here, after the last check that can stop the start, so that no timer outlives a refusal
        Optional<java.util.concurrent.ScheduledExecutorService> autoConfRefresh = autoConf.refresh(console);
        try {
            Node.start(config, events); // runs until SIGINT or SIGTERM
            stopped.await();
        } finally {
            autoConfRefresh.ifPresent(java.util.concurrent.ScheduledExecutorService::shutdownNow);
        }
        return events.failed().get() ? 1 : 0;
    }

    /** Where {@code --mount} mounts: the options, else the config's {@code Mounts.*}, else Kubo's defaults. */
    private record Mounting(FuseMounts.Mountpoints at, boolean allowOther) {
    }

    private Optional<Mounting> mounting(Console console) throws java.io.IOException {
        if (!mount) {
            return Optional.empty();
        }
        RepoSettings file = RepoSettings.read(repo.root());
        FuseMounts.Mountpoints at = new FuseMounts.Mountpoints(
                absolute(mountIpfs, file.text("mounts.ipfs").orElse("/ipfs")),
                absolute(mountIpns, file.text("mounts.ipns").orElse("/ipns")),
                absolute(mountMfs, file.text("mounts.mfs").orElse("/mfs")));
        return Optional.of(new Mounting(at, file.flag("mounts.fuseAllowOther").orElse(false)));
    }

    private static String absolute(String option, String configured) {
        return option != null ? Path.of(option).toAbsolutePath().normalize().toString() : configured;
    }

    /**
     * Browser-to-browser WebRTC as {@code --webrtc}, {@code --webrtc-candidate}, {@code --webrtc-stun}
     * and {@code --webrtc-turn} ask (on too when {@code listen} has {@code /webrtc}); empty when it is off.
     */
    static Optional<NodeConfig.WebRtc> webRtcConfig(boolean on, List<String> candidates, List<String> stun,
                                                    List<String> turn, List<Multiaddr> listen, boolean privateNetwork) {
        return webRtcConfig(on, candidates, stun, turn, listen, privateNetwork, null);
    }

    /**
     * As above; a TURN server given as {@code USER@IP:PORT} takes {@code turnPassword} (the value
     * of {@link #TURN_PASSWORD_VARIABLE}, or null when it is not set).
     */
    static Optional<NodeConfig.WebRtc> webRtcConfig(boolean on, List<String> candidates, List<String> stun,
                                                    List<String> turn, List<Multiaddr> listen, boolean privateNetwork,
                                                    String turnPassword) {
        boolean asked = on || listen.contains(NodeConfig.WEBRTC_LISTEN);
        if (!asked) {
            if (!candidates.isEmpty()) {
                throw new UsageException("--webrtc-candidate needs --webrtc");
            }
            if (!stun.isEmpty()) {
                throw new UsageException("--webrtc-stun needs --webrtc");
            }
            if (!turn.isEmpty()) {
                throw new UsageException("--webrtc-turn needs --webrtc");
            }
            return Optional.empty();
        }
        if (privateNetwork) {
            throw new UsageException("--webrtc: /webrtc cannot carry a private network (DTLS secures it, "
                    + "as WebRTC-direct)");
        }
        List<java.net.InetAddress> addresses = new ArrayList<>();
        for (String c : candidates) {
            addresses.add(ipv4("--webrtc-candidate", c));
        }
        if (stun.size() > 4) {
            throw new UsageException("--webrtc-stun: at most four STUN servers");
        }
        List<java.net.InetSocketAddress> servers = new ArrayList<>();
        for (String s : stun) {
            int colon = s.lastIndexOf(':');
            String port = colon < 0 ? "" : s.substring(colon + 1);
            if (!port.matches("[0-9]{1,5}") || Integer.parseInt(port) < 1 || Integer.parseInt(port) > 65535) {
                throw new UsageException("--webrtc-stun: expected IP:PORT (an IPv4 address and a port), got " + s);
            }
            servers.add(new java.net.InetSocketAddress(ipv4("--webrtc-stun", s.substring(0, colon)), Integer.parseInt(port)));
        }
        if (turn.size() > 4) {
            throw new UsageException("--webrtc-turn: at most four TURN servers");
        }
        List<TurnServer> relays = new ArrayList<>();
        for (String t : turn) {
            int at = t.lastIndexOf('@');
            if (at > 0 && t.lastIndexOf(':', at) < 0) { // USER@IP:PORT: the password from the environment
                if (turnPassword == null || turnPassword.isEmpty()) {
                    throw new UsageException("--webrtc-turn " + t + ": no password: give USER:PASSWORD@IP:PORT or set "
                            + TURN_PASSWORD_VARIABLE);
                }
                t = t.substring(0, at) + ":" + turnPassword + t.substring(at);
            }
            try {
                relays.add(TurnServer.parse(t)); // its messages never hold the password
            } catch (IllegalArgumentException e) {
                throw new UsageException("--webrtc-turn: " + e.getMessage());
            }
        }
        try {
            return Optional.of(NodeConfig.WebRtc.defaults().withHostCandidates(addresses).withStunServers(servers)
                    .withTurnServers(relays));
        } catch (IllegalArgumentException e) {
            throw new UsageException("--webrtc-turn: " + e.getMessage());
        }
    }

    /** An IPv4 literal, parsed here and never looked up: InetAddress.getByName would ask DNS about a name. */
    private static java.net.InetAddress ipv4(String option, String text) {
        String[] parts = text.split("\\.", -1);
        byte[] ip = new byte[4];
        try {
            if (parts.length != 4) {
                throw new NumberFormatException(text);
            }
            for (int i = 0; i < 4; i++) {
                int octet = Integer.parseInt(parts[i]);
                if (octet < 0 || octet > 255 || !parts[i].matches("[0-9]{1,3}")) {
                    throw new NumberFormatException(parts[i]);
                }
                ip[i] = (byte) octet;
            }
            return java.net.InetAddress.getByAddress(ip);
        } catch (NumberFormatException | java.net.UnknownHostException e) {
            throw new UsageException(option + ": not an IPv4 address: " + text);
        }
    }

    /** {@code listen} with {@code /webrtc} last, if it is not among them. */
    static List<Multiaddr> withWebRtc(List<Multiaddr> listen) {
        if (listen.contains(NodeConfig.WEBRTC_LISTEN)) {
            return listen;
        }
        List<Multiaddr> out = new ArrayList<>(listen);
        out.add(NodeConfig.WEBRTC_LISTEN);
        return out;
    }

    /**
     * The private network's key: {@code --swarm-key}, else the repository's {@code swarm.key} if there
     * is one; none otherwise, which {@value PreSharedKey#FORCE_ENV}{@code =1} forbids.
     */
    private Optional<PreSharedKey> swarmKey(Console console, Map<String, String> environment) {
        Path file = swarmKey != null ? swarmKey : repo.root().resolve(SWARM_KEY_FILE);
        if (swarmKey == null && !java.nio.file.Files.isRegularFile(file)) {
            if (PreSharedKey.forcedBy(environment)) {
                throw new UsageException(PreSharedKey.FORCE_ENV + "=1 is set, but there is no swarm key: give "
                        + "--swarm-key FILE or put " + SWARM_KEY_FILE + " in " + repo.root());
            }
            return Optional.empty();
        }
        try {
            PreSharedKey key = PreSharedKey.read(file);
            console.info("p2pkit daemon: the swarm is limited to the private network of the swarm key " + file);
            console.info("Swarm key fingerprint: " + key.fingerprintHex());
            return Optional.of(key);
        } catch (DecodeException e) {
            throw new UsageException("--swarm-key: " + e.getMessage());
        } catch (java.io.IOException e) {
            throw new UsageException("--swarm-key: cannot read " + file + ": " + e.getMessage());
        }
    }

    /**
     * The relay service {@code --relay-service}, {@code --relay-asn-table} and
     * {@code --relay-max-reservations-per-asn} ask for (empty when it is off); a table that cannot be
     * read, a limit below 1, or either option without the service is a {@link UsageException}.
     */
    static Optional<RelayConfig> relayConfig(boolean service, Path asnTable, Integer perAsn) {
        if (!service) {
            if (asnTable != null || perAsn != null) {
                throw new UsageException((asnTable != null ? "--relay-asn-table" : "--relay-max-reservations-per-asn")
                        + " needs --relay-service");
            }
            return Optional.empty();
        }
        RelayConfig config = RelayConfig.defaults();
        if (asnTable == null && perAsn == null) {
            return Optional.of(config);
        }
        int limit = perAsn != null ? perAsn : config.maxReservationsPerAsn();
        if (limit < 1) {
            throw new UsageException("--relay-max-reservations-per-asn: at least 1, got " + limit);
        }
        AsnTable table = config.asnTable();
        if (asnTable != null) {
            try {
                table = AsnTable.load(asnTable);
            } catch (DecodeException e) {
                throw new UsageException("--relay-asn-table " + asnTable + ": " + e.getMessage());
            } catch (java.io.IOException e) {
                throw new UsageException("--relay-asn-table: cannot read " + asnTable + ": " + e.getMessage());
            }
        }
        return Optional.of(config.withMaxReservationsPerAsn(limit, table));
    }

    /** Kubo's {@code DefaultConnMgrHighWater}, which its computed limits use when none is set. */
    static final int KUBO_HIGH_WATER = 96;

    /**
     * Kubo's connection manager defaults ({@code DefaultConnMgrLowWater} 32, high 96, grace 20 s,
     * silence 10 s), which a Kubo user's daemon runs with when {@code Swarm.ConnMgr} sets nothing;
     * a library {@code Host} keeps go-libp2p's 160/192.
     */
    static final ConnectionManagerConfig KUBO_CONNECTIONS =
            new ConnectionManagerConfig(32, KUBO_HIGH_WATER, Duration.ofSeconds(20), Duration.ofSeconds(10));

    /**
     * The resource limits before {@code --limits}: Kubo's {@code Swarm.ResourceMgr.Enabled} false
     * (no limits), else the limits Kubo computes for its daemon ({@link KuboResourceLimits}: only
     * what others open is limited) from {@code Swarm.ResourceMgr.MaxMemory} (default half the JVM's
     * heap, where Kubo takes half the machine's memory) and {@code MaxFileDescriptors} (default half
     * the process's limit), with {@code Swarm.ConnMgr.HighWater} and {@code Type}.
     */
    static ResourceManagerConfig resourceLimits(RepoSettings file) {
        if (!file.flag("swarm.resourceMgr.enabled").orElse(true)) {
            return ResourceManagerConfig.unlimited();
        }
        Optional<Long> memory = file.size("swarm.resourceMgr.maxMemory");
        Optional<Integer> descriptors = file.count("swarm.resourceMgr.maxFileDescriptors");
        if (descriptors.isPresent() && descriptors.get() < 16) {
            throw new UsageException("config setting Swarm.ResourceMgr.MaxFileDescriptors (" + descriptors.get()
                    + ") leaves too few for a node: at least 16");
        }
        boolean trims = !file.text("swarm.connMgr.type").orElse("basic").strip().equals("none");
        return KuboResourceLimits.of(memory.orElse(Runtime.getRuntime().maxMemory() / 2),
                descriptors.map(Integer::longValue).orElse(ResourceManagerConfig.processFileDescriptorLimit() / 2),
                file.count("swarm.connMgr.highWater").orElse(KUBO_HIGH_WATER), trims);
    }

    /**
     * Kubo's {@code Swarm.RelayService} limits over the relay service's defaults (go-libp2p's, which
     * are Kubo's): ConnectionDurationLimit and ConnectionDataLimit (each relayed connection),
     * ReservationTTL, MaxReservations, MaxCircuits, BufferSize, MaxReservationsPerIP and, unless
     * {@code --relay-max-reservations-per-asn} was given, MaxReservationsPerASN. Zero is refused,
     * naming the key.
     */
    static RelayConfig relayLimits(RelayConfig r, RepoSettings file, boolean perAsnGiven) {
        String prefix = "swarm.relayService.";
        io.p2pkit.core.network.ConnectionLimit limit = r.limit().orElse(RelayConfig.DEFAULT_LIMIT);
        Duration duration = file.duration(prefix + "connectionDurationLimit").orElse(limit.duration());
        long data = file.count(prefix + "connectionDataLimit").map(Integer::longValue).orElse(limit.dataBytes());
        Duration ttl = file.duration(prefix + "reservationTTL").orElse(r.reservationTtl());
        int reservations = file.count(prefix + "maxReservations").orElse(r.maxReservations());
        int circuits = file.count(prefix + "maxCircuits").orElse(r.maxCircuits());
        int buffer = file.count(prefix + "bufferSize").orElse(r.bufferBytes());
        int perIp = file.count(prefix + "maxReservationsPerIP").orElse(r.maxReservationsPerIp());
        int perAsn = perAsnGiven ? r.maxReservationsPerAsn()
                : file.count(prefix + "maxReservationsPerASN").orElse(r.maxReservationsPerAsn());
        String[] names = {"ConnectionDurationLimit", "ConnectionDataLimit", "ReservationTTL", "MaxReservations",
                "MaxCircuits", "BufferSize", "MaxReservationsPerIP", "MaxReservationsPerASN"};
        long[] values = {duration.toMillis(), data, ttl.toSeconds(), reservations, circuits, buffer, perIp, perAsn};
        for (int i = 0; i < names.length; i++) {
            if (values[i] <= 0) {
                throw new UsageException("config setting Swarm.RelayService." + names[i] + " must be positive"
                        + (i == 2 ? " (at least 1s)" : ""));
            }
        }
        return new RelayConfig(ttl, reservations, perIp, circuits, buffer,
                Optional.of(new io.p2pkit.core.network.ConnectionLimit(duration, data)), r.acl(), r.reservationAddresses(),
                r.clock(), perAsn, r.asnTable());
    }

    /**
     * Which addresses to announce: each of {@code --announce}, {@code --append-announce} and
     * {@code --no-announce}, when given, else the repository's Addresses.Announce,
     * AppendAnnounce and NoAnnounce.
     */
    private io.p2pkit.core.host.AddressPolicy addressPolicy(RepoSettings file) {
        List<List<Multiaddr>> lists = new ArrayList<>();
        String[][] sources = {{"--announce", "addresses.announce"}, {"--append-announce", "addresses.appendAnnounce"},
                {"--no-announce", "addresses.noAnnounce"}};
        List<List<String>> given = List.of(announce, appendAnnounce, noAnnounce);
        for (int i = 0; i < sources.length; i++) {
            boolean fromOption = !given.get(i).isEmpty();
            List<String> texts = fromOption ? given.get(i) : file.list(sources[i][1]).orElse(List.of());
            List<Multiaddr> parsed = new ArrayList<>();
            for (String t : texts) {
                try {
                    parsed.add(Multiaddr.parse(t));
                } catch (DecodeException e) {
                    if (fromOption) {
                        throw new UsageException(sources[i][0] + ": not a multiaddr: " + t + " (" + e.getMessage() + ")");
                    }
                    throw file.bad(sources[i][1], "not a multiaddr: " + t + " (" + e.getMessage() + ")");
                }
            }
            lists.add(parsed);
        }
        try {
            return new io.p2pkit.core.host.AddressPolicy(lists.get(0), lists.get(1), lists.get(2));
        } catch (DecodeException e) {
            throw new UsageException("--no-announce: " + e.getMessage());
        }
    }

    /** Kubo's Swarm.AddrFilters from the repository's config, checked as Kubo checks them at start. */
    private static List<String> addressFilters(RepoSettings file) {
        List<String> masks = file.list("swarm.addrFilters").orElse(List.of());
        for (String m : masks) {
            try {
                io.p2pkit.node.AddressFilters.canonical(m);
            } catch (IllegalArgumentException e) {
                throw file.bad("swarm.addrFilters", "incorrectly formatted address filter in config: " + m);
            }
        }
        return masks;
    }

    /**
     * The transports of the options, their security protocols in the order of Kubo's
     * Swarm.Transports.Security when the repository's config sets it and {@code --security} is not
     * given, and their muxers in the order of Swarm.Transports.Multiplexers unless {@code --muxer} is.
     */
    private NodeConfig.Transports transports(RepoSettings file, boolean privateNetwork) {
        NodeConfig.Transports t = network(transport.config(), file, privateNetwork);
        if (!transport.securityGiven()) {
            List<String> order = securityOrder(file);
            t = order.isEmpty() ? t : t.withSecurity(order);
        }
        if (!transport.muxerGiven()) {
            List<String> order = muxerOrder(file);
            t = order.isEmpty() ? t : t.withMuxers(order);
        }
        return t;
    }

    /**
     * Kubo's Swarm.Transports.Network: TCP, Websocket, QUIC, WebTransport and WebRTCDirect each on
     * unless set false; a transport that is off is neither dialed nor listened on. As Kubo, one that
     * secures itself set true in a private network stops the start; unset, the listen addresses
     * leave it out there (with a note).
     */
    private static NodeConfig.Transports network(NodeConfig.Transports t, RepoSettings file, boolean privateNetwork) {
        try {
            return t.withNetwork(t.tcp() && file.flag("swarm.transports.network.tcp").orElse(true),
                    t.webSocket() && file.flag("swarm.transports.network.websocket").orElse(true),
                    selfSecured(t.quic(), "QUIC", file, privateNetwork),
                    selfSecured(t.webRtcDirect(), "WebRTCDirect", file, privateNetwork),
                    selfSecured(t.webTransport(), "WebTransport", file, privateNetwork));
        } catch (IllegalArgumentException e) {
            throw new UsageException("Swarm.Transports.Network: " + e.getMessage());
        }
    }

    /** Whether a transport that secures itself runs: on unless set false, and refused when set true in a private network. */
    private static boolean selfSecured(boolean on, String name, RepoSettings file, boolean privateNetwork) {
        Optional<Boolean> set = file.flag("swarm.transports.network." + name.toLowerCase(java.util.Locale.ROOT));
        if (privateNetwork && set.orElse(false)) {
            throw new UsageException(name.replace("WebRTCDirect", "WebRTC Direct") + " transport does not support "
                    + "private networks, please disable Swarm.Transports.Network." + name);
        }
        return on && set.orElse(true);
    }

    /**
     * Kubo's Swarm.Transports.Security: TLS (priority 100 unless set) and Noise (200), lower first
     * (TLS first on a tie), {@code false} leaving one out; empty when neither is set, which keeps
     * p2pkit's own order (Noise, then TLS).
     */
    private static List<String> securityOrder(RepoSettings file) {
        return byPriority(file, "tls", "swarm.transports.security.tls", 100, "noise", "swarm.transports.security.noise",
                200, "Swarm.Transports.Security turns off both TLS and Noise: a connection needs one");
    }

    /**
     * Kubo's Swarm.Transports.Multiplexers: yamux (Kubo's one, 100) and mplex (p2pkit's, which Kubo
     * removed; 200), lower first, yamux on a tie, {@code false} off; empty when neither is set.
     */
    private static List<String> muxerOrder(RepoSettings file) {
        return byPriority(file, "yamux", "swarm.transports.multiplexers.yamux", 100, "mplex",
                "swarm.transports.multiplexers.mplex", 200,
                "Swarm.Transports.Multiplexers turns off both yamux and mplex: a connection needs one");
    }

    /**
     * Two protocols by their priorities in the config file (lower first, the first named on a tie,
     * {@code false} off); empty when neither key is set.
     */
    private static List<String> byPriority(RepoSettings file, String first, String firstKey, long firstDefault,
                                           String second, String secondKey, long secondDefault, String noneLeft) {
        Optional<String> a = file.text(firstKey);
        Optional<String> b = file.text(secondKey);
        if (a.isEmpty() && b.isEmpty()) {
            return List.of();
        }
        long aPriority = priority(file, firstKey, a, firstDefault);
        long bPriority = priority(file, secondKey, b, secondDefault);
        List<String> order = new ArrayList<>();
        if (aPriority > 0) {
            order.add(first);
        }
        if (bPriority > 0) {
            order.add(bPriority < aPriority || aPriority < 0 ? 0 : order.size(), second);
        }
        if (order.isEmpty()) {
            throw file.bad(firstKey, noneLeft);
        }
        return order;
    }

    /** A priority of the config file: positive, or -1 for {@code false}; {@code dflt} when unset. */
    private static long priority(RepoSettings file, String key, Optional<String> text, long dflt) {
        if (text.isEmpty()) {
            return dflt;
        }
        if (text.get().equals("false")) {
            return -1;
        }
        try {
            long p = Long.parseLong(text.get());
            if (p > 0) {
                return p;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw file.bad(key, "'" + text.get() + "' is not a positive priority or false");
    }

    /**
     * Kubo's Internal.Bitswap knobs that p2pkit's Bitswap has: EngineTaskWorkerCount (tasks answered
     * at once), MaxOutstandingBytesPerPeer, ProviderSearchDelay (0: at once) and WantHaveReplaceSize.
     */
    private static io.p2pkit.ipfs.bitswap.BitswapConfig bitswapTuning(RepoSettings file,
                                                                    io.p2pkit.ipfs.bitswap.BitswapConfig c) {
        String workersKey = "internal.bitswap.engineTaskWorkerCount";
        String bytesKey = "internal.bitswap.maxOutstandingBytesPerPeer";
        int workers = file.count(workersKey).orElse(c.serverWorkers());
        if (workers < 1) {
            throw file.bad(workersKey, "at least 1 task worker is needed");
        }
        long bytes = file.count(bytesKey).map(Integer::longValue).orElse(c.maxQueuedBytesPerPeer());
        if (bytes < 1) {
            throw file.bad(bytesKey, "at least 1 byte per peer is needed");
        }
        int replace = file.count("internal.bitswap.wantHaveReplaceSize").orElse(c.haveReplaceLimit());
        String delayKey = "internal.bitswap.providerSearchDelay";
        Duration delay = file.duration(delayKey).map(d -> d.isZero() ? Duration.ofMillis(1) : d).orElse(c.providerDelay());
        if (delay.isNegative()) {
            throw file.bad(delayKey, "a wait cannot be negative");
        }
        return new io.p2pkit.ipfs.bitswap.BitswapConfig(c.serve(), c.maxWantsPerPeer(), bytes, c.serverBatch(), workers,
                c.maxBlockBytes(), replace, delay, c.blockTimeout(), c.rebroadcastInterval(), c.sendTimeout(),
                c.dagParallelism(), broadcastControl(file, c.broadcast()), httpRetrieval(file, c.http()), c.libp2p());
    }

    /**
     * Kubo's {@code HTTPRetrieval.*} over {@code d}: providers with an HTTPS address asked over
     * HTTP (Enabled), the hosts allowed and denied, requests in flight (NumWorkers, 0: the default),
     * the largest block (MaxBlockSize, a size string) and unchecked certificates (tests only).
     */
    static io.p2pkit.ipfs.bitswap.HttpRetrieval httpRetrieval(RepoSettings file, io.p2pkit.ipfs.bitswap.HttpRetrieval d) {
        String prefix = "httpRetrieval.";
        int workers = file.count(prefix + "numWorkers").filter(n -> n != 0).orElse(d.workers());
        if (workers > io.p2pkit.ipfs.bitswap.HttpRetrieval.MAX_WORKERS) {
            throw file.bad(prefix + "numWorkers", workers + " is over " + io.p2pkit.ipfs.bitswap.HttpRetrieval.MAX_WORKERS);
        }
        long max = file.size(prefix + "maxBlockSize").orElse((long) d.maxBlockSize());
        if (max < 1 || max > Integer.MAX_VALUE - 8) {
            throw file.bad(prefix + "maxBlockSize", max + " bytes is not a block size");
        }
        return new io.p2pkit.ipfs.bitswap.HttpRetrieval(file.flag(prefix + "enabled").orElse(d.enabled()),
                file.list(prefix + "allowlist").orElse(d.allowlist()), file.list(prefix + "denylist").orElse(d.denylist()),
                workers, (int) max, file.flag(prefix + "tlsInsecureSkipVerify").orElse(d.insecure()));
    }

    /** Kubo 0.36's Internal.Bitswap.BroadcastControl over {@code d}; MaxPeers -1 no bound, 0 no broadcast. */
    private static io.p2pkit.ipfs.bitswap.BroadcastControl broadcastControl(RepoSettings file,
                                                                           io.p2pkit.ipfs.bitswap.BroadcastControl d) {
        String prefix = "internal.bitswap.broadcastControl.";
        String maxKey = prefix + "maxPeers";
        int max = file.text(maxKey).map(t -> {
            try {
                return Integer.parseInt(t);
            } catch (NumberFormatException e) {
                throw file.bad(maxKey, "'" + t + "' is not an integer");
            }
        }).orElse(d.maxPeers());
        if (max < -1) {
            throw file.bad(maxKey, max + ": -1 (no bound), 0 (no broadcast) or a number of peers");
        }
        return new io.p2pkit.ipfs.bitswap.BroadcastControl(file.flag(prefix + "enable").orElse(d.enabled()), max,
                file.flag(prefix + "localPeers").orElse(d.localPeers()),
                file.flag(prefix + "peeredPeers").orElse(d.peeredPeers()),
                file.count(prefix + "maxRandomPeers").orElse(d.maxRandomPeers()),
                file.flag(prefix + "sendToPendingPeers").orElse(d.sendToPendingPeers()));
    }

    /** Kubo's Peering.Peers from the repository's config: the peers the daemon keeps connected. */
    private static List<PeerInfo> peering(RepoSettings file) {
        return file.text(io.p2pkit.node.config.PeeringConfig.FILE_KEY).map(text -> {
            try {
                return io.p2pkit.node.config.PeeringConfig.peers(text);
            } catch (IllegalArgumentException e) { // KuboConfig's EditException among them
                throw file.bad(io.p2pkit.node.config.PeeringConfig.FILE_KEY, e.getMessage());
            }
        }).orElse(List.of());
    }

    /** The node the options describe, over the repository's config file; a wrong option is a {@link UsageException}. */
    NodeConfig config(Console console) throws java.io.IOException {
        RepoSettings file = RepoSettings.read(repo.root());
        autoConf = AutoConfSettings.forDaemon(file, repo.root(), console);
        Optional<PreSharedKey> psk = swarmKey(console, System.getenv());
        NodeConfig.Transports transports = transports(file, psk.isPresent());
        // QUIC, WebTransport and WebRTC-direct cannot carry a private network: not listened on in one
        List<Multiaddr> listen = listenAddresses(console, psk.isPresent(), transports);
        List<PeerInfo> bootstrap = bootstrapOption.peers();
        if (bootstrap.isEmpty()) {
            List<PeerInfo> stored = new ArrayList<>();
            for (String a : autoConf.bootstrap(file.list("bootstrap").orElse(List.of()))) {
                try {
                    stored.add(PeerInfo.parse(a));
                } catch (DecodeException e) {
                    throw file.bad("bootstrap", e.getMessage());
                }
            }
            bootstrap = stored;
        }
        Optional<Role> chosen;
        try {
            chosen = Optional.ofNullable(role).map(Role::parse);
        } catch (IllegalArgumentException e) {
            throw new UsageException("--role: " + e.getMessage());
        }
        String dhtText = dht != null || chosen.isPresent() ? dht : file.text("routing.type").map(t -> switch (t) {
            case "auto", "dht" -> "auto";
            case "autoclient", "dhtclient" -> "client";
            case "dhtserver" -> "server";
            case "none" -> "off";
            default -> throw file.bad("routing.type", "'" + t + "' is not auto, autoclient, dht, dhtclient, "
                    + "dhtserver or none");
        }).orElse(null);
        Optional<Mode> dhtMode = dhtText == null && chosen.isPresent() ? Optional.of(chosen.get().dhtMode())
                : DhtOptions.parse(Optional.ofNullable(dhtText));
        // the repository's key, which init made and the keystore calls self ($P2PKIT_HOME's unless --repo-dir)
        Path identityPath = identity.file().orElse(repo.root().resolve("identity.key"));
        PrivateKey key = identity.keyOr(identityPath, console, "daemon", KeyType.ED25519);

        ResourceManagerConfig limits = resourceLimits(file);
        if (limitsFile != null) {
            try {
                limits = LimitsFile.read(Path.of(limitsFile), limits);
            } catch (DecodeException e) {
                throw new UsageException("--limits: " + e.getMessage());
            } catch (java.io.IOException e) {
                throw new UsageException("--limits: cannot read " + limitsFile + ": " + e.getMessage());
            }
        }
        ConnectionManagerConfig fit = KUBO_CONNECTIONS.fittedTo(limits);
        int[] preset = chosen.flatMap(Role::connectionWatermarks).orElse(new int[]{fit.lowWater(), fit.highWater()});
        Integer lowGiven = connLow != null ? Integer.valueOf(nonNegative("conn-low", connLow))
                : file.count("swarm.connMgr.lowWater").orElse(null);
        Integer highGiven = connHigh != null ? Integer.valueOf(nonNegative("conn-high", connHigh))
                : file.count("swarm.connMgr.highWater").orElse(null);
        int low = lowGiven != null ? lowGiven : Math.min(preset[0], fit.lowWater());
        int high = highGiven != null ? highGiven : Math.min(preset[1], fit.highWater());
        Duration grace = connGrace != null ? connGrace
                : file.duration("swarm.connMgr.gracePeriod").orElse(fit.gracePeriod());
        if (low > high) {
            if (lowGiven != null && highGiven != null) {
                throw new UsageException("--conn-low " + low + " is above --conn-high " + high);
            }
            low = Math.min(low, high); // only one was given: keep the other consistent with it
        }
        NodeConfig.Builder b = NodeConfig.builder().identity(key).listen(listen).bootstrap(bootstrap)
                .addressPolicy(addressPolicy(file)).addressFilters(addressFilters(file)).peering(peering(file))
                .agentVersion(agentVersion(file)).perf(enablePerf)
                .streamMounting(enableStreamMounting || file.flag("experimental.libp2pStreamMounting").orElse(false))
                .portMapping(!noPortMapping && !file.flag("swarm.disableNatPortMap").orElse(false)).transports(transports)
                .limits(limits).connections(connections(file, low, high, grace, lowGiven, highGiven))
                .privateNetwork(psk.orElse(null));
        if (portMappingLease != null) {
            if (portMappingLease.toSeconds() < 2) {
                throw new UsageException("--port-mapping-lease: at least 2s, got " + portMappingLease);
            }
            b.portMappingLease(portMappingLease);
        }
        // Kubo's Swarm.Transports.Network.Relay: off, no /p2p-circuit is dialed or listened on, and the
        // relay client and service, which need it, are off too (asking for them stops the start, as Kubo's)
        boolean relayTransport = file.flag("swarm.transports.network.relay").orElse(true);
        boolean serveRelay = relayService || file.flag("swarm.relayService.enabled").orElse(false);
        Optional<Boolean> relayClientSet = file.flag("swarm.relayClient.enabled");
        if (!relayTransport) {
            if (serveRelay) {
                throw new UsageException("failed to enable Swarm.RelayService: it requires Swarm.Transports.Network.Relay "
                        + "to be true");
            }
            if (relayClientSet.orElse(false)) {
                throw new UsageException("failed to enable Swarm.RelayClient: it requires Swarm.Transports.Network.Relay "
                        + "to be true");
            }
            if (!staticRelays.isEmpty()) {
                throw new UsageException("--static-relay needs the relay transport, which Swarm.Transports.Network.Relay "
                        + "turns off");
            }
            if (listen.stream().anyMatch(a -> a.toString().contains("/p2p-circuit"))) {
                throw new UsageException("cannot listen on a relayed address: Swarm.Transports.Network.Relay is false");
            }
        }
        b.relayClient(relayTransport);
        boolean relayClientOn = relayClientSet.orElse(relayTransport);
        relayConfig(serveRelay, relayAsnTable, relayMaxPerAsn).map(r -> relayLimits(r, file, relayMaxPerAsn != null))
                .ifPresent(b::relayService);
        if (!noMdns && file.flag("discovery.mdns.enabled").orElse(true)) {
            b.mdns(MdnsConfig.defaults().withMaxConnections(MDNS_CONNECTIONS));
        }
        if (rendezvousServer) {
            b.rendezvousServer(identityPath.toAbsolutePath().resolveSibling("rendezvous.mv"));
        }
        if (!rendezvousPoints.isEmpty()) {
            List<PeerInfo> points = new ArrayList<>();
            for (String p : rendezvousPoints) {
                try {
                    Multiaddr a = Multiaddr.parse(p);
                    PeerId id = a.peerId().orElseThrow(
                            () -> new UsageException("--rendezvous: " + p + " does not end in /p2p/<point>"));
                    points.add(new PeerInfo(id, List.of(a.withoutPeerId())));
                } catch (IllegalArgumentException e) { // a DecodeException among them
                    throw new UsageException("--rendezvous: " + e.getMessage());
                }
            }
            try {
                b.rendezvous(new RendezvousDiscovery.Config(points, rendezvousNamespace,
                        RendezvousDiscovery.Config.DEFAULT_INTERVAL, high));
            } catch (IllegalArgumentException e) {
                throw new UsageException("--rendezvous-ns: " + e.getMessage());
            }
        } else if (!rendezvousNamespace.equals(RendezvousDiscovery.Config.DEFAULT_NAMESPACE)) {
            throw new UsageException("--rendezvous-ns needs --rendezvous");
        }
        Optional<String> punchingSet = holePunching != null ? Optional.of(holePunching)
                : file.flag("swarm.enableHolePunching").map(on -> on ? "enabled" : "disabled");
        String punching = punchingSet.orElse("enabled");
        boolean punch = switch (punching) {
            case "enabled" -> true;
            case "disabled" -> false;
            default -> throw new UsageException("--hole-punching: expected enabled or disabled, not " + punching);
        };
        if (punch && !relayClientOn && staticRelays.isEmpty()) {
            // as Kubo: hole punching starts from a relayed connection, so without the relay client it is off,
            // and asking for both is an error that names them (Kubo 0.43 stops with it)
            if (punchingSet.isPresent()) {
                throw new UsageException("failed to enable Swarm.EnableHolePunching: it requires Swarm.RelayClient.Enabled "
                        + "to be true");
            }
            punch = false;
        }
        b.holePunching(punch);
        if (noAutoRelay || staticRelays.isEmpty() && !relayClientOn) {
            if (!staticRelays.isEmpty()) {
                throw new UsageException("--static-relay needs AutoRelay, which --no-auto-relay turns off");
            }
            b.withoutAutoRelay();
        } else {
            List<Multiaddr> relays = new ArrayList<>();
            for (String r : staticRelays) {
                try {
                    Multiaddr a = Multiaddr.parse(r);
                    if (a.peerId().isEmpty()) {
                        throw new UsageException("--static-relay: " + r + " does not end in /p2p/<relay>");
                    }
                    relays.add(a);
                } catch (IllegalArgumentException e) { // a DecodeException among them
                    throw new UsageException("--static-relay: " + e.getMessage());
                }
            }
            b.autoRelay(AutoRelayConfig.defaults().withStaticRelays(relays));
        }
        String natService = autoNatService != null ? autoNatService : file.text("autonat.serviceMode").orElse("enabled");
        b.autoNat(io.p2pkit.nat.autonat.AutoNatConfig.defaults().withServiceMode(switch (natService) {
            case "enabled" -> io.p2pkit.nat.autonat.AutoNatConfig.ServiceMode.ENABLED;
            case "disabled" -> io.p2pkit.nat.autonat.AutoNatConfig.ServiceMode.DISABLED;
            default -> throw new UsageException("--autonat-service: expected enabled or disabled, not " + natService);
        }));
        if (metricsOption != null) {
            try {
                b.metrics(MetricsServer.parseAddress(metricsOption));
            } catch (IllegalArgumentException e) {
                throw new UsageException("--metrics: " + e.getMessage());
            }
        }
        // Providers are kept next to the identity, so a restart keeps what the node provides.
        dhtMode.ifPresent(m -> b.dht(NodeConfig.Dht.of(m).withProtocolPrefix(dhtPrefix != null ? dhtPrefix : "/ipfs")
                .withProviderStore(identityPath.toAbsolutePath().resolveSibling("kad-providers.log"))));
        boolean ipnsPubsub = namesysPubsub != null ? namesysPubsub : file.flag("ipns.usePubsub").orElse(false);
        boolean pubsubOn = enablePubsub != null ? enablePubsub : file.flag("pubsub.enabled").orElse(false);
        if (pubsubOn || !subscribe.isEmpty() || pubsubOptions.routerGiven() || ipnsPubsub) {
            b.pubsub(pubsub(file));
        }
        b.ipnsPubsub(ipnsPubsub);
        b.delegatedRouters(delegatedRouters(file, console));
        b.delegatedPublishers(delegatedPublishers(file));
        b.ignoredProviders(ignoredProviders(file));
        try {
            b.fixedNames(io.p2pkit.node.names.NameCache.fixedNames(System.getenv(io.p2pkit.node.names.NameCache.NS_MAP_VARIABLE)));
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
        b.ipnsRepublish(ipnsRepublish(file));
        b.ipnsCache(ipnsCache(file));
        b.dnsResolvers(dnsResolvers(file, autoConf));
        Optional<NodeConfig.WebRtc> browserToBrowser = webRtcConfig(webRtc, webRtcCandidates, webRtcStun, webRtcTurn, listen,
                psk.isPresent(), System.getenv(TURN_PASSWORD_VARIABLE));
        if (browserToBrowser.isPresent()) {
            b.webRtc(browserToBrowser.get()).listen(withWebRtc(listen));
        }
        Path root = repo.root();
        if (Repository.isInitialized(root)) {
            try {
                io.p2pkit.ipfs.repo.ImportSettings.options(file.stored()); // refused at start, as Kubo's node does
            } catch (IllegalArgumentException e) {
                throw new UsageException("the repository's config: " + e.getMessage());
            }
            NodeConfig.Content content = NodeConfig.Content.of(root);
            if (chosen.isPresent()) {
                content = content.withRole(chosen.get());
            }
            // Kubo's Bitswap.ServerEnabled: false answers DONT_HAVE to every want; set, it wins over a role's preset
            // as Provide.Strategy does
            Optional<Boolean> serve = file.flag("bitswap.serverEnabled");
            if (serve.isPresent()) {
                content = content.withBitswap(content.bitswap().withServe(serve.get()));
            }
            // Kubo's Bitswap.Libp2pEnabled: false, no Bitswap protocol at all (HTTP retrieval alone fetches)
            content = content.withBitswap(content.bitswap().withLibp2p(file.flag("bitswap.libp2pEnabled").orElse(true)));
            content = content.withBitswap(bitswapTuning(file, content.bitswap()));
            try {
                ReprovideStrategy strategy = reprovideStrategy != null ? ReprovideStrategy.parse(reprovideStrategy)
                        : file.text("reprovider.strategy").map(t -> {
                            try {
                                return ReprovideStrategy.parse(t);
                            } catch (IllegalArgumentException e) {
                                throw file.bad("reprovider.strategy", e.getMessage());
                            }
                        }).orElse(content.reprovide());
                Duration interval = reprovideInterval != null ? reprovideInterval
                        : file.duration("reprovider.interval").orElse(content.reprovideInterval());
                Duration validity = io.p2pkit.kad.provider.ProviderStore.Limits.defaults().expiry();
                if (interval.compareTo(validity) > 0) {
                    throw new UsageException("Provide.DHT.Interval (" + io.p2pkit.node.config.GoDurations.format(interval)
                            + ") must be less than or equal to DHT provider record validity ("
                            + io.p2pkit.node.config.GoDurations.format(validity) + ")");
                }
                if (interval.isZero() && reprovideInterval == null || !file.flag("provide.enabled").orElse(true)
                        && reprovideStrategy == null) {
                    // Kubo's Provide.Enabled false, or Provide.DHT.Interval "0": nothing is announced
                    strategy = ReprovideStrategy.NONE;
                    interval = content.reprovideInterval();
                }
                content = content.withReprovide(strategy, interval);
            } catch (IllegalArgumentException e) {
                throw new UsageException("--reprovider-strategy: " + e.getMessage());
            }
            // Kubo's Provide.DHT.MaxWorkers; its 0 (no bound, in its legacy provider) is p2pkit's most
            int workers = file.count("provide.dht.maxWorkers").orElse(content.provideWorkers());
            content = content.withProvideWorkers(workers == 0 ? io.p2pkit.node.exchange.Reprovider.MAX_PARALLELISM
                    : Math.min(workers, io.p2pkit.node.exchange.Reprovider.MAX_PARALLELISM));
            content = content.withSweep(sweep(file));
            Optional<NodeConfig.Gc> gc = enableGc ? gc(file) : Optional.empty();
            if (gc.isPresent()) {
                content = content.withGc(gc.get());
            }
            b.content(content);
            Map<String, String> stored = Repository.readConfig(root).other();
            b.apiAccess(apiAccess(stored));
            b.gatewayHosts(gatewayHosts(stored));
            b.gatewayOptions(gatewayOptions(file));
            http("--api", api, stored.getOrDefault(API_KEY, HttpAddress.multiaddr(NodeConfig.Http.DEFAULT_API)))
                    .ifPresent(at -> b.api(NodeConfig.Http.api(at)));
            http("--gateway", gateway, stored.getOrDefault(GATEWAY_KEY,
                    HttpAddress.multiaddr(NodeConfig.Http.DEFAULT_GATEWAY)))
                    .ifPresent(at -> b.gateway(NodeConfig.Http.gateway(at)));
        } else {
            http("--api", api, "off").ifPresent(at -> b.api(NodeConfig.Http.api(at)));
            http("--gateway", gateway, "off").ifPresent(at -> b.gateway(NodeConfig.Http.gateway(at)));
            console.info("p2pkit daemon: no repository at " + root + ": running without content (run 'p2pkit init' "
                    + "to serve and fetch blocks)");
        }
        return b.build();
    }

    /**
     * The connection manager: the watermarks, or none that trims where Kubo's
     * {@code Swarm.ConnMgr.Type} is {@code none} and no watermark is set anyway.
     */
    private static ConnectionManagerConfig connections(RepoSettings file, int low, int high, Duration grace,
                                                       Integer lowGiven, Integer highGiven) {
        String type = file.text("swarm.connMgr.type").orElse("basic").strip();
        switch (type) {
            case "basic", "" -> {
                // Kubo's Swarm.ConnMgr.SilencePeriod: at most one trim per period (10s by default)
                Duration silence = file.duration("swarm.connMgr.silencePeriod")
                        .orElse(KUBO_CONNECTIONS.silencePeriod());
                return new ConnectionManagerConfig(low, high, grace, silence);
            }
            case "none" -> {
                if (lowGiven != null || highGiven != null) {
                    throw new UsageException("the repository's config sets swarm.connMgr.type to none (no trimming) "
                            + "and a watermark too: drop one");
                }
                return ConnectionManagerConfig.none();
            }
            default -> throw file.bad("swarm.connMgr.type", "basic or none, got " + type);
        }
    }

    /**
     * The RPC API's access rules from the repository's config, as Kubo's {@code API.HTTPHeaders}
     * and {@code API.Authorizations}:
     * <pre>
     * api.allowedOrigins              = https://webui.example, https://other.example   (or *)
     * api.httpHeaders                 = {"Access-Control-Allow-Credentials":["true"],"X-A":["1"]}
     * api.authorization.NAME.secret   = bearer:TOKEN   (or basic:USER:PASSWORD)
     * api.authorization.NAME.paths    = /api/v0/id, /api/v0/cat   (or /api/v0 for every command)
     * </pre>
     * The CLI reads the secrets here too, when a daemon asks it for one.
     *
     * @param stored the repository config's keys
     * @return the rules
     * @throws UsageException when a key is malformed, naming it
     */
    public static NodeConfig.ApiAccess apiAccess(Map<String, String> stored) {
        Map<String, List<String>> headers = new java.util.LinkedHashMap<>();
        String headersText = stored.get("api.httpHeaders");
        if (headersText != null) {
            try {
                headers.putAll(io.p2pkit.node.config.KuboConfig.httpHeaders("API.HTTPHeaders", headersText));
            } catch (IllegalArgumentException e) {
                throw new UsageException("the repository's config: api.httpHeaders: " + e.getMessage());
            }
        }
        List<String> origins = new ArrayList<>(split(stored.getOrDefault("api.allowedOrigins", "")));
        // an origin written into the JSON by hand counts too
        headers.keySet().stream().filter(n -> n.equalsIgnoreCase(io.p2pkit.node.config.KuboConfig.ALLOW_ORIGIN))
                .toList().forEach(n -> origins.addAll(headers.remove(n)));
        List<NodeConfig.ApiAccess.Authorization> authorizations = new ArrayList<>();
        String prefix = "api.authorization.";
        for (Map.Entry<String, String> e : new java.util.TreeMap<>(stored).entrySet()) {
            if (!e.getKey().startsWith(prefix) || !e.getKey().endsWith(".secret")) {
                continue;
            }
            String name = e.getKey().substring(prefix.length(), e.getKey().length() - ".secret".length());
            String paths = stored.get(prefix + name + ".paths");
            if (paths == null) {
                throw new UsageException("the repository's config has " + e.getKey() + " but no " + prefix + name
                        + ".paths (which commands it opens, /api/v0 for all)");
            }
            try {
                authorizations.add(new NodeConfig.ApiAccess.Authorization(name, e.getValue(), split(paths)));
            } catch (IllegalArgumentException x) {
                throw new UsageException("the repository's config: " + x.getMessage());
            }
        }
        try {
            return new NodeConfig.ApiAccess(origins, authorizations, headers);
        } catch (IllegalArgumentException e) {
            throw new UsageException("the repository's config: api.httpHeaders: " + e.getMessage());
        }
    }

    /** Kubo's {@code Gateway.NoFetch} and its neighbours from the repository's config; the defaults where unset. */
    static io.p2pkit.node.config.GatewayOptions gatewayOptions(RepoSettings file) {
        io.p2pkit.node.config.GatewayOptions d = io.p2pkit.node.config.GatewayOptions.DEFAULT;
        Map<String, List<String>> headers = file.text("gateway.httpHeaders").map(t -> {
            try {
                return d.withHttpHeaders(io.p2pkit.node.config.KuboConfig.httpHeaders(t)).httpHeaders(); // checked
            } catch (IllegalArgumentException e) {
                throw file.bad("gateway.httpHeaders", e.getMessage());
            }
        }).orElse(d.httpHeaders());
        return new io.p2pkit.node.config.GatewayOptions(
                file.flag("gateway.noFetch").orElse(d.noFetch()),
                file.flag("gateway.deserializedResponses").orElse(d.deserializedResponses()),
                file.duration("gateway.retrievalTimeout").orElse(d.retrievalTimeout()),
                file.count("gateway.maxConcurrentRequests").orElse(d.maxConcurrentRequests()),
                file.size("gateway.maxRangeRequestFileSize").orElse(d.maxRangeRequestFileSize()),
                file.flag("gateway.exposeRoutingAPI").orElse(d.exposeRoutingApi()),
                headers, file.text("gateway.rootRedirect").orElse(d.rootRedirect()),
                file.flag("gateway.disableHTMLErrors").orElse(d.disableHtmlErrors()));
    }

    /**
     * The gateway's hostnames from the repository's config, as Kubo's {@code Gateway.PublicGateways}
     * and {@code Gateway.NoDNSLink} (keys below; {@code localhost} is a subdomain gateway unless
     * set otherwise):
     * <pre>
     * gateway.noDNSLink                          = false
     * gateway.publicGateways.HOST.paths          = /ipfs, /ipns
     * gateway.publicGateways.HOST.useSubdomains  = true
     * gateway.publicGateways.HOST.noDNSLink      = false
     * gateway.publicGateways.HOST.inlineDNSLink  = false
     * gateway.publicGateways.HOST.deserializedResponses = false  (unset: as Gateway.DeserializedResponses)
     * gateway.publicGateways.HOST                = off   (removes HOST, such as the default localhost)
     * </pre>
     */
    static io.p2pkit.node.config.GatewayHosts gatewayHosts(Map<String, String> stored) {
        io.p2pkit.node.config.GatewayHosts hosts = io.p2pkit.node.config.GatewayHosts.DEFAULT
                .withNoDnsLink(Boolean.parseBoolean(stored.getOrDefault("gateway.noDNSLink", "false")));
        String prefix = "gateway.publicGateways.";
        java.util.Set<String> names = new java.util.TreeSet<>();
        for (String key : stored.keySet()) {
            if (!key.startsWith(prefix)) {
                continue;
            }
            String rest = key.substring(prefix.length());
            boolean field = false;
            for (String f : List.of(".paths", ".useSubdomains", ".noDNSLink", ".inlineDNSLink", ".deserializedResponses")) {
                if (rest.endsWith(f)) {
                    names.add(rest.substring(0, rest.length() - f.length()));
                    field = true;
                }
            }
            if (!field) {
                if (!stored.get(key).strip().equals("off")) {
                    throw new UsageException("the repository's config: " + key + " must be 'off' or have a field "
                            + "(.paths, .useSubdomains, .noDNSLink, .inlineDNSLink, .deserializedResponses)");
                }
                hosts = hosts.with(rest, null);
            }
        }
        for (String name : names) {
            String p = prefix + name + ".";
            List<String> paths = split(stored.getOrDefault(p + "paths", ""));
            if (paths.isEmpty()) {
                throw new UsageException("the repository's config has " + p + "* but no " + p + "paths (/ipfs, /ipns)");
            }
            hosts = hosts.with(name, new io.p2pkit.node.config.GatewayHosts.PublicGateway(paths,
                    Boolean.parseBoolean(stored.getOrDefault(p + "useSubdomains", "false")),
                    Boolean.parseBoolean(stored.getOrDefault(p + "noDNSLink", "false")),
                    Boolean.parseBoolean(stored.getOrDefault(p + "inlineDNSLink", "false")),
                    stored.containsKey(p + "deserializedResponses")
                            ? Boolean.parseBoolean(stored.get(p + "deserializedResponses").strip()) : null));
        }
        return hosts;
    }

    /**
     * Whether {@code address} is a QUIC or WebTransport listener on IPv6 whose UDP port an IPv4
     * one in {@code listed} also takes: both can bind only where IPv6 sockets are IPv6-only
     * ({@link io.p2pkit.quic.QuicTransport#separatesIpFamilies}), as {@link NodeConfig#defaultListen}
     * knows for the defaults.
     */
    static boolean sharesUdpPortWithIp4(String address, List<String> listed) {
        if (!address.startsWith("/ip6/") || !address.contains("/quic")) {
            return false;
        }
        String port = udpPort(address);
        return port != null && listed.stream()
                .anyMatch(b -> b.startsWith("/ip4/") && b.contains("/quic") && port.equals(udpPort(b)));
    }

    private static String udpPort(String address) {
        int i = address.indexOf("/udp/");
        if (i < 0) {
            return null;
        }
        int end = address.indexOf('/', i + 5);
        return address.substring(i + 5, end < 0 ? address.length() : end);
    }

    private static List<String> split(String list) {
        return java.util.Arrays.stream(list.split(",")).map(String::strip).filter(x -> !x.isEmpty()).toList();
    }

    /** The address an HTTP server listens on: the option, else the default; empty when it is 'off'. */
    private static Optional<java.net.InetSocketAddress> http(String option, String given, String fallback) {
        String text = given != null ? given : fallback;
        if (text.equals("off") || text.equals("none") || text.isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(HttpAddress.parse(text));
        } catch (IllegalArgumentException e) {
            throw new UsageException((given != null ? option : "the repository's " + (option.equals("--api")
                    ? API_KEY : GATEWAY_KEY)) + ": " + e.getMessage());
        }
    }

    /** Prints what the node tells, as JSON lines or text. */
    private record Events(Console console, boolean json, CountDownLatch done, List<IpnsPreload.Entry> records,
                          Optional<Mounting> mounting, java.util.concurrent.atomic.AtomicBoolean failed)
            implements NodeListener {
        /** The {@code --ipns-record} records go into the DHT's store before the gateway serves. */
        @Override
        public void beforeServing(Node node) {
            node.dht().ifPresent(dht -> records.forEach(r -> r.putInto(dht)));
        }

        /**
         * Stops the node on SIGINT or SIGTERM (from before "ready" is printed), then says it is ready.
         * The RPC API's {@code shutdown} stops it too, which ends {@link #run()} as SIGINT does.
         */
        @Override
        public void ready(Node node) {
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                if (done.getCount() == 0) {
                    return; // already stopped (the RPC API's shutdown): the process is exiting because of it
                }
                console.info("p2pkit daemon: stopping");
                try {
                    node.close(); // prints "stopped" and ends run()
                } catch (RuntimeException e) {
                    console.info("p2pkit daemon: error while stopping: " + e);
                    done.countDown();
                }
            }, "p2pkit-shutdown"));
            if (mounting.isPresent() && !mount(node, mounting.get())) {
                return;
            }
            List<String> addrs = node.addresses().stream().map(Multiaddr::toString).toList();
            Map<String, Object> ready = new LinkedHashMap<>();
            ready.put("event", "ready");
            ready.put("peerId", node.peerId().toString());
            ready.put("addrs", addrs);
            StringBuilder text = new StringBuilder("p2pkit daemon is ready\npeer ID: " + node.peerId());
            addrs.forEach(a -> text.append("\nlistening on ").append(a));
            node.content().ifPresent(c -> {
                ready.put("repo", c.repository().root().toString());
                ready.put("bitswap", c.bitswap().config().serve() ? "serving" : "fetching only");
                text.append("\nrepository ").append(c.repository().root()).append(" (Bitswap ")
                        .append(c.bitswap().config().serve() ? "serving" : "fetching only").append(")");
            });
            node.apiAddress().ifPresent(bound -> {
                ready.put("api", HttpAddress.url(bound));
                text.append("\nRPC API server listening on ").append(HttpAddress.multiaddr(bound));
                node.content().ifPresent(c -> writeApiFile(c.repository().root(), bound));
            });
            node.gatewayAddress().ifPresent(bound -> {
                ready.put("gateway", HttpAddress.url(bound));
                text.append("\ngateway server listening on ").append(HttpAddress.multiaddr(bound));
            });
            node.metricsAddress().ifPresent(bound -> {
                String url = "http://" + (bound.getAddress() instanceof java.net.Inet6Address
                        ? "[" + bound.getAddress().getHostAddress() + "]" : bound.getAddress().getHostAddress())
                        + ":" + bound.getPort() + MetricsServer.PATHS.get(0);
                ready.put("metrics", url);
                text.append("\nmetrics at ").append(url);
            });
            node.mdns().ifPresent(m -> {
                ready.put("mdns", m.interfaceNames());
                text.append("\nmDNS discovery on ").append(String.join(", ", m.interfaceNames()));
            });
            node.portMapper().ifPresent(pm -> {
                ready.put("portMapping", "on");
                text.append("\nport mapping on the default gateway: on (NAT-PMP, UPnP IGD)");
                pm.addListener(external -> {
                    Map<String, Object> e = new LinkedHashMap<>();
                    e.put("event", "portMapping");
                    e.put("external", external.stream().map(Multiaddr::toString).toList());
                    event(e, "port mapping: external addresses " + external + " (" + pm.mapper().status().detail() + ")");
                });
            });
            mounting.ifPresent(m -> {
                ready.put("mounts", Map.of("IPFS", m.at().ipfs(), "IPNS", m.at().ipns(), "MFS", m.at().mfs()));
                text.append("\nIPFS mounted at: ").append(m.at().ipfs()).append("\nIPNS mounted at: ")
                        .append(m.at().ipns()).append("\nMFS mounted at: ").append(m.at().mfs());
            });
            event(ready, text.toString());
        }

        /** {@code --mount}: false, with the node stopped and the error said, when it cannot be done. */
        private boolean mount(Node node, Mounting m) {
            try {
                FuseMounts.mount(node, m.at(), m.allowOther(), false);
                return true;
            } catch (java.io.IOException | RuntimeException e) {
                console.info("p2pkit daemon: error: --mount: " + e.getMessage());
                failed.set(true);
                node.close();
                return false;
            }
        }

        @Override
        public void warning(String message) {
            console.info("p2pkit daemon: warning: " + message);
        }

        @Override
        public void connected(Connection c) {
            event(connectionEvent("connected", c), "connected " + c);
        }

        @Override
        public void disconnected(Connection c) {
            event(connectionEvent("disconnected", c), "disconnected " + c);
        }

        @Override
        public void holePunch(HolePunchEvent e) {
            Map<String, Object> o = new LinkedHashMap<>();
            o.put("event", "holePunch");
            o.put("peerId", e.peer().toString());
            o.put("role", e.role().name().toLowerCase());
            o.put("outcome", e.outcome().name().toLowerCase());
            o.put("attempts", e.attempts());
            e.direct().ifPresent(a -> o.put("addr", a.toString()));
            o.put("elapsedMs", e.elapsed().toMillis());
            event(o, "hole punching with " + e.peer() + ": " + e.detail());
        }

        @Override
        public void discovered(PeerInfo peer) {
            Map<String, Object> o = new LinkedHashMap<>();
            o.put("event", "discovered");
            o.put("peerId", peer.peerId().toString());
            o.put("addrs", peer.addresses().stream().map(Multiaddr::toString).toList());
            event(o, "mDNS found " + peer.peerId() + " at " + peer.addresses());
        }

        @Override
        public void identified(IdentifyResult r) {
            Map<String, Object> o = new LinkedHashMap<>();
            o.put("event", "identified");
            o.put("peerId", r.peerId().toString());
            o.put("agentVersion", r.agentVersion());
            o.put("protocols", r.protocols());
            o.put("listenAddrs", r.listenAddrs().stream().map(Multiaddr::toString).toList());
            event(o, "identified " + r.peerId() + " (" + r.agentVersion() + ")");
        }

        @Override
        public void bootstrapFailed(PeerInfo peer, Exception e) {
            Map<String, Object> o = new LinkedHashMap<>();
            o.put("event", "bootstrap-failed");
            o.put("peerId", peer.peerId().toString());
            o.put("error", String.valueOf(e.getMessage()));
            event(o, "bootstrap to " + peer.peerId() + " failed: " + e.getMessage());
        }

        @Override
        public void dhtBootstrapped(KadDht d, int reached) {
            Map<String, Object> o = new LinkedHashMap<>();
            o.put("event", "dht-bootstrapped");
            o.put("mode", d.effectiveMode().name().toLowerCase(java.util.Locale.ROOT));
            o.put("bootstrapPeers", reached);
            o.put("routingTable", d.routingTable().size());
            event(o, "DHT (" + o.get("mode") + ") bootstrapped: " + reached
                    + " bootstrap peers, " + o.get("routingTable") + " peers in the routing table");
        }

        @Override
        public void dhtBootstrapFailed(Exception e) {
            event(Map.of("event", "dht-bootstrap-failed", "error", String.valueOf(e.getMessage())),
                    "DHT bootstrap failed: " + e.getMessage());
        }

        @Override
        public void message(PubsubMessage m) {
            PubsubOptions.printMessage(console, json, m);
        }

        /** Kubo's {@code $IPFS_PATH/api}: tells clients where the running daemon's RPC API is. */
        private void writeApiFile(Path root, java.net.InetSocketAddress bound) {
            Path file = root.resolve(API_FILE);
            try {
                java.nio.file.Files.writeString(file, HttpAddress.multiaddr(bound));
                file.toFile().deleteOnExit();
            } catch (java.io.IOException e) {
                warning("cannot write " + file + ": " + e.getMessage());
            }
        }

        @Override
        public void stopped() {
            event(Map.of("event", "stopped"), "stopped");
            done.countDown();
        }

        private void event(Map<String, ?> o, String text) {
            DaemonCommand.event(console, json, o, text);
        }
    }

    private static int nonNegative(String option, int n) {
        if (n < 0) {
            throw new UsageException("--" + option + " needs a whole number, got '" + n + "'");
        }
        return n;
    }

    private static Map<String, Object> connectionEvent(String name, Connection c) {
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("event", name);
        o.put("peerId", c.remotePeer().toString());
        o.put("direction", c.direction().name().toLowerCase());
        o.put("addr", c.remoteAddress().toString());
        o.put("security", c.security());
        o.put("muxer", c.muxer());
        return o;
    }

    private static void event(Console console, boolean json, Map<String, ?> o, String text) {
        if (json) {
            console.json(o);
        } else {
            console.println(text);
        }
    }

    /**
     * Kubo's {@code Ipns.RepublishPeriod} and {@code Ipns.RecordLifetime} ({@code ""} or {@code 0}
     * for the 4 h and 48 h defaults). As Kubo 0.43's daemon, it refuses to start with a period
     * outside 1 minute to 1 day, or a lifetime shorter than the period (records would lapse
     * before they are republished).
     */
    static NodeConfig.IpnsRepublish ipnsRepublish(RepoSettings file) {
        NodeConfig.IpnsRepublish d = NodeConfig.IpnsRepublish.DEFAULT;
        Duration period = setDuration(file, "ipns.republishPeriod").orElse(d.period());
        if (period.compareTo(Duration.ofMinutes(1)) < 0 || period.compareTo(Duration.ofDays(1)) > 0) {
            throw new UsageException("config setting IPNS.RepublishPeriod is not between 1min and 1day: "
                    + io.p2pkit.node.config.GoDurations.format(period));
        }
        Duration lifetime = setDuration(file, "ipns.recordLifetime").orElse(d.lifetime());
        try {
            return NodeConfig.IpnsRepublish.every(period, lifetime);
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
    }

    /**
     * The Delegated Routing V1 HTTP routers: {@code --routing-http}, else Kubo's
     * {@code Routing.DelegatedRouters} when the routing is {@code auto} or {@code autoclient} (as
     * Kubo, which asks them beside the DHT only then), with Kubo's {@code "auto"} replaced by the
     * routers of the AutoConf document ({@code AutoConf.URL}; none without one).
     */
    private List<java.net.URI> delegatedRouters(RepoSettings file, Console console) {
        List<String> urls = routingHttp;
        String what = "--routing-http";
        String routingType = file.text("routing.type").orElse("auto");
        if (urls.isEmpty() && (routingType.equals("auto") || routingType.equals("autoclient")) && dht == null
                && role == null) {
            what = "Routing.DelegatedRouters";
            urls = autoConf.routers(file.list("routing.delegatedRouters").orElse(List.of()));
        }
        List<java.net.URI> routers = new ArrayList<>();
        for (String url : urls) {
            try {
                routers.add(io.p2pkit.node.config.KuboConfig.routerUrl(url));
            } catch (IllegalArgumentException e) {
                throw new UsageException(what + ": " + e.getMessage());
            }
        }
        return routers;
    }

    /** Kubo's {@code Routing.IgnoreProviders}: peer IDs whose provider records are ignored. */
    static List<PeerId> ignoredProviders(RepoSettings file) {
        List<PeerId> peers = new ArrayList<>();
        for (String id : file.list("routing.ignoreProviders").orElse(List.of())) {
            try {
                peers.add(PeerId.parse(id));
            } catch (RuntimeException e) {
                throw file.bad("routing.ignoreProviders", "not a peer ID: " + id);
            }
        }
        return peers;
    }

    /**
     * Kubo's {@code Ipns.DelegatedPublishers}, used as Kubo uses them with {@code Routing.Type}
     * {@code auto} or {@code autoclient}; {@code "auto"} is the AutoConf document's publishers.
     */
    private List<java.net.URI> delegatedPublishers(RepoSettings file) {
        String routingType = file.text("routing.type").orElse("auto");
        if (!(routingType.equals("auto") || routingType.equals("autoclient")) || dht != null || role != null) {
            return List.of();
        }
        List<java.net.URI> publishers = new ArrayList<>();
        for (String url : autoConf.publishers(file.list("ipns.delegatedPublishers").orElse(List.of()))) {
            try {
                publishers.add(io.p2pkit.node.config.KuboConfig.publisherUrl(url));
            } catch (IllegalArgumentException e) {
                throw file.bad("ipns.delegatedPublishers", e.getMessage());
            }
        }
        return publishers;
    }

    /**
     * The agent version identify sends: {@code p2pkit/<version>}, with Kubo's
     * {@code Version.AgentSuffix} (or, unset, {@code --agent-version-suffix}) after a {@code /},
     * made safe as Kubo makes it (control characters replaced, 128 code points at most).
     */
    private String agentVersion(RepoSettings file) {
        String suffix = file.text("version.agentSuffix").orElse(agentSuffix == null ? "" : agentSuffix);
        String agent = "p2pkit/" + NodeVersion.get() + (suffix.isEmpty() ? "" : "/" + suffix);
        return io.p2pkit.node.cli.content.UntrustedText.cleanAndTrim(agent);
    }

    /**
     * Pubsub as the options say, over Kubo's {@code Pubsub.Router} ({@code ""}: gossipsub),
     * {@code Pubsub.DisableSigning} (messages neither signed nor taken signed: strict no-sign, as
     * go-libp2p-pubsub without signing), {@code Pubsub.SeenMessagesTTL} (2 min) and
     * {@code Pubsub.SeenMessagesStrategy} ({@code last-seen}, Kubo's default, or {@code first-seen});
     * the options win. A router or strategy Kubo does not know stops the start with Kubo's words.
     */
    private NodeConfig.Pubsub pubsub(RepoSettings file) {
        Optional<String> router = file.text("pubsub.router").filter(t -> !t.isEmpty());
        if (router.isPresent() && !router.get().equals("gossipsub") && !router.get().equals("floodsub")) {
            throw new UsageException("unknown pubsub router " + router.get());
        }
        NodeConfig.Pubsub ps = pubsubOptions.config(subscribe, router, file.flag("pubsub.disableSigning").orElse(false));
        String strategy = file.text("pubsub.seenMessagesStrategy").filter(t -> !t.isEmpty()).orElse("last-seen");
        if (!strategy.equals("last-seen") && !strategy.equals("first-seen")) {
            throw new UsageException("unsupported Pubsub.SeenMessagesStrategy \"" + strategy + "\"");
        }
        Duration ttl = file.duration("pubsub.seenMessagesTTL").orElse(NodeConfig.Pubsub.Seen.DEFAULT.ttl());
        if (ttl.isZero()) {
            throw new UsageException("config setting Pubsub.SeenMessagesTTL must be positive: duplicates would never be "
                    + "recognised");
        }
        return ps.withSeen(new NodeConfig.Pubsub.Seen(ttl, strategy.equals("last-seen")));
    }

    /**
     * Kubo 0.39's sweeping provider settings: {@code Provide.DHT.SweepEnabled} (on by default, as
     * in Kubo), {@code ResumeEnabled}, {@code KeystoreBatchSize} (the keys swept together; 0 or
     * unset: 16,384), {@code MaxProvideConnsPerWorker} (0 or unset: 20) and {@code OfflineDelay}
     * (unset: 2h; how long without a DHT peer before the provider drops its queue); off, each key is
     * announced with a lookup of its own, as Kubo's legacy provider does.
     */
    static Optional<NodeConfig.Sweep> sweep(RepoSettings file) {
        if (!file.flag("provide.dht.sweepEnabled").orElse(true)) {
            return Optional.empty();
        }
        NodeConfig.Sweep d = NodeConfig.Sweep.DEFAULT;
        int batch = file.count("provide.dht.keystoreBatchSize").filter(n -> n != 0).orElse(d.batch());
        int conns = file.count("provide.dht.maxProvideConnsPerWorker").filter(n -> n != 0).orElse(d.connections());
        if (batch > NodeConfig.Sweep.MAX_BATCH) {
            throw new UsageException("config setting Provide.DHT.KeystoreBatchSize (" + batch + ") is over the limit of "
                    + NodeConfig.Sweep.MAX_BATCH + " keys");
        }
        if (conns > NodeConfig.Sweep.MAX_CONNECTIONS) {
            throw new UsageException("config setting Provide.DHT.MaxProvideConnsPerWorker (" + conns
                    + ") is over the limit of " + NodeConfig.Sweep.MAX_CONNECTIONS);
        }
        Duration offline = file.duration("provide.dht.offlineDelay").orElse(d.offlineDelay());
        return Optional.of(new NodeConfig.Sweep(batch, conns, file.flag("provide.dht.resumeEnabled").orElse(d.resume()),
                offline));
    }

    /**
     * Kubo's {@code Datastore.GCPeriod} ({@code ""}: 1 h; zero: no collection, as Kubo's) and
     * {@code Datastore.StorageGCWatermark} (0: 90), for {@code --enable-gc}.
     */
    static Optional<NodeConfig.Gc> gc(RepoSettings file) {
        Optional<Duration> period = file.text("datastore.gcPeriod").filter(t -> !t.isBlank())
                .flatMap(t -> file.duration("datastore.gcPeriod"));
        if (period.isPresent() && period.get().isZero()) {
            return Optional.empty();
        }
        int watermark = file.count("datastore.storageGCWatermark").filter(n -> n != 0)
                .orElse(NodeConfig.Gc.DEFAULT.watermarkPercent());
        if (watermark > 100) {
            throw new UsageException("config setting Datastore.StorageGCWatermark (" + watermark + ") is a percentage of "
                    + "Datastore.StorageMax: at most 100");
        }
        return Optional.of(new NodeConfig.Gc(period.orElse(NodeConfig.Gc.DEFAULT.period()), watermark));
    }

    /**
     * Kubo's {@code Ipns.ResolveCacheSize} (0 or unset: 128) and {@code Ipns.MaxCacheTTL} (unset: each
     * name for its record's TTL; {@code "0s"}: nothing kept, and the gateway's TTLs as the records say).
     */
    static NodeConfig.IpnsCache ipnsCache(RepoSettings file) {
        int size = file.count("ipns.resolveCacheSize").filter(n -> n != 0).orElse(NodeConfig.IpnsCache.DEFAULT.size());
        if (size > NodeConfig.IpnsCache.MAX_SIZE) {
            throw new UsageException("config setting Ipns.ResolveCacheSize (" + size + ") is over the limit of "
                    + NodeConfig.IpnsCache.MAX_SIZE + " names");
        }
        return new NodeConfig.IpnsCache(size, file.duration("ipns.maxCacheTTL")); // a negative one is refused when set
    }

    /**
     * Kubo's {@code DNS.Resolvers} (DNS-over-HTTPS endpoints by domain; "" and "auto" leave a domain
     * to the system's resolver) and {@code DNS.MaxCacheTTL} (the longest their answers are kept).
     */
    static io.p2pkit.node.dnslink.DnsResolvers dnsResolvers(RepoSettings file, AutoConfSettings autoConf) {
        Optional<String> text = file.text("dns.resolvers");
        if (text.isEmpty()) {
            return io.p2pkit.node.dnslink.DnsResolvers.NONE;
        }
        Optional<Duration> maxTtl = file.duration("dns.maxCacheTTL");
        try {
            return io.p2pkit.node.dnslink.DnsResolvers.of(autoConf.dnsResolvers(
                    io.p2pkit.node.config.KuboConfig.resolvers(text.get())), maxTtl);
        } catch (IllegalArgumentException e) {
            throw file.bad("dns.resolvers", e.getMessage());
        }
    }

    /** A duration key of the config file, empty when unset, {@code ""} or zero (Kubo's "use the default"). */
    private static Optional<Duration> setDuration(RepoSettings file, String key) {
        return file.text(key).filter(t -> !t.isBlank()).flatMap(t -> file.duration(key)).filter(v -> !v.isZero());
    }
}
