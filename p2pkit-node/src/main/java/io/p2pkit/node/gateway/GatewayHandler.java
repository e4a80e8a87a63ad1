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
import io.p2pkit.ipfs.unixfs.hamt.HamtLinkLookup;
import io.p2pkit.node.Node;
import io.p2pkit.node.cli.options.RepoOption;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Fields;

import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The HTTP gateway at {@code /ipfs/…} and {@code /ipns/…}: the trustless gateway's verifiable
 * responses (raw blocks, CARs, IPNS records) and the path gateway's deserialised ones (UnixFS
 * files and directories, DAG-JSON and DAG-CBOR documents), over the node's blockstore (blocks not
 * held locally are fetched over Bitswap) and its DHT for IPNS names. Errors are plain text with a
 * status from the gateway specs.
 */
public final class GatewayHandler extends Handler.Abstract {
    /** The most blocks one CAR response holds. */
    static final long MAX_CAR_BLOCKS = 1_000_000;

    private final Node node;
    private final Codecs codecs = RepoOption.codecs(true);
    private final IpnsResolver ipns;

    /** @param node the node whose content and DHT are served */
    public GatewayHandler(Node node) {
        this.node = node;
        this.ipns = new IpnsResolver(node);
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        try {
            serve(new Exchange(request, response));
            callback.succeeded();
        } catch (GatewayException e) {
            fail(request, response, callback, e.status(), e.getMessage(), e);
        } catch (PathResolutionException e) {
            int status = resolutionStatus(e);
            fail(request, response, callback, status == 504 && onlyIfCached(request) ? 412 : status, e.getMessage(), e);
        } catch (BlockNotFoundException | io.p2pkit.node.cli.content.BlockNotFoundException e) {
            // Neither here nor fetched over Bitswap before its timeout: the spec's 504; with
            // only-if-cached the network was not asked, and the spec says 412.
            fail(request, response, callback, onlyIfCached(request) ? 412 : 504, e.getMessage(), e);
        } catch (DecodeException e) {
            // A block that is not what its codec or UnixFS says (UnixfsException and UnsupportedCodecException are ones too).
            fail(request, response, callback, 502, e.getMessage(), e);
        } catch (IOException | RuntimeException e) {
            fail(request, response, callback, 500, e.getClass().getSimpleName() + ": " + e.getMessage(), e);
        }
        return true;
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

    private static void fail(Request request, Response response, Callback callback, int status, String message,
                             Throwable cause) {
        if (response.isCommitted()) {
            callback.failed(cause); // the status is sent: Jetty aborts the body so the client sees it cut
        } else {
            response.reset();
            cors(response);
            if (status == 405) {
                response.getHeaders().put(HttpHeader.ALLOW, "GET, HEAD, OPTIONS");
            }
            Response.writeError(request, response, callback, status, message);
        }
    }

    /**
     * The CORS headers of every response: content is public, so any page may read it (the path
     * gateway spec's "Access-Control-Allow-Origin: *").
     */
    private static void cors(Response response) {
        response.getHeaders().put("Access-Control-Allow-Origin", "*");
        response.getHeaders().put("Access-Control-Allow-Methods", "GET, HEAD, OPTIONS");
        response.getHeaders().put("Access-Control-Allow-Headers", "Content-Type, Range, User-Agent, X-Requested-With");
        response.getHeaders().put("Access-Control-Expose-Headers", "Content-Range, Content-Length, X-Ipfs-Path, "
                + "X-Ipfs-Roots, X-Chunked-Output, X-Stream-Output");
    }

    private void serve(Exchange x) throws IOException {
        cors(x.response);
        String method = x.request.getMethod();
        if (method.equals("OPTIONS")) {
            x.response.getHeaders().put(HttpHeader.ALLOW, "GET, HEAD, OPTIONS");
            x.sendBytes(new byte[0], true);
            return;
        }
        if (!method.equals("GET") && !method.equals("HEAD")) {
            throw new GatewayException(405, method + " is not supported by the gateway: use GET or HEAD");
        }
        List<String> segments = UrlPaths.segments(x.request.getHttpURI().getPath());
        if (segments.size() < 2) {
            throw GatewayException.badRequest("the path must be /ipfs/<cid>[/…] or /ipns/<name>[/…]");
        }
        ResponseFormat format = ResponseFormat.negotiate(x.query.get("format"), x.header("Accept"));
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
            x.set("X-Ipfs-Path", x.request.getHttpURI().getPath());
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
        Repository repo = node.content().orElseThrow(() -> new GatewayException(503,
                "this node has no repository: start it with content to serve /ipfs/")).repository();
        boolean onlyIfCached = onlyIfCached(x.request);
        BlockSource source = onlyIfCached ? repo.blocks().local() : repo.blocks();
        if (onlyIfCached && root.multihash().code() != Multicodec.IDENTITY && !repo.blocks().local().has(root.multihash())) {
            throw new GatewayException(412, root + " is not in the local blockstore and only-if-cached was asked");
        }
        PathBlocks pathBlocks = new PathBlocks(source);
        PathResolver resolver = new PathResolver(pathBlocks, codecs, HamtLinkLookup.INSTANCE);
        List<Cid> roots = new ArrayList<>();
        roots.add(root);
        ResolvedPath end = null;
        for (int i = 1; i <= segments.size(); i++) {
            end = resolver.resolve(new IpfsPath(IpfsPath.Namespace.IPFS, root, segments.subList(0, i)));
            roots.add(end.cid());
        }
        Cid terminal = end == null ? root : end.cid();
        pathBlocks.resolved();
        x.set("X-Ipfs-Path", x.request.getHttpURI().getPath());
        x.set("X-Ipfs-Roots", String.join(",", roots.stream().map(Cid::toString).toList()));
        x.set("Vary", "Accept");
        x.immutable = immutable;
        ResolvedContent content = new ResolvedContent(x, pathBlocks, codecs, root, terminal, segments, requested, end);
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
