package io.p2pkit.node.rpc;

import io.p2pkit.node.NodeConfig;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Who may use the RPC API, checked before any command runs, as Kubo checks it: a request from a
 * browser page whose {@code Origin} (or {@code Referer}) is not allowed is refused, so that a web
 * page cannot drive the node of whoever visits it; and, when authorizations are configured, a
 * request without one of their secrets, or for a path its secret does not allow, is refused.
 * Refusals are {@code 403}, with Kubo's words. Allowed origins get the CORS headers, as Kubo's CORS
 * library gives them: only for the methods {@code Access-Control-Allow-Methods} allows; the
 * operator's other {@code API.HTTPHeaders} go on every answer.
 */
final class RpcAccess extends Handler.Wrapper {
    /** The IPFS Companion browser extension (release and beta), which Kubo always lets in. */
    private static final List<String> COMPANION = List.of("chrome-extension://nibjojkomfdiaoajekhjakgkdhaomnch",
            "chrome-extension://hjoieblefckbooibpepigmacodalfndh");
    private static final String EXPOSED = "Location, WWW-Authenticate, X-Stream-Output, X-Chunked-Output, X-Content-Length";

    private final NodeConfig.ApiAccess access;
    private final List<String> methods;
    private final boolean credentials;
    private final Map<String, List<String>> headers;

    RpcAccess(NodeConfig.ApiAccess access, Handler rpc) {
        super(rpc);
        this.access = access;
        this.methods = access.allowedMethods();
        this.credentials = access.allowCredentials();
        this.headers = access.responseHeaders();
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        String origin = request.getHeaders().get(HttpHeader.ORIGIN);
        String referer = request.getHeaders().get(HttpHeader.REFERER);
        List<String> own = ownOrigins(request);
        if (origin != null && !allowed(origin, own)
                || referer != null && !allowed(originOf(referer).orElse("null"), own)) {
            return forbidden(response, callback, "403 - Forbidden\n");
        }
        if (!access.authorizations().isEmpty() && !authorized(request)) {
            return forbidden(response, callback, "p2pkit RPC Access Denied: Please provide a valid authorization "
                    + "token as defined in the API.Authorizations configuration.\n");
        }
        // first, so that what the command itself sets (its Content-Type) wins, as in Kubo
        headers.forEach((name, values) -> response.getHeaders().put(name, values));
        if (origin != null) {
            cors(request, response, origin);
        }
        return super.handle(request, response, callback);
    }

    /**
     * The CORS headers for an allowed origin: a preflight ({@code OPTIONS} with
     * {@code Access-Control-Request-Method}) learns whether the method it asks for may be used; any
     * other request whether the page may read the answer. A method not allowed gets none.
     */
    private void cors(Request request, Response response, String origin) {
        String asked = request.getHeaders().get(HttpHeader.ACCESS_CONTROL_REQUEST_METHOD);
        boolean preflight = HttpMethod.OPTIONS.is(request.getMethod()) && asked != null;
        response.getHeaders().add(HttpHeader.VARY, "Origin");
        String method = (preflight ? asked : request.getMethod()).strip().toUpperCase(Locale.ROOT);
        if (!methods.contains(method)) {
            return;
        }
        response.getHeaders().put(HttpHeader.ACCESS_CONTROL_ALLOW_ORIGIN, origin);
        if (credentials) {
            response.getHeaders().put(HttpHeader.ACCESS_CONTROL_ALLOW_CREDENTIALS, "true");
        }
        if (preflight) {
            response.getHeaders().put(HttpHeader.ACCESS_CONTROL_ALLOW_METHODS, method);
            String askedHeaders = request.getHeaders().get(HttpHeader.ACCESS_CONTROL_REQUEST_HEADERS);
            if (askedHeaders != null) {
                response.getHeaders().put(HttpHeader.ACCESS_CONTROL_ALLOW_HEADERS, askedHeaders);
            }
        } else {
            response.getHeaders().put(HttpHeader.ACCESS_CONTROL_EXPOSE_HEADERS, EXPOSED);
        }
    }

    /**
     * The origins a page served by this API itself has, on loopback. Not the request's Host: a page
     * whose name was rebound to 127.0.0.1 (DNS rebinding) sends its own name there.
     */
    private static List<String> ownOrigins(Request request) {
        int port = Request.getServerPort(request);
        List<String> own = new ArrayList<>();
        for (String host : List.of("127.0.0.1", "localhost", "[::1]")) {
            own.add("http://" + host + ":" + port);
            own.add("https://" + host + ":" + port);
        }
        return own;
    }

    private boolean allowed(String origin, List<String> own) {
        String o = origin.toLowerCase(Locale.ROOT);
        return own.contains(o) || COMPANION.contains(o) || access.allowedOrigins().stream()
                .anyMatch(a -> a.equals("*") || a.toLowerCase(Locale.ROOT).equals(o));
    }

    private static Optional<String> originOf(String url) {
        try {
            URI u = new URI(url);
            if (u.getScheme() == null || u.getHost() == null) {
                return Optional.empty();
            }
            return Optional.of(u.getScheme() + "://" + (u.getHost().contains(":") ? "[" + u.getHost() + "]"
                    : u.getHost()) + (u.getPort() >= 0 ? ":" + u.getPort() : ""));
        } catch (java.net.URISyntaxException e) {
            return Optional.empty();
        }
    }

    private boolean authorized(Request request) {
        String header = request.getHeaders().get(HttpHeader.AUTHORIZATION);
        if (header == null) {
            return false;
        }
        String path = request.getHttpURI().getPath();
        for (NodeConfig.ApiAccess.Authorization a : access.authorizations()) {
            // compared in constant time, so that the answer's timing gives no part of a secret away
            if (MessageDigest.isEqual(a.header().getBytes(StandardCharsets.UTF_8), header.getBytes(StandardCharsets.UTF_8))
                    && a.allows(path)) {
                return true;
            }
        }
        return false;
    }

    private static boolean forbidden(Response response, Callback callback, String text) {
        response.setStatus(HttpStatus.FORBIDDEN_403);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/plain; charset=utf-8");
        response.write(true, StandardCharsets.UTF_8.encode(text), callback);
        return true;
    }
}
