package io.p2pkit.pubsub;

/**
 * Counters of one pubsub node since it started.
 *
 * @param received        messages received from peers, duplicates included
 * @param duplicates      of those, messages already seen
 * @param rejected        messages failing the signature policy, size cap or validation
 * @param delivered       messages accepted (local publishes included)
 * @param validationDrops messages ignored because validation was saturated
 * @param sentBytes       bytes written on outbound pubsub streams
 * @param droppedMessages messages dropped because a peer's message lane was full
 * @param droppedControl  control RPCs dropped because a peer's priority lane was full
 */
public record PubsubStats(long received, long duplicates, long rejected, long delivered, long validationDrops,
                          long sentBytes, long droppedMessages, long droppedControl) {
}
