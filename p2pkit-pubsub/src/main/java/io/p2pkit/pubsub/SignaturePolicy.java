package io.p2pkit.pubsub;

/** Which messages a node produces and accepts, as the pubsub spec's signature policies. */
public enum SignaturePolicy {
    /** Produce {@code from}, {@code seqno}, {@code signature} (and {@code key} if needed); accept only valid signed messages. */
    STRICT_SIGN,
    /** Produce none of the four fields; reject messages that carry any of them. */
    STRICT_NO_SIGN
}
