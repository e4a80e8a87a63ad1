package io.p2pkit.node.cli.command;

import io.p2pkit.core.DecodeException;
import io.p2pkit.core.host.Host;
import io.p2pkit.core.host.HostBuilder;
import io.p2pkit.core.host.PeerInfo;
import io.p2pkit.core.identify.IdentifyResult;
import io.p2pkit.core.identify.IdentifyService;
import io.p2pkit.core.network.Connection;
import io.p2pkit.core.ping.PingService;
import io.p2pkit.core.ping.PingSession;
import io.p2pkit.node.NodeVersion;
import io.p2pkit.node.cli.Args;
import io.p2pkit.node.cli.Command;
import io.p2pkit.node.cli.Console;
import io.p2pkit.node.cli.DurationOption;
import io.p2pkit.node.cli.UsageException;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@code p2pkit ping}: connects from an ephemeral identity and pings a peer. */
public final class PingCommand implements Command {
    @Override
    public String name() {
        return "ping";
    }

    @Override
    public String summary() {
        return "Connect to a peer and measure round trips";
    }

    @Override
    public String help() {
        return """
                Usage: p2pkit ping MADDR [--count N] [--interval DURATION] [--security LIST]
                                  [--muxer LIST] [--json]

                Connects to the peer at MADDR (ending in /p2p/<peer ID>) from a new, throw-away
                identity, reports the connection and what the peer told us over identify, then
                sends N pings on one /ipfs/ping/1.0.0 stream. Exits 0 only if every ping succeeded.

                Options:
                  --count N         how many pings (default 10)
                  --interval DUR    time between pings (default 1s; e.g. 200ms)
                  --timeout DUR     how long connecting and identify may take (default 30s)
                """ + HostOptions.HELP + """

                  --json            print {"event":"connected","security":…,"muxer":…,
                                    "agentVersion":…,"protocols":[…]} and then one
                                    {"event":"ping","rttMillis":…} per ping""";
    }

    @Override
    public int run(List<String> argv, Console console) throws Exception {
        List<String> valued = new ArrayList<>(List.of("count", "interval", "timeout"));
        valued.addAll(HostOptions.VALUED);
        Args args = Args.parse(argv, List.of("json"), valued).requirePositional(1, 1, "the address to ping");
        boolean json = args.flag("json");
        PeerInfo target;
        try {
            target = PeerInfo.parse(args.positional().get(0));
        } catch (DecodeException e) {
            throw new UsageException(e.getMessage());
        }
        int count = args.value("count").map(PingCommand::count).orElse(10);
        Duration interval = args.value("interval").map(v -> DurationOption.parse("interval", v)).orElse(Duration.ofSeconds(1));
        Duration timeout = args.value("timeout").map(v -> DurationOption.parse("timeout", v)).orElse(Duration.ofSeconds(30));

        HostBuilder builder = Host.builder().agentVersion("p2pkit/" + NodeVersion.get());
        HostOptions.apply(args, builder);
        try (Host host = builder.build()) {
            Connection c = host.connect(target);
            IdentifyResult id = host.service(IdentifyService.class).orElseThrow().awaitIdentified(c, timeout);
            Map<String, Object> connected = new LinkedHashMap<>();
            connected.put("event", "connected");
            connected.put("peerId", c.remotePeer().toString());
            connected.put("addr", c.remoteAddress().toString());
            connected.put("security", c.security());
            connected.put("muxer", c.muxer());
            connected.put("agentVersion", id.agentVersion());
            connected.put("protocols", id.protocols());
            if (json) {
                console.json(connected);
            } else {
                console.println("connected to " + c.remotePeer() + " at " + c.remoteAddress() + " with "
                        + c.security() + " and " + c.muxer() + " (agent " + id.agentVersion() + ")");
            }
            int failures = 0;
            try (PingSession session = host.service(PingService.class).orElseThrow().session(c)) {
                for (int i = 0; i < count; i++) {
                    if (i > 0) {
                        Thread.sleep(interval);
                    }
                    try {
                        Duration rtt = session.ping();
                        double ms = rtt.toNanos() / 1e6;
                        if (json) {
                            Map<String, Object> o = new LinkedHashMap<>();
                            o.put("event", "ping");
                            o.put("rttMillis", Math.round(ms * 1000) / 1000.0);
                            console.json(o);
                        } else {
                            console.println(String.format("pong from %s: time=%.3f ms", c.remotePeer(), ms));
                        }
                    } catch (IOException e) {
                        failures++;
                        console.info("p2pkit ping: ping " + (i + 1) + " failed: " + e.getMessage());
                        break; // the stream is gone
                    }
                }
            }
            if (failures > 0) {
                return 1;
            }
        }
        return 0;
    }

    private static int count(String v) {
        try {
            int n = Integer.parseInt(v);
            if (n < 1) {
                throw new NumberFormatException();
            }
            return n;
        } catch (NumberFormatException e) {
            throw new UsageException("--count needs a positive whole number, got '" + v + "'");
        }
    }
}
