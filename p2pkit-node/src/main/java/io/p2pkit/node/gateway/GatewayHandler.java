package io.p2pkit.node.gateway;

import io.p2pkit.core.DecodeException;
import io.p2pkit.core.multiformats.Cid;
import io.p2pkit.core.multiformats.Multicodec;
import io.p2pkit.ipfs.block.Block;
import io.p2pkit.ipfs.block.BlockSource;
import io.p2pkit.ipfs.car.CarWriter;
import io.p2pkit.ipfs.codec.Codecs;
import io.p2pkit.ipfs.path.IpfsPath;
import io.p2pkit.ipfs.path.PathResolutionException;
import io.p2pkit.ipfs.path.PathResolver;
import io.p2pkit.ipfs.path.ResolvedPath;
import io.p2pkit.ipfs.repo.Repository;
import io.p2pkit.ipfs.unixfs.exporter.BlockNotFoundException;
import io.p2pkit.ipfs.unixfs.exporter.Exporter;
import io.p2pkit.ipfs.unixfs.exporter.UnixfsEntry;
import io.p2pkit.ipfs.unixfs.hamt.HamtLinkLookup;
import io.p2pkit.node.Node;
import io.p2pkit.node.cli.options.RepoOption;
import io.p2pkit.node.config.GatewayHosts;
import io.p2pkit.node.dnslink.DnsLinkResolver;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Fields;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The HTTP gateway at {@code /ipfs/…} and {@code /ipns/…}: the trustless gateway's verifiable
 * responses (raw blocks, CARs, IPNS records) and the path gateway's deserialised ones (UnixFS
 * files and directories, DAG-JSON and DAG-CBOR documents), over the node's blockstore (blocks not
 * held locally are fetched over Bitswap) and its DHT for IPNS names. Errors are plain text (an HTML page for a browser) with a
 * status from the gateway specs.
 */
public final class GatewayHandler extends Handler.Abstract {
    /** The most blocks one CAR response holds. */
    static final long MAX_CAR_BLOCKS = 1_000_000;

    private final Node node;
    private final Codecs codecs = RepoOption.codecs(true);
    private final IpnsResolver ipns;
    private final GatewayHosts hosts;
    private final io.p2pkit.node.config.GatewayOptions options;
    private final ResponseHeaders headers;
    private final io.p2pkit.core.metrics.Counter timeouts;
    private final DnsLinkResolver dns;

    /**
     * @param node     the node whose content and DHT are served, with its {@link io.p2pkit.node.NodeConfig#gatewayOptions}
     * @param hosts    which hostnames are subdomain gateways
     * @param dns      DNSLink lookups (of {@code /ipns/{domain}} and of unknown Host names)
     * @param registry where retrieval timeouts are counted, as boxo's gateway counts them
     *                 ({@code ipfs_http_gw_retrieval_timeouts_total}, by the status sent and whether the body was cut)
     */
    public GatewayHandler(Node node, GatewayHosts hosts, DnsLinkResolver dns, io.p2pkit.core.metrics.MetricRegistry registry) {
        this.timeouts = registry.counter("ipfs_http_gw_retrieval_timeouts_total", "Total number of requests that "
                + "timed out due to slow content retrieval (Gateway.RetrievalTimeout).", "code", "truncated");
        this.node = node;
        this.hosts = hosts;
        this.options = node.config().gatewayOptions();
        this.headers = ResponseHeaders.of(options.httpHeaders());
        this.dns = dns;
        this.ipns = new IpnsResolver(node, dns);
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        RetrievalDeadline deadline = RetrievalDeadline.start(options.retrievalTimeout());
        try {
            handle(request, deadline == RetrievalDeadline.NONE ? response : new Watched(request, response, deadline),
                    callback, deadline);
        } finally {
            deadline.end();
        }
        return true;
    }

    /** The response, each write of which tells the deadline that the request moves. */
    private static final class Watched extends Response.Wrapper {
        private final RetrievalDeadline deadline;

        Watched(Request request, Response response, RetrievalDeadline deadline) {
            super(request, response);
            this.deadline = deadline;
        }

