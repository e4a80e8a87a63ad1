package io.p2pkit.ipfs.bitswap;

import io.p2pkit.ipfs.block.Block;

import java.time.Duration;

/**
 * Bitswap's limits and timings. {@link #defaults()} follows boxo where boxo has a number.
 *
 * @param serve                 answer other peers' wants with blocks and HAVEs (a leecher does not: it
 *                              answers DONT_HAVE, as Kubo's with {@code Bitswap.ServerEnabled} false)
 * @param maxWantsPerPeer       wants kept per peer; more are refused (boxo: 1024)
 * @param maxQueuedBytesPerPeer bytes queued for one peer before its wants wait (a peer that does
 *                              not read stops costing memory here); charged to the resource manager
 * @param serverBatch           wants answered per task
 * @param serverWorkers         tasks answered at once
 * @param maxBlockBytes         the largest block sent or accepted
 * @param haveReplaceLimit      a want-have for a block at most this big is answered with the block (boxo: 1 KiB)
 * @param providerDelay         how long a session waits for its peers before asking the DHT for providers
 * @param blockTimeout          how long a want-block may go unanswered before the next peer is asked
 * @param rebroadcastInterval   how often wants nobody answered are asked of every peer again
 * @param sendTimeout           how long one write to a peer may block before its stream is reset
 * @param dagParallelism        blocks a DAG fetch keeps wanted at once
 * @param broadcast             which peers hear the wants no session peer has ({@link BroadcastControl#DEFAULT}: Kubo's)
 * @param http                  providers asked over HTTPS ({@link HttpRetrieval#DEFAULT}: Kubo's {@code HTTPRetrieval})
 * @param libp2p                Bitswap over libp2p at all (Kubo's {@code Bitswap.Libp2pEnabled}, true): false
 *                              registers no protocol, so identify names none, serves nobody and asks no
 *                              libp2p peer; only {@link #http} providers are asked then
 */
