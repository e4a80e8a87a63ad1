package io.p2pkit.node.cli.command;

import io.p2pkit.core.DecodeException;
import io.p2pkit.core.host.Host;
import io.p2pkit.core.host.HostBuilder;
import io.p2pkit.core.host.PeerInfo;
import io.p2pkit.core.identify.IdentifyResult;
import io.p2pkit.core.identify.IdentifyService;
import io.p2pkit.core.multiaddr.Protocol;
import io.p2pkit.core.network.Connection;
import io.p2pkit.core.ping.PingService;
import io.p2pkit.core.ping.PingSession;
import io.p2pkit.nat.relay.RelayClient;
import io.p2pkit.node.NodeVersion;
import io.p2pkit.node.cli.CliCommand;
import io.p2pkit.node.cli.UsageException;
import io.p2pkit.node.cli.options.DurationConverter;
import io.p2pkit.node.cli.options.IdentityOption;
import io.p2pkit.node.cli.options.JsonOption;
import io.p2pkit.node.cli.options.TimeoutOption;
import io.p2pkit.node.cli.options.TransportOptions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.time.Duration;
import java.util.LinkedHashMap;
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
                + "when the relay caps its duration and data).",
        ""},
        footer = {"", "With --json: {\"event\":\"connected\",\"peerId\":…,\"addr\":…,\"security\":…,\"muxer\":…,"
                + "\"agentVersion\":…,\"protocols\":[…],\"relayed\":…,\"limited\":…}, then one {\"event\":\"ping\",\"rttMillis\":…} per ping"})
public final class PingCommand extends CliCommand {
    @Parameters(index = "0", paramLabel = "MADDR", description = "the peer's address, ending in /p2p/<peer ID>")
    private String address;

    @Option(names = "--count", paramLabel = "N", description = "how many pings (default 10)")
    private int count = 10;

    @Option(names = "--interval", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "time between pings (default 1s; for example 200ms)")
    private Duration interval = Duration.ofSeconds(1);

    @Mixin
    private TimeoutOption timeout;

    @Mixin
    private IdentityOption identity;

    @Mixin
    private TransportOptions transport;

    @Mixin
    private JsonOption output;

    @Override
    public int run() throws Exception {
        PeerInfo target;
        try {
            target = PeerInfo.parse(address);
        } catch (DecodeException e) {
            throw new UsageException(e.getMessage());
        }
        if (count < 1) {
            throw new UsageException("--count needs a positive whole number, got '" + count + "'");
        }
        HostBuilder builder = Host.builder().identity(identity.keyOrThrowAway(console(), "ping"))
                .agentVersion("p2pkit/" + NodeVersion.get());
        transport.apply(builder);
        try (Host host = builder.build()) {
            RelayClient.attach(host); // /p2p-circuit addresses dial through their relay
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
            try (PingSession session = host.service(PingService.class).orElseThrow().session(c)) {
                for (int i = 0; i < count; i++) {
                    if (i > 0) {
                        Thread.sleep(interval);
                    }
                    try {
                        double ms = session.ping().toNanos() / 1e6;
                        Map<String, Object> o = new LinkedHashMap<>();
                        o.put("event", "ping");
                        o.put("rttMillis", Math.round(ms * 1000) / 1000.0);
                        output.print(console(), o, String.format("pong from %s: time=%.3f ms", c.remotePeer(), ms));
                    } catch (IOException e) {
                        console().info("p2pkit ping: ping " + (i + 1) + " failed: " + e.getMessage());
                        return 1; // the stream is gone
                    }
                }
            }
        }
        return 0;
    }
}
