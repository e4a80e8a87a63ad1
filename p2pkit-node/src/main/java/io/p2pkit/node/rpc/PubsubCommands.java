package io.p2pkit.node.rpc;

import io.p2pkit.core.identity.PeerId;
import io.p2pkit.pubsub.PubSub;
import io.p2pkit.pubsub.PubsubMessage;
import io.p2pkit.pubsub.Subscription;
import io.p2pkit.pubsub.Topic;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code pubsub/pub|sub|ls|peers}, as Kubo serves them: topics in arguments and output are
 * multibase base64url ({@code u…}), and {@code sub} is a stream that lasts until the client goes.
 */
final class PubsubCommands {
    /** The most bytes of one published message. */
    private static final int MAX_MESSAGE = 1 << 20;
    /** How often a quiet subscription checks whether its client is still there. */
    private static final Duration POLL = Duration.ofMillis(500);

    private PubsubCommands() {
    }

    static List<RpcCommand> all() {
        return List.of(
                RpcCommand.at("pubsub/pub").args(RpcArgument.string("topic", true, false), RpcArgument.file("data", true, false))
                        .run(PubsubCommands::pub),
                RpcCommand.at("pubsub/sub").args(RpcArgument.string("topic", true, false)).run(PubsubCommands::sub),
                RpcCommand.at("pubsub/ls").run(PubsubCommands::ls),
                RpcCommand.at("pubsub/peers").args(RpcArgument.string("topic", false, false)).run(PubsubCommands::peers));
    }

    private static PubSub pubsub(RpcRequest req) {
        return req.node().pubsub().orElseThrow(() -> RpcError.failed(
                "experimental pubsub feature not enabled, run daemon with --enable-pubsub-experiment to use"));
    }

    /** A URL argument as Kubo's urlArgsDecoder reads it: multibase, and base64url only. */
    static String topic(String arg) {
        if (arg.isEmpty()) {
            throw RpcError.failed("URL arg must be multibase encoded: empty string");
        }
        if (arg.charAt(0) != 'u') {
            throw RpcError.failed("z0123456789bBcCfFhkKmMpPtTvVUZ".indexOf(arg.charAt(0)) >= 0
                    ? "URL arg must be base64url encoded" : "URL arg must be multibase encoded: selected encoding not supported");
        }
        try {
            return new String(Base64.getUrlDecoder().decode(arg.substring(1)), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw RpcError.failed("URL arg must be multibase encoded: " + e.getMessage());
        }
    }

    /** Kubo's multibase base64url without padding. */
    static String encode(byte[] bytes) {
        return "u" + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    private static void pub(RpcRequest req, RpcResponse res) throws Exception {
        String topic = topic(req.argument(0));
        PubSub pubsub = pubsub(req);
        Uploads.Entry file = req.files().next();
        if (file == null || file.kind() != Uploads.Kind.FILE) {
            throw RpcError.failed("expected a file argument");
        }
        byte[] data = NodeContent.readBounded(file.body(), MAX_MESSAGE, "the message");
        Topic t = pubsub.join(topic);
        try {
            t.publish(data);
        } catch (io.p2pkit.pubsub.PublishException e) {
            throw RpcError.failed(e.getMessage());
        }
    }

    private static void sub(RpcRequest req, RpcResponse res) throws Exception {
        String topic = topic(req.argument(0));
        PubSub pubsub = pubsub(req);
        try (Subscription s = pubsub.join(topic).subscribe()) {
            res.flushHeaders(); // the client learns at once that it is subscribed
            while (!req.cancelled() && !s.isCancelled()) {
                PubsubMessage m = s.next(POLL);
                if (m != null) {
                    res.emit(message(m));
                }
            }
        }
    }

    private static Map<String, Object> message(PubsubMessage m) {
        Map<String, Object> o = new LinkedHashMap<>();
        m.author().ifPresent(p -> o.put("from", p.toString()));
        if (m.dataLength() > 0) {
            o.put("data", encode(m.data()));
        }
        if (m.seqno() != null && m.seqno().length > 0) {
            o.put("seqno", encode(m.seqno()));
        }
        o.put("topicIDs", List.of(encode(m.topic().getBytes(StandardCharsets.UTF_8))));
        return o;
    }

    private static void ls(RpcRequest req, RpcResponse res) throws Exception {
        List<String> topics = new ArrayList<>();
        for (String t : pubsub(req).topics()) {
            topics.add(encode(t.getBytes(StandardCharsets.UTF_8)));
        }
        topics.sort(null);
        res.single(Map.of("Strings", topics));
    }

    private static void peers(RpcRequest req, RpcResponse res) throws Exception {
        PubSub pubsub = pubsub(req);
        var peers = req.arguments().isEmpty() ? pubsub.peers() : pubsub.topicPeers(topic(req.argument(0)));
        List<String> out = new ArrayList<>(peers.stream().map(PeerId::toString).toList());
        out.sort(null);
        res.single(Map.of("Strings", out));
    }
}
