package io.p2pkit.pubsub;

import java.util.List;
import java.util.Objects;

/**
 * One pubsub RPC, the unit exchanged on a pubsub stream (each varint-length-prefixed).
 *
 * @param subscriptions subscription changes of the sender
 * @param messages      published or forwarded messages
 * @param control       gossipsub control entries ({@link ControlMessage#EMPTY} when none)
 */
public record Rpc(List<SubOpts> subscriptions, List<PubsubMessage> messages, ControlMessage control) {
    public Rpc {
        subscriptions = List.copyOf(subscriptions);
        messages = List.copyOf(messages);
        Objects.requireNonNull(control, "control");
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

    /** A subscription change: the sender (un)subscribed from {@code topic}. */
    public record SubOpts(boolean subscribe, String topic) {
        public SubOpts {
            Objects.requireNonNull(topic, "topic");
        }
    }
}
