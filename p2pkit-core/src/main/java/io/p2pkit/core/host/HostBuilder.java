package io.p2pkit.core.host;

import io.p2pkit.core.connmgr.ConnectionManager;
import io.p2pkit.core.crypto.PrivateKey;
import io.p2pkit.core.dns.DnsResolver;
import io.p2pkit.core.dns.MultiaddrResolver;
import io.p2pkit.core.dns.SystemResolver;
import io.p2pkit.core.identify.IdentifyService;
import io.p2pkit.core.multiaddr.Multiaddr;
import io.p2pkit.core.muxer.Muxer;
import io.p2pkit.core.muxer.mplex.Mplex;
import io.p2pkit.core.muxer.yamux.Yamux;
import io.p2pkit.core.muxer.yamux.YamuxConfig;
import io.p2pkit.core.network.ConnectionGater;
import io.p2pkit.core.network.NetworkConfig;
import io.p2pkit.core.network.dial.DialPolicy;
import io.p2pkit.core.peerstore.PeerStore;
import io.p2pkit.core.reputation.PeerReputation;
import io.p2pkit.core.perf.PerfService;
import io.p2pkit.core.ping.PingService;
import io.p2pkit.core.pnet.PreSharedKey;
import io.p2pkit.core.resource.ResourceManager;
import io.p2pkit.core.resource.ResourceManagerConfig;
import io.p2pkit.core.security.SecureTransport;
import io.p2pkit.core.security.noise.NoiseTransport;
import io.p2pkit.core.security.plaintext.PlaintextTransport;
import io.p2pkit.core.security.tls.TlsTransport;
import io.p2pkit.core.transport.Transport;
import io.p2pkit.core.transport.tcp.TcpTransport;
import io.p2pkit.core.upgrader.Upgrader;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;

/**
 * Configures and builds a {@link Host}. Transports, security protocols and muxers are given as
 * factories, one call each, in preference order (go-libp2p's {@code Transport}, {@code Security}
 * and {@code Muxer} options):
 *
 * <pre>{@code
 * Host host = Host.builder()
 *         .transport(key -> new TcpTransport())
 *         .transport(QuicTransport::new)
 *         .security(NoiseTransport::new)
 *         .security(MySecurity::new)                 // any SecureTransport
 *         .muxer(Yamux.factory(YamuxConfig.defaults()))
 *         .muxers("mplex")                           // the built-in ones also by name
 *         .build();
 * }</pre>
 *
 * A kind given no factory keeps its defaults: TCP; Noise then TLS (the dialer proposes its first
 * choice lazily, with the handshake's first message, which works only with a listener that has it:
 * every libp2p implementation has Noise, js-libp2p has no TLS; {@code security("tls", "noise")}
 * moves bulk data with less CPU where AES instructions are, as go-libp2p's order does); yamux then
 * mplex. Also by default: a new Ed25519 identity, identify and ping on, no listen address (a
 * dial-only host).
 */
public final class HostBuilder {
    /** Short names of the default security protocols, in preference order. */
    public static final List<String> DEFAULT_SECURITY = List.of("noise", "tls");
    /** Short names of the default muxers, in preference order. */
    public static final List<String> DEFAULT_MUXERS = List.of("yamux", "mplex");
    /** The short names {@link #security(String...)} knows. */
    private static final List<String> SECURITY_NAMES = List.of("noise", "tls", "plaintext");
    /** The short names {@link #muxers(String...)} knows. */
    private static final List<String> MUXER_NAMES = List.of("yamux", "mplex");

    PrivateKey identity;
    String agentVersion = "p2pkit/" + HostBuilder.class.getPackage().getImplementationVersion();
    AddressPolicy addressPolicy = AddressPolicy.DEFAULT;
    Duration streamNegotiationTimeout = Duration.ofSeconds(10);
    NetworkConfig networkConfig = NetworkConfig.defaults();
    private final List<Multiaddr> listen = new ArrayList<>();
    private final List<Transport.Factory> transports = new ArrayList<>();
    private final List<SecureTransport.Factory> security = new ArrayList<>();
    private final List<Muxer.Factory> muxers = new ArrayList<>();
    /** Names given to {@link #security(String...)} and {@link #muxers(String...)}, so a repeated name is added once. */
    private final List<String> namesGiven = new ArrayList<>();
    private DnsResolver dnsResolver;
    private ResourceManager resourceManager;
    private PeerStore peerStore;
    private ScheduledExecutorService scheduler;
    private ConnectionManager connectionManager;
    private ConnectionGater connectionGater;
    private DialPolicy dialPolicy;
    PeerReputation reputation;
    private boolean identify = true;
    private boolean ping = true;
    private boolean perf;
    private PreSharedKey privateNetwork;
    /** Where {@link PreSharedKey#FORCE_ENV} is looked up; tests give their own. */
    Map<String, String> environment = System.getenv();

