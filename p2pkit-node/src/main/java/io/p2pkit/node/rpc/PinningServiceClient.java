package io.p2pkit.node.rpc;

import io.p2pkit.node.cli.content.GoQuote;
import io.p2pkit.node.config.KuboConfig;

import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * A client of the IPFS Pinning Services API ({@code /pins}), making the requests Kubo's client
 * (boxo's pinning/remote/client) makes, and failing with its error texts. Every answer is read up
 * to {@link #MAX_JSON} bytes, a listing stops after {@link #MAX_RESULTS} pins, and every request
 * has a deadline.
 */
final class PinningServiceClient {
    /** The largest JSON answer read. */
    static final int MAX_JSON = 4 << 20;
    /** The most pins one listing goes through, across its pages. */
    static final int MAX_RESULTS = 100_000;
    /** The statuses of the API, in Kubo's order. */
    static final List<String> STATUSES = List.of("queued", "pinning", "pinned", "failed");
    /** Kubo's page size when it lists. */
    private static final int PAGE = 10;
    private static final String USER_AGENT = "go-pinning-service-http-client";
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10))
            .followRedirects(HttpClient.Redirect.NEVER).build();

    private final String endpoint;
    private final String key;
    private final Duration timeout;

    /**
     * @param endpoint the service's normalized endpoint, without {@code /pins}
     * @param key      its access token, sent as {@code Authorization: Bearer <key>}
     * @param timeout  how long one request may take
     */
    PinningServiceClient(String endpoint, String key, Duration timeout) {
        this.endpoint = endpoint;
        this.key = key;
        this.timeout = timeout;
    }

    /** A service's failure, its message Kubo's. */
    static final class ServiceException extends IOException {
        private static final long serialVersionUID = 1L;

        ServiceException(String message) {
            super(message);
        }
    }

    /**
     * A PinStatus as Kubo reads it.
     *
     * @param requestId the request's ID
     * @param status    one of {@link #STATUSES}, or "" for anything else (Kubo's StatusUnknown)
     * @param cid       the pin's CID as go-cid prints it ({@code b} when it does not parse, as Kubo's cid.Undef)
     * @param name      the pin's name
     * @param created   when it was made, as the service wrote it
     * @param delegates the service's delegates that are multiaddrs
     */
    record RemotePin(String requestId, String status, String cid, String name, String created, List<String> delegates) {
    }

    /**
     * The filters of a listing.
     *
     * @param cids     CIDs (any of them), empty for all
     * @param name     the exact name, or null
     * @param statuses statuses (any of them), empty for all
     * @param limit    the page size
     */
    record Query(List<String> cids, String name, List<String> statuses, int limit) {
    }

    /** {@code POST /pins}: asks the service to pin. */
    RemotePin add(String cid, String name, List<String> origins) throws IOException, InterruptedException {
        Map<String, Object> pin = new java.util.LinkedHashMap<>();
        pin.put("cid", cid);
        if (!name.isEmpty()) {
            pin.put("name", name);
        }
        if (!origins.isEmpty()) {
            pin.put("origins", origins);
        }
        String body = io.p2pkit.node.json.Json.write(pin);
        return pinStatus(call("POST", "/pins", HttpRequest.BodyPublishers.ofString(body)));
    }

    /** {@code GET /pins/{requestid}}. */
    RemotePin status(String requestId) throws IOException, InterruptedException {
        return pinStatus(call("GET", "/pins/" + pathEscape(requestId), HttpRequest.BodyPublishers.noBody()));
    }

    /** {@code DELETE /pins/{requestid}}. */
    void delete(String requestId) throws IOException, InterruptedException {
        call("DELETE", "/pins/" + pathEscape(requestId), HttpRequest.BodyPublishers.noBody());
    }

    /** How many pins the service has in a status: one {@code GET /pins?limit=1&status=…}, its count. */
    long count(String status) throws IOException, InterruptedException {
        Object count = page(new Query(List.of(), null, List.of(status), 1), null).get("count");
        return count instanceof Number n ? n.longValue() : 0;
    }

    /**
     * Lists the pins that match, page after page ({@code before} the oldest of the last one) until
     * the service's count is reached, as Kubo's client pages.
     *
     * @param query     the filters
     * @param out       takes each pin as it comes
     * @param cancelled checked between pages
     */
    void ls(Query query, Consumer<RemotePin> out, BooleanSupplier cancelled) throws IOException, InterruptedException {
        String before = null;
        long seen = 0;
        while (true) {
            Map<String, Object> page = page(query, before);
            List<?> results = page.get("results") instanceof List<?> l ? l : List.of();
            long count = page.get("count") instanceof Number n ? n.longValue() : 0;
            RemotePin oldest = null;
            for (Object r : results) {
                oldest = pinStatus(r);
                if (++seen > MAX_RESULTS) {
                    throw new ServiceException("the pinning service listed more than " + MAX_RESULTS + " pins");
                }
                out.accept(oldest);
            }
            if (count == results.size()) {
                return;
            }
            if (results.isEmpty()) {
                throw new ServiceException("invalid pinning service response: PinResults.count=" + count
                        + " but no PinResults.results");
            }
            if (cancelled.getAsBoolean()) {
                throw new ServiceException("context canceled");
            }
            if (oldest.created().equals(before)) {
                // a service that ignores before would page forever
                throw new ServiceException("unexpected error while listing remote pins: the service repeated a page");
            }
            before = oldest.created();
        }
    }

    private Map<String, Object> page(Query q, String before) throws IOException, InterruptedException {
        // Go's url.Values.Encode: keys sorted, values query-escaped
        Map<String, String> params = new TreeMap<>();
        if (!q.cids().isEmpty()) {
            params.put("cid", String.join(",", q.cids()));
        }
        if (!q.statuses().isEmpty()) {
            params.put("status", String.join(",", q.statuses()));
        }
        params.put("limit", Integer.toString(q.limit()));
        if (q.name() != null && !q.name().isEmpty()) {
            params.put("name", q.name());
        }
        if (before != null) {
            params.put("before", before);
        }
        StringBuilder query = new StringBuilder();
        params.forEach((k, v) -> query.append(query.isEmpty() ? "?" : "&").append(k).append('=').append(queryEscape(v)));
        Object answer = call("GET", "/pins" + query, HttpRequest.BodyPublishers.noBody());
        if (!(answer instanceof Map<?, ?> m)) {
            throw new ServiceException("json: cannot unmarshal " + jsonKind(answer) + " into Go value of type openapi.PinResults");
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> map = (Map<String, Object>) m;
        return map;
    }

    /** One request; its JSON answer (null for none), or Kubo's error for a failure. */
    private Object call(String method, String pathAndQuery, HttpRequest.BodyPublisher body)
            throws IOException, InterruptedException {
        String url = endpoint + pathAndQuery;
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(timeout)
                .header("User-Agent", USER_AGENT).header("Accept", "application/json")
                .header("Authorization", "Bearer " + key).method(method, body);
        if (method.equals("POST")) {
            b.header("Content-Type", "application/json");
        }
        HttpResponse<InputStream> response;
        try {
            response = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofInputStream());
        } catch (IOException e) {
            throw new ServiceException("empty response from remote pinning service: " + goUrlError(method, url, e));
        }
        byte[] bytes;
        try (InputStream in = response.body()) {
            bytes = in.readNBytes(MAX_JSON + 1);
        } catch (IOException e) {
            throw new ServiceException("remote pinning service returned http error " + response.statusCode() + ": "
                    + e.getMessage());
        }
        if (bytes.length > MAX_JSON) {
            throw new ServiceException("remote pinning service returned http error " + response.statusCode()
                    + ": its answer is over " + MAX_JSON + " bytes");
        }
        int code = response.statusCode();
        String text = new String(bytes, StandardCharsets.UTF_8);
        boolean json = response.headers().firstValue("Content-Type").orElse("").toLowerCase(java.util.Locale.ROOT)
                .contains("json");
        if (code >= 300) {
            if (code >= 400 && code <= 600) {
                Object failure = json ? parse(text) : null;
                if (failure instanceof Map<?, ?> f && f.get("error") instanceof Map<?, ?> err) {
                    throw new ServiceException("reason: " + GoQuote.quote(string(err.get("reason"))) + ", details: "
                            + GoQuote.quote(string(err.get("details"))) + ": " + HttpStatusText.line(code));
                }
                if (!json || failure == null) {
                    throw new ServiceException("remote pinning service returned http error " + code + ": "
                            + (json ? "the answer is not JSON" : "undefined response type"));
                }
            }
            throw new ServiceException("remote pinning service returned http error " + code + ": " + HttpStatusText.line(code));
        }
        if (method.equals("DELETE")) {
            return null;
        }
        Object answer = json ? parse(text) : null;
        if (answer == null) {
            throw new ServiceException("remote pinning service returned http error " + code + ": "
                    + (json ? "the answer is not JSON" : "undefined response type"));
        }
        return answer;
    }

    private static Object parse(String text) {
        try {
            return KuboConfig.parseJson(text);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static RemotePin pinStatus(Object answer) throws ServiceException {
        if (!(answer instanceof Map<?, ?> m)) {
            throw new ServiceException("json: cannot unmarshal " + jsonKind(answer) + " into Go value of type openapi.PinStatus");
        }
        Map<?, ?> pin = m.get("pin") instanceof Map<?, ?> p ? p : Map.of();
        String status = string(m.get("status"));
        List<String> delegates = new ArrayList<>();
        if (m.get("delegates") instanceof List<?> l) {
            for (Object d : l) {
                try {
                    delegates.add(io.p2pkit.core.multiaddr.Multiaddr.parse(string(d)).toString());
                } catch (IllegalArgumentException e) {
                    // Kubo's client logs a delegate that is not a multiaddr and goes on without it
                }
            }
        }
        return new RemotePin(string(m.get("requestid")), STATUSES.contains(status) ? status : "",
                cidText(string(pin.get("cid"))), string(pin.get("name")), string(m.get("created")), delegates);
    }

    private static String cidText(String text) {
        try {
            return io.p2pkit.core.multiformats.Cid.parse(text).toString();
        } catch (IllegalArgumentException e) {
            return "b";
        }
    }

    private static String string(Object o) {
        return o instanceof String s ? s : "";
    }

    private static String jsonKind(Object o) {
        return o instanceof List<?> ? "array" : o instanceof String ? "string" : o instanceof Number ? "number"
                : o instanceof Boolean ? "bool" : "null";
    }

    /** Go's {@code url.Error} text: {@code Get "URL": reason}. */
    private static String goUrlError(String method, String url, IOException e) {
        String verb = method.charAt(0) + method.substring(1).toLowerCase(java.util.Locale.ROOT);
        URI u = URI.create(url);
        String reason;
        if (e instanceof HttpConnectTimeoutException || e instanceof HttpTimeoutException) {
            reason = "context deadline exceeded (Client.Timeout exceeded while awaiting headers)";
        } else if (e instanceof ConnectException) {
            reason = "dial tcp " + u.getHost() + ":" + port(u) + ": connect: connection refused";
        } else {
            reason = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        }
        return verb + " " + GoQuote.quote(url) + ": " + reason;
    }

    private static int port(URI u) {
        return u.getPort() >= 0 ? u.getPort() : "https".equals(u.getScheme()) ? 443 : 80;
    }

    /** Go's url.QueryEscape. */
    static String queryEscape(String s) {
        StringBuilder out = new StringBuilder();
        for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xff;
            if (c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_'
                    || c == '.' || c == '~') {
                out.append((char) c);
            } else if (c == ' ') {
                out.append('+');
            } else {
                out.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(c & 15, 16)));
            }
        }
        return out.toString();
    }

    /** Go's url.PathEscape, as the generated client escapes a request ID: a path segment's few extras kept. */
    static String pathEscape(String s) {
        String q = queryEscape(s).replace("+", "%20");
        for (String keep : List.of("$", "&", "+", "=", ":", "@")) {
            q = q.replace(queryEscape(keep), keep);
        }
        return q;
    }
}
