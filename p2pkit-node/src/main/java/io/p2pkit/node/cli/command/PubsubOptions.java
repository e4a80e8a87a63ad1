package io.p2pkit.node.cli.command;

import io.p2pkit.core.DecodeException;
import io.p2pkit.core.host.Host;
import io.p2pkit.core.host.PeerInfo;
import io.p2pkit.node.cli.Console;
import io.p2pkit.node.cli.UsageException;
import io.p2pkit.node.NodeConfig;
import io.p2pkit.pubsub.PubSub;
import io.p2pkit.pubsub.PubsubMessage;
import io.p2pkit.pubsub.SignaturePolicy;
import io.p2pkit.pubsub.score.ScoreFile;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The pubsub options shared by {@code daemon} and {@code pubsub pub}: router, signature policy,
 * scoring, direct peers.
 */
final class PubsubOptions {
    @Option(names = "--pubsub", paramLabel = "ROUTER", description = "gossipsub (default) or floodsub")
    private String router;

    @Option(names = "--pubsub-signing", paramLabel = "POLICY",
            description = "strict (default: sign, accept only signed messages) or none (strict no-sign; message IDs "
                    + "are SHA-256 of the data)")
    private String signing;

    @Option(names = "--pubsub-score", paramLabel = "FILE",
            description = "gossipsub peer scoring on, with the parameters and thresholds in FILE (properties; topics "
                    + "named there are scored; see docs/PUBSUB.md)")
    private String scoreFile;

    @Option(names = "--pubsub-direct", paramLabel = "MADDR",
            description = "a gossipsub direct peer, /…/p2p/<id>: always sent every message, never meshed, kept "
                    + "connected; repeatable")
    private List<String> direct = new ArrayList<>();

    /** Whether a router was chosen with {@code --pubsub}. */
    boolean routerGiven() {
        return router != null;
    }

    /** Starts pubsub on {@code host} as the options say. */
    PubSub start(Host host) {
        return config(List.of()).start(host);
    }

    /**
     * The options as a node's pubsub section, subscribing to {@code topics}.
     *
     * @throws UsageException for a wrong value or a score file that cannot be read
     */
    NodeConfig.Pubsub config(List<String> topics) {
        return config(topics, Optional.empty(), false);
    }

    /**
     * The same over a config file's router and signing ({@code Pubsub.Router},
     * {@code Pubsub.DisableSigning}), which the options override.
     */
    NodeConfig.Pubsub config(List<String> topics, Optional<String> configuredRouter, boolean signingDisabled) {
        String name = router != null ? router : configuredRouter.orElse("gossipsub");
        NodeConfig.Pubsub.RouterKind kind = switch (name) {
            case "gossipsub" -> NodeConfig.Pubsub.RouterKind.GOSSIPSUB;
            case "floodsub" -> {
                if (scoreFile != null || !direct.isEmpty()) {
                    throw new UsageException("--pubsub-score and --pubsub-direct need --pubsub gossipsub");
                }
                yield NodeConfig.Pubsub.RouterKind.FLOODSUB;
            }
            default -> throw new UsageException("--pubsub must be gossipsub or floodsub, got '" + name + "'");
        };
        String policyName = signing != null ? signing : signingDisabled ? "none" : "strict";
        SignaturePolicy policy = switch (policyName) {
            case "strict" -> SignaturePolicy.STRICT_SIGN;
            case "none" -> SignaturePolicy.STRICT_NO_SIGN;
            default -> throw new UsageException("--pubsub-signing must be strict or none, got '" + policyName + "'");
        };
        Optional<ScoreFile> score = Optional.empty();
        if (scoreFile != null) {
            try {
                score = Optional.of(ScoreFile.read(Path.of(scoreFile)));
            } catch (DecodeException e) {
                throw new UsageException("--pubsub-score: " + e.getMessage());
            } catch (IOException e) {
                throw new UsageException("--pubsub-score: cannot read " + scoreFile + ": " + e.getMessage());
            }
        }
        List<PeerInfo> directPeers = new ArrayList<>();
        for (String a : direct) {
            try {
                directPeers.add(PeerInfo.parse(a));
            } catch (RuntimeException e) {
                throw new UsageException("--pubsub-direct: not a /…/p2p/<id> address: " + a);
            }
        }
        return new NodeConfig.Pubsub(kind, policy, score, directPeers, topics);
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
