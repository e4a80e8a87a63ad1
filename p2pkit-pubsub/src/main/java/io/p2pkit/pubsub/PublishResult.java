package io.p2pkit.pubsub;

import io.p2pkit.core.identity.PeerId;

import java.util.Set;

/**
 * What a publish did.
 *
 * @param messageId  the message's ID
 * @param recipients the peers the message was queued for
 */
public record PublishResult(MessageId messageId, Set<PeerId> recipients) {
    public PublishResult {
        recipients = Set.copyOf(recipients);
    }
}