        @Override
        public void write(boolean last, java.nio.ByteBuffer content, Callback callback) {
            deadline.progress();
            super.write(last, content, callback);
        }
    }

    private void handle(Request request, Response response, Callback callback, RetrievalDeadline deadline) {
        try {
            serve(new Exchange(request, response, options.maxRangeRequestFileSize()));
            callback.succeeded();
        } catch (GatewayException e) {
            if (e.status() == 500 && !response.isCommitted()) {
                // our own 500s (a broken _redirects) say why: the error handler hides 500 messages
                response.reset();
                headers.addTo(response);
                response.setStatus(500);
                response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/plain; charset=utf-8");
                response.write(true, java.nio.charset.StandardCharsets.UTF_8.encode(
                        "500 Internal Server Error: " + e.getMessage() + "\n"), callback);
                return;
            }
            fail(request, response, callback, e.status(), e.getMessage(), e, deadline);
        } catch (PathResolutionException e) {
            int status = resolutionStatus(e);
            fail(request, response, callback, status == 504 ? missingStatus(request) : status, e.getMessage(), e,
                    deadline);
        } catch (BlockNotFoundException | io.p2pkit.node.cli.content.BlockNotFoundException e) {
            fail(request, response, callback, missingStatus(request), e.getMessage(), e, deadline);
        } catch (DecodeException e) {
            // A block that is not what its codec or UnixFS says (UnixfsException and UnsupportedCodecException are ones too).
            fail(request, response, callback, 502, e.getMessage(), e, deadline);
        } catch (IOException | RuntimeException e) {
            fail(request, response, callback, 500, e.getClass().getSimpleName() + ": " + e.getMessage(), e, deadline);
        }
    }

    /**
     * The status of a block that is not here: neither here nor fetched over Bitswap before its
     * timeout is the spec's 504; with only-if-cached the network was not asked, and the spec says
     * 412; a gateway that never fetches (Gateway.NoFetch) answers 404, as Kubo's offline block service.
     */
    private int missingStatus(Request request) {
        return onlyIfCached(request) ? 412 : options.noFetch() ? 404 : 504;
    }

    /** Whether the client asked for local content only ({@code Cache-Control: only-if-cached}). */
    static boolean onlyIfCached(Request request) {
        String cc = request.getHeaders().get("Cache-Control");
        return cc != null && cc.contains("only-if-cached");
    }

    private static int resolutionStatus(PathResolutionException e) {
        return switch (e.reason()) {
            case NO_SUCH_LINK, NO_SUCH_KEY, NO_SUCH_INDEX, NOT_A_CONTAINER -> 404;
            case BLOCK_NOT_FOUND -> 504; // 412 instead for only-if-cached: see handle
            case UNSUPPORTED_CODEC, MALFORMED_BLOCK -> 502;
        };
    }

    private void fail(Request request, Response response, Callback callback, int status, String message,
                      Throwable cause, RetrievalDeadline deadline) {
        if (deadline.fired()) {
            // the deadline's interrupt ended whatever waited, so what was thrown is not the cause
            Thread.interrupted();
            timeouts.inc(Integer.toString(response.isCommitted() ? response.getStatus() : 504),
                    Boolean.toString(response.isCommitted()));
            status = 504;
            message = "no data for " + deadline.timeout() + " (Gateway.RetrievalTimeout): " + message;
        }
        if (response.isCommitted()) {
            callback.failed(cause); // the status is sent: Jetty aborts the body so the client sees it cut
        } else {
            response.reset();
            headers.addTo(response);
            if (status == 405) {
                response.getHeaders().put(HttpHeader.ALLOW, "GET, HEAD, OPTIONS");
            }
            String accept = request.getHeaders().get(HttpHeader.ACCEPT);
            if (!options.disableHtmlErrors() && accept != null && accept.contains("text/html")) {
                writePage(request, response, callback, status, message); // a browser, as boxo's gateway answers one
                return;
            }
            Response.writeError(request, response, callback, status, message);
        }
    }

