package io.p2pkit.node.routing;

import io.p2pkit.core.DecodeException;
import io.p2pkit.core.host.Host;
import io.p2pkit.core.host.PeerInfo;
import io.p2pkit.core.identity.PeerId;
import io.p2pkit.core.multiformats.Cid;
import io.p2pkit.core.transport.SocketSafeInterrupt;
import io.p2pkit.kad.FindPeerResult;
import io.p2pkit.kad.GetResult;
import io.p2pkit.kad.KadDht;
import io.p2pkit.kad.record.InvalidRecordException;
import io.p2pkit.kad.record.IpnsRecord;
import io.p2pkit.kad.record.NamespacedKey;
import io.p2pkit.node.json.Json;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Fields;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The Delegated Routing V1 HTTP API ({@code /routing/v1/…}, ipfs/specs
 * {@code routing/http-routing-v1}) served from the node's DHT: providers of a CID, a peer's
 * addresses, IPNS records (GET and PUT) and the closest peers to a key, as JSON or, with
 * {@code Accept: application/x-ndjson}, as a stream of one result per line.
 */
public final class RoutingV1Handler extends Handler.Abstract {
    /** The path prefix served. */
    public static final String PREFIX = "/routing/v1/";
    /** JSON answers hold at most this many results, as the spec asks. */
    static final int JSON_LIMIT = 100;
    /** A streamed answer stops after this many. */
    static final int STREAM_LIMIT = 1000;
    /** How long a provider lookup runs before the answer is sent with what it found. */
    static final Duration LOOKUP_DEADLINE = Duration.ofSeconds(30);
    static final String NDJSON = "application/x-ndjson";
    static final String IPNS_RECORD = "application/vnd.ipfs.ipns-record";
    private static final String BITSWAP = "transport-bitswap";
    /** Amino's provider record expiry, the longest a cache may serve a stale answer. */
    private static final long MAX_TTL_SECONDS = 48 * 3600;

    private final Host host;
    private final Optional<KadDht> dht;
    private final java.util.Set<PeerId> ignored;

    /** Serves from {@code dht} (without one, every lookup answers 501) on behalf of {@code host}. */
    public RoutingV1Handler(Host host, Optional<KadDht> dht) {
        this(host, dht, java.util.Set.of());
    }

    /**
     * The same, leaving out the provider records of {@code ignored} (Kubo's
     * {@code Routing.IgnoreProviders}, which holds for every lookup the node makes).
     */
    public RoutingV1Handler(Host host, Optional<KadDht> dht, java.util.Set<PeerId> ignored) {
        this.host = host;
        this.dht = dht;
        this.ignored = java.util.Set.copyOf(ignored);
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        try {
            route(request, response);
            callback.succeeded();
        } catch (HttpError e) {
            error(response, callback, e.status, e.getMessage());
        } catch (IOException e) {
            // The lookup failed or the client went away: a 500 if nothing was written yet.
            if (response.isCommitted()) {
                callback.failed(e);
            } else {
                error(response, callback, HttpStatus.INTERNAL_SERVER_ERROR_500, e.getMessage());
            }
        }
        return true;
    }

    private void route(Request request, Response response) throws IOException {
        String path = request.getHttpURI().getPath();
        if (!path.startsWith(PREFIX)) {
            throw new HttpError(HttpStatus.NOT_FOUND_404, "not found");
        }
        String[] parts = path.substring(PREFIX.length()).split("/", -1);
        String method = request.getMethod();
        boolean read = HttpMethod.GET.is(method) || HttpMethod.HEAD.is(method);
        if (parts.length == 2 && parts[0].equals("providers") && read) {
            providers(request, response, parts[1]);
        } else if (parts.length == 2 && parts[0].equals("peers") && read) {
            peers(request, response, parts[1]);
        } else if (parts.length == 2 && parts[0].equals("ipns") && read) {
            getIpns(request, response, parts[1]);
        } else if (parts.length == 2 && parts[0].equals("ipns") && HttpMethod.PUT.is(method)) {
            putIpns(request, response, parts[1]);
        } else if (parts.length == 4 && parts[0].equals("dht") && parts[1].equals("closest") && parts[2].equals("peers")
                && read) {
            closest(request, response, parts[3]);
        } else if (known(parts)) {
            response.getHeaders().put(HttpHeader.ALLOW, parts[0].equals("ipns") ? "GET, HEAD, PUT" : "GET, HEAD");
            throw new HttpError(HttpStatus.METHOD_NOT_ALLOWED_405, method + " is not allowed here");
        } else {
            throw new HttpError(HttpStatus.NOT_FOUND_404, "no such routing endpoint: " + path);
        }
    }

