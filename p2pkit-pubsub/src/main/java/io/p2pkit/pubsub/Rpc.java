package io.p2pkit.pubsub;

import java.util.List;
import java.util.Objects;

/**
 * One pubsub RPC, the unit exchanged on a pubsub stream (each varint-length-prefixed). Immutable;
 * its encoding is computed once and shared by every peer it is sent to (announcements, IDONTWANT
 * and gossip spam go to many peers at once).
 */
public final class Rpc {
    private final List<SubOpts> subscriptions;
    private final List<PubsubMessage> messages;
    private final ControlMessage control;
    /** The encoding, once asked for; volatile so another thread sees the whole array. */
    private volatile byte[] encoded;

    /**
     * An RPC.
     *
     * @param subscriptions subscription changes of the sender
     * @param messages      published or forwarded messages
     * @param control       gossipsub control entries ({@link ControlMessage#EMPTY} when none)
     */
    public Rpc(List<SubOpts> subscriptions, List<PubsubMessage> messages, ControlMessage control) {
        this.subscriptions = List.copyOf(subscriptions);
        this.messages = List.copyOf(messages);
        this.control = Objects.requireNonNull(control, "control");
    }

    /** Subscription changes of the sender. */
    public List<SubOpts> subscriptions() {
        return subscriptions;
    }

    /** Published or forwarded messages. */
    public List<PubsubMessage> messages() {
        return messages;
    }

    /** Gossipsub control entries ({@link ControlMessage#EMPTY} when none). */
    public ControlMessage control() {
        return control;
    }

    /** The encoding (shared: callers must not modify it), computed on first use. */
    byte[] encoded() {
        byte[] e = encoded;
        if (e == null) {
            e = RpcCodec.encodeFields(this);
            encoded = e; // a race encodes twice, to equal bytes
        }
        return e;
    }

    /** An RPC carrying only subscription changes. */
    public static Rpc ofSubscriptions(List<SubOpts> subscriptions) {
        return new Rpc(subscriptions, List.of(), ControlMessage.EMPTY);
    }

    /** An RPC carrying only messages. */
    public static Rpc ofMessages(List<PubsubMessage> messages) {
        return new Rpc(List.of(), messages, ControlMessage.EMPTY);
    }

    /** An RPC carrying only control entries. */
    public static Rpc ofControl(ControlMessage control) {
        return new Rpc(List.of(), List.of(), control);
    }

    /** Whether the RPC holds nothing. */
    public boolean isEmpty() {
        return subscriptions.isEmpty() && messages.isEmpty() && control.isEmpty();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Rpc r && subscriptions.equals(r.subscriptions) && messages.equals(r.messages)
                && control.equals(r.control);
    }

    @Override
    public int hashCode() {
        return Objects.hash(subscriptions, messages, control);
    }

    @Override
    public String toString() {
        return "Rpc[subscriptions=" + subscriptions + ", messages=" + messages + ", control=" + control + "]";
    }

    /** A subscription change: the sender (un)subscribed from {@code topic}. */
    public record SubOpts(boolean subscribe, String topic) {
        public SubOpts {
            Objects.requireNonNull(topic, "topic");
        }
    }
}