    /** An error as an HTML page; an internal error's says nothing of the code, as its text does not. */
    private static void writePage(Request request, Response response, Callback callback, int status, String message) {
        response.setStatus(status);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/html; charset=utf-8");
        String page = ErrorPage.render(status, status == 500 ? "" : message);
        response.write(true, request.getMethod().equals("HEAD") ? java.nio.ByteBuffer.allocate(0)
                : java.nio.charset.StandardCharsets.UTF_8.encode(page), callback);
    }

    private void serve(Exchange x) throws IOException {
        headers.addTo(x.response); // CORS (content is public) and the operator's Gateway.HTTPHeaders
        String method = x.request.getMethod();
        if (method.equals("OPTIONS")) {
            x.response.getHeaders().put(HttpHeader.ALLOW, "GET, HEAD, OPTIONS");
            x.sendBytes(new byte[0], true);
            return;
        }
        if (!method.equals("GET") && !method.equals("HEAD")) {
            throw new GatewayException(405, method + " is not supported by the gateway: use GET or HEAD");
        }
        String rawPath = x.request.getHttpURI().getPath();
        List<String> segments = UrlPaths.segments(rawPath);
        String authority = authority(x);
        String hostname = hostname(authority);
        Optional<GatewayHosts.PublicGateway> known = hosts.gateway(hostname);
        if (known.isPresent()) {
            GatewayHosts.PublicGateway g = known.get();
            x.deserializedResponses = g.deserializedResponses();
            if (segments.isEmpty() || !g.serves(segments.get(0))) {
                throw GatewayException.notFound("this gateway does not serve " + GatewayHandler.abbreviate(rawPath));
            }
            if (g.useSubdomains() && segments.size() >= 2 && !x.query.containsKey("uri")) {
                redirectToSubdomain(x, g, authority, segments, rawPath);
                return;
            }
            servePath(x, segments, rawPath);
            return;
        }
        Optional<GatewayHosts.Subdomain> sub = hosts.subdomain(hostname);
        if (sub.isPresent()) {
            serveSubdomain(x, sub.get(), authority, rawPath);
            return;
        }
        if (!hosts.noDnsLink() && DnsLinkResolver.isDomain(hostname)) {
            Optional<DnsLinkResolver.Link> link;
            try {
                link = dns.resolve(hostname);
            } catch (IOException e) {
                if (segments.isEmpty() || !(segments.get(0).equals("ipfs") || segments.get(0).equals("ipns"))) {
                    throw new GatewayException(502, "DNSLink of " + hostname + " could not be resolved: " + e.getMessage());
                }
                link = Optional.empty(); // a path request on a host whose DNS failed: served by path
            }
            if (link.isPresent()) {
                x.origin = Origin.dnsLink(hostname);
                serveIsolated(x, "ipns", hostname, rawPath);
                return;
            }
        }
        servePath(x, segments, rawPath);
    }

    /** The path gateway: {@code /ipfs/{cid}/…} and {@code /ipns/{name}/…}. */
    private void servePath(Exchange x, List<String> segments, String rawPath) throws IOException {
        if (segments.isEmpty() || !(segments.get(0).equals("ipfs") || segments.get(0).equals("ipns"))) {
            if (!options.rootRedirect().isEmpty()) { // Kubo's Gateway.RootRedirect: what it does not serve goes there
                redirect(x, 302, options.rootRedirect());
                return;
            }
            throw GatewayException.notFound("the gateway serves /ipfs/ and /ipns/ paths only");
        }
        if (segments.size() == 1 && x.query.containsKey("uri")) {
            redirectUri(x, segments.get(0));
            return;
        }
        if (segments.size() < 2) {
            throw GatewayException.badRequest("the path must be /ipfs/<cid>[/…] or /ipns/<name>[/…]");
        }
        x.contentPath = rawPath;
        serveLogical(x, segments);
    }

