package io.p2pkit.node.cli.command;

import io.p2pkit.core.host.Host;
import io.p2pkit.node.cli.Args;
import io.p2pkit.node.cli.Console;
import io.p2pkit.node.cli.UsageException;
import io.p2pkit.pubsub.PubSub;
import io.p2pkit.pubsub.PubsubConfig;
import io.p2pkit.pubsub.PubsubMessage;
import io.p2pkit.pubsub.Router;
import io.p2pkit.pubsub.SignaturePolicy;
import io.p2pkit.pubsub.flood.FloodRouter;
import io.p2pkit.pubsub.gossip.GossipRouter;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The pubsub options shared by {@code daemon} and {@code pubsub}: router and signature policy. */
final class PubsubOptions {
    static final List<String> VALUED = List.of("pubsub", "pubsub-signing");

    static final String HELP = """
              --pubsub ROUTER   gossipsub (default) or floodsub
              --pubsub-signing POLICY
                                strict (default: sign, accept only signed messages) or
                                none (strict no-sign; message IDs are SHA-256 of the data)""";

    private PubsubOptions() {
    }

    /** Starts pubsub on {@code host} as the options say. */
    static PubSub start(Args args, Host host) {
        String router = args.value("pubsub").orElse("gossipsub");
        Router r = switch (router) {
            case "gossipsub" -> new GossipRouter();
            case "floodsub" -> new FloodRouter();
            default -> throw new UsageException("--pubsub must be gossipsub or floodsub, got '" + router + "'");
        };
        String signing = args.value("pubsub-signing").orElse("strict");
        SignaturePolicy policy = switch (signing) {
            case "strict" -> SignaturePolicy.STRICT_SIGN;
            case "none" -> SignaturePolicy.STRICT_NO_SIGN;
            default -> throw new UsageException("--pubsub-signing must be strict or none, got '" + signing + "'");
        };
        return PubSub.start(host, PubsubConfig.builder().signaturePolicy(policy).build(), r);
    }

    /** Prints one received message: a JSON event, or a line of text. */
    static void printMessage(Console console, boolean json, PubsubMessage m) {
        String from = m.author().map(Object::toString).orElse(null);
        String seqno = m.seqno() == null ? null : HexFormat.of().formatHex(m.seqno());
        String text = new String(m.data(), StandardCharsets.UTF_8);
        if (json) {
            Map<String, Object> o = new LinkedHashMap<>();
            o.put("event", "message");
            o.put("topic", m.topic());
            o.put("from", from);
            o.put("seqno", seqno);
            o.put("data", text);
            o.put("dataBase64", Base64.getEncoder().encodeToString(m.data()));
            console.json(o);
        } else {
            console.println("message on " + m.topic() + (from == null ? "" : " from " + from) + ": " + text);
        }
    }
}
