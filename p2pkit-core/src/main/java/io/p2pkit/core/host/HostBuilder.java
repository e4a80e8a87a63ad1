package io.p2pkit.core.host;

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
import io.p2pkit.core.network.Network;
import io.p2pkit.core.network.NetworkConfig;
import io.p2pkit.core.peerstore.PeerStore;
import io.p2pkit.core.perf.PerfService;
import io.p2pkit.core.ping.PingService;
import io.p2pkit.core.resource.ResourceManager;
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
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

/**
 * Configures and builds a {@link Host}. Defaults: a new Ed25519 identity, TCP, Noise then TLS,
 * yamux then mplex, identify and ping on, no listen address (a dial-only host).
 */
public final class HostBuilder {
    /** Short names of the security protocols, in the default preference order. */
    public static final List<String> DEFAULT_SECURITY = List.of("noise", "tls");
    /** Short names of the muxers, in the default preference order. */
    public static final List<String> DEFAULT_MUXERS = List.of("yamux", "mplex");

    PrivateKey identity;
    String agentVersion = "p2pkit/" + HostBuilder.class.getPackage().getImplementationVersion();
    Duration streamNegotiationTimeout = Duration.ofSeconds(10);
    private final List<Multiaddr> listen = new ArrayList<>();
    private List<String> security = DEFAULT_SECURITY;
    private List<String> muxers = DEFAULT_MUXERS;
    private List<Transport> transports;
    private final List<Transport> addedTransports = new ArrayList<>();
    private DnsResolver dnsResolver;
    private final List<java.util.function.Function<PrivateKey, Transport>> transportFactories = new ArrayList<>();
    private ResourceManager resourceManager;
    private PeerStore peerStore;
    private NetworkConfig networkConfig = NetworkConfig.defaults();
    private YamuxConfig yamuxConfig = YamuxConfig.defaults();
    private ScheduledExecutorService scheduler;
    private io.p2pkit.core.connmgr.ConnectionManager connectionManager;
    private io.p2pkit.core.network.ConnectionGater connectionGater;
    private io.p2pkit.core.network.dial.DialPolicy dialPolicy;
    private boolean identify = true;
    private boolean ping = true;
    private boolean perf;

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
     * Security protocols in preference order, by short name: {@code noise}, {@code tls}, and
     * {@code plaintext} (unencrypted, for tests and debugging only).
     */
    public HostBuilder security(String... names) {
        this.security = normalise(List.of(names), List.of("noise", "tls", "plaintext"), "security protocol");
        return this;
    }

    /** Muxers in preference order, by short name: {@code yamux}, {@code mplex}. */
    public HostBuilder muxers(String... names) {
        this.muxers = normalise(List.of(names), List.of("yamux", "mplex"), "muxer");
        return this;
    }

    /**
     * Adds a transport made from the host's identity (QUIC needs it for its TLS certificate), on
     * top of {@link #transports} or the default TCP.
     */
    public HostBuilder transport(java.util.function.Function<PrivateKey, Transport> factory) {
        transportFactories.add(factory);
        return this;
    }

    /** Transports (default: TCP with port reuse). */
    public HostBuilder transports(Transport... transports) {
        this.transports = List.of(transports);
        return this;
    }

    /**
     * Adds a transport after the default TCP (or after those given to {@link #transports}), for
     * example a WebSocket transport. Dialing and listening use the first transport that accepts
     * an address.
     */
    public HostBuilder addTransport(Transport transport) {
        addedTransports.add(java.util.Objects.requireNonNull(transport, "transport"));
        return this;
    }

    /**
     * Where {@code /dns*} and {@code /dnsaddr} addresses are looked up before dialing (default:
     * the operating system's resolver).
     */
    public HostBuilder dnsResolver(DnsResolver resolver) {
        this.dnsResolver = java.util.Objects.requireNonNull(resolver, "resolver");
        return this;
    }

    /** The agent version announced by identify (default {@code p2pkit/<version>}). */
    public HostBuilder agentVersion(String agentVersion) {
        this.agentVersion = agentVersion;
        return this;
    }

