package io.p2pkit.node.cli.command;

import io.p2pkit.core.DecodeException;
import io.p2pkit.core.connmgr.ConnectionManager;
import io.p2pkit.core.connmgr.ConnectionManagerConfig;
import io.p2pkit.core.metrics.HostMetrics;
import io.p2pkit.core.metrics.MetricRegistry;
import io.p2pkit.core.resource.LimitsFile;
import io.p2pkit.core.resource.ResourceManager;
import io.p2pkit.core.resource.ResourceManagerConfig;
import io.p2pkit.node.cli.DurationOption;
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
import io.p2pkit.node.cli.Args;
import io.p2pkit.node.cli.Command;
import io.p2pkit.node.cli.Console;
import io.p2pkit.node.cli.UsageException;
import io.p2pkit.node.config.IdentityFile;
import io.p2pkit.node.config.NodeHome;

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
public final class DaemonCommand implements Command {
    // TCP and QUIC on the same port number, as go-libp2p and kubo listen by default. QUIC on IPv4
    // only for now: the QUIC transport's IPv6 wildcard socket is dual-stack, so it cannot bind the
    // port the IPv4 one already holds (see docs/QUIC.md).
    static final List<String> DEFAULT_LISTEN = List.of("/ip4/0.0.0.0/tcp/4001", "/ip6/::/tcp/4001",
            "/ip4/0.0.0.0/udp/4001/quic-v1");

    /** The addresses listened on without {@code --listen}: {@link #DEFAULT_LISTEN}, less QUIC where it cannot load. */
    static List<String> defaultListen(boolean quicAvailable) {
        return DEFAULT_LISTEN.stream().filter(a -> quicAvailable || !a.endsWith("/quic-v1")).toList();
    }

    @Override
    public String name() {
        return "daemon";
    }

    @Override
    public String summary() {
        return "Run a node";
    }

    @Override
    public String help() {
        return """
                Usage: p2pkit daemon [--identity FILE] [--listen MADDR]... [--bootstrap MADDR]...
                                     [--security LIST] [--muxer LIST] [--enable-perf] [--dht MODE] [--json]
                                     [--conn-low N] [--conn-high N] [--conn-grace DURATION]
                                     [--limits FILE] [--metrics HOST:PORT]
                                     [--subscribe TOPIC]... [--pubsub ROUTER]
                                     [--pubsub-signing POLICY]
                                     [--pubsub-score FILE] [--pubsub-direct MADDR]...

                Runs a libp2p node with identify and ping until SIGINT or SIGTERM.

                Options:
                  --identity FILE   the identity key file, created when missing
                                    (default $P2PKIT_HOME/identity.key, P2PKIT_HOME=~/.p2pkit)
                  --listen MADDR    an address to listen on; repeatable (default TCP and
                                    QUIC: /ip4/0.0.0.0/tcp/4001, /ip6/::/tcp/4001,
                                    /ip4/0.0.0.0/udp/4001/quic-v1; QUIC only where its
                                    native library loads); WebSocket when
                                    asked: /ip4/0.0.0.0/tcp/4002/ws, or /wss with
                                    --wss-cert and --wss-key
                  --bootstrap MADDR a peer to connect to at start, /…/p2p/<id>; repeatable
                  --enable-perf     serve /perf/1.0.0 (off by default: any peer could make
                                    this node send data)
                """ + HostOptions.HELP + "\n" + DhtOptions.HELP + """

                  --conn-low N      trim connections down to N when above the high
                                    watermark (default: 160, or lower to fit the limits)
                  --conn-high N     start trimming above N connections (default: 192, or
                                    90 % of the system connection limits if lower)
                  --conn-grace DURATION
                                    never trim a peer this soon after it connected (default 1m)
                  --limits FILE     resource limits overriding the defaults scaled from the
                                    heap and the fd limit; a properties file, one limit per
                                    line, e.g. system.connections.inbound = 256 (docs/RESOURCES.md)
                  --metrics HOST:PORT
                                    serve Prometheus metrics at /debug/metrics/prometheus and
                                    /metrics (e.g. 127.0.0.1:5001)
                  --subscribe TOPIC run pubsub and print each message of TOPIC; repeatable
                """ + PubsubOptions.HELP + """

                  --json            print events as JSON lines: first
                                    {"event":"ready","peerId":…,"addrs":[…]}, then
                                    connected, identified, disconnected and bootstrap events,
                                    and {"event":"message","topic":…,"from":…,"seqno":…,
                                    "data":"<utf-8>","dataBase64":…} per pubsub message""";
    }

