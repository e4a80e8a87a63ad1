package io.p2pkit.node.cli.command;

import io.p2pkit.core.DecodeException;
import io.p2pkit.core.host.Host;
import io.p2pkit.core.host.HostBuilder;
import io.p2pkit.core.host.PeerInfo;
import io.p2pkit.node.NodeVersion;
import io.p2pkit.node.cli.Args;
import io.p2pkit.node.cli.Command;
import io.p2pkit.node.cli.Console;
import io.p2pkit.node.cli.DurationOption;
import io.p2pkit.node.cli.UsageException;
import io.p2pkit.pubsub.PubSub;
import io.p2pkit.pubsub.PublishResult;
import io.p2pkit.pubsub.Topic;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@code p2pkit pubsub pub}: publishes one message from an ephemeral node. */
public final class PubsubCommand implements Command {
    @Override
    public String name() {
        return "pubsub";
    }

    @Override
    public String summary() {
        return "Publish to a pubsub topic";
    }

    @Override
    public String help() {
        return """
                Usage: p2pkit pubsub pub TOPIC MESSAGE --bootstrap MADDR... [--timeout DUR]
                                         [--pubsub ROUTER] [--pubsub-signing POLICY]
                                         [--security LIST] [--muxer LIST] [--json]

                Starts a throw-away node, connects to the bootstrap peers, waits until at least
                one of them (or a peer they lead to) is subscribed to TOPIC, publishes MESSAGE
                (as UTF-8) and waits for it to be written. Exits 1 if no subscriber showed up
                within the timeout.

                Options:
                  --bootstrap MADDR a peer to connect to, /…/p2p/<id>; repeatable, required
                  --timeout DUR     how long to wait for connections and subscribers (default 30s)
                """ + PubsubOptions.HELP + "\n" + HostOptions.HELP + """

                  --json            print {"event":"published","recipients":N}""";
    }

    @Override
    public int run(List<String> argv, Console console) throws Exception {
        List<String> valued = new ArrayList<>(List.of("bootstrap", "timeout"));
        valued.addAll(HostOptions.VALUED);
        valued.addAll(PubsubOptions.VALUED);
        Args args = Args.parse(argv, List.of("json"), valued).requirePositional(3, 3, "pub TOPIC MESSAGE");
        if (!args.positional().get(0).equals("pub")) {
            throw new UsageException("unknown pubsub subcommand '" + args.positional().get(0) + "' (expected pub)");
        }
        String topicName = args.positional().get(1);
        byte[] data = args.positional().get(2).getBytes(StandardCharsets.UTF_8);
        boolean json = args.flag("json");
        Duration timeout = args.value("timeout").map(v -> DurationOption.parse("timeout", v)).orElse(Duration.ofSeconds(30));
        List<PeerInfo> bootstrap = new ArrayList<>();
        try {
            for (String a : args.values("bootstrap")) {
                bootstrap.add(PeerInfo.parse(a));
            }
        } catch (DecodeException e) {
            throw new UsageException(e.getMessage());
        }
        if (bootstrap.isEmpty()) {
            throw new UsageException("--bootstrap is required");
        }
        HostBuilder builder = Host.builder().agentVersion("p2pkit/" + NodeVersion.get());
        HostOptions.apply(args, builder);
        try (Host host = builder.build()) {
            PubSub pubsub = PubsubOptions.start(args, host);
            int connected = 0;
            for (PeerInfo p : bootstrap) {
                try {
                    host.connect(p);
                    connected++;
                } catch (IOException e) {
                    console.info("p2pkit pubsub: cannot connect to " + p.peerId() + ": " + e.getMessage());
                }
            }
            if (connected == 0) {
                return 1;
            }
            Topic topic = pubsub.join(topicName);
            if (!topic.awaitPeers(1, timeout)) {
                console.info("p2pkit pubsub: no peer subscribed to " + topicName + " within " + timeout);
                return 1;
            }
            PublishResult r = topic.publish(data);
            if (!pubsub.flush(timeout)) {
                console.info("p2pkit pubsub: the message was not written within " + timeout);
                return 1;
            }
            if (json) {
                Map<String, Object> o = new LinkedHashMap<>();
                o.put("event", "published");
                o.put("recipients", r.recipients().size());
                console.json(o);
            } else {
                console.println("published to " + r.recipients().size() + " peer(s)");
            }
            return r.recipients().isEmpty() ? 1 : 0;
        }
    }
}