    /**
     * The resource manager (default: one with {@link io.p2pkit.core.resource.ResourceManagerConfig#defaults()},
     * limits scaled to this JVM's heap and file-descriptor limit).
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
    public HostBuilder connectionManager(io.p2pkit.core.connmgr.ConnectionManager manager) {
        this.connectionManager = manager;
        return this;
    }

    /** A connection gater consulted at peer dial, address dial, accept, secured and upgraded (default: allow all). */
    public HostBuilder connectionGater(io.p2pkit.core.network.ConnectionGater gater) {
        this.connectionGater = gater;
        return this;
    }

    /** The dialing policy: back-off, circuit breaker, black holes, dial caps (default: {@code new DialPolicy()}). */
    public HostBuilder dialPolicy(io.p2pkit.core.network.dial.DialPolicy policy) {
        this.dialPolicy = policy;
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

    /** yamux settings (windows, stream limits, keep-alive). */
    public HostBuilder yamux(YamuxConfig config) {
        this.yamuxConfig = config;
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

    /** Builds the host and starts listening. */
    public Host build() throws IOException {
        if (identity == null) {
            identity = PrivateKey.generateEd25519();
        }
        boolean ownsScheduler = scheduler == null;
        ScheduledExecutorService sched = ownsScheduler
                ? Executors.newSingleThreadScheduledExecutor(r -> {
                    Thread t = new Thread(r, "p2pkit-scheduler");
                    t.setDaemon(true);
                    return t;
                })
                : scheduler;
        try {
            List<Muxer> muxerList = new ArrayList<>();
            for (String m : muxers) {
                muxerList.add(switch (m) {
                    case "yamux" -> new Yamux(yamuxConfig, sched, System::nanoTime);
                    case "mplex" -> new Mplex();
                    default -> throw new IllegalArgumentException("unknown muxer " + m);
                });
            }
            List<String> muxerIds = muxerList.stream().map(Muxer::protocolId).toList();
            List<SecureTransport> securityList = new ArrayList<>();
            for (String s : security) {
                securityList.add(switch (s) {
                    case "noise" -> new NoiseTransport(identity, muxerIds);
                    case "tls" -> new TlsTransport(identity, muxerIds);
                    case "plaintext" -> new PlaintextTransport(identity);
                    default -> throw new IllegalArgumentException("unknown security protocol " + s);
                });
            }
            Upgrader upgrader = new Upgrader(securityList, muxerList, sched,
                    networkConfig.upgradeTimeout(), networkConfig.upgradeTimeout());
            Host[] holder = new Host[1];
            List<Transport> transportList = new ArrayList<>(transports != null ? transports : List.of(new TcpTransport()));
            transportList.addAll(addedTransports);
            for (var factory : transportFactories) {
                transportList.add(factory.apply(identity));
            }
            Network network = new Network(identity.publicKey().toPeerId(),
                    transportList, upgrader,
                    resourceManager != null ? resourceManager
                            : new ResourceManager(io.p2pkit.core.resource.ResourceManagerConfig.defaults()), networkConfig,
                    (stream, span, conn) -> holder[0].handleInbound(stream, span, conn),
                    new MultiaddrResolver(dnsResolver != null ? dnsResolver : new SystemResolver()));
            if (dialPolicy != null) {
                network.setDialPolicy(dialPolicy);
            }
            if (connectionGater != null) {
                network.setConnectionGater(connectionGater);
            }
            if (connectionManager != null) {
                network.addConnectionListener(connectionManager);
                connectionManager.warnIfInconsistent(network.resources().config());
                connectionManager.start(sched); // trims on a timer too, not only when a peer connects
            }
            Host host = new Host(this, network, peerStore != null ? peerStore : new PeerStore(), sched, ownsScheduler);
            holder[0] = host;
            try {
                if (connectionManager != null) {
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
                host.close();
                throw e;
            }
            return host;
        } catch (IOException | RuntimeException e) {
            if (ownsScheduler) {
                sched.shutdownNow();
            }
            throw e;
        }
    }

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