    @Override
    public int run(List<String> argv, Console console) throws Exception {
        List<String> valued = new ArrayList<>(List.of("identity", "listen", "bootstrap", "conn-low", "conn-high",
                "conn-grace", "limits", "metrics", "dht"));
        valued.addAll(HostOptions.VALUED);
        valued.add("subscribe");
        valued.addAll(PubsubOptions.VALUED);
        Args args = Args.parse(argv, List.of("json", "enable-perf"), valued).requirePositional(0, 0, "");
        boolean json = args.flag("json");

        List<Multiaddr> listen = new ArrayList<>();
        List<PeerInfo> bootstrap = new ArrayList<>();
        try {
            for (String a : args.values("listen").isEmpty()
                    ? defaultListen(io.p2pkit.quic.QuicTransport.isAvailable()) : args.values("listen")) {
                listen.add(Multiaddr.parse(a));
            }
            for (String a : args.values("bootstrap")) {
                bootstrap.add(PeerInfo.parse(a));
            }
        } catch (DecodeException e) {
            throw new UsageException(e.getMessage());
        }
        Optional<Mode> dhtMode = DhtOptions.parse(args.value("dht"));
        Path identityPath = args.value("identity").map(Path::of).orElseGet(NodeHome::identityFile);
        IdentityFile.Loaded identity = IdentityFile.loadOrCreate(identityPath, KeyType.ED25519);
        if (identity.created()) {
            console.info("p2pkit daemon: created a new identity in " + identityPath);
        }

        ResourceManagerConfig limits = ResourceManagerConfig.defaults();
        if (args.value("limits").isPresent()) {
            try {
                limits = LimitsFile.read(Path.of(args.value("limits").get()), limits);
            } catch (DecodeException e) {
                throw new UsageException("--limits: " + e.getMessage());
            } catch (java.io.IOException e) {
                throw new UsageException("--limits: cannot read " + args.value("limits").get() + ": " + e.getMessage());
            }
        }
        ConnectionManagerConfig fit = ConnectionManagerConfig.fitting(limits);
        int low = args.value("conn-low").map(v -> count("conn-low", v)).orElse(fit.lowWater());
        int high = args.value("conn-high").map(v -> count("conn-high", v)).orElse(fit.highWater());
        Duration grace = args.value("conn-grace").map(v -> DurationOption.parse("conn-grace", v))
                .orElse(fit.gracePeriod());
        if (low > high) {
            if (args.value("conn-low").isPresent() && args.value("conn-high").isPresent()) {
                throw new UsageException("--conn-low " + low + " is above --conn-high " + high);
            }
            low = Math.min(low, high); // only one was given: keep the other consistent with it
        }
        ConnectionManager connections = new ConnectionManager(ConnectionManagerConfig.of(low, high, grace));
        // Reported here once; the host builder's own check then stays quiet.
        connections.warnIfInconsistent(limits, problem -> console.info("p2pkit daemon: warning: " + problem));
        InetSocketAddress metricsAddress = null;
        if (args.value("metrics").isPresent()) {
            try {
                metricsAddress = MetricsServer.parseAddress(args.value("metrics").get());
            } catch (IllegalArgumentException e) {
                throw new UsageException("--metrics: " + e.getMessage());
            }
        }

        HostBuilder builder = Host.builder().identity(identity.key()).listen(listen)
                .agentVersion("p2pkit/" + NodeVersion.get()).perf(args.flag("enable-perf"))
                .resourceManager(new ResourceManager(limits)).connectionManager(connections);
        HostOptions.apply(args, builder);
        Host host = builder.build();
        MetricsServer metrics = null;
        if (metricsAddress != null) {
            MetricRegistry registry = new MetricRegistry();
            HostMetrics.attach(host, registry);
            try {
                metrics = MetricsServer.start(metricsAddress, registry);
            } catch (java.io.IOException e) {
                host.close();
                throw new UsageException("--metrics: cannot listen on " + args.value("metrics").get() + ": "
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
        if (!args.values("subscribe").isEmpty() || args.value("pubsub").isPresent()) {
            io.p2pkit.pubsub.PubSub pubsub = PubsubOptions.start(args, host);
            for (String topic : args.values("subscribe")) {
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

    private static int count(String option, String text) {
        try {
            int n = Integer.parseInt(text.trim());
            if (n < 0) {
                throw new NumberFormatException();
            }
            return n;
        } catch (NumberFormatException e) {
            throw new UsageException("--" + option + " needs a whole number, got '" + text + "'");
        }
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
