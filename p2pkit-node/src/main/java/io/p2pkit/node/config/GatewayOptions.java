package io.p2pkit.node.config;

/**
 * What the gateway serves and how much at once, as Kubo's {@code Gateway.*} keys of the same
 * names (which hostnames it answers as what is {@link GatewayHosts}).
 *
 * @param noFetch                  serve only blocks already in the repository: what is missing is
 *                                 404, as Kubo's {@code Gateway.NoFetch} (its offline block service)
 * @param deserializedResponses    serve files, directories and documents; false makes it a trustless
 *                                 gateway only (raw blocks, CARs, IPNS records), everything else 406
 * @param retrievalTimeout         the longest a request may go without writing (its first byte
 *                                 included) while it waits for blocks or for its client: then 504,
 *                                 or the response is cut once its status is sent (zero: no bound)
 * @param maxConcurrentRequests    requests served at once; one more is answered 429 with
 *                                 {@code Retry-After: 60} (0: no bound)
 * @param maxRangeRequestFileSize  a range request of a file larger than this is 501, so that a CDN in
 *                                 front does not turn it into a whole download (0: no bound)
 * @param exposeRoutingApi         serve {@code /routing/v1} beside {@code /ipfs} and {@code /ipns}
 */
public record GatewayOptions(boolean noFetch, boolean deserializedResponses, java.time.Duration retrievalTimeout,
                             int maxConcurrentRequests, long maxRangeRequestFileSize, boolean exposeRoutingApi) {
    /**
     * Kubo 0.39's defaults, except that {@code /routing/v1} is served (Kubo's
     * {@code Gateway.ExposeRoutingAPI} is off unless set; p2pkit's gateway has served it from the start).
     */
    public static final GatewayOptions DEFAULT = new GatewayOptions(false, true, java.time.Duration.ofSeconds(30), 4096, 0,
            true);

    /** Checks the bounds. */
    public GatewayOptions {
        if (retrievalTimeout.isNegative()) {
            throw new IllegalArgumentException("retrievalTimeout must be zero (no bound) or more, got " + retrievalTimeout);
        }
        if (maxConcurrentRequests < 0) {
            throw new IllegalArgumentException("maxConcurrentRequests must be 0 (no bound) or more, got "
                    + maxConcurrentRequests);
        }
        if (maxRangeRequestFileSize < 0) {
            throw new IllegalArgumentException("maxRangeRequestFileSize must be 0 (no bound) or more, got "
                    + maxRangeRequestFileSize);
        }
    }
}
