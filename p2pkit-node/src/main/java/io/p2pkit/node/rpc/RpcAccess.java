package io.p2pkit.node.rpc;

import io.p2pkit.node.NodeConfig;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Who may use the RPC API, checked before any command runs, as Kubo checks it: a request from a
 * browser page whose {@code Origin} (or {@code Referer}) is not allowed is refused, so that a web
 * page cannot drive the node of whoever visits it; and, when authorizations are configured, a
 * request without one of their secrets, or for a path its secret does not allow, is refused.
 * Refusals are Kubo's {@code 403 - Forbidden}. Allowed origins get the CORS headers.
 */
final class RpcAccess extends Handler.Wrapper {
    private final NodeConfig.ApiAccess access;

    RpcAccess(NodeConfig.ApiAccess access, Handler rpc) {
        super(rpc);
        this.access = access;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        String origin = request.getHeaders().get(HttpHeader.ORIGIN);
        String referer = request.getHeaders().get(HttpHeader.REFERER);
        List<String> own = ownOrigins(request);
        if (origin != null && !allowed(origin, own)
                || referer != null && !allowed(originOf(referer).orElse("null"), own)) {
            return forbidden(response, callback);
        }
        if (!access.authorizations().isEmpty() && !authorized(request)) {
            return forbidden(response, callback);
        }
        if (origin != null) {
            response.getHeaders().put(HttpHeader.ACCESS_CONTROL_ALLOW_ORIGIN, origin);
            response.getHeaders().put(HttpHeader.VARY, "Origin");
            response.getHeaders().put(HttpHeader.ACCESS_CONTROL_ALLOW_METHODS, "POST");
            String asked = request.getHeaders().get(HttpHeader.ACCESS_CONTROL_REQUEST_HEADERS);
            if (asked != null) {
                response.getHeaders().put(HttpHeader.ACCESS_CONTROL_ALLOW_HEADERS, asked);
            }
            response.getHeaders().put(HttpHeader.ACCESS_CONTROL_EXPOSE_HEADERS,
                    "Location, WWW-Authenticate, X-Stream-Output, X-Chunked-Output, X-Content-Length");
        }
        return super.handle(request, response, callback);
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
        return own.contains(o) || access.allowedOrigins().stream()
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
            if (matches(a.secret(), header) && a.allowedPaths().stream().anyMatch(p -> under(path, p))) {
                return true;
            }
        }
        return false;
    }

    /** Whether {@code path} is {@code prefix} or below it ({@code /api/v0/cat} is under {@code /api/v0}). */
    private static boolean under(String path, String prefix) {
        String p = prefix.endsWith("/") ? prefix.substring(0, prefix.length() - 1) : prefix;
        return path.equals(p) || path.startsWith(p + "/");
    }

    /** Compares in constant time: the header against the secret it would be. */
    private static boolean matches(String secret, String header) {
        String expected;
        if (secret.startsWith("bearer:")) {
            expected = "Bearer " + secret.substring("bearer:".length());
        } else {
            expected = "Basic " + Base64.getEncoder().encodeToString(secret.substring("basic:".length())
                    .getBytes(StandardCharsets.UTF_8));
        }
        return MessageDigest.isEqual(expected.getBytes(StandardCharsets.UTF_8), header.getBytes(StandardCharsets.UTF_8));
    }

    private static boolean forbidden(Response response, Callback callback) {
        response.setStatus(HttpStatus.FORBIDDEN_403);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/plain; charset=utf-8");
        response.write(true, StandardCharsets.UTF_8.encode("403 - Forbidden\n"), callback);
        return true;
    }
}
