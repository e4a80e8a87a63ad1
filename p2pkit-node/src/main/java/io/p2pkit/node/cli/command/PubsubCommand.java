package io.p2pkit.node.cli.command;

import io.p2pkit.core.host.Host;
import io.p2pkit.core.host.HostBuilder;
import io.p2pkit.core.host.PeerInfo;
import io.p2pkit.node.NodeVersion;
import io.p2pkit.node.cli.CliCommand;
import io.p2pkit.node.cli.UsageException;
import io.p2pkit.node.cli.options.BootstrapOption;
import io.p2pkit.node.cli.options.IdentityOption;
import io.p2pkit.node.cli.options.JsonOption;
import io.p2pkit.node.cli.options.ListenOption;
import io.p2pkit.node.cli.options.TimeoutOption;
import io.p2pkit.node.cli.options.TransportOptions;
import io.p2pkit.pubsub.PubSub;
import io.p2pkit.pubsub.PublishResult;
import io.p2pkit.pubsub.Topic;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@code p2pkit pubsub}: pubsub from a node that joins through {@code --bootstrap} peers. */
@Command(name = "pubsub", description = {"Publish to a pubsub topic.", "",
        "Run 'p2pkit pubsub pub --help' for the options.", ""},
        subcommands = PubsubCommand.Pub.class)
public final class PubsubCommand extends CliCommand {
    @Override
    public int run() {
        throw new UsageException("missing subcommand: pub");
    }

    /** {@code p2pkit pubsub pub TOPIC MESSAGE}. */
    @Command(name = "pub", description = {"Publish one message to a topic.", "",
            "Starts a node, connects to the --bootstrap peers (at least one), waits until at least one of them "
                    + "(or a peer they lead to) is subscribed to TOPIC, publishes MESSAGE (as UTF-8) and waits for "
                    + "it to be written. Exits 1 if no subscriber showed up within the timeout. Without --identity "
                    + "the message is signed by a new, throw-away identity; with it, by that key. Without --listen it only "
                    + "dials.", ""},
            footer = {"", "With --json: {\"event\":\"published\",\"recipients\":N}"})
    static final class Pub extends CliCommand {
        @Parameters(index = "0", paramLabel = "TOPIC", description = "the topic")
        String topicName;

        @Parameters(index = "1", paramLabel = "MESSAGE", description = "the message, sent as UTF-8")
        String message;

        @Mixin
        BootstrapOption bootstrap;

        @Mixin
        ListenOption listen;

        @Mixin
        IdentityOption identity;

        @Mixin
        TimeoutOption timeout;

        @Mixin
        PubsubOptions pubsubOptions;

        @Mixin
        TransportOptions transport;

        @Mixin
        JsonOption output;

        @Override
        public int run() throws Exception {
            List<PeerInfo> peers = bootstrap.required("pubsub pub");
            byte[] data = message.getBytes(StandardCharsets.UTF_8);
            HostBuilder builder = Host.builder().identity(identity.keyOrThrowAway(console(), "pubsub pub"))
                    .listen(listen.addresses(List.of())).agentVersion("p2pkit/" + NodeVersion.get());
            transport.apply(builder);
            try (Host host = builder.build()) {
                PubSub pubsub = pubsubOptions.start(host);
                int connected = 0;
                for (PeerInfo p : peers) {
                    try {
                        host.connect(p);
                        connected++;
                    } catch (IOException e) {
                        console().info("p2pkit pubsub: cannot connect to " + p.peerId() + ": " + e.getMessage());
                    }
                }
                if (connected == 0) {
                    return 1;
                }
                Topic topic = pubsub.join(topicName);
                if (!topic.awaitPeers(1, timeout.timeout())) {
                    console().info("p2pkit pubsub: no peer subscribed to " + topicName + " within " + timeout.timeout());
                    return 1;
                }
                PublishResult r = topic.publish(data);
                if (!pubsub.flush(timeout.timeout())) {
                    console().info("p2pkit pubsub: the message was not written within " + timeout.timeout());
                    return 1;
                }
                Map<String, Object> o = new LinkedHashMap<>();
                o.put("event", "published");
                o.put("recipients", r.recipients().size());
                output.print(console(), o, "published to " + r.recipients().size() + " peer(s)");
                return r.recipients().isEmpty() ? 1 : 0;
            }
        }
    }
}
