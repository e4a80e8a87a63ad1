package io.p2pkit.ipfs.graphsync;

import io.p2pkit.ipfs.block.Block;
import io.p2pkit.ipfs.selector.SelectorWalk;

import java.time.Duration;
import java.util.Objects;

/**
 * GraphSync's limits. The defaults follow go-graphsync's where it has them.
 *
 * @param serve                whether requests from other peers are answered (a leecher's are refused with status 30)
 * @param maxInProgress        requests served at once, over all peers (go: 6)
 * @param maxInProgressPerPeer requests of one peer served at once (go: as many as the total)
 * @param maxQueuedPerPeer     requests of one peer waiting for their turn; more are answered 31 (busy)
 * @param maxBlockBytes        the largest block accepted in a response (2 MiB)
 * @param maxBufferedBytes     bytes of blocks a requester holds that its traversal has not reached
 *                             yet; a peer that sends more fails the request (go's per-peer memory: 16 MiB)
 * @param responseBatchBytes   a response message is sent once its blocks reach this size
 * @param sendTimeout          a write that takes longer resets the stream (a peer that does not read)
 * @param queueTimeout         how long a request waits for its turn before it is answered 31 (busy)
 * @param walkLimits           caps on each traversal, served or requested
 */
public record GraphSyncConfig(boolean serve, int maxInProgress, int maxInProgressPerPeer, int maxQueuedPerPeer,
                              int maxBlockBytes, long maxBufferedBytes, int responseBatchBytes,
                              Duration sendTimeout, Duration queueTimeout, SelectorWalk.Limits walkLimits) {
    /** Checks the values. */
    public GraphSyncConfig {
        if (maxInProgress < 1 || maxInProgressPerPeer < 1 || maxQueuedPerPeer < 0) {
            throw new IllegalArgumentException("request limits must be positive");
        }
        if (maxBlockBytes < 1 || maxBlockBytes > MessageCodec.MAX_MESSAGE_BYTES - 1024) {
            throw new IllegalArgumentException("the block cap must fit in a message: " + maxBlockBytes);
        }
        if (responseBatchBytes < 1 || maxBufferedBytes < maxBlockBytes) {
            throw new IllegalArgumentException("the buffer must hold at least one block");
        }
        Objects.requireNonNull(sendTimeout, "sendTimeout");
        Objects.requireNonNull(queueTimeout, "queueTimeout");
        Objects.requireNonNull(walkLimits, "walkLimits");
    }

    /** @return serving, 6 requests at once, 64 queued per peer, 2 MiB blocks, 16 MiB buffered, 512 KiB batches, 30 s timeouts */
    public static GraphSyncConfig defaults() {
        return new GraphSyncConfig(true, 6, 6, 64, Block.MAX_SIZE, 16 << 20, 512 << 10,
                Duration.ofSeconds(30), Duration.ofSeconds(30), SelectorWalk.Limits.DEFAULT);
    }

    /** @return the same, serving or not */
    public GraphSyncConfig withServe(boolean serve) {
        return new GraphSyncConfig(serve, maxInProgress, maxInProgressPerPeer, maxQueuedPerPeer, maxBlockBytes,
                maxBufferedBytes, responseBatchBytes, sendTimeout, queueTimeout, walkLimits);
    }

    /** @return the same, with other request limits */
    public GraphSyncConfig withRequestLimits(int total, int perPeer, int queuedPerPeer) {
        return new GraphSyncConfig(serve, total, perPeer, queuedPerPeer, maxBlockBytes,
                maxBufferedBytes, responseBatchBytes, sendTimeout, queueTimeout, walkLimits);
    }
}
