package io.p2pkit.node.cli.command;

import io.p2pkit.core.DecodeException;
import io.p2pkit.core.crypto.KeyType;
import io.p2pkit.core.crypto.PrivateKey;
import io.p2pkit.core.host.Host;
import io.p2pkit.core.host.HostBuilder;
import io.p2pkit.core.host.PeerInfo;
import io.p2pkit.core.identity.PeerId;
import io.p2pkit.core.multiaddr.Multiaddr;
import io.p2pkit.core.multiaddr.Protocol;
import io.p2pkit.core.network.Connection;
import io.p2pkit.core.perf.PerfProgress;
import io.p2pkit.core.perf.PerfService;
import io.p2pkit.core.resource.ResourceManager;
import io.p2pkit.core.resource.ResourceManagerConfig;
import io.p2pkit.node.NodeVersion;
import io.p2pkit.node.cli.CliCommand;
import io.p2pkit.node.cli.Console;
import io.p2pkit.node.cli.UsageException;
import io.p2pkit.node.cli.options.JsonOption;
import io.p2pkit.node.cli.options.TransportOptions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.security.SecureRandom;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/**
 * {@code p2pkit perf}: the perf binary of libp2p's perf test plans (same flags, same JSON lines).
 * The server's identity is the Ed25519 key whose seed is 32 zero bytes, as in the test plans, so
 * a client needs only {@code HOST:PORT}.
 */
@Command(name = "perf", description = {
        "Measure throughput with /perf/1.0.0 (libp2p perf test plans).",
        "",
        "The perf program of libp2p's test plans (same flags, same JSON lines). With --run-server it listens on "
                + "HOST:PORT with the fixed identity the test plans use (" + PerfCommand.SERVER_PEER_ID + "), "
                + "prints its addresses and serves /perf/1.0.0 until SIGINT or SIGTERM. Otherwise it connects, "
                + "uploads N bytes, downloads N bytes on one stream, and prints one JSON line per second and a final "
                + "one:",
        "  {\"type\":\"intermediary\",\"timeSeconds\":…,\"uploadBytes\":…,\"downloadBytes\":…}",
        "  {\"type\":\"final\",\"timeSeconds\":…,\"uploadBytes\":…,\"downloadBytes\":…}",
        "(intermediary lines count the bytes of their interval; the final time includes connecting). "
                + "--streams N runs N such streams at once on one connection, --conns N runs N connections at once "
                + "(each from its own client host, one stream each): such a run prints one {\"type\":\"stream\",…} "
                + "line per stream, its time counted from the run's start to its last byte, then the final line with "
                + "the totals. A MADDR "
                + "without /p2p/ is taken to be the fixed server identity. The client always prints JSON; --json "
                + "is accepted for the same command line as every other command, and makes the server print "
                + "{\"event\":\"listening\",\"addr\":…} per address instead of bare addresses.",
        ""})
public final class PerfCommand extends CliCommand {
    /** The peer ID of the test plans' fixed server identity. */
    public static final String SERVER_PEER_ID = "12D3KooWDpJ7As7BWAwRMfu1VU2WCqNjvq387JEYKDBj4kx6nXTN";

    private static final List<String> TRANSPORTS = List.of("tcp", "quic-v1", "ws", "webrtc-direct", "webtransport");

    @Option(names = "--run-server", description = "run the server instead of the client")
    private boolean runServer;

    @Option(names = "--server-address", paramLabel = "ADDR", description = "HOST:PORT ([v6]:PORT for IPv6) or a multiaddr")
    private String serverAddress;

    @Option(names = "--transport", paramLabel = "T", description = "tcp (default), quic-v1 (HOST:PORT is then a UDP "
            + "port), ws (WebSocket on the TCP port, then security and muxer), webrtc-direct or webtransport (the "
            + "server listens on the UDP port; a client dials the server's printed multiaddr, which holds its "
            + "certificate hashes)")
    private String transportName = "tcp";

    @Option(names = "--upload-bytes", paramLabel = "N", description = "bytes to send (default 0)")
    private Long uploadBytes;

    @Option(names = "--download-bytes", paramLabel = "N", description = "bytes to ask for (default 0)")
    private Long downloadBytes;

    @Option(names = "--runs", paramLabel = "N", description = "repeat N times, each on a new connection, one final "
            + "line per run (default 1; not in the test plans)")
    private Long runsOption;

