package io.p2pkit.node.cli.command;

import io.p2pkit.core.DecodeException;
import io.p2pkit.core.connmgr.ConnectionManager;
import io.p2pkit.core.connmgr.ConnectionManagerConfig;
import io.p2pkit.core.metrics.HostMetrics;
import io.p2pkit.core.metrics.MetricRegistry;
import io.p2pkit.core.resource.LimitsFile;
import io.p2pkit.core.resource.ResourceManager;
import io.p2pkit.core.resource.ResourceManagerConfig;
import io.p2pkit.node.metrics.MetricsServer;
import io.p2pkit.core.crypto.KeyType;
import io.p2pkit.core.host.Host;
import io.p2pkit.core.host.HostBuilder;
import io.p2pkit.core.host.PeerInfo;
import io.p2pkit.core.identify.IdentifyService;
import io.p2pkit.core.multiaddr.Multiaddr;
import io.p2pkit.core.network.Connection;
import io.p2pkit.core.network.ConnectionListener;
import io.p2pkit.kad.KadConfig;
import io.p2pkit.kad.KadDht;
import io.p2pkit.kad.Mode;
import io.p2pkit.node.NodeVersion;
import io.p2pkit.core.crypto.PrivateKey;
import io.p2pkit.node.cli.CliCommand;
import io.p2pkit.node.cli.Console;
import io.p2pkit.node.cli.UsageException;
import io.p2pkit.node.cli.options.BootstrapOption;
import io.p2pkit.node.cli.options.DurationConverter;
import io.p2pkit.node.cli.options.IdentityOption;
import io.p2pkit.node.cli.options.JsonOption;
import io.p2pkit.node.cli.options.ListenOption;
import io.p2pkit.node.cli.options.TransportOptions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;

/** {@code p2pkit daemon}: runs a node until SIGINT or SIGTERM. */
@Command(name = "daemon", description = {
        "Run a node.",
        "",
        "Runs a libp2p node with identify and ping until SIGINT or SIGTERM.",
        "",
        "Without --identity: the node's key file, $P2PKIT_HOME/identity.key (P2PKIT_HOME defaults to",
        "~/.p2pkit), created when missing.",
        "Without --listen: TCP and QUIC on port 4001: /ip4/0.0.0.0/tcp/4001, /ip6/::/tcp/4001 and",
        "/ip4/0.0.0.0/udp/4001/quic-v1 (QUIC only where its native library loads). WebSocket when asked:",
        "--listen /ip4/0.0.0.0/tcp/4002/ws, or /wss with --wss-cert and --wss-key.",
        "--bootstrap peers are connected to at start.",
        ""},
        footer = {"", "With --json, events as JSON lines: first {\"event\":\"ready\",\"peerId\":…,\"addrs\":[…]}, "
                + "then connected, identified, disconnected and bootstrap events, and {\"event\":\"message\","
                + "\"topic\":…,\"from\":…,\"seqno\":…,\"data\":\"<utf-8>\",\"dataBase64\":…} per pubsub message."})
public final class DaemonCommand extends CliCommand {
    // TCP and QUIC on the same port number, as go-libp2p and kubo listen by default. QUIC on IPv4
    // only for now: the QUIC transport's IPv6 wildcard socket is dual-stack, so it cannot bind the
    // port the IPv4 one already holds (see docs/QUIC.md).
    static final List<String> DEFAULT_LISTEN = List.of("/ip4/0.0.0.0/tcp/4001", "/ip6/::/tcp/4001",
            "/ip4/0.0.0.0/udp/4001/quic-v1");

    /** The addresses listened on without {@code --listen}: {@link #DEFAULT_LISTEN}, less QUIC where it cannot load. */
    static List<String> defaultListen(boolean quicAvailable) {
        return DEFAULT_LISTEN.stream().filter(a -> quicAvailable || !a.endsWith("/quic-v1")).toList();
    }

    @Mixin
    private IdentityOption identity;

    @Mixin
    private ListenOption listenOption;

    @Mixin
    private BootstrapOption bootstrapOption;

    @Mixin
    private TransportOptions transport;

