package io.p2pkit.pubsub;

import io.p2pkit.core.DecodeException;
import io.p2pkit.core.crypto.PublicKey;
import io.p2pkit.core.protobuf.ProtobufReader;
import io.p2pkit.core.protobuf.ProtobufWriter;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The pubsub RPC protobuf ({@code rpc.proto} of the libp2p pubsub spec), shared by floodsub and
 * gossipsub. Field numbers: RPC{subscriptions=1, publish=2, control=3}; SubOpts{subscribe=1,
 * topicid=2}; Message{from=1, data=2, seqno=3, topic=4, signature=5, key=6}; ControlMessage{ihave=1,
 * iwant=2, graft=3, prune=4, idontwant=5}; ControlPrune{topicID=1, peers=2, backoff=3};
 * PeerInfo{peerID=1, signedPeerRecord=2}.
 */
public final class RpcCodec {
    private RpcCodec() {
    }

    /** Encodes an RPC. */
    public static byte[] encode(Rpc rpc) {
        return rpc.encoded().clone();
    }

    /** The encoding of {@code rpc} without copying it: for writing to streams, never to be modified. */
    public static byte[] encodedShared(Rpc rpc) {
        return rpc.encoded();
    }

    /** Encodes the fields of {@code rpc}; {@link Rpc#encoded()} caches the result. */
    static byte[] encodeFields(Rpc rpc) {
        ProtobufWriter w = new ProtobufWriter(256);
        for (Rpc.SubOpts s : rpc.subscriptions()) {
            w.message(1, new ProtobufWriter(s.topic().length() + 8).bool(1, s.subscribe()).string(2, s.topic()));
        }
        for (PubsubMessage m : rpc.messages()) {
            w.bytes(2, m.encoded()); // encoded once per message, however many peers it goes to
        }
        if (!rpc.control().isEmpty()) {
            w.message(3, controlWriter(rpc.control()));
        }
        return w.toByteArray();
    }

    /** Encodes one message in its wire form (signatures are computed over the unsigned form). */
    public static byte[] encodeMessage(PubsubMessage m) {
        return m.encoded().clone();
    }

    /** The encoded size of a message inside an RPC, for queue accounting. */
    public static int encodedSize(PubsubMessage m) {
        return m.encoded().length + 8;
    }

    /** Encodes the fields of {@code m}; {@link PubsubMessage#encoded()} caches the result. */
    static byte[] encodeFields(PubsubMessage m) {
        return messageWriter(m).toByteArray();
    }

    private static ProtobufWriter messageWriter(PubsubMessage m) {
        ProtobufWriter w = new ProtobufWriter(m.dataLength() + 128);
        if (m.rawFrom() != null) {
            w.bytes(1, m.rawFrom());
        }
        if (m.rawData() != null) {
            w.bytes(2, m.rawData());
        }
        if (m.rawSeqno() != null) {
            w.bytes(3, m.rawSeqno());
        }
        w.string(4, m.topic());
        if (m.rawSignature() != null) {
            w.bytes(5, m.rawSignature());
        }
        if (m.rawKey() != null) {
            w.bytes(6, m.rawKey());
        }
        return w;
    }

    private static ProtobufWriter controlWriter(ControlMessage c) {
        ProtobufWriter w = new ProtobufWriter(128);
        for (ControlMessage.IHave h : c.ihave()) {
            ProtobufWriter e = new ProtobufWriter().string(1, h.topic());
            h.messageIds().forEach(id -> e.bytes(2, id.bytes()));
            w.message(1, e);
        }
        for (ControlMessage.IWant i : c.iwant()) {
            ProtobufWriter e = new ProtobufWriter();
            i.messageIds().forEach(id -> e.bytes(1, id.bytes()));
            w.message(2, e);
        }
        for (ControlMessage.Graft g : c.graft()) {
            w.message(3, new ProtobufWriter().string(1, g.topic()));
        }
        for (ControlMessage.Prune p : c.prune()) {
            ProtobufWriter e = new ProtobufWriter().string(1, p.topic());
            for (ControlMessage.PeerExchange px : p.peers()) {
                ProtobufWriter pi = new ProtobufWriter().bytes(1, px.peerId());
                if (px.signedPeerRecord() != null) {
                    pi.bytes(2, px.signedPeerRecord());
                }
                e.message(2, pi);
            }
            if (p.backoffSeconds() > 0) {
                e.varint(3, p.backoffSeconds());
            }
            w.message(4, e);
        }
        for (ControlMessage.IDontWant d : c.idontwant()) {
            ProtobufWriter e = new ProtobufWriter();
            d.messageIds().forEach(id -> e.bytes(1, id.bytes()));
            w.message(5, e);
        }
        return w;
    }