    private void serveLogical(Exchange x, List<String> segments) throws IOException {
        ResponseFormat format = ResponseFormat.negotiate(x.query.get("format"), x.header("Accept"));
        boolean deserialized = x.deserializedResponses != null ? x.deserializedResponses : options.deserializedResponses();
        if (!deserialized && !trustless(segments, format)) {
            throw new GatewayException(406, "only trustless requests are accepted on this gateway: "
                    + "https://specs.ipfs.tech/http-gateways/trustless-gateway/");
        }
        String namespace = segments.get(0);
        if (namespace.equals("ipns")) {
            serveIpns(x, segments, format);
        } else if (namespace.equals("ipfs")) {
            Cid root = parseCid(segments.get(1));
            serveContent(x, format, root, segments.subList(2, segments.size()), "/ipfs/" + segments.get(1), true);
        } else {
            throw GatewayException.notFound("no such namespace /" + namespace);
        }
    }

    /**
     * Whether a trustless gateway answers the request, as boxo's: a raw block of a CID alone, a CAR
     * of a CID and a path, or the IPNS record of a name that is a key (not a DNSLink domain).
     */
    private static boolean trustless(List<String> segments, ResponseFormat format) {
        ResponseFormat.Type type = format.type();
        if (type != ResponseFormat.Type.CAR && segments.size() != 2) {
            return false;
        }
        if (segments.get(0).equals("ipns")) {
            if (type != ResponseFormat.Type.IPNS_RECORD) {
                return false;
            }
            try {
                return IpnsResolver.canonical(segments.get(1)).id() != null; // a DNSLink domain has no key
            } catch (GatewayException e) {
                return false;
            }
        }
        return isCid(segments.get(1)) && (type == ResponseFormat.Type.RAW || type == ResponseFormat.Type.CAR);
    }

    /** {@code {root}.{ns}.{gateway}/…}: the content root at the origin's {@code /}, after canonical-form redirects. */
    private void serveSubdomain(Exchange x, GatewayHosts.Subdomain sub, String authority, String rawPath) throws IOException {
        x.deserializedResponses = sub.gateway().deserializedResponses();
        if (!sub.gateway().serves(sub.namespace())) {
            throw GatewayException.notFound("this gateway does not serve /" + sub.namespace());
        }
        String root = sub.root();
        String port = authority.substring(hostname(authority).length());
        String gatewayHost = sub.host() + port;
        boolean isCid = isCid(root);
        if (isCid) {
            Cid cid = Cid.parse(root);
            String label = SubdomainLabels.fit(cid, root);
            boolean wrongCodec = sub.namespace().equals("ipns") && cid.codec() != Multicodec.LIBP2P_KEY;
            if (!label.equals(root) || wrongCodec) {
                String canonical = wrongCodec ? SubdomainLabels.label("ipns", root, false) : label;
                redirect(x, 301, scheme(x) + "://" + canonical + "." + sub.namespace() + "." + gatewayHost
                        + rawPath + x.queryString());
                return;
            }
        } else if (sub.namespace().equals("ipns") && root.indexOf('.') < 0) {
            root = SubdomainLabels.dnsLinkOfLabel(root);
        }
        x.origin = Origin.subdomain(gatewayHost);
        serveIsolated(x, sub.namespace(), root, rawPath);
    }

