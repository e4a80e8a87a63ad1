package io.p2pkit.node.metrics;

import io.p2pkit.core.metrics.MetricRegistry;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class MetricsServerTest {
    @Test
    void servesPrometheusTextOnBothPaths() throws Exception {
        MetricRegistry registry = new MetricRegistry();
        registry.counter("test_total", "A test counter").inc();
        try (MetricsServer server = MetricsServer.start(new InetSocketAddress("127.0.0.1", 0), registry);
             HttpClient http = HttpClient.newHttpClient()) {
            String base = "http://127.0.0.1:" + server.address().getPort();
            for (String path : MetricsServer.PATHS) {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + path)).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertEquals(200, r.statusCode());
                assertEquals("text/plain; version=0.0.4; charset=utf-8", r.headers().firstValue("Content-Type").orElseThrow());
                assertEquals("# HELP test_total A test counter\n# TYPE test_total counter\ntest_total 1\n", r.body());
            }
            assertEquals(404, http.send(HttpRequest.newBuilder(URI.create(base + "/metrics/x")).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode());
            assertEquals(405, http.send(HttpRequest.newBuilder(URI.create(base + "/metrics"))
                    .POST(HttpRequest.BodyPublishers.ofString("x")).build(), HttpResponse.BodyHandlers.discarding())
                    .statusCode());
        }
    }

    @Test
    void parsesHostAndPort() {
        assertEquals(new InetSocketAddress("127.0.0.1", 5001), MetricsServer.parseAddress("127.0.0.1:5001"));
        assertEquals(9090, MetricsServer.parseAddress("[::1]:9090").getPort());
        for (String bad : new String[]{"127.0.0.1", ":1", "::1:9090", "host:99999", "host:x", "host:"}) {
            assertThrows(IllegalArgumentException.class, () -> MetricsServer.parseAddress(bad), bad);
        }
    }
}
