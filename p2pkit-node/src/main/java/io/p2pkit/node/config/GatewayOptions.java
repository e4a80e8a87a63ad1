package io.p2pkit.node.config;

import io.p2pkit.node.http.HttpHeaderText;

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
 * @param httpHeaders              headers added to every response, as Kubo's {@code Gateway.HTTPHeaders}:
 *                                 each value a header line of its own; an {@code Access-Control-Allow-Origin}
 *                                 or {@code -Methods} given replaces the CORS default, the allowed and exposed
 *                                 headers given join the defaults
 * @param rootRedirect             where a request for a path the gateway does not serve ({@code /}
 *                                 among them) is sent with 302, as Kubo's {@code Gateway.RootRedirect};
 *                                 empty: such a request is 404
 * @param disableHtmlErrors        errors are plain text even for a browser; false (Kubo's default):
 *                                 a request that accepts {@code text/html} gets an HTML error page
 */
public record GatewayOptions(boolean noFetch, boolean deserializedResponses, java.time.Duration retrievalTimeout,
                             int maxConcurrentRequests, long maxRangeRequestFileSize, boolean exposeRoutingApi,
                             java.util.Map<String, java.util.List<String>> httpHeaders, String rootRedirect,
                             boolean disableHtmlErrors) {
    /**
     * Kubo 0.39's defaults, except that {@code /routing/v1} is served (Kubo's
     * {@code Gateway.ExposeRoutingAPI} is off unless set; p2pkit's gateway has served it from the start).
     */
    public static final GatewayOptions DEFAULT = new GatewayOptions(false, true, java.time.Duration.ofSeconds(30), 4096, 0,
            true);

    /** The same without headers of its own and without a redirect. */
    public GatewayOptions(boolean noFetch, boolean deserializedResponses, java.time.Duration retrievalTimeout,
                          int maxConcurrentRequests, long maxRangeRequestFileSize, boolean exposeRoutingApi) {
        this(noFetch, deserializedResponses, retrievalTimeout, maxConcurrentRequests, maxRangeRequestFileSize,
                exposeRoutingApi, java.util.Map.of(), "", false);
    }

    /** @return these options with {@code headers} added to every response (Kubo's Gateway.HTTPHeaders) */
    public GatewayOptions withHttpHeaders(java.util.Map<String, java.util.List<String>> headers) {
        return new GatewayOptions(noFetch, deserializedResponses, retrievalTimeout, maxConcurrentRequests,
                maxRangeRequestFileSize, exposeRoutingApi, headers, rootRedirect, disableHtmlErrors);
    }

    /** @return these options redirecting what the gateway does not serve to {@code target} (Kubo's Gateway.RootRedirect) */
    public GatewayOptions withRootRedirect(String target) {
        return new GatewayOptions(noFetch, deserializedResponses, retrievalTimeout, maxConcurrentRequests,
                maxRangeRequestFileSize, exposeRoutingApi, httpHeaders, target, disableHtmlErrors);
    }

    /** @return these options with errors in plain text for browsers too (Kubo's Gateway.DisableHTMLErrors) */
    public GatewayOptions withDisableHtmlErrors(boolean disable) {
        return new GatewayOptions(noFetch, deserializedResponses, retrievalTimeout, maxConcurrentRequests,
                maxRangeRequestFileSize, exposeRoutingApi, httpHeaders, rootRedirect, disable);
    }

    /** Checks the bounds, the header names and values, and copies the headers. */
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
        java.util.Map<String, java.util.List<String>> copy = new java.util.LinkedHashMap<>();
        httpHeaders.forEach((name, values) -> copy.put(HttpHeaderText.name(name), HttpHeaderText.values(name, values)));
        httpHeaders = java.util.Collections.unmodifiableMap(copy);
        if (rootRedirect.indexOf('\r') >= 0 || rootRedirect.indexOf('\n') >= 0) {
            throw new IllegalArgumentException("rootRedirect must be one line: " + rootRedirect.strip());
        }
    }
}