    HostBuilder() {
        if (agentVersion.endsWith("/null")) {
            agentVersion = "p2pkit";
        }
    }

    /** The node's identity key (default: a new Ed25519 key). */
    public HostBuilder identity(PrivateKey key) {
        this.identity = key;
        return this;
    }

    /** Addresses to listen on, for example {@code /ip4/0.0.0.0/tcp/4001}. */
    public HostBuilder listen(String... addresses) {
        for (String a : addresses) {
            listen.add(Multiaddr.parse(a));
        }
        return this;
    }

    /** Addresses to listen on. */
    public HostBuilder listen(List<Multiaddr> addresses) {
        listen.addAll(addresses);
        return this;
    }

    /**
     * Adds a transport, made from the host's identity when the host is built: for example
     * {@code key -> new TcpTransport()}, {@code QuicTransport::new} or
     * {@code key -> new WebSocketTransport()}. Dialing and listening use the first transport, in the
     * order added, that accepts an address. Without any, the host has TCP.
     */
    public HostBuilder transport(Transport.Factory factory) {
        transports.add(Objects.requireNonNull(factory, "factory"));
        return this;
    }

    /**
     * Adds a security protocol, made from the host's identity and muxers when the host is built
     * (for example {@code NoiseTransport::new}, {@code TlsTransport::new}, or a
     * {@link SecureTransport} of your own). The first added is preferred. Without any: Noise, then TLS.
     */
    public HostBuilder security(SecureTransport.Factory factory) {
        security.add(Objects.requireNonNull(factory, "factory"));
        return this;
    }

    /**
     * Adds the built-in security protocols named, in preference order: {@code noise}, {@code tls},
     * and {@code plaintext} (unencrypted, for tests and debugging only); their protocol IDs
     * ({@code /noise}, {@code /tls/1.0.0}, {@code /plaintext/2.0.0}) work too. This is what
     * {@code --security noise,tls} of the command line calls.
     *
     * @throws IllegalArgumentException for an unknown name, or none
     */
    public HostBuilder security(String... names) {
        for (String name : normalise(List.of(names), SECURITY_NAMES, "security protocol")) {
            if (!namesGiven.contains(name)) {
                namesGiven.add(name);
                security(switch (name) {
                    case "noise" -> NoiseTransport::new;
                    case "tls" -> TlsTransport::new;
                    default -> PlaintextTransport::new;
                });
            }
        }
        return this;
    }

    /**
     * Adds a muxer, made when the host is built (for example
     * {@code Yamux.factory(YamuxConfig.defaults())}, {@code scheduler -> new Mplex()}, or a
     * {@link Muxer} of your own). The first added is preferred. Without any: yamux, then mplex.
     */
    public HostBuilder muxer(Muxer.Factory factory) {
        muxers.add(Objects.requireNonNull(factory, "factory"));
        return this;
    }

    /**
     * Adds the built-in muxers named, in preference order: {@code yamux}, {@code mplex} (or their
     * protocol IDs), with default settings. This is what {@code --muxer yamux,mplex} calls.
     *
     * @throws IllegalArgumentException for an unknown name, or none
     */
    public HostBuilder muxers(String... names) {
        for (String name : normalise(List.of(names), MUXER_NAMES, "muxer")) {
            if (!namesGiven.contains(name)) {
                namesGiven.add(name);
                muxer(name.equals("yamux") ? Yamux.factory(YamuxConfig.defaults()) : s -> new Mplex());
            }
        }
        return this;
    }

    /**
     * Where {@code /dns*} and {@code /dnsaddr} addresses are looked up before dialing (default:
     * the operating system's resolver).
     */
    public HostBuilder dnsResolver(DnsResolver resolver) {
        this.dnsResolver = Objects.requireNonNull(resolver, "resolver");
        return this;
    }

    /**
     * Which addresses the host announces: Kubo's {@code Addresses.Announce}, {@code AppendAnnounce}
     * and {@code NoAnnounce} (default: every address it finds).
     */
    public HostBuilder addressPolicy(AddressPolicy policy) {
        this.addressPolicy = Objects.requireNonNull(policy, "policy");
        return this;
    }

    /** The agent version announced by identify (default {@code p2pkit/<version>}). */
    public HostBuilder agentVersion(String agentVersion) {
        this.agentVersion = agentVersion;
        return this;
    }