    @Option(names = "--streams", paramLabel = "N", description = "N perf streams at once on one connection "
            + "(default 1; not in the test plans)")
    private Integer streamsOption;

    @Option(names = "--conns", paramLabel = "N", description = "N connections at once, each from its own client "
            + "host with one perf stream (default 1; not in the test plans)")
    private Integer connsOption;

    @Mixin
    private TransportOptions transport;

    @Mixin
    private JsonOption output;

    @Override
    public int run() throws Exception {
        Console console = console();
        if (!TRANSPORTS.contains(transportName)) {
            throw new UsageException("--transport must be tcp, quic-v1, ws, webrtc-direct or webtransport, got '"
                    + transportName + "'");
        }
        if ((transportName.equals("quic-v1") || transportName.equals("webtransport"))
                && !io.p2pkit.quic.QuicTransport.isAvailable()) {
            throw new UsageException("QUIC not available: Netty's native QUIC library does not load on this platform"
                    + " (use --transport tcp)");
        }
        if (serverAddress == null) {
            throw new UsageException("--server-address is required");
        }
        HostBuilder builder = newBuilder();
        if (runServer) {
            if (uploadBytes != null || downloadBytes != null || runsOption != null || streamsOption != null
                    || connsOption != null) {
                throw new UsageException("--upload-bytes, --download-bytes, --runs, --streams and --conns are for "
                        + "the client");
            }
            return serve(builder, listenAddress(serverAddress, transportName), console, output.json());
        }
        if ((transportName.equals("webrtc-direct") || transportName.equals("webtransport"))
                && !serverAddress.startsWith("/")) {
            throw new UsageException("--transport " + transportName + " dials the server's multiaddr (with its "
                    + "certhash), not HOST:PORT");
        }
        long upload = bytes("upload-bytes", uploadBytes);
        long download = bytes("download-bytes", downloadBytes);
        long runs = runsOption != null ? runsOption : 1;
        if (runs < 1) {
            throw new UsageException("--runs needs at least 1");
        }
        int streams = streamsOption != null ? streamsOption : 1;
        int conns = connsOption != null ? connsOption : 1;
        if (streams < 1 || conns < 1 || (streams > 1 && conns > 1)) {
            throw new UsageException("--streams and --conns take a positive count, and only one of them");
        }
        if (streams > 1 || conns > 1) {
            return new ConcurrentPerf(this::newBuilder, serverInfo(serverAddress, transportName), upload, download, console)
                    .run(runs, streams, conns);
        }
        return measure(builder, serverInfo(serverAddress, transportName), upload, download, runs, console);
    }

    private HostBuilder newBuilder() {
        // No resource limits: the benchmark's many-connection and many-stream rows need a thousand
        // of each, as the go and js perf programs allow.
        return transport.apply(Host.builder().agentVersion("p2pkit/" + NodeVersion.get())
                .resourceManager(new ResourceManager(ResourceManagerConfig.unlimited())));
    }

    /** The test plans' server identity: Ed25519 from an all-zero seed. */
    public static PrivateKey serverIdentity() {
        return PrivateKey.generate(KeyType.ED25519, new SecureRandom() {
            @Override
            public void nextBytes(byte[] bytes) {
                Arrays.fill(bytes, (byte) 0);
            }
        });
    }

