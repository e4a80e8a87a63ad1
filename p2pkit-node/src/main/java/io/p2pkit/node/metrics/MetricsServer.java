package io.p2pkit.node.metrics;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.p2pkit.core.metrics.MetricRegistry;
import io.p2pkit.core.metrics.PrometheusText;

import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Serves a {@link MetricRegistry} in the Prometheus text format over HTTP, at
 * {@code /debug/metrics/prometheus} (Kubo's path) and {@code /metrics}.
 */
public final class MetricsServer implements Closeable {
    /** The paths served. */
    public static final java.util.List<String> PATHS = java.util.List.of("/debug/metrics/prometheus", "/metrics");

    private final HttpServer server;
    private final ExecutorService executor;

    private MetricsServer(HttpServer server, ExecutorService executor) {
        this.server = server;
        this.executor = executor;
    }

    /** Starts serving {@code registry} on {@code address} (port 0 picks a free one). */
    public static MetricsServer start(InetSocketAddress address, MetricRegistry registry) throws IOException {
        HttpServer server = HttpServer.create(address, 16);
        ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
        server.setExecutor(executor);
        for (String path : PATHS) {
            server.createContext(path, exchange -> handle(exchange, path, registry));
        }
        server.start();
        return new MetricsServer(server, executor);
    }

    private static void handle(HttpExchange exchange, String path, MetricRegistry registry) throws IOException {
        try (exchange) {
            // A context matches by prefix: serve only the exact path.
            if (!exchange.getRequestURI().getPath().equals(path)) {
                exchange.sendResponseHeaders(404, -1);
                return;
            }
            if (!exchange.getRequestMethod().equals("GET") && !exchange.getRequestMethod().equals("HEAD")) {
                exchange.getResponseHeaders().set("Allow", "GET, HEAD");
                exchange.sendResponseHeaders(405, -1);
                return;
            }
            byte[] body = PrometheusText.write(registry).getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", PrometheusText.CONTENT_TYPE);
            if (exchange.getRequestMethod().equals("HEAD")) {
                exchange.sendResponseHeaders(200, -1);
                return;
            }
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
    }

    /** The address actually bound. */
    public InetSocketAddress address() {
        return server.getAddress();
    }

    /**
     * Parses {@code HOST:PORT} ({@code [v6]:PORT} for IPv6) without looking names up except for a host name.
     *
     * @throws IllegalArgumentException when it is not of that form
     */
    public static InetSocketAddress parseAddress(String text) {
        int colon = text.lastIndexOf(':');
        if (colon <= 0 || colon == text.length() - 1) {
            throw new IllegalArgumentException("expected HOST:PORT, got '" + text + "'");
        }
        String host = text.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        } else if (host.contains(":")) {
            throw new IllegalArgumentException("write an IPv6 host in brackets: [::1]:9090");
        }
        String port = text.substring(colon + 1);
        if (port.length() > 5 || !port.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw new IllegalArgumentException("bad port in '" + text + "'");
        }
        int p = Integer.parseInt(port);
        if (p > 65535) {
            throw new IllegalArgumentException("bad port in '" + text + "'");
        }
        return new InetSocketAddress(host, p);
    }

    /** Stops serving. */
    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