    /**
     * The resource manager (default: one with {@link ResourceManagerConfig#defaults()}, limits
     * scaled to this JVM's heap and file-descriptor limit).
     */
    public HostBuilder resourceManager(ResourceManager resourceManager) {
        this.resourceManager = resourceManager;
        return this;
    }

    /**
     * A connection manager to keep the connection count between its watermarks (default: none).
     * The host closes it on close; at build it warns if its high watermark does not fit the
     * resource manager's connection limits.
     */
    public HostBuilder connectionManager(ConnectionManager manager) {
        this.connectionManager = manager;
        return this;
    }

    /** A connection gater consulted at peer dial, address dial, accept, secured and upgraded (default: allow all). */
    public HostBuilder connectionGater(ConnectionGater gater) {
        this.connectionGater = gater;
        return this;
    }

    /** The dialing policy: back-off, circuit breaker, black holes, dial caps (default: {@code new DialPolicy()}). */
    public HostBuilder dialPolicy(DialPolicy policy) {
        this.dialPolicy = policy;
        return this;
    }

    /**
     * The peers' reputation (default: {@code new PeerReputation()}, the system clock). The host
     * feeds it its dial outcomes and its dial policy's circuit breakers read it.
     */
    public HostBuilder reputation(PeerReputation reputation) {
        this.reputation = Objects.requireNonNull(reputation, "reputation");
        return this;
    }

    /** The peerstore (default: a new in-memory one). */
    public HostBuilder peerStore(PeerStore peerStore) {
        this.peerStore = peerStore;
        return this;
    }

    /** Dial and handshake timeouts. */
    public HostBuilder networkConfig(NetworkConfig config) {
        this.networkConfig = config;
        return this;
    }

    /** How long protocol negotiation on a new stream may take (default 10 s). */
    public HostBuilder streamNegotiationTimeout(Duration timeout) {
        this.streamNegotiationTimeout = timeout;
        return this;
    }

    /** A scheduler to share (default: the host makes and owns one). */
    public HostBuilder scheduler(ScheduledExecutorService scheduler) {
        this.scheduler = scheduler;
        return this;
    }

    /** Whether to run identify (default on; most protocols need it). */
    public HostBuilder identify(boolean enabled) {
        this.identify = enabled;
        return this;
    }

    /** Whether to answer ping (default on). */
    public HostBuilder ping(boolean enabled) {
        this.ping = enabled;
        return this;
    }

    /** Whether to serve {@code /perf/1.0.0} (default off: it lets any peer make this node send data). */
    public HostBuilder perf(boolean enabled) {
        this.perf = enabled;
        return this;
    }

    /**
     * Makes the host a member of the private network of {@code key} (libp2p PSK v1, Kubo's
     * {@code swarm.key}; null for none, the default): every connection is encrypted with the key
     * before anything else is said, so the host talks only to peers holding it. Every transport
     * must be able to carry it ({@link Transport#supportsPrivateNetwork()}): TCP, WebSocket and
     * memory can, QUIC cannot, and {@link #build()} refuses it.
     *
     * <pre>{@code
     * Host host = Host.builder().privateNetwork(PreSharedKey.read(Path.of("swarm.key"))).build();
     * }</pre>
     */
    public HostBuilder privateNetwork(PreSharedKey key) {
        this.privateNetwork = key;
        return this;
    }