public record BitswapConfig(boolean serve, int maxWantsPerPeer, long maxQueuedBytesPerPeer, int serverBatch,
                            int serverWorkers, int maxBlockBytes, int haveReplaceLimit, Duration providerDelay,
                            Duration blockTimeout, Duration rebroadcastInterval, Duration sendTimeout,
                            int dagParallelism, BroadcastControl broadcast, HttpRetrieval http, boolean libp2p) {
    /** The same values over libp2p. */
    public BitswapConfig(boolean serve, int maxWantsPerPeer, long maxQueuedBytesPerPeer, int serverBatch,
                         int serverWorkers, int maxBlockBytes, int haveReplaceLimit, Duration providerDelay,
                         Duration blockTimeout, Duration rebroadcastInterval, Duration sendTimeout, int dagParallelism,
                         BroadcastControl broadcast, HttpRetrieval http) {
        this(serve, maxWantsPerPeer, maxQueuedBytesPerPeer, serverBatch, serverWorkers, maxBlockBytes, haveReplaceLimit,
                providerDelay, blockTimeout, rebroadcastInterval, sendTimeout, dagParallelism, broadcast, http, true);
    }

    /** The same values with Kubo's HTTP retrieval. */
    public BitswapConfig(boolean serve, int maxWantsPerPeer, long maxQueuedBytesPerPeer, int serverBatch,
                         int serverWorkers, int maxBlockBytes, int haveReplaceLimit, Duration providerDelay,
                         Duration blockTimeout, Duration rebroadcastInterval, Duration sendTimeout, int dagParallelism,
                         BroadcastControl broadcast) {
        this(serve, maxWantsPerPeer, maxQueuedBytesPerPeer, serverBatch, serverWorkers, maxBlockBytes, haveReplaceLimit,
                providerDelay, blockTimeout, rebroadcastInterval, sendTimeout, dagParallelism, broadcast,
                HttpRetrieval.DEFAULT);
    }

    /** The same values with Kubo's broadcast control. */
    public BitswapConfig(boolean serve, int maxWantsPerPeer, long maxQueuedBytesPerPeer, int serverBatch,
                         int serverWorkers, int maxBlockBytes, int haveReplaceLimit, Duration providerDelay,
                         Duration blockTimeout, Duration rebroadcastInterval, Duration sendTimeout, int dagParallelism) {
        this(serve, maxWantsPerPeer, maxQueuedBytesPerPeer, serverBatch, serverWorkers, maxBlockBytes, haveReplaceLimit,
                providerDelay, blockTimeout, rebroadcastInterval, sendTimeout, dagParallelism, BroadcastControl.DEFAULT);
    }

    public BitswapConfig {
        java.util.Objects.requireNonNull(broadcast, "broadcast");
        java.util.Objects.requireNonNull(http, "http");
        if (maxWantsPerPeer < 1 || maxQueuedBytesPerPeer < 1 || serverBatch < 1 || serverWorkers < 1
                || maxBlockBytes < 1 || haveReplaceLimit < 0 || dagParallelism < 1) {
            throw new IllegalArgumentException("Bitswap limits must be positive");
        }
        for (Duration d : new Duration[]{providerDelay, blockTimeout, rebroadcastInterval, sendTimeout}) {
            if (d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException("Bitswap timings must be positive: " + d);
            }
        }
    }

    /** Serving, 1,024 wants and 4 MiB queued per peer, 2 MiB blocks, 256 blocks in flight per DAG. */
    public static BitswapConfig defaults() {
        return new BitswapConfig(true, 1024, 4L << 20, 32, 8, Block.MAX_SIZE, 1024, Duration.ofSeconds(1),
                Duration.ofSeconds(10), Duration.ofSeconds(5), Duration.ofSeconds(30), 256);
    }

    /** The same, serving or not. */
    public BitswapConfig withServe(boolean s) {
        return new BitswapConfig(s, maxWantsPerPeer, maxQueuedBytesPerPeer, serverBatch, serverWorkers, maxBlockBytes,
                haveReplaceLimit, providerDelay, blockTimeout, rebroadcastInterval, sendTimeout, dagParallelism, broadcast, http, libp2p);
    }

    /** The same, with other client timings. */
    public BitswapConfig withTimings(Duration providerDelay, Duration blockTimeout, Duration rebroadcastInterval) {
        return new BitswapConfig(serve, maxWantsPerPeer, maxQueuedBytesPerPeer, serverBatch, serverWorkers, maxBlockBytes,
                haveReplaceLimit, providerDelay, blockTimeout, rebroadcastInterval, sendTimeout, dagParallelism, broadcast, http, libp2p);
    }

    /** The same, with other broadcast control (Kubo's {@code Internal.Bitswap.BroadcastControl}). */
    public BitswapConfig withBroadcast(BroadcastControl b) {
        return new BitswapConfig(serve, maxWantsPerPeer, maxQueuedBytesPerPeer, serverBatch, serverWorkers, maxBlockBytes,
                haveReplaceLimit, providerDelay, blockTimeout, rebroadcastInterval, sendTimeout, dagParallelism, b, http, libp2p);
    }

    /** The same, asking HTTPS providers as {@code h} says (Kubo's {@code HTTPRetrieval}). */
    public BitswapConfig withHttp(HttpRetrieval h) {
        return new BitswapConfig(serve, maxWantsPerPeer, maxQueuedBytesPerPeer, serverBatch, serverWorkers, maxBlockBytes,
                haveReplaceLimit, providerDelay, blockTimeout, rebroadcastInterval, sendTimeout, dagParallelism, broadcast,
                h, libp2p);
    }

    /** The same, with Bitswap over libp2p on or off (Kubo's {@code Bitswap.Libp2pEnabled}). */
    public BitswapConfig withLibp2p(boolean on) {
        return new BitswapConfig(serve, maxWantsPerPeer, maxQueuedBytesPerPeer, serverBatch, serverWorkers, maxBlockBytes,
                haveReplaceLimit, providerDelay, blockTimeout, rebroadcastInterval, sendTimeout, dagParallelism, broadcast,
                http, on);
    }

    /** The same, with other per-peer server limits. */
    public BitswapConfig withPeerLimits(int maxWants, long maxQueuedBytes) {
        return new BitswapConfig(serve, maxWants, maxQueuedBytes, serverBatch, serverWorkers, maxBlockBytes,
                haveReplaceLimit, providerDelay, blockTimeout, rebroadcastInterval, sendTimeout, dagParallelism, broadcast, http, libp2p);
    }
}
