package io.p2pkit.ipfs.graphsync;

import io.p2pkit.core.DecodeException;
import io.p2pkit.core.multiformats.Cid;
import io.p2pkit.ipfs.block.Block;
import io.p2pkit.ipfs.codec.Limits;
import io.p2pkit.ipfs.codec.dagcbor.DagCbor;
import io.p2pkit.ipfs.ipld.BytesNode;
import io.p2pkit.ipfs.ipld.IntNode;
import io.p2pkit.ipfs.ipld.Link;
import io.p2pkit.ipfs.ipld.ListNode;
import io.p2pkit.ipfs.ipld.MapNode;
import io.p2pkit.ipfs.ipld.Node;
import io.p2pkit.ipfs.ipld.NullNode;
import io.p2pkit.ipfs.ipld.StringNode;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * GraphSync 2.0 messages in DAG-CBOR: {@code {"gs2": {"req": [...], "rsp": [...], "blk": [[prefix,
 * data], ...]}}}, as go-graphsync's schema (message/ipldbind/schema.ipldsch) lays them out. On the
 * wire each message is preceded by its length as a varint.
 *
 * <p>Decoding refuses messages over {@link #MAX_MESSAGE_BYTES} (go-libp2p's
 * {@code network.MessageSizeMax}, which go-graphsync reads with), blocks over the block cap,
 * request IDs that are not 16 bytes, unknown status codes, request types and link actions, and
 * anything not shaped as the schema says. Unknown map keys are ignored.
 */
final class MessageCodec {
    /** The largest message: 4 MiB. */
    static final int MAX_MESSAGE_BYTES = 4 << 20;

    private static final DagCbor CBOR = new DagCbor(Limits.DEFAULT.withMaxBlockSize(MAX_MESSAGE_BYTES));

    private MessageCodec() {
    }

    static byte[] encode(Message m) {
        MapNode.Builder gs2 = MapNode.builder();
        if (!m.requests().isEmpty()) {
            List<Node> reqs = new ArrayList<>();
            for (Message.Request r : m.requests()) {
                MapNode.Builder b = MapNode.builder()
                        .put("id", BytesNode.of(r.id().bytes()))
                        .put("type", Node.of(r.type().wire));
                if (r.priority() != 0) {
                    b.put("pri", IntNode.of(r.priority()));
                }
                if (r.root() != null) {
                    b.put("root", Node.of(r.root()));
                }
                if (r.selector() != null) {
                    b.put("sel", r.selector());
                }
                if (!r.extensions().isEmpty()) {
                    b.put("ext", MapNode.of(r.extensions()));
                }
                reqs.add(b.build());
            }
            gs2.put("req", new ListNode(reqs));
        }
        if (!m.responses().isEmpty()) {
            List<Node> rsps = new ArrayList<>();
            for (Message.Response r : m.responses()) {
                MapNode.Builder b = MapNode.builder()
                        .put("reqid", BytesNode.of(r.id().bytes()))
                        .put("stat", IntNode.of(r.status().code()));
                if (!r.metadata().isEmpty()) {
                    List<Node> meta = new ArrayList<>();
                    for (Message.Metadatum d : r.metadata()) {
                        meta.add(Node.list(Node.of(d.link()), Node.of(d.action().wire)));
                    }
                    b.put("meta", new ListNode(meta));
                }
                if (!r.extensions().isEmpty()) {
                    b.put("ext", MapNode.of(r.extensions()));
                }
                rsps.add(b.build());
            }
            gs2.put("rsp", new ListNode(rsps));
        }
        if (!m.blocks().isEmpty()) {
            List<Node> blks = new ArrayList<>();
            for (Block b : m.blocks()) {
                blks.add(Node.list(BytesNode.wrap(io.p2pkit.ipfs.bitswap.wire.MessageCodec.prefix(b.cid())), BytesNode.wrap(b.data())));
            }
            gs2.put("blk", new ListNode(blks));
        }
        return CBOR.encode(MapNode.of("gs2", gs2.build()));
    }