    /**
     * Builds the host and starts listening.
     *
     * @throws IllegalStateException    when {@value PreSharedKey#FORCE_ENV}{@code =1} is set and no private network key was given
     * @throws IllegalArgumentException when a private network key was given with a transport that cannot carry it (QUIC)
     */
    public Host build() throws IOException {
        if (privateNetwork == null && PreSharedKey.forcedBy(environment)) {
            throw new IllegalStateException(PreSharedKey.FORCE_ENV + "=1 is set in the environment: a host needs a"
                    + " private network key (a swarm key)");
        }
        if (identity == null) {
            identity = PrivateKey.generateEd25519();
        }
        boolean ownsScheduler = scheduler == null;
        ScheduledExecutorService sched = ownsScheduler ? ownScheduler() : scheduler;
        List<Transport> transportList = new ArrayList<>();
        Host host = null;
        try {
            List<Muxer> muxerList = new ArrayList<>();
            for (Muxer.Factory f : muxers.isEmpty() ? defaultMuxers() : muxers) {
                muxerList.add(Objects.requireNonNull(f.create(sched), "a muxer factory returned null"));
            }
            List<String> muxerIds = muxerList.stream().map(Muxer::protocolId).toList();
            List<SecureTransport> securityList = new ArrayList<>();
            for (SecureTransport.Factory f : security.isEmpty() ? defaultSecurity() : security) {
                securityList.add(Objects.requireNonNull(f.create(identity, muxerIds),
                        "a security factory returned null"));
            }
            Upgrader upgrader = new Upgrader(securityList, muxerList, sched,
                    networkConfig.upgradeTimeout(), networkConfig.upgradeTimeout(), privateNetwork);
            for (Transport.Factory f : transports.isEmpty() ? List.<Transport.Factory>of(key -> new TcpTransport())
                    : transports) {
                Transport t = Objects.requireNonNull(f.create(identity), "a transport factory returned null");
                transportList.add(t);
                if (privateNetwork != null && !t.supportsPrivateNetwork()) {
                    throw new IllegalArgumentException(t.getClass().getSimpleName() + " cannot carry a private network"
                            + " (it secures its connections itself, as QUIC does): leave it out of a host with a"
                            + " private network key");
                }
            }
            ResourceManager resources = resourceManager != null ? resourceManager
                    : new ResourceManager(ResourceManagerConfig.defaults());
            host = new Host(this, transportList, upgrader, resources,
                    new MultiaddrResolver(dnsResolver != null ? dnsResolver : new SystemResolver()),
                    peerStore != null ? peerStore : new PeerStore(), sched, ownsScheduler);
            try {
                if (dialPolicy != null) {
                    host.swarm().setDialPolicy(dialPolicy);
                }
                host.swarm().dialPolicy().setPeerScores(host.reputation()::score);
                if (connectionGater != null) {
                    host.swarm().setConnectionGater(connectionGater);
                }
                if (connectionManager != null) {
                    host.addConnectionListener(connectionManager);
                    connectionManager.warnIfInconsistent(resources.config());
                    connectionManager.start(sched); // trims on a timer too, not only when a peer connects
                    host.addService(connectionManager);
                }
                if (ping) {
                    host.addService(PingService.attach(host));
                }
                if (identify) {
                    host.addService(IdentifyService.attach(host));
                }
                if (perf) {
                    host.addService(PerfService.attach(host));
                }
                for (Multiaddr a : listen) {
                    host.listen(a);
                }
            } catch (IOException | RuntimeException e) {
                host.close(); // closes the transports with the network
                throw e;
            }
            return host;
        } catch (IOException | RuntimeException e) {
            if (host == null) {
                for (Transport t : transportList) {
                    closeAfterFailure(t); // made before the failure; a host would have closed them
                }
            }
            if (ownsScheduler) {
                sched.shutdownNow();
            }
            throw e;
        }
    }

    private static void closeAfterFailure(Transport t) {
        try {
            t.close();
        } catch (IOException | RuntimeException e) {
            // the build is failing already: its error is the one the caller gets
            System.getLogger(HostBuilder.class.getName()).log(System.Logger.Level.DEBUG,
                    () -> "closing " + t + " after a failed build: " + e);
        }
    }

    /**
     * The host's timer thread. Nearly every timer is a deadline cancelled long before it is due
     * (a negotiation's, identify's, a keep-alive ping's), several per connection: a cancelled one
     * leaves the queue at once instead of waking the thread when it would have been due.
     */
    private static ScheduledExecutorService ownScheduler() {
        ScheduledThreadPoolExecutor s = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "p2pkit-scheduler");
            t.setDaemon(true);
            return t;
        });
        s.setRemoveOnCancelPolicy(true);
        return Executors.unconfigurableScheduledExecutorService(s);
    }

    private static List<SecureTransport.Factory> defaultSecurity() {
        return List.of(NoiseTransport::new, TlsTransport::new);
    }

    private static List<Muxer.Factory> defaultMuxers() {
        return List.of(Yamux.factory(YamuxConfig.defaults()), s -> new Mplex());
    }

    /** Lower-cased short names (protocol IDs mapped to them), known ones only, each once, in order. */
    private static List<String> normalise(List<String> names, List<String> known, String what) {
        if (names.isEmpty()) {
            throw new IllegalArgumentException("at least one " + what + " is needed");
        }
        List<String> out = new ArrayList<>();
        for (String n : names) {
            String s = n.trim().toLowerCase(Locale.ROOT);
            s = switch (s) {
                case "/noise" -> "noise";
                case "/tls/1.0.0" -> "tls";
                case "/plaintext/2.0.0" -> "plaintext";
                case "/yamux/1.0.0" -> "yamux";
                case "/mplex/6.7.0" -> "mplex";
                default -> s;
            };
            if (!known.contains(s)) {
                throw new IllegalArgumentException("unknown " + what + " '" + n + "' (expected one of " + known + ")");
            }
            if (!out.contains(s)) {
                out.add(s);
            }
        }
        return List.copyOf(out);
    }
}
