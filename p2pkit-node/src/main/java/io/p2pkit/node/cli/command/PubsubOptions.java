package io.p2pkit.node.cli.command;

import io.p2pkit.core.DecodeException;
import io.p2pkit.core.host.Host;
import io.p2pkit.core.host.PeerInfo;
import io.p2pkit.core.peerstore.AddressTtl;
import io.p2pkit.node.cli.Args;
import io.p2pkit.node.cli.Console;
import io.p2pkit.node.cli.UsageException;
import io.p2pkit.pubsub.PubSub;
import io.p2pkit.pubsub.PubsubConfig;
import io.p2pkit.pubsub.PubsubMessage;
import io.p2pkit.pubsub.Router;
import io.p2pkit.pubsub.SignaturePolicy;
import io.p2pkit.pubsub.flood.FloodRouter;
import io.p2pkit.pubsub.gossip.GossipParams;
import io.p2pkit.pubsub.gossip.GossipRouter;
import io.p2pkit.pubsub.score.ScoreFile;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The pubsub options shared by {@code daemon} and {@code pubsub}: router, signature policy, scoring, direct peers. */
final class PubsubOptions {
    static final List<String> VALUED = List.of("pubsub", "pubsub-signing", "pubsub-score", "pubsub-direct");

    static final String HELP = """
              --pubsub ROUTER   gossipsub (default) or floodsub
              --pubsub-signing POLICY
                                strict (default: sign, accept only signed messages) or
                                none (strict no-sign; message IDs are SHA-256 of the data)
              --pubsub-score FILE
                                gossipsub peer scoring on, with the parameters and
                                thresholds in FILE (properties; topics named there are
                                scored; see docs/PUBSUB.md)
              --pubsub-direct MADDR
                                a gossipsub direct peer, /…/p2p/<id>: always sent every
                                message, never meshed, kept connected; repeatable""";

    private PubsubOptions() {
    }

    /** Starts pubsub on {@code host} as the options say. */
    static PubSub start(Args args, Host host) {
        String router = args.value("pubsub").orElse("gossipsub");
        Router r = switch (router) {
            case "gossipsub" -> new GossipRouter(gossipParams(args, host));
            case "floodsub" -> {
                if (args.value("pubsub-score").isPresent() || !args.values("pubsub-direct").isEmpty()) {
                    throw new UsageException("--pubsub-score and --pubsub-direct need --pubsub gossipsub");
                }
                yield new FloodRouter();
            }
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

    /** Gossipsub parameters: the defaults, with scoring and direct peers if asked. */
    private static GossipParams gossipParams(Args args, Host host) {
        GossipParams.Builder b = GossipParams.builder();
        if (args.value("pubsub-score").isPresent()) {
            String file = args.value("pubsub-score").get();
            try {
                ScoreFile score = ScoreFile.read(Path.of(file));
                b.scoring(score.params(), score.thresholds());
            } catch (DecodeException e) {
                throw new UsageException("--pubsub-score: " + e.getMessage());
            } catch (IOException e) {
                throw new UsageException("--pubsub-score: cannot read " + file + ": " + e.getMessage());
            }
        }
        List<PeerInfo> direct = new ArrayList<>();
        for (String a : args.values("pubsub-direct")) {
            PeerInfo info;
            try {
                info = PeerInfo.parse(a);
            } catch (RuntimeException e) {
                throw new UsageException("--pubsub-direct: not a /…/p2p/<id> address: " + a);
            }
            // The router reconnects direct peers through the peer store.
            host.peerStore().addAddresses(info.peerId(), info.addresses(), AddressTtl.PERMANENT);
            direct.add(info);
        }
        return b.directPeers(direct).build();
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
