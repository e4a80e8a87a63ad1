package io.p2pkit.node.console;

import io.p2pkit.core.metrics.MetricRegistry;
import io.p2pkit.node.Node;
import io.p2pkit.node.json.Json;
import io.p2pkit.node.metrics.BandwidthMeter;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * The web console at {@code /webui/}: a page with no framework and no build step (its files are
 * in the jar), and the snapshot it polls, {@code /webui/api/state}. Read-only: it changes nothing
 * on the node, so it needs none of the RPC API's protections beyond the server's own.
 */
public final class ConsoleHandler extends Handler.Abstract {
    /** The path prefix served. */
    public static final String PREFIX = "/webui";
    private static final Map<String, String> FILES = Map.of(
            "index.html", "text/html; charset=utf-8",
            "console.js", "text/javascript; charset=utf-8",
            "console.css", "text/css; charset=utf-8");

    private final Node node;
    private final MetricRegistry registry;
    /** Sampling traffic and pinging peers start when the console is first opened, not with every node. */
    private final java.util.concurrent.atomic.AtomicReference<Sampling> sampling = new java.util.concurrent.atomic.AtomicReference<>();

    /** What the console keeps measuring once opened. */
    private record Sampling(BandwidthMeter bandwidth, LatencyProbe latency) {
        void close() {
            bandwidth.close();
            latency.close();
        }
    }

    /** The console of {@code node}, whose traffic is read from {@code registry}. */
    public ConsoleHandler(Node node, MetricRegistry registry) {
        this.node = node;
        this.registry = registry;
    }

    private Sampling sampling() {
        Sampling s = sampling.get();
        if (s != null) {
            return s;
        }
        Sampling started = new Sampling(BandwidthMeter.start(registry, node.host().scheduler()),
                new LatencyProbe(node.host(), node.host().scheduler()));
        if (sampling.compareAndSet(null, started)) {
            return started;
        }
        started.close(); // another request started it first
        return sampling.get();
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws IOException {
        String path = request.getHttpURI().getPath();
        boolean head = HttpMethod.HEAD.is(request.getMethod());
        if (!head && !HttpMethod.GET.is(request.getMethod())) {
            response.getHeaders().put(HttpHeader.ALLOW, "GET, HEAD");
            Response.writeError(request, response, callback, HttpStatus.METHOD_NOT_ALLOWED_405);
            return true;
        }
        if (path.equals(PREFIX)) {
            Response.sendRedirect(request, response, callback, PREFIX + "/");
            return true;
        }
        String name = path.equals(PREFIX + "/") ? "index.html" : path.substring(PREFIX.length() + 1);
        byte[] body;
        String type;
        if (name.equals("api/state")) {
            Sampling s = sampling();
            body = Json.write(NodeState.of(node, s.bandwidth(), s.latency())).getBytes(StandardCharsets.UTF_8);
            type = "application/json";
            response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
        } else if (FILES.containsKey(name)) {
            try (InputStream in = ConsoleHandler.class.getResourceAsStream(name)) {
                if (in == null) {
                    throw new IOException("the console's " + name + " is missing from the jar");
                }
                body = in.readAllBytes();
            }
            type = FILES.get(name);
        } else {
            Response.writeError(request, response, callback, HttpStatus.NOT_FOUND_404);
            return true;
        }
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, type);
        response.getHeaders().put("X-Content-Type-Options", "nosniff");
        response.getHeaders().put("Content-Security-Policy", "default-src 'self'; style-src 'self'; img-src 'self' data:");
        response.getHeaders().put(HttpHeader.CONTENT_LENGTH, body.length);
        response.write(true, head ? null : ByteBuffer.wrap(body), callback);
        return true;
    }

    /** Stops sampling traffic and pinging peers when the server stops. */
    @Override
    protected void doStop() throws Exception {
        Sampling s = sampling.getAndSet(null);
        if (s != null) {
            s.close();
        }
        super.doStop();
    }
}