    @Option(names = "--enable-perf", description = "serve /perf/1.0.0 (off by default: any peer could make this node "
            + "send data)")
    private boolean enablePerf;

    @Option(names = "--dht", paramLabel = "MODE", description = DhtOptions.DESCRIPTION)
    private String dht;

    @Option(names = "--conn-low", paramLabel = "N", description = "trim connections down to N when above the high "
            + "watermark (default: 160, or lower to fit the limits)")
    private Integer connLow;

    @Option(names = "--conn-high", paramLabel = "N", description = "start trimming above N connections (default: 192, "
            + "or 90 %% of the system connection limits if lower)")
    private Integer connHigh;

    @Option(names = "--conn-grace", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "never trim a peer this soon after it connected (default 1m)")
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

    @Mixin
    private JsonOption output;

    @Override
    public int run() throws Exception {
        Console console = console();
        boolean json = output.json();
        List<Multiaddr> listen = listenOption.addresses(defaultListen(io.p2pkit.quic.QuicTransport.isAvailable()));
        List<PeerInfo> bootstrap = bootstrapOption.peers();
        Optional<Mode> dhtMode = DhtOptions.parse(Optional.ofNullable(dht));
        Path identityPath = identity.fileOrNodeKey();
        PrivateKey key = identity.nodeKey(console, "daemon", KeyType.ED25519);

        ResourceManagerConfig limits = ResourceManagerConfig.defaults();
        if (limitsFile != null) {
            try {
                limits = LimitsFile.read(Path.of(limitsFile), limits);
            } catch (DecodeException e) {
                throw new UsageException("--limits: " + e.getMessage());
            } catch (java.io.IOException e) {
                throw new UsageException("--limits: cannot read " + limitsFile + ": " + e.getMessage());
            }
        }
        ConnectionManagerConfig fit = ConnectionManagerConfig.fitting(limits);
        int low = connLow != null ? nonNegative("conn-low", connLow) : fit.lowWater();
        int high = connHigh != null ? nonNegative("conn-high", connHigh) : fit.highWater();
        Duration grace = connGrace != null ? connGrace : fit.gracePeriod();
        if (low > high) {
            if (connLow != null && connHigh != null) {
                throw new UsageException("--conn-low " + low + " is above --conn-high " + high);
            }
            low = Math.min(low, high); // only one was given: keep the other consistent with it
        }
        ConnectionManager connections = new ConnectionManager(ConnectionManagerConfig.of(low, high, grace));
        // Reported here once; the host builder's own check then stays quiet.
        connections.warnIfInconsistent(limits, problem -> console.info("p2pkit daemon: warning: " + problem));
        InetSocketAddress metricsAddress = null;
        if (metricsOption != null) {
            try {
                metricsAddress = MetricsServer.parseAddress(metricsOption);
            } catch (IllegalArgumentException e) {
                throw new UsageException("--metrics: " + e.getMessage());
            }
        }

        HostBuilder builder = Host.builder().identity(key).listen(listen)
                .agentVersion("p2pkit/" + NodeVersion.get()).perf(enablePerf)
                .resourceManager(new ResourceManager(limits)).connectionManager(connections);
        transport.apply(builder);
        Host host = builder.build();
        MetricsServer metrics = null;
        if (metricsAddress != null) {
            MetricRegistry registry = new MetricRegistry();
            HostMetrics.attach(host, registry);
            try {
                metrics = MetricsServer.start(metricsAddress, registry);
            } catch (java.io.IOException e) {
                host.close();
                throw new UsageException("--metrics: cannot listen on " + metricsOption + ": "
                        + e.getMessage());
            }
        }
        MetricsServer metricsServer = metrics;
        KadDht dht = null;
        if (dhtMode.isPresent()) {
            // Providers are kept next to the identity, so a restart keeps what the node provides.
            Path providers = identityPath.toAbsolutePath().resolveSibling("kad-providers.log");
            dht = KadDht.attach(host, KadConfig.builder().mode(dhtMode.get()).bootstrap(bootstrap)
                    .providerStoreFile(providers).build());
        }
        if (!subscribe.isEmpty() || pubsubOptions.routerGiven()) {
            io.p2pkit.pubsub.PubSub pubsub = pubsubOptions.start(host);
            for (String topic : subscribe) {
                pubsub.join(topic).subscribe(m -> PubsubOptions.printMessage(console, json, m));
            }
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            console.info("p2pkit daemon: stopping");
            try {
                if (metricsServer != null) {
                    metricsServer.close();
                }
                host.close();
            } catch (RuntimeException e) {
                console.info("p2pkit daemon: error while stopping: " + e);
            } finally {
                event(console, json, Map.of("event", "stopped"), "stopped");
                stopped.countDown();
            }
        }, "p2pkit-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);

        host.addConnectionListener(new ConnectionListener() {
            @Override
            public void connected(Connection c) {
                event(console, json, connectionEvent("connected", c), "connected " + c);
            }

            @Override
            public void disconnected(Connection c) {
                event(console, json, connectionEvent("disconnected", c), "disconnected " + c);
            }
        });
        host.service(IdentifyService.class).ifPresent(id -> id.addListener(r -> {
            Map<String, Object> o = new LinkedHashMap<>();
            o.put("event", "identified");
            o.put("peerId", r.peerId().toString());
            o.put("agentVersion", r.agentVersion());
            o.put("protocols", r.protocols());
            o.put("listenAddrs", r.listenAddrs().stream().map(Multiaddr::toString).toList());
            event(console, json, o, "identified " + r.peerId() + " (" + r.agentVersion() + ")");
        }));

        List<String> addrs = host.addresses().stream()
                .map(a -> a.encapsulate("/p2p/" + host.peerId()).toString()).toList();
        Map<String, Object> ready = new LinkedHashMap<>();
        ready.put("event", "ready");
        ready.put("peerId", host.peerId().toString());
        ready.put("addrs", addrs);
        StringBuilder text = new StringBuilder("p2pkit daemon is ready\npeer ID: " + host.peerId());
        addrs.forEach(a -> text.append("\nlistening on ").append(a));
        if (metricsServer != null) {
            InetSocketAddress bound = metricsServer.address();
            String url = "http://" + (bound.getAddress() instanceof java.net.Inet6Address
                    ? "[" + bound.getAddress().getHostAddress() + "]" : bound.getAddress().getHostAddress())
                    + ":" + bound.getPort() + MetricsServer.PATHS.get(0);
            ready.put("metrics", url);
            text.append("\nmetrics at ").append(url);
        }
        event(console, json, ready, text.toString());

        for (PeerInfo peer : bootstrap) {
            host.spawn("p2pkit-bootstrap " + peer.peerId(), () -> {
                try {
                    host.connect(peer);
                } catch (Exception e) {
                    Map<String, Object> o = new LinkedHashMap<>();
                    o.put("event", "bootstrap-failed");
                    o.put("peerId", peer.peerId().toString());
                    o.put("error", String.valueOf(e.getMessage()));
                    event(console, json, o, "bootstrap to " + peer.peerId() + " failed: " + e.getMessage());
                }
            });
        }
        if (dht != null) {
            KadDht d = dht;
            host.spawn("p2pkit-dht-bootstrap", () -> {
                try {
                    int reached = d.bootstrap();
                    Map<String, Object> o = new LinkedHashMap<>();
                    o.put("event", "dht-bootstrapped");
                    o.put("mode", d.effectiveMode().name().toLowerCase(java.util.Locale.ROOT));
                    o.put("bootstrapPeers", reached);
                    o.put("routingTable", d.routingTable().size());
                    event(console, json, o, "DHT (" + o.get("mode") + ") bootstrapped: " + reached
                            + " bootstrap peers, " + o.get("routingTable") + " peers in the routing table");
                } catch (Exception e) {
                    event(console, json, Map.of("event", "dht-bootstrap-failed", "error", String.valueOf(e.getMessage())),
                            "DHT bootstrap failed: " + e.getMessage());
                }
            });
        }
        stopped.await();
        return 0;
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
}