    private static boolean isCid(String text) {
        try {
            Cid.parse(text);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /** Serves {@code /{ns}/{root}{rawPath}} for an isolated origin. */
    private void serveIsolated(Exchange x, String namespace, String root, String rawPath) throws IOException {
        x.contentPath = "/" + namespace + "/" + root + (rawPath.equals("/") ? "" : rawPath);
        List<String> segments = new ArrayList<>();
        segments.add(namespace);
        segments.add(root);
        segments.addAll(UrlPaths.segments(rawPath));
        serveLogical(x, segments);
    }

    /** A path request on a subdomain gateway: 301 to the content's own origin, the rest of the path kept. */
    private static void redirectToSubdomain(Exchange x, GatewayHosts.PublicGateway g, String authority,
                                            List<String> segments, String rawPath) throws IOException {
        String namespace = segments.get(0);
        String scheme = scheme(x);
        String label = SubdomainLabels.label(namespace, segments.get(1), g.inlineDnsLink() || scheme.equals("https"));
        // the rest of the path as the client encoded it: after "/{ns}/{root}"
        int at = rawPath.indexOf('/', rawPath.indexOf('/', 1) + 1);
        String rest = at < 0 ? "/" : rawPath.substring(at);
        redirect(x, 301, scheme + "://" + label + "." + namespace + "." + authority + rest + x.queryString());
    }

    /** {@code /ipfs/?uri=ipfs://{cid}/…} (a browser's protocol handler): 301 to {@code /ipfs/{cid}/…}. */
    private static void redirectUri(Exchange x, String namespace) throws IOException {
        String uri = x.query.get("uri");
        int colon = uri.indexOf("://");
        String scheme = colon < 0 ? "" : uri.substring(0, colon);
        if (!scheme.equals("ipfs") && !scheme.equals("ipns")) {
            throw GatewayException.badRequest("uri query parameter scheme must be ipfs or ipns: "
                    + GatewayHandler.abbreviate(uri));
        }
        String rest = uri.substring(colon + 3);
        if (rest.isEmpty()) {
            throw GatewayException.badRequest("uri query parameter has no content root");
        }
        redirect(x, 301, "/" + scheme + "/" + rest);
    }

    private static void redirect(Exchange x, int status, String location) throws IOException {
        x.response.setStatus(status);
        x.set("Location", location);
        x.sendBytes(new byte[0], true);
    }

    /** {@code host[:port]} as the client named it: X-Forwarded-Host, else the request's authority. */
    static String authority(Exchange x) {
        String forwarded = x.header("X-Forwarded-Host");
        if (forwarded != null && !forwarded.isBlank()) {
            return forwarded.split(",")[0].strip();
        }
        String host = x.header("Host");
        if (host != null && !host.isBlank()) {
            return host.strip();
        }
        String a = x.request.getHttpURI().getAuthority();
        return a == null ? "" : a;
    }

    /** The host of an authority: lower case, without its port. */
    static String hostname(String authority) {
        String a = authority.toLowerCase(java.util.Locale.ROOT);
        if (a.startsWith("[")) {
            int end = a.indexOf(']');
            return end < 0 ? a : a.substring(0, end + 1);
        }
        int colon = a.lastIndexOf(':');
        return colon < 0 ? a : a.substring(0, colon);
    }

    /** {@code https} when a proxy says so (X-Forwarded-Proto), else the request's scheme. */
    private static String scheme(Exchange x) {
        String proto = x.header("X-Forwarded-Proto");
        if (proto != null && !proto.isBlank()) {
            return proto.split(",")[0].strip().toLowerCase(java.util.Locale.ROOT).equals("https") ? "https" : "http";
        }
        return x.request.isSecure() ? "https" : "http";
    }

    private static Cid parseCid(String text) {
        try {
            return Cid.parse(text);
        } catch (IllegalArgumentException e) {
            throw GatewayException.badRequest("invalid CID \"" + abbreviate(text) + "\": " + e.getMessage());
        }
    }

    static String abbreviate(String text) {
        return text.length() <= 100 ? text : text.substring(0, 97) + "...";
    }

    private void serveIpns(Exchange x, List<String> segments, ResponseFormat format) throws IOException {
        String name = segments.get(1);
        if (format.type() == ResponseFormat.Type.IPNS_RECORD) {
            if (segments.size() > 2) {
                throw GatewayException.badRequest("an IPNS record is asked for by its name alone, without a path");
            }
            IpnsResolver.Found found = ipns.record(name);
            x.response.setStatus(200);
            x.set("Content-Type", format.type().mediaType());
            x.set("Content-Disposition", x.disposition("attachment", found.canonicalName() + ".ipns-record"));
            x.set("Cache-Control", "public, max-age=" + found.ttlSeconds());
            x.set("X-Ipfs-Path", x.contentPath);
            x.set("Vary", "Accept");
            x.sendBytes(found.bytes(), false);
            return;
        }
        IpnsResolver.Canonical canonical = IpnsResolver.canonical(name);
        if (!canonical.name().equals(name)) {
            // A base58 peer ID is sent to the name's CIDv1 form, which subdomain gateways can use too.
            String location = UrlPaths.join("/ipns/" + canonical.name(), segments.subList(2, segments.size()))
                    + (x.trailingSlash() ? "/" : "") + x.queryString();
            x.response.setStatus(302);
            x.set("Location", location);
            x.sendBytes(new byte[0], true);
            return;
        }
        IpnsResolver.Resolved resolved = ipns.resolve(name);
        IpfsPath target = resolved.path();
        List<String> rest = new ArrayList<>(target.segments());
        rest.addAll(segments.subList(2, segments.size()));
        x.ipnsTtlSeconds = resolved.ttlSeconds();
        serveContent(x, format, target.root(), rest, "/ipns/" + name, false);
    }

    /**
     * Serves the content at {@code root/segments}.
     *
     * @param requested what the client's path names before the segments (for links and redirects)
     * @param immutable whether the response may be cached for ever ({@code /ipfs/})
     */
    private void serveContent(Exchange x, ResponseFormat format, Cid root, List<String> segments, String requested,
                              boolean immutable) throws IOException {
        if (format.type() == ResponseFormat.Type.IPNS_RECORD) {
            throw GatewayException.badRequest("an IPNS record is only served for /ipns/ names");
        }
        io.p2pkit.node.exchange.ContentService service = node.content().orElseThrow(() -> new GatewayException(503,
                "this node has no repository: start it with content to serve /ipfs/"));
        Repository repo = service.repository();
        boolean onlyIfCached = onlyIfCached(x.request);
        boolean local = onlyIfCached || options.noFetch();
        BlockSource source = local ? repo.blocks().local() : repo.blocks();
        if (local && root.multihash().code() != Multicodec.IDENTITY && !repo.blocks().local().has(root.multihash())) {
            throw onlyIfCached ? new GatewayException(412, root + " is not in the local blockstore and only-if-cached was asked")
                    : GatewayException.notFound(root + " is not in the local blockstore, and this gateway does not fetch "
                    + "(Gateway.NoFetch)");
        }
        PathBlocks pathBlocks = new PathBlocks(source);
        PathResolver resolver = new PathResolver(pathBlocks, codecs, HamtLinkLookup.INSTANCE);
        List<Cid> roots = new ArrayList<>();
        roots.add(root);
        ResolvedPath end = null;
        try {
            for (int i = 1; i <= segments.size(); i++) {
                end = resolver.resolve(new IpfsPath(IpfsPath.Namespace.IPFS, root, segments.subList(0, i)));
                roots.add(end.cid());
            }
        } catch (PathResolutionException e) {
            if (x.origin.isolated() && !x.redirected && e.reason() == PathResolutionException.Reason.NO_SUCH_LINK
                    && format.type() == ResponseFormat.Type.DEFAULT) {
                x.redirected = true;
                if (applyRedirects(x, format, resolver, pathBlocks, root, segments, requested, immutable)) {
                    return;
                }
            }
            throw e;
        }
        Cid terminal = end == null ? root : end.cid();
        pathBlocks.resolved();
        x.set("X-Ipfs-Path", x.contentPath);
        x.set("X-Ipfs-Roots", String.join(",", roots.stream().map(Cid::toString).toList()));
        x.set("Vary", "Accept");
        x.immutable = immutable;
        ResolvedContent content = new ResolvedContent(x, pathBlocks, codecs, root, terminal, segments, requested, end,
                local ? Optional.empty() : Optional.of(service));
        switch (format.type()) {
            case RAW -> serveRaw(x, content);
            case CAR -> serveCar(x, content, CarRequest.parse(x.query, format.params()));
            case TAR -> new TarResponder(content).serve();
            case DAG_JSON, DAG_CBOR, JSON, CBOR -> new DagResponder(content).serve(format.type());
            case DEFAULT -> {
                if (terminal.codec() == Multicodec.DAG_PB || terminal.codec() == Multicodec.RAW) {
                    new UnixfsResponder(content).serve();
                } else {
                    new DagResponder(content).serveAsStored(ResponseFormat.wantsHtml(x.header("Accept")));
                }
            }
            case IPNS_RECORD -> throw new IllegalStateException("handled above");
        }
    }

    /**
     * A path that does not exist at an isolated origin: the root's {@code _redirects} rules, if it
     * has the file. True when a rule answered.
     */
    private boolean applyRedirects(Exchange x, ResponseFormat format, PathResolver resolver, BlockSource blocks, Cid root,
                                   List<String> segments, String requested, boolean immutable) throws IOException {
        Cid file;
        try {
            file = resolver.resolve(new IpfsPath(IpfsPath.Namespace.IPFS, root, List.of(RedirectsFile.NAME))).cid();
        } catch (PathResolutionException e) {
            return false;
        }
        Exporter exporter = new Exporter(blocks);
        UnixfsEntry entry = exporter.stat(file);
        if (entry.size() > RedirectsFile.MAX_BYTES) {
            throw new GatewayException(500, "could not parse _redirects: redirects file size cannot exceed "
                    + RedirectsFile.MAX_BYTES + " bytes");
        }
        RedirectsFile rules;
        try (InputStream in = exporter.read(file, 0, entry.size())) {
            rules = RedirectsFile.parse(in.readNBytes(RedirectsFile.MAX_BYTES + 1));
        } catch (IllegalArgumentException e) {
            throw new GatewayException(500, "could not parse _redirects: " + e.getMessage());
        }
        Optional<RedirectsFile.Match> match = rules.match("/" + String.join("/", segments));
        if (match.isEmpty()) {
            return false;
        }
        int status = match.get().status();
        String to = match.get().to();
        if (status >= 300 && status < 400) {
            redirect(x, status, to);
            return true;
        }
        if (!to.startsWith("/")) {
            throw new GatewayException(500, "could not parse _redirects: a " + status + " rule needs a path, not " + to);
        }
        if (status != 200) {
            x.response.setStatus(status);
        }
        serveContent(x, format, root, UrlPaths.segments(to), requested, immutable);
        return true;
    }

    private static void serveRaw(Exchange x, ResolvedContent content) throws IOException {
        Block block = content.block(content.terminal());
        x.cacheHeaders("\"" + content.terminal() + ".raw\"");
        if (x.notModified()) {
            return;
        }
        x.set("Content-Type", ResponseFormat.Type.RAW.mediaType());
        x.set("Content-Disposition", x.disposition("attachment", content.terminal() + ".bin"));
        x.set("X-Content-Type-Options", "nosniff");
        x.sendRanged(block.data());
    }

    private void serveCar(Exchange x, ResolvedContent content, CarRequest car) throws IOException {
        Cid terminal = content.terminal();
        String etag = "W/\"" + terminal + ".car." + Integer.toHexString((car.scope() + ":" + car.from() + ":"
                + car.to() + ":" + car.ranged() + ":" + car.dups() + ":" + content.segments()).hashCode()) + "\"";
        x.cacheHeaders(etag);
        if (x.notModified()) {
            return;
        }
        if (car.scope() != CarRequest.Scope.BLOCK || terminal.multihash().code() != Multicodec.IDENTITY) {
            content.block(terminal); // a missing end is a 404 before the 200 is committed
        }
        x.set("Content-Type", car.contentType());
        x.set("Content-Disposition", x.disposition("attachment", terminal + ".car"));
        x.set("X-Content-Type-Options", "nosniff");
        x.set("Accept-Ranges", "none");
        x.response.setStatus(200);
        if (x.head()) {
            x.sendBytes(new byte[0], true);
            return;
        }
        List<Block> path = new ArrayList<>();
        for (Block b : content.pathBlocks().blocks()) {
            if (!b.cid().multihash().equals(terminal.multihash())) {
                path.add(b);
            }
        }
        try (OutputStream out = Content.Sink.asOutputStream(x.response)) {
            CarWriter writer = CarWriter.create(out, List.of(content.root()));
            new CarStream(content.source(), codecs, writer, car, MAX_CAR_BLOCKS).write(path, terminal);
            writer.flush();
        }
    }

    /** The request's parameters, the first value of each. */
    static Map<String, String> queryOf(Request request) {
        Map<String, String> query = new HashMap<>();
        Fields fields;
        try {
            fields = Request.extractQueryParameters(request);
        } catch (RuntimeException e) {
            throw GatewayException.badRequest("malformed query string: " + e.getMessage());
        }
        for (Fields.Field f : fields) {
            query.putIfAbsent(f.getName(), f.getValue());
        }
        return query;
    }
}
