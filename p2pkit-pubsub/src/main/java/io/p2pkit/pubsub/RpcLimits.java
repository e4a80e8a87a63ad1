package io.p2pkit.pubsub;

/**
 * Hard caps applied while decoding an RPC from a peer: anything over them rejects the whole RPC
 * with a {@link io.p2pkit.core.DecodeException}. They bound what one frame can make us allocate;
 * the routers apply their own, tighter, per-heartbeat limits on top.
 *
 * @param maxRpcBytes          largest RPC frame (default 1 MiB, as go-libp2p-pubsub)
 * @param maxSubscriptions     subscription entries per RPC
 * @param maxMessages          messages per RPC
 * @param maxTopicLength       bytes in a topic name
 * @param maxControlEntries    IHAVE + IWANT + GRAFT + PRUNE + IDONTWANT entries per RPC
 * @param maxMessageIds        message IDs over all control entries of one RPC
 * @param maxMessageIdLength   bytes in one message ID
 * @param maxPeerExchange      peers offered in one PRUNE
 */
public record RpcLimits(int maxRpcBytes, int maxSubscriptions, int maxMessages, int maxTopicLength,
                        int maxControlEntries, int maxMessageIds, int maxMessageIdLength, int maxPeerExchange) {
    /** The defaults. */
    public static final RpcLimits DEFAULT = new RpcLimits(1 << 20, 1024, 1024, 1024, 2048, 10_000, 1024, 64);

    /** Largest {@code from} field: a peer ID (inlined keys stay under this). */
    static final int MAX_FROM = 128;
    /** Largest {@code seqno} field (go sends 8 bytes). */
    static final int MAX_SEQNO = 64;
    /** Largest {@code signature} field (an RSA-8192 signature is 1 KiB). */
    static final int MAX_SIGNATURE = 2048;

    public RpcLimits {
        if (maxRpcBytes < 1 || maxSubscriptions < 0 || maxMessages < 0 || maxTopicLength < 1
                || maxControlEntries < 0 || maxMessageIds < 0 || maxMessageIdLength < 1 || maxPeerExchange < 0) {
            throw new IllegalArgumentException("RPC limits must be positive");
        }
    }

    /** These limits with another frame size cap. */
    public RpcLimits withMaxRpcBytes(int bytes) {
        return new RpcLimits(bytes, maxSubscriptions, maxMessages, maxTopicLength, maxControlEntries,
                maxMessageIds, maxMessageIdLength, maxPeerExchange);
    }
}
