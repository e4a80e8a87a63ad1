package io.p2pkit.node.routing;

import io.p2pkit.core.DecodeException;
import io.p2pkit.core.host.PeerInfo;
import io.p2pkit.core.identity.PeerId;
import io.p2pkit.core.multiaddr.Multiaddr;
import io.p2pkit.core.multiformats.Cid;
import io.p2pkit.ipfs.codec.dagjson.DagJson;
import io.p2pkit.ipfs.ipld.ListNode;
import io.p2pkit.ipfs.ipld.MapNode;
import io.p2pkit.ipfs.ipld.Node;
import io.p2pkit.ipfs.ipld.StringNode;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * A client of a Delegated Routing V1 HTTP API server ({@code --routing-http URL}): providers of
 * a CID, a peer's addresses, IPNS records. Answers stream as NDJSON, so providers are handed on
 * as they arrive; a line is at most {@link #MAX_LINE} characters, a JSON answer at most
 * {@link #MAX_JSON} bytes and an answer at most {@link #MAX_RESULTS} results, whatever the server sends.
 */
public final class RoutingV1Client implements AutoCloseable {
    static final int MAX_LINE = 64 * 1024;
    static final int MAX_RESULTS = 1000;
    /** A JSON (not streamed) answer is at most 1 MiB: 100 records of a few hundred bytes each fit many times over. */
    static final int MAX_JSON = 1 << 20;
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private static final String API = "/routing/v1/";

    /** What a server is asked, as the path of its URL says (Kubo's path-based routing URLs). */
    public enum Capability {
        /** {@code GET /routing/v1/providers/{cid}}. */
        PROVIDERS,
        /** {@code GET /routing/v1/peers/{peer}}. */
        PEERS,
        /** {@code GET} and {@code PUT /routing/v1/ipns/{name}}. */
        IPNS
    }

    private final URI endpoint;
    private final java.util.Set<Capability> capabilities;
    private final HttpClient http;

    /**
     * A client of the server at {@code endpoint}: its base URL (without {@code /routing/v1}), asked
     * for everything, or a URL ending in {@code /routing/v1/providers}, {@code /routing/v1/peers} or
     * {@code /routing/v1/ipns}, asked for that alone (as Kubo takes such URLs).
     */
    public RoutingV1Client(URI endpoint) {
        this(base(endpoint), capabilities(endpoint));
    }

    private RoutingV1Client(URI base, java.util.Set<Capability> capabilities) {
        this.endpoint = base;
        this.capabilities = java.util.Collections.unmodifiableSet(java.util.EnumSet.copyOf(capabilities));
        this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    }

    /**
     * One client per server of {@code endpoints}, in their order, with what each URL of that server
     * asks for merged (Kubo's {@code …/providers} and {@code …/ipns} of one host make one router).
     */
    public static List<RoutingV1Client> grouped(List<URI> endpoints) {
        java.util.Map<URI, java.util.Set<Capability>> byBase = new java.util.LinkedHashMap<>();
        for (URI e : endpoints) {
            byBase.computeIfAbsent(base(e), b -> java.util.EnumSet.noneOf(Capability.class)).addAll(capabilities(e));
        }
        List<RoutingV1Client> out = new ArrayList<>();
        byBase.forEach((base, caps) -> out.add(new RoutingV1Client(base, caps)));
        return out;
    }

    /**
     * The base URL a client of {@code endpoint} asks under: without a final {@code /}, nor a final
     * {@code /routing/v1/providers}, {@code /peers} or {@code /ipns}.
     */
    public static URI base(URI endpoint) {
        String text = endpoint.toString().replaceAll("/+$", "");
        for (Capability c : Capability.values()) {
            String suffix = API + c.name().toLowerCase(java.util.Locale.ROOT);
            if (text.endsWith(suffix)) {
                return URI.create(text.substring(0, text.length() - suffix.length()));
            }
        }
        return URI.create(text);
    }

    private static java.util.Set<Capability> capabilities(URI endpoint) {
        String text = endpoint.toString().replaceAll("/+$", "");
        for (Capability c : Capability.values()) {
            if (text.endsWith(API + c.name().toLowerCase(java.util.Locale.ROOT))) {
                return java.util.EnumSet.of(c);
            }
        }
        return java.util.EnumSet.allOf(Capability.class);
    }

    /** Whether the server is asked for {@code c}. */
    public boolean serves(Capability c) {
        return capabilities.contains(c);
    }

    /** The server's base URL. */
    public URI endpoint() {
        return endpoint;
    }

    /**
     * Hands each provider of {@code cid} to {@code found}, at most {@code limit} of them.
     *
     * @throws IOException when the server cannot be reached or answers with an error
     */
    public void findProviders(Cid cid, int limit, Consumer<PeerInfo> found) throws IOException {
        stream("providers/" + (cid.version() == 0 ? cid.toV1() : cid), "Providers", Math.min(limit, MAX_RESULTS), found);
    }

    /** The addresses the server knows for {@code peer}, if any. */
    public Optional<PeerInfo> findPeer(PeerId peer) throws IOException {
        List<PeerInfo> found = new ArrayList<>();
        stream("peers/" + peer.toString(io.p2pkit.core.multiformats.Multibase.Encoding.BASE36), "Peers", 1, found::add);
        return found.stream().findFirst();
    }

    /** The IPNS record the server holds for {@code name}, if any. */
    public Optional<byte[]> getIpns(PeerId name) throws IOException {
        HttpResponse<byte[]> r = send(HttpRequest.newBuilder(uri("ipns/" + ipnsName(name)))
                .header("Accept", RoutingV1Handler.IPNS_RECORD).GET(), HttpResponse.BodyHandlers.ofByteArray());
        String type = r.headers().firstValue("Content-Type").orElse("");
        if (r.statusCode() == 404 || (r.statusCode() == 200 && !type.startsWith(RoutingV1Handler.IPNS_RECORD))) {
            return Optional.empty(); // the spec: any other type means no record
        }
        check(r.statusCode(), new String(r.body(), StandardCharsets.UTF_8));
        if (r.body().length > io.p2pkit.kad.record.IpnsRecord.MAX_BYTES) {
            throw new IOException("the router sent an IPNS record of " + r.body().length + " bytes");
        }
        return Optional.of(r.body());
    }

    /** Stores {@code record} under {@code name} on the server. */
    public void putIpns(PeerId name, byte[] record) throws IOException {
        HttpResponse<String> r = send(HttpRequest.newBuilder(uri("ipns/" + ipnsName(name)))
                .header("Content-Type", RoutingV1Handler.IPNS_RECORD)
                .PUT(HttpRequest.BodyPublishers.ofByteArray(record)), HttpResponse.BodyHandlers.ofString());
        check(r.statusCode(), r.body());
    }

    private static String ipnsName(PeerId name) {
        return name.toString(io.p2pkit.core.multiformats.Multibase.Encoding.BASE36);
    }

    private void stream(String path, String field, int limit, Consumer<PeerInfo> found) throws IOException {
        HttpResponse<InputStream> r = send(HttpRequest.newBuilder(uri(path))
                .header("Accept", RoutingV1Handler.NDJSON + ", application/json").GET(),
                HttpResponse.BodyHandlers.ofInputStream());
        try (InputStream body = r.body()) {
            if (r.statusCode() == 404) {
                return; // the spec: 404 is an answer with no results
            }
            if (r.statusCode() != 200) {
                check(r.statusCode(), new String(body.readNBytes(1024), StandardCharsets.UTF_8));
            }
            boolean ndjson = r.headers().firstValue("Content-Type").orElse("").startsWith(RoutingV1Handler.NDJSON);
            read(body, ndjson, field, limit, found);
        }
    }

    /**
     * Reads an answer's records, NDJSON lines or one JSON object whose {@code field} lists them,
     * handing on at most {@code limit} peers; records of other schemas or with bad IDs are skipped.
     *
     * @throws IOException when the body is malformed or over the bounds
     */
    static void read(InputStream body, boolean ndjson, String field, int limit, Consumer<PeerInfo> found)
            throws IOException {
        if (ndjson) {
            BufferedReader lines = new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8));
            int n = 0;
            for (String line; n < limit && (line = readLine(lines)) != null; ) {
                if (!line.isBlank()) {
                    Optional<PeerInfo> p = peer(parse(line.getBytes(StandardCharsets.UTF_8)));
                    if (p.isPresent()) {
                        found.accept(p.get());
                        n++;
                    }
                }
            }
            return;
        }
        byte[] json = body.readNBytes(MAX_JSON + 1);
        if (json.length > MAX_JSON) {
            throw new IOException("the router's answer is over " + MAX_JSON + " bytes");
        }
        Node all = parse(json);
        if (all instanceof MapNode m && m.get(field).orElse(null) instanceof ListNode list) {
            list.values().stream().map(RoutingV1Client::peer).flatMap(Optional::stream).limit(limit).forEach(found);
        }
    }

    /** One line, refused beyond {@link #MAX_LINE} characters. */
    private static String readLine(BufferedReader in) throws IOException {
        StringBuilder line = new StringBuilder();
        for (int c; (c = in.read()) >= 0; ) {
            if (c == '\n') {
                return line.toString();
            }
            if (line.length() >= MAX_LINE) {
                throw new IOException("a line of the router's answer is over " + MAX_LINE + " characters");
            }
            line.append((char) c);
        }
        return line.isEmpty() ? null : line.toString();
    }

    private static Node parse(byte[] json) throws IOException {
        try {
            return DagJson.DEFAULT.decode(json);
        } catch (DecodeException e) {
            throw new IOException("the router sent malformed JSON: " + e.getMessage(), e);
        }
    }

    /** A Peer-schema record as a peer with addresses; other schemas and bad records are skipped. */
    private static Optional<PeerInfo> peer(Node record) {
        if (!(record instanceof MapNode m) || !(m.get("Schema").orElse(null) instanceof StringNode schema)
                || !schema.value().equals("peer") || !(m.get("ID").orElse(null) instanceof StringNode id)) {
            return Optional.empty();
        }
        try {
            List<Multiaddr> addrs = new ArrayList<>();
            if (m.get("Addrs").orElse(null) instanceof ListNode list) {
                for (Node a : list.values()) {
                    if (a instanceof StringNode s) {
                        addrs.add(Multiaddr.parse(s.value()));
                    }
                }
            }
            return Optional.of(new PeerInfo(PeerId.parse(id.value()), addrs));
        } catch (IllegalArgumentException e) {
            return Optional.empty(); // a record with a bad ID or address: the others still count
        }
    }

    private URI uri(String path) {
        return URI.create(endpoint + RoutingV1Handler.PREFIX + path);
    }

    private <T> HttpResponse<T> send(HttpRequest.Builder request, HttpResponse.BodyHandler<T> body) throws IOException {
        try {
            return http.send(request.timeout(TIMEOUT).build(), body);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException("interrupted while asking " + endpoint);
        }
    }

    private void check(int status, String body) throws IOException {
        if (status / 100 != 2) {
            throw new IOException(endpoint + " answered " + status + ": " + body.strip());
        }
    }

    @Override
    public void close() {
        http.close();
    }

    @Override
    public String toString() {
        return "RoutingV1Client[" + endpoint + (capabilities.size() == Capability.values().length ? ""
                : " " + capabilities) + "]";
    }
}