    private static boolean known(String[] parts) {
        return parts.length >= 2 && List.of("providers", "peers", "ipns", "dht").contains(parts[0]);
    }

    private KadDht dht() {
        return dht.orElseThrow(() -> new HttpError(HttpStatus.NOT_IMPLEMENTED_501, "this node runs no DHT"));
    }

    // ------------------------------------------------------------------ providers and peers

    private void providers(Request request, Response response, String text) throws IOException {
        Cid cid;
        try {
            cid = Cid.parse(text);
        } catch (IllegalArgumentException e) {
            throw new HttpError(HttpStatus.UNPROCESSABLE_ENTITY_422, "not a CID: " + text + ": " + e.getMessage());
        }
        AddressFilter filter = filter(request);
        KadDht d = dht();
        boolean stream = wantsNdjson(request);
        int limit = stream ? STREAM_LIMIT : JSON_LIMIT;
        // The lookup runs on its own thread and hands providers over as it finds them, so that a
        // stream starts at once and a slow lookup ends at the deadline with what it has.
        BlockingQueue<Optional<PeerRecord>> found = new ArrayBlockingQueue<>(limit + 1);
        // stopped with an interrupt that waits out a write to a peer, which would close its connection
        SocketSafeInterrupt lookup = SocketSafeInterrupt.start(Thread.ofVirtual().name("p2pkit-routing-v1 providers"), () -> {
            try {
                d.findProviders(cid.multihash().bytes(), limit, p -> {
                    if (!ignored.contains(p.peerId())) {
                        found.offer(Optional.of(provider(p)));
                    }
                });
            } catch (IOException e) {
                // Whatever was found so far is the answer; the spec has no partial-failure status.
            } finally {
                found.offer(Optional.empty());
            }
        });
        try {
            answer(request, response, "Providers", found, stream, filter);
        } finally {
            lookup.interrupt();
        }
    }

    private PeerRecord provider(PeerInfo p) {
        List<io.p2pkit.core.multiaddr.Multiaddr> addrs = p.peerId().equals(host.peerId()) ? host.addresses()
                : p.addresses().isEmpty() ? host.peerStore().addresses(p.peerId()) : p.addresses();
        return new PeerRecord(p.peerId(), addrs, transferProtocols(p.peerId()));
    }

    /**
     * What the spec's {@code Protocols} holds: transfer protocols ({@code transport-bitswap}), not
     * libp2p protocol IDs; empty (unknown) when identify has told nothing of the peer. Clients
     * such as Kubo filter on these names.
     */
    private List<String> transferProtocols(PeerId peer) {
        java.util.Collection<String> speaks = peer.equals(host.peerId()) ? host.protocols()
                : host.peerStore().protocols(peer);
        return speaks.stream().anyMatch(p -> p.startsWith("/ipfs/bitswap")) ? List.of(BITSWAP) : List.of();
    }

    private void peers(Request request, Response response, String text) throws IOException {
        PeerId id = peerId(text);
        AddressFilter filter = filter(request);
        BlockingQueue<Optional<PeerRecord>> found = new ArrayBlockingQueue<>(2);
        if (id.equals(host.peerId())) {
            found.offer(Optional.of(new PeerRecord(id, host.addresses(), transferProtocols(id))));
        } else {
            FindPeerResult r = dht().findPeer(id);
            r.peer().ifPresent(p -> found.offer(Optional.of(new PeerRecord(id, p.addresses(), transferProtocols(id)))));
        }
        found.offer(Optional.empty());
        answer(request, response, "Peers", found, wantsNdjson(request), filter);
    }

    private void closest(Request request, Response response, String text) throws IOException {
        byte[] key = closestKey(text);
        AddressFilter filter = filter(request);
        List<PeerId> peers = dht().getClosestPeers(key).closest();
        BlockingQueue<Optional<PeerRecord>> found = new ArrayBlockingQueue<>(peers.size() + 1);
        for (PeerId p : peers) {
            found.offer(Optional.of(new PeerRecord(p, host.peerStore().addresses(p), transferProtocols(p))));
        }
        found.offer(Optional.empty());
        answer(request, response, "Peers", found, wantsNdjson(request), filter);
    }