    /**
     * Decodes an RPC within {@code limits}.
     *
     * @throws DecodeException for malformed protobuf, a missing topic, or anything over a limit
     */
    public static Rpc decode(byte[] bytes, RpcLimits limits) {
        if (bytes.length > limits.maxRpcBytes()) {
            throw new DecodeException("RPC", bytes.length + " bytes is over the limit of " + limits.maxRpcBytes());
        }
        List<Rpc.SubOpts> subs = new ArrayList<>();
        List<PubsubMessage> messages = new ArrayList<>();
        ControlAccumulator control = new ControlAccumulator(limits);
        ProtobufReader r = new ProtobufReader(bytes, "RPC");
        while (r.next()) {
            switch (r.field()) {
                case 1 -> {
                    if (subs.size() >= limits.maxSubscriptions()) {
                        throw new DecodeException("RPC.subscriptions", "more than " + limits.maxSubscriptions() + " entries");
                    }
                    subs.add(subOpts(r.message("SubOpts"), limits));
                }
                case 2 -> {
                    if (messages.size() >= limits.maxMessages()) {
                        throw new DecodeException("RPC.publish", "more than " + limits.maxMessages() + " messages");
                    }
                    messages.add(message(r.message("Message"), limits));
                }
                case 3 -> control.read(r.message("ControlMessage"));
                default -> r.skip();
            }
        }
        return new Rpc(subs, messages, control.build());
    }

    /** Decodes one message (as in the publish field) within {@code limits}. */
    public static PubsubMessage decodeMessage(byte[] bytes, RpcLimits limits) {
        return message(new ProtobufReader(bytes, "Message"), limits);
    }

    private static Rpc.SubOpts subOpts(ProtobufReader r, RpcLimits limits) {
        boolean subscribe = false;
        String topic = null;
        while (r.next()) {
            switch (r.field()) {
                case 1 -> subscribe = r.bool();
                case 2 -> topic = topic(r, "SubOpts.topicid", limits);
                default -> r.skip();
            }
        }
        if (topic == null) {
            throw new DecodeException("SubOpts.topicid", "missing");
        }
        return new Rpc.SubOpts(subscribe, topic);
    }

    private static PubsubMessage message(ProtobufReader r, RpcLimits limits) {
        byte[] from = null;
        byte[] data = null;
        byte[] seqno = null;
        String topic = null;
        byte[] signature = null;
        byte[] key = null;
        while (r.next()) {
            switch (r.field()) {
                case 1 -> from = capped(r.bytes(), RpcLimits.MAX_FROM, "Message.from");
                case 2 -> data = r.bytes();
                case 3 -> seqno = capped(r.bytes(), RpcLimits.MAX_SEQNO, "Message.seqno");
                case 4 -> {
                    if (topic != null) {
                        throw new DecodeException("Message.topic", "more than one topic");
                    }
                    topic = topic(r, "Message.topic", limits);
                }
                case 5 -> signature = capped(r.bytes(), RpcLimits.MAX_SIGNATURE, "Message.signature");
                case 6 -> key = capped(r.bytes(), PublicKey.MAX_MARSHALLED_SIZE, "Message.key");
                default -> r.skip();
            }
        }
        if (topic == null) {
            throw new DecodeException("Message.topic", "missing");
        }
        return PubsubMessage.owning(from, data, seqno, topic, signature, key);
    }

    private static String topic(ProtobufReader r, String field, RpcLimits limits) {
        String t = r.string();
        if (t.getBytes(StandardCharsets.UTF_8).length > limits.maxTopicLength()) {
            throw new DecodeException(field, "longer than " + limits.maxTopicLength() + " bytes");
        }
        return t;
    }

    private static byte[] capped(byte[] b, int max, String field) {
        if (b.length > max) {
            throw new DecodeException(field, b.length + " bytes is over the limit of " + max);
        }
        return b;
    }