    private static int serve(HostBuilder builder, Multiaddr listen, Console console, boolean json) throws Exception {
        Host host = builder.identity(serverIdentity()).listen(List.of(listen)).perf(true).build();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                host.close();
            } finally {
                stopped.countDown();
            }
        }, "p2pkit-perf-shutdown"));
        for (Multiaddr a : host.addresses()) {
            String addr = a.encapsulate("/p2p/" + host.peerId()).toString();
            if (json) {
                Map<String, Object> o = new LinkedHashMap<>();
                o.put("event", "listening");
                o.put("addr", addr);
                console.json(o);
            } else {
                console.println(addr);
            }
        }
        stopped.await();
        return 0;
    }

    private static int measure(HostBuilder builder, PeerInfo server, long upload, long download, long runs,
                               Console console) throws Exception {
        try (Host host = builder.build()) {
            PerfService perf = PerfService.client(host);
            for (long i = 0; i < runs; i++) {
                long start = System.nanoTime();
                Connection c = host.connect(server);
                perf.measure(c, upload, download, p -> console.json(line("intermediary",
                        p.timeSeconds(), p.uploadBytes(), p.downloadBytes())));
                double seconds = (System.nanoTime() - start) / 1e9;
                console.json(line("final", seconds, upload, download));
                c.close();
            }
        }
        return 0;
    }

    static Map<String, Object> line(String type, double seconds, long upload, long download) {
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("type", type);
        o.put("timeSeconds", seconds);
        o.put("uploadBytes", upload);
        o.put("downloadBytes", download);
        return o;
    }

    private static long bytes(String name, Long value) {
        long n = value != null ? value : 0;
        if (n < 0) {
            throw new UsageException("--" + name + " needs a whole number of bytes, got '" + n + "'");
        }
        return n;
    }

    /** {@code HOST:PORT} as a TCP address, or as {@code /udp/PORT/quic-v1} with {@code quic}; a multiaddr as is. */
    public static Multiaddr serverAddress(String address, boolean quic) {
        Multiaddr m = tcpAddress(address);
        if (!quic || address.startsWith("/")) {
            return m;
        }
        String text = m.toString();
        return Multiaddr.parse(text.substring(0, text.lastIndexOf("/tcp/")) + "/udp/"
                + text.substring(text.lastIndexOf('/') + 1) + "/quic-v1");
    }

    static Multiaddr tcpAddress(String address) {
        try {
            if (address.startsWith("/")) {
                return Multiaddr.parse(address);
            }
            int colon = address.lastIndexOf(':');
            if (colon <= 0 || colon == address.length() - 1) {
                throw new UsageException("--server-address must be HOST:PORT or a multiaddr, got '" + address + "'");
            }
            String host = address.substring(0, colon);
            String port = address.substring(colon + 1);
            if (host.startsWith("[") && host.endsWith("]")) {
                return Multiaddr.parse("/ip6/" + host.substring(1, host.length() - 1) + "/tcp/" + port);
            }
            if (host.contains(":")) {
                throw new UsageException("write an IPv6 server address as [ADDR]:PORT");
            }
            String proto = host.chars().allMatch(ch -> ch == '.' || Character.isDigit(ch)) ? "/ip4/" : "/dns/";
            return Multiaddr.parse(proto + host + "/tcp/" + port);
        } catch (DecodeException e) {
            throw new UsageException("bad --server-address '" + address + "': " + e.getMessage());
        }
    }

    /**
     * {@code HOST:PORT} for {@code transport}: TCP for {@code tcp}, UDP + {@code /quic-v1} for
     * {@code quic-v1}, TCP + {@code /ws} for {@code ws}, UDP + {@code /webrtc-direct} or
     * {@code /quic-v1/webtransport} for those (a listen address: dialing them needs the certhash);
     * a multiaddr as is.
     */
    public static Multiaddr serverAddress(String address, String transport) {
        if (!address.startsWith("/")) {
            switch (transport) {
                case "ws" -> {
                    return tcpAddress(address).encapsulate("/ws");
                }
                case "webrtc-direct" -> {
                    return serverAddress(address, true).decapsulate(Protocol.QUIC_V1).encapsulate("/webrtc-direct");
                }
                case "webtransport" -> {
                    return serverAddress(address, true).encapsulate("/webtransport");
                }
                default -> {
                }
            }
        }
        return serverAddress(address, transport.equals("quic-v1"));
    }

    private static Multiaddr listenAddress(String address, String transport) {
        Multiaddr m = serverAddress(address, transport);
        if (m.toString().contains("/p2p/")) {
            throw new UsageException("the server's --server-address takes no /p2p/ part");
        }
        return m;
    }

    static PeerInfo serverInfo(String address) {
        return serverInfo(address, false);
    }

    static PeerInfo serverInfo(String address, boolean quic) {
        return serverInfo(address, quic ? "quic-v1" : "tcp");
    }

    static PeerInfo serverInfo(String address, String transport) {
        Multiaddr m = serverAddress(address, transport);
        try {
            if (m.toString().contains("/p2p/")) {
                return PeerInfo.fromMultiaddr(m);
            }
            return new PeerInfo(PeerId.parse(SERVER_PEER_ID), List.of(m));
        } catch (DecodeException e) {
            throw new UsageException("bad --server-address '" + address + "': " + e.getMessage());
        }
    }
}