    /**
     * @param bytes         a message without its length prefix
     * @param maxBlockBytes the largest block accepted
     * @throws DecodeException when the message is malformed or over a cap
     */
    static Message decode(byte[] bytes, int maxBlockBytes) {
        if (bytes.length > MAX_MESSAGE_BYTES) {
            throw new DecodeException("message", bytes.length + " bytes is over the limit of " + MAX_MESSAGE_BYTES);
        }
        MapNode root = map(CBOR.decode(bytes), "message");
        MapNode gs2 = map(root.get("gs2").orElseThrow(() -> new DecodeException("message", "has no \"gs2\"")), "gs2");
        List<Message.Request> requests = new ArrayList<>();
        for (Node n : list(gs2, "req")) {
            MapNode r = map(n, "request");
            Message.RequestId id = id(r, "id");
            String type = string(required(r, "type"), "type");
            Message.RequestType t = switch (type) {
                case "n" -> Message.RequestType.NEW;
                case "c" -> Message.RequestType.CANCEL;
                case "u" -> Message.RequestType.UPDATE;
                default -> throw new DecodeException("request.type", "unknown type \"" + type + "\"");
            };
            long priority = r.get("pri").map(p -> integer(p, "pri")).orElse(0L);
            Cid rootCid = r.get("root").map(v -> {
                if (!(v instanceof Link l)) {
                    throw new DecodeException("request.root", "is not a link");
                }
                return l.cid();
            }).orElse(null);
            Node selector = r.get("sel").orElse(null);
            if (t == Message.RequestType.NEW && (rootCid == null || selector == null)) {
                throw new DecodeException("request", "a new request without " + (rootCid == null ? "root" : "selector"));
            }
            requests.add(new Message.Request(id, t, priority, rootCid, selector, extensions(r)));
        }
        List<Message.Response> responses = new ArrayList<>();
        for (Node n : list(gs2, "rsp")) {
            MapNode r = map(n, "response");
            Message.RequestId id = id(r, "reqid");
            long code = integer(required(r, "stat"), "stat");
            ResponseStatus status = ResponseStatus.of(code);
            if (status == null) {
                throw new DecodeException("response.stat", "unknown status " + code);
            }
            List<Message.Metadatum> meta = new ArrayList<>();
            for (Node m : list(r, "meta")) {
                if (!(m instanceof ListNode pair) || pair.size() != 2 || !(pair.get(0) instanceof Link link)) {
                    throw new DecodeException("response.meta", "an entry is not [link, action]");
                }
                String action = string(pair.get(1), "meta action");
                meta.add(new Message.Metadatum(link.cid(), switch (action) {
                    case "p" -> Message.LinkAction.PRESENT;
                    case "d" -> Message.LinkAction.DUPLICATE_NOT_SENT;
                    case "m" -> Message.LinkAction.MISSING;
                    case "s" -> Message.LinkAction.DUPLICATE_DAG_SKIPPED;
                    default -> throw new DecodeException("response.meta", "unknown action \"" + action + "\"");
                }));
            }
            responses.add(new Message.Response(id, status, meta, extensions(r)));
        }
        List<Block> blocks = new ArrayList<>();
        for (Node n : list(gs2, "blk")) {
            if (!(n instanceof ListNode pair) || pair.size() != 2
                    || !(pair.get(0) instanceof BytesNode prefix) || !(pair.get(1) instanceof BytesNode data)) {
                throw new DecodeException("block", "is not [prefix bytes, data bytes]");
            }
            if (data.length() > maxBlockBytes) {
                throw new DecodeException("block", data.length() + " bytes is over the block limit of " + maxBlockBytes);
            }
            byte[] d = data.toByteArray();
            blocks.add(Block.of(io.p2pkit.ipfs.bitswap.wire.MessageCodec.cidOf(prefix.toByteArray(), d), d));
        }
        return new Message(requests, responses, blocks);
    }

    private static Map<String, Node> extensions(MapNode r) {
        Node ext = r.get("ext").orElse(null);
        if (ext == null || ext instanceof NullNode) {
            return Map.of();
        }
        Map<String, Node> out = new LinkedHashMap<>();
        map(ext, "ext").forEach(out::put);
        return out;
    }

    private static Message.RequestId id(MapNode r, String key) {
        if (!(required(r, key) instanceof BytesNode b) || b.length() != Message.RequestId.LENGTH) {
            throw new DecodeException(key, "a request ID is 16 bytes");
        }
        return new Message.RequestId(b.toByteArray());
    }

    private static Node required(MapNode m, String key) {
        return m.get(key).orElseThrow(() -> new DecodeException(key, "is missing"));
    }

    private static List<Node> list(MapNode m, String key) {
        Node n = m.get(key).orElse(null);
        if (n == null || n instanceof NullNode) {
            return List.of();
        }
        if (!(n instanceof ListNode l)) {
            throw new DecodeException(key, "is not a list");
        }
        return l.values();
    }

    private static MapNode map(Node n, String what) {
        if (!(n instanceof MapNode m)) {
            throw new DecodeException(what, "is not a map");
        }
        return m;
    }

    private static String string(Node n, String what) {
        if (!(n instanceof StringNode s)) {
            throw new DecodeException(what, "is not a string");
        }
        return s.value();
    }

    private static long integer(Node n, String what) {
        if (!(n instanceof IntNode i) || !i.fitsLong()) {
            throw new DecodeException(what, "is not a 64-bit integer");
        }
        return i.longValue();
    }
}