    /** Collects control entries while counting them against the limits. */
    private static final class ControlAccumulator {
        private final RpcLimits limits;
        private final List<ControlMessage.IHave> ihave = new ArrayList<>();
        private final List<ControlMessage.IWant> iwant = new ArrayList<>();
        private final List<ControlMessage.Graft> graft = new ArrayList<>();
        private final List<ControlMessage.Prune> prune = new ArrayList<>();
        private final List<ControlMessage.IDontWant> idontwant = new ArrayList<>();
        private int entries;
        private int ids;

        ControlAccumulator(RpcLimits limits) {
            this.limits = limits;
        }

        void read(ProtobufReader r) {
            while (r.next()) {
                switch (r.field()) {
                    case 1 -> {
                        countEntry();
                        ihave.add(ihave(r.message("ControlIHave")));
                    }
                    case 2 -> {
                        countEntry();
                        iwant.add(new ControlMessage.IWant(ids(r.message("ControlIWant"), 1)));
                    }
                    case 3 -> {
                        countEntry();
                        graft.add(new ControlMessage.Graft(topicOnly(r.message("ControlGraft"))));
                    }
                    case 4 -> {
                        countEntry();
                        prune.add(prune(r.message("ControlPrune")));
                    }
                    case 5 -> {
                        countEntry();
                        idontwant.add(new ControlMessage.IDontWant(ids(r.message("ControlIDontWant"), 1)));
                    }
                    default -> r.skip();
                }
            }
        }

        private void countEntry() {
            if (++entries > limits.maxControlEntries()) {
                throw new DecodeException("ControlMessage", "more than " + limits.maxControlEntries() + " entries");
            }
        }

        private MessageId id(ProtobufReader r) {
            if (++ids > limits.maxMessageIds()) {
                throw new DecodeException("ControlMessage", "more than " + limits.maxMessageIds() + " message IDs");
            }
            return MessageId.wrap(capped(r.bytes(), limits.maxMessageIdLength(), "messageID"));
        }

        private List<MessageId> ids(ProtobufReader r, int field) {
            List<MessageId> out = new ArrayList<>();
            while (r.next()) {
                if (r.field() == field) {
                    out.add(id(r));
                } else {
                    r.skip();
                }
            }
            return out;
        }

        private ControlMessage.IHave ihave(ProtobufReader r) {
            String topic = "";
            List<MessageId> out = new ArrayList<>();
            while (r.next()) {
                switch (r.field()) {
                    case 1 -> topic = topic(r, "ControlIHave.topicID", limits);
                    case 2 -> out.add(id(r));
                    default -> r.skip();
                }
            }
            return new ControlMessage.IHave(topic, out);
        }

        private String topicOnly(ProtobufReader r) {
            String topic = "";
            while (r.next()) {
                if (r.field() == 1) {
                    topic = topic(r, "ControlGraft.topicID", limits);
                } else {
                    r.skip();
                }
            }
            return topic;
        }

        private ControlMessage.Prune prune(ProtobufReader r) {
            String topic = "";
            List<ControlMessage.PeerExchange> peers = new ArrayList<>();
            long backoff = 0;
            while (r.next()) {
                switch (r.field()) {
                    case 1 -> topic = topic(r, "ControlPrune.topicID", limits);
                    case 2 -> {
                        if (peers.size() >= limits.maxPeerExchange()) {
                            throw new DecodeException("ControlPrune.peers", "more than " + limits.maxPeerExchange() + " peers");
                        }
                        peers.add(peerInfo(r.message("PeerInfo")));
                    }
                    case 3 -> backoff = r.varint();
                    default -> r.skip();
                }
            }
            if (backoff < 0) {
                throw new DecodeException("ControlPrune.backoff", "out of range");
            }
            return new ControlMessage.Prune(topic, peers, backoff);
        }

        private ControlMessage.PeerExchange peerInfo(ProtobufReader r) {
            byte[] id = null;
            byte[] record = null;
            while (r.next()) {
                switch (r.field()) {
                    case 1 -> id = capped(r.bytes(), RpcLimits.MAX_FROM, "PeerInfo.peerID");
                    case 2 -> record = capped(r.bytes(), io.p2pkit.core.identity.Envelope.MAX_SIZE, "PeerInfo.signedPeerRecord");
                    default -> r.skip();
                }
            }
            return new ControlMessage.PeerExchange(id == null ? new byte[0] : id, record);
        }

        ControlMessage build() {
            return new ControlMessage(ihave, iwant, graft, prune, idontwant);
        }
    }
}