    /** The DHT key of a peer ID (its multihash) or of a CID (its multihash, whatever the codec). */
    private static byte[] closestKey(String text) {
        try {
            return PeerId.parse(text).bytes();
        } catch (IllegalArgumentException notAPeer) {
            try {
                return Cid.parse(text).multihash().bytes();
            } catch (IllegalArgumentException e) {
                throw new HttpError(HttpStatus.UNPROCESSABLE_ENTITY_422, "not a CID or peer ID: " + text);
            }
        }
    }

    /**
     * Writes the results as they come, until an empty marker, the limit or the deadline: as one
     * JSON object {@code {"<field>":[…]}} or as NDJSON lines.
     */
    private static void answer(Request request, Response response, String field,
                               BlockingQueue<Optional<PeerRecord>> found, boolean stream, AddressFilter filter)
            throws IOException {
        long deadline = System.nanoTime() + LOOKUP_DEADLINE.toNanos();
        int limit = stream ? STREAM_LIMIT : JSON_LIMIT;
        List<PeerRecord> results = new ArrayList<>();
        java.util.Set<PeerId> seen = new java.util.HashSet<>();
        OutputStream out = null;
        boolean head = HttpMethod.HEAD.is(request.getMethod());
        try {
            while (results.size() < limit) {
                Optional<PeerRecord> next;
                try {
                    next = found.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
                if (next == null || next.isEmpty()) {
                    break;
                }
                Optional<PeerRecord> kept = filter.apply(next.get());
                if (kept.isEmpty() || !seen.add(kept.get().id())) {
                    continue;
                }
                results.add(kept.get());
                if (stream) {
                    if (out == null) {
                        headers(response, NDJSON, true);
                        out = Content.Sink.asOutputStream(response);
                    }
                    if (!head) {
                        out.write((Json.write(kept.get().json()) + "\n").getBytes(StandardCharsets.UTF_8));
                        out.flush();
                    }
                }
            }
            if (out == null) {
                headers(response, stream ? NDJSON : "application/json", !results.isEmpty());
                out = Content.Sink.asOutputStream(response);
                if (!stream && !head) {
                    out.write(Json.write(Map.of(field, results.stream().map(PeerRecord::json).toList()))
                            .getBytes(StandardCharsets.UTF_8));
                }
            }
        } finally {
            if (out != null) {
                out.close();
            }
        }
    }

    /** boxo's {@code setCacheControl}. */
    private static String cacheControl(long maxAge, long stale) {
        return "public, max-age=" + maxAge + ", stale-while-revalidate=" + stale + ", stale-if-error=" + stale;
    }

    /**
     * boxo's {@code setIPNSCacheControl} (Kubo 0.43): a record is valid only until its end, so no
     * cache may keep it past that: {@code max-age} is the TTL capped to the time left, the stale
     * window what is left after it, and a record with no time left is {@code no-store}.
     */
    static String ipnsCacheControl(long ttlSeconds, long leftSeconds) {
        if (leftSeconds <= 0) {
            return "no-store";
        }
        long maxAge = Math.min(Math.max(0, ttlSeconds), leftSeconds);
        return cacheControl(maxAge, leftSeconds - maxAge);
    }

    private static void headers(Response response, String type, boolean found) {
        response.setStatus(HttpStatus.OK_200);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, type);
        response.getHeaders().put(HttpHeader.VARY, "Accept");
        response.getHeaders().put(HttpHeader.LAST_MODIFIED, httpDate(Instant.now()));
        long maxAge = found ? 300 : 15;
        response.getHeaders().put(HttpHeader.CACHE_CONTROL, cacheControl(maxAge, MAX_TTL_SECONDS));
    }

    // ------------------------------------------------------------------ IPNS

