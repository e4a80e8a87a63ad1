package io.p2pkit.node.cli.command;

import io.p2pkit.core.DecodeException;
import io.p2pkit.core.host.Host;
import io.p2pkit.core.host.HostBuilder;
import io.p2pkit.core.host.PeerInfo;
import io.p2pkit.core.identify.IdentifyResult;
import io.p2pkit.core.identify.IdentifyService;
import io.p2pkit.core.identity.PeerId;
import io.p2pkit.core.multiaddr.Protocol;
import io.p2pkit.core.network.Connection;
import io.p2pkit.core.ping.PingService;
import io.p2pkit.core.ping.PingSession;
import io.p2pkit.ipfs.ipld.BoolNode;
import io.p2pkit.ipfs.ipld.MapNode;
import io.p2pkit.nat.holepunch.HolePunchService;
import io.p2pkit.nat.relay.RelayClient;
import io.p2pkit.node.NodeVersion;
import io.p2pkit.node.cli.CliCommand;
import io.p2pkit.node.cli.UsageException;
import io.p2pkit.node.cli.content.DaemonApi;
import io.p2pkit.node.cli.content.KuboJson;
import io.p2pkit.node.cli.options.DurationConverter;
import io.p2pkit.node.cli.options.IdentityOption;
import io.p2pkit.node.cli.options.JsonOption;
import io.p2pkit.node.cli.options.RepoOption;
import io.p2pkit.node.cli.options.TimeoutOption;
import io.p2pkit.node.cli.options.TransportOptions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** {@code p2pkit ping}: connects to a peer and pings it. */
@Command(name = "ping", description = {
        "Connect to a peer and measure round trips.",
        "",
        "Connects to the peer at MADDR (ending in /p2p/<peer ID>), reports the connection and what the peer told "
                + "us over identify, then sends N pings on one /ipfs/ping/1.0.0 stream. Exits 0 only if every "
                + "ping succeeded. Without --identity it connects from a new, throw-away identity.",
        "",
        "MADDR may go through a circuit relay v2 (<relay address>/p2p/<relay>/p2p-circuit/p2p/<peer ID>): the "
                + "connection is then secured end to end through the relay and reported as relayed (and limited, "
                + "when the relay caps its duration and data). The peer may then upgrade it to a direct connection "
                + "by hole punching (DCUtR): for that the ping listens on a TCP port of its own (--listen-port, "
                + "default a free one) to dial the relay and the peer from; when a direct connection comes, "
                + "the pings move to it and a \"direct\" line says so. --hole-punching disabled stays on the relay.",
        "",
        "A peer ID alone (no address) is pinged by the daemon running on the repository, which finds the peer as "
                + "Kubo's 'ipfs ping' does (its peerstore, else the DHT) and pings it once a second from its own identity; "
                + "the output is Kubo's (PING …, Pong received: time=… ms, Average latency: …ms). Only --count applies then.",
        ""},
        footer = {"", "With --json: {\"event\":\"connected\",\"peerId\":…,\"addr\":…,\"security\":…,\"muxer\":…,"
                + "\"agentVersion\":…,\"protocols\":[…],\"relayed\":…,\"limited\":…}, then one {\"event\":\"ping\",\"rttMillis\":…} per ping, "
                + "and {\"event\":\"direct\",\"addr\":…,\"outcome\":…,\"elapsedMs\":…} when a relayed connection becomes direct; "
                + "through the daemon, Kubo's {\"Success\":…,\"Time\":<ns>,\"Text\":…} objects"})
public final class PingCommand extends CliCommand {
    @Parameters(index = "0", paramLabel = "MADDR|PEER-ID", description = "the peer's address, ending in /p2p/<peer ID>; "
            + "or its ID alone, for the running daemon to ping")
    private String address;

    @Option(names = "--count", paramLabel = "N", description = "how many pings (default 10)")
    private int count = 10;

    @Option(names = "--interval", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "time between pings (default 1s; for example 200ms)")
    private Duration interval = Duration.ofSeconds(1);

    @Mixin
    private TimeoutOption timeout;

    @Option(names = "--hole-punching", paramLabel = "MODE", description = "through a relay: enabled (the default) "
            + "lets the peer upgrade the connection to a direct one by hole punching; disabled stays on the relay")
    private String holePunching = "enabled";

    @Option(names = "--listen-port", paramLabel = "PORT", description = "through a relay with hole punching: the "
            + "TCP port to listen on and dial from (default 0, a free one)")
    private int listenPort;

    @Mixin
    private IdentityOption identity;

    @Mixin
    private TransportOptions transport;

    @Mixin
    private RepoOption repo;

    @Mixin
    private JsonOption output;

