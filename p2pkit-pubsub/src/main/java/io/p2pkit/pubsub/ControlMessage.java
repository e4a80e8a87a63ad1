package io.p2pkit.pubsub;

import java.util.List;
import java.util.Objects;

/**
 * The gossipsub control part of an RPC: IHAVE, IWANT, GRAFT, PRUNE and (v1.2) IDONTWANT.
 *
 * @param ihave     message IDs we have, per topic
 * @param iwant     message IDs we want
 * @param graft     topics whose mesh the sender joins us into
 * @param prune     topics whose mesh the sender removes us from
 * @param idontwant message IDs the sender already has (v1.2)
 */
public record ControlMessage(List<IHave> ihave, List<IWant> iwant, List<Graft> graft, List<Prune> prune,
                             List<IDontWant> idontwant) {
    /** A control message without entries. */
    public static final ControlMessage EMPTY = new ControlMessage(List.of(), List.of(), List.of(), List.of(), List.of());

    public ControlMessage {
        ihave = List.copyOf(ihave);
        iwant = List.copyOf(iwant);
        graft = List.copyOf(graft);
        prune = List.copyOf(prune);
        idontwant = List.copyOf(idontwant);
    }

    /** Whether there is no entry at all. */
    public boolean isEmpty() {
        return ihave.isEmpty() && iwant.isEmpty() && graft.isEmpty() && prune.isEmpty() && idontwant.isEmpty();
    }

    /** IHAVE: the sender has these messages of {@code topic} in its cache. */
    public record IHave(String topic, List<MessageId> messageIds) {
        public IHave {
            Objects.requireNonNull(topic, "topic");
            messageIds = List.copyOf(messageIds);
        }
    }

    /** IWANT: the sender asks for these messages. */
    public record IWant(List<MessageId> messageIds) {
        public IWant {
            messageIds = List.copyOf(messageIds);
        }
    }

    /** GRAFT: the sender added us to its mesh for {@code topic}. */
    public record Graft(String topic) {
        public Graft {
            Objects.requireNonNull(topic, "topic");
        }
    }

    /**
     * PRUNE: the sender removed us from its mesh for {@code topic}.
     *
     * @param peers          peer exchange: other peers of the topic (v1.1)
     * @param backoffSeconds how long not to graft back, 0 when absent (v1.1)
     */
    public record Prune(String topic, List<PeerExchange> peers, long backoffSeconds) {
        public Prune {
            Objects.requireNonNull(topic, "topic");
            peers = List.copyOf(peers);
        }
    }

    /**
     * One peer offered in a PRUNE's peer exchange.
     *
     * @param peerId           the peer ID bytes
     * @param signedPeerRecord a signed envelope holding its peer record, or null
     */
    public record PeerExchange(byte[] peerId, byte[] signedPeerRecord) {
        public PeerExchange {
            peerId = peerId.clone();
            signedPeerRecord = signedPeerRecord == null ? null : signedPeerRecord.clone();
        }

        @Override
        public byte[] peerId() {
            return peerId.clone();
        }

        @Override
        public byte[] signedPeerRecord() {
            return signedPeerRecord == null ? null : signedPeerRecord.clone();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof PeerExchange p && java.util.Arrays.equals(peerId, p.peerId)
                    && java.util.Arrays.equals(signedPeerRecord, p.signedPeerRecord);
        }

        @Override
        public int hashCode() {
            return 31 * java.util.Arrays.hashCode(peerId) + java.util.Arrays.hashCode(signedPeerRecord);
        }

        @Override
        public String toString() {
            return "PeerExchange[" + peerId.length + " byte ID" + (signedPeerRecord == null ? "" : ", record") + "]";
        }
    }

    /** IDONTWANT: the sender already received these messages (v1.2). */
    public record IDontWant(List<MessageId> messageIds) {
        public IDontWant {
            messageIds = List.copyOf(messageIds);
        }
    }
}