    private void getIpns(Request request, Response response, String name) throws IOException {
        PeerId id = ipnsName(name);
        String accept = request.getHeaders().get(HttpHeader.ACCEPT);
        if (accept == null || !(accept.contains(IPNS_RECORD) || accept.contains("*/*"))) {
            throw new HttpError(HttpStatus.NOT_ACCEPTABLE_406, "ask with Accept: " + IPNS_RECORD);
        }
        GetResult r = dht().getValue(NamespacedKey.of("/ipns/", id.bytes()), 1);
        if (r.value().isEmpty()) {
            throw new HttpError(HttpStatus.NOT_FOUND_404, "no IPNS record found for " + name);
        }
        byte[] bytes = r.value().get();
        IpnsRecord record;
        try {
            record = IpnsRecord.decode(bytes);
        } catch (DecodeException e) {
            throw new IOException("the DHT returned a record that does not decode: " + e.getMessage(), e);
        }
        long ttl = record.ttlNanos() > 0 ? Math.max(1, TimeUnit.NANOSECONDS.toSeconds(record.ttlNanos())) : 60;
        long left = Duration.between(Instant.now(), record.validUntil()).toSeconds();
        response.setStatus(HttpStatus.OK_200);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, IPNS_RECORD);
        response.getHeaders().put(HttpHeader.VARY, "Accept");
        response.getHeaders().put(HttpHeader.ETAG, "\"" + sha256(bytes) + "\"");
        response.getHeaders().put(HttpHeader.CACHE_CONTROL, ipnsCacheControl(ttl, left));
        response.getHeaders().put(HttpHeader.EXPIRES, httpDate(record.validUntil()));
        response.getHeaders().put(HttpHeader.LAST_MODIFIED, httpDate(Instant.now()));
        response.getHeaders().put(HttpHeader.CONTENT_LENGTH, bytes.length);
        try (OutputStream out = Content.Sink.asOutputStream(response)) {
            if (!HttpMethod.HEAD.is(request.getMethod())) {
                out.write(bytes);
            }
        }
    }

    private void putIpns(Request request, Response response, String name) throws IOException {
        // Read the (capped) body before any refusal: answering with the body unread makes Jetty close
        // the connection, and a client still writing it may lose the answer to the reset.
        byte[] body;
        try (InputStream in = Content.Source.asInputStream(request)) {
            body = in.readNBytes(IpnsRecord.MAX_BYTES + 1);
        }
        PeerId id = ipnsName(name);
        HttpField type = request.getHeaders().getField(HttpHeader.CONTENT_TYPE);
        if (type == null || !type.getValue().startsWith(IPNS_RECORD)) {
            throw new HttpError(HttpStatus.NOT_ACCEPTABLE_406, "send the record with Content-Type: " + IPNS_RECORD);
        }
        if (body.length > IpnsRecord.MAX_BYTES) {
            throw new HttpError(HttpStatus.PAYLOAD_TOO_LARGE_413, "an IPNS record is at most " + IpnsRecord.MAX_BYTES
                    + " bytes");
        }
        try {
            dht().putValue(NamespacedKey.of("/ipns/", id.bytes()), body);
        } catch (InvalidRecordException e) {
            throw new HttpError(HttpStatus.BAD_REQUEST_400, "invalid IPNS record for " + name + ": " + e.getMessage());
        }
        response.setStatus(HttpStatus.OK_200);
        response.getHeaders().put(HttpHeader.CONTENT_LENGTH, 0);
        Content.Sink.asOutputStream(response).close();
    }

    private static PeerId ipnsName(String text) {
        try {
            return PeerId.parse(text);
        } catch (IllegalArgumentException e) {
            throw new HttpError(HttpStatus.BAD_REQUEST_400, "not an IPNS name: " + text + ": " + e.getMessage());
        }
    }

    // ------------------------------------------------------------------ helpers

    private static PeerId peerId(String text) {
        try {
            return PeerId.parse(text);
        } catch (IllegalArgumentException e) {
            throw new HttpError(HttpStatus.UNPROCESSABLE_ENTITY_422, "not a peer ID: " + text + ": " + e.getMessage());
        }
    }

    private static AddressFilter filter(Request request) {
        Fields query = Request.extractQueryParameters(request);
        try {
            return AddressFilter.of(query.getValue("filter-addrs"), query.getValue("filter-protocols"));
        } catch (IllegalArgumentException e) {
            throw new HttpError(HttpStatus.UNPROCESSABLE_ENTITY_422, e.getMessage());
        }
    }

    private static boolean wantsNdjson(Request request) {
        String accept = request.getHeaders().get(HttpHeader.ACCEPT);
        return accept != null && accept.contains(NDJSON);
    }

    private static String httpDate(Instant t) {
        return DateTimeFormatter.RFC_1123_DATE_TIME.format(t.atZone(ZoneOffset.UTC));
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK always has SHA-256", e);
        }
    }

    private static void error(Response response, Callback callback, int status, String message) {
        if (response.isCommitted()) {
            callback.failed(new IOException(message));
            return;
        }
        response.setStatus(status);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/plain; charset=utf-8");
        response.write(true, StandardCharsets.UTF_8.encode(status + " " + HttpStatus.getMessage(status) + ": "
                + String.valueOf(message).replaceAll("[\\r\\n]+", " ") + "\n"), callback);
    }

    /** A request the handler refuses with {@code status}. */
    private static final class HttpError extends RuntimeException {
        private static final long serialVersionUID = 1L;
        private final transient int status;

        HttpError(int status, String message) {
            super(message, null, false, false);
            this.status = status;
        }
    }
}