    @Override
    public int run() throws Exception {
        if (count < 1) {
            throw new UsageException("--count needs a positive whole number, got '" + count + "'");
        }
        if (!address.startsWith("/")) {
            return throughDaemon();
        }
        PeerInfo target;
        try {
            target = PeerInfo.parse(address);
        } catch (DecodeException e) {
            throw new UsageException(e.getMessage());
        }
        HostBuilder builder = Host.builder().identity(identity.keyOrThrowAway(console(), "ping"))
                .agentVersion("p2pkit/" + NodeVersion.get());
        transport.apply(builder);
        boolean punch = switch (holePunching) {
            case "enabled" -> target.addresses().stream().anyMatch(a -> a.hasProtocol(Protocol.P2P_CIRCUIT));
            case "disabled" -> false;
            default -> throw new UsageException("--hole-punching: expected enabled or disabled, not " + holePunching);
        };
        if (punch) {
            // hole punching dials from a listening port, whose NAT mapping the relay observes
            builder.listen("/ip4/0.0.0.0/tcp/" + listenPort);
        }
        try (Host host = builder.build()) {
            RelayClient.attach(host); // /p2p-circuit addresses dial through their relay
            if (punch) {
                HolePunchService.attach(host).addListener(e -> {
                    if (e.succeeded()) {
                        Map<String, Object> o = new LinkedHashMap<>();
                        o.put("event", "direct");
                        o.put("addr", e.direct().orElseThrow().toString());
                        o.put("outcome", e.outcome().name().toLowerCase());
                        o.put("elapsedMs", e.elapsed().toMillis());
                        output.print(console(), o, "direct connection to " + e.peer() + " at " + e.direct().get()
                                + " (" + e.detail() + "); pings move to it");
                    } else {
                        console().info("p2pkit ping: " + e.detail());
                    }
                });
            }
            Connection c = host.connect(target);
            boolean relayed = c.remoteAddress().hasProtocol(Protocol.P2P_CIRCUIT);
            IdentifyResult id = host.service(IdentifyService.class).orElseThrow().awaitIdentified(c, timeout.timeout());
            Map<String, Object> connected = new LinkedHashMap<>();
            connected.put("event", "connected");
            connected.put("peerId", c.remotePeer().toString());
            connected.put("addr", c.remoteAddress().toString());
            connected.put("security", c.security());
            connected.put("muxer", c.muxer());
            connected.put("agentVersion", id.agentVersion());
            connected.put("protocols", id.protocols());
            connected.put("relayed", relayed);
            connected.put("limited", c.isLimited());
            String how = !relayed ? "" : c.limit().map(l -> ", relayed, limited to " + l.duration().toSeconds()
                    + " s and " + l.dataBytes() + " bytes each way by the relay").orElse(", relayed");
            output.print(console(), connected, "connected to " + c.remotePeer() + " at " + c.remoteAddress() + " with "
                    + c.security() + " and " + c.muxer() + " (agent " + id.agentVersion() + how + ")");
            PingService pings = host.service(PingService.class).orElseThrow();
            PingSession session = pings.session(c);
            try {
                for (int i = 0; i < count; i++) {
                    if (i > 0) {
                        Thread.sleep(interval);
                    }
                    Connection best = host.network().connection(c.remotePeer()).orElse(c);
                    if (best != c && !best.isLimited()) {
                        // hole punching gave a direct connection: ping on it, the relayed one is closing
                        session.close();
                        c = best;
                        session = pings.session(c);
                    }
                    try {
                        double ms = session.ping().toNanos() / 1e6;
                        Map<String, Object> o = new LinkedHashMap<>();
                        o.put("event", "ping");
                        o.put("rttMillis", Math.round(ms * 1000) / 1000.0);
                        output.print(console(), o, String.format(Locale.ROOT, "pong from %s: time=%.3f ms", c.remotePeer(), ms));
                    } catch (IOException e) {
                        console().info("p2pkit ping: ping " + (i + 1) + " failed: " + e.getMessage());
                        return 1; // the stream is gone
                    }
                }
            } finally {
                session.close();
            }
        }
        return 0;
    }

    /** Kubo's {@code ping} by the daemon on the repository: its results printed as Kubo's CLI prints them. */
    private int throughDaemon() throws IOException {
        try {
            PeerId.parse(address);
        } catch (IllegalArgumentException e) {
            throw new UsageException("'" + address + "' is neither a multiaddr nor a peer ID: " + e.getMessage());
        }
        DaemonApi api = DaemonApi.find(repo.root()).orElseThrow(() -> new UsageException("a peer ID alone is pinged by "
                + "the daemon, which finds the peer, and none runs on " + repo.root() + ": start 'p2pkit daemon', or "
                + "give the peer's multiaddr"));
        boolean allAnswered = true;
        try (api; InputStream in = new BufferedInputStream(api.post("ping", List.of(address),
                Map.of("count", Integer.toString(count))))) {
            for (MapNode m; (m = DaemonApi.nextObject(in)) != null; ) {
                boolean success = m.get("Success").orElse(null) instanceof BoolNode b && b.value();
                long nanos = DaemonApi.number(m, "Time");
                String text = DaemonApi.text(m, "Text");
                allAnswered &= success;
                output.print(console(), KuboJson.pingResult(success, nanos, text), KuboJson.pingText(success, nanos, text).strip());
            }
        }
        return allAnswered ? 0 : 1;
    }
}
