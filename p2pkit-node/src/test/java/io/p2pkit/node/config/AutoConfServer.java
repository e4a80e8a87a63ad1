package io.p2pkit.node.config;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import io.p2pkit.testing.TestCa;

import javax.net.ssl.SSLContext;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A server of one AutoConf document on loopback, over HTTP or HTTPS (a certificate of a test CA),
 * answering {@code If-None-Match} with 304 as a CDN does; what it serves can change between requests.
 */
public final class AutoConfServer implements AutoCloseable {
    /** A document in Kubo's shape, naming only loopback addresses (and a made-up public endpoint never asked). */
    public static String document(long version, String peerA, String peerB, String routerBase) {
        return """
                {
                  "AutoConfVersion": %d,
                  "AutoConfSchema": 1,
                  "AutoConfTTL": 86400,
                  "SystemRegistry": {
                    "AminoDHT": {
                      "URL": "https://github.com/ipfs/specs/pull/497",
                      "Description": "the DHT",
                      "NativeConfig": {"Bootstrap": ["/ip4/127.0.0.1/tcp/4001/p2p/%s", "/ip4/127.0.0.1/udp/4001/quic-v1/p2p/%s"]},
                      "DelegatedConfig": {"Read": ["/routing/v1/providers", "/routing/v1/peers", "/routing/v1/ipns"],
                                          "Write": ["/routing/v1/ipns"]}
                    },
                    "IPNI": {
                      "URL": "https://ipni.example.com",
                      "Description": "an indexer",
                      "DelegatedConfig": {"Read": ["/routing/v1/providers"], "Write": []}
                    }
                  },
                  "DNSResolvers": {"eth.": ["http://127.0.0.1:1/dns-query"]},
                  "DelegatedEndpoints": {
                    "%s": {"Systems": ["IPNI"], "Read": ["/routing/v1/providers"], "Write": []},
                    "http://127.0.0.1:2": {"Systems": ["AminoDHT", "IPNI"],
                      "Read": ["/routing/v1/providers", "/routing/v1/peers", "/routing/v1/ipns"],
                      "Write": ["/routing/v1/ipns"]}
                  }
                }
                """.formatted(version, peerA, peerB, routerBase);
    }

    private final HttpServer server;
    private final AtomicReference<String> body = new AtomicReference<>();
    private final AtomicReference<Integer> status = new AtomicReference<>(200);
    /** The {@code If-None-Match} of each request, "" when it had none. */
    public final List<String> conditions = new CopyOnWriteArrayList<>();

    /** A plain HTTP server of {@code document}. */
    public AutoConfServer(String document) throws IOException {
        this(document, null);
    }

    /** An HTTPS server of {@code document} with a certificate {@code ca} issued for 127.0.0.1 (null: plain HTTP). */
    public AutoConfServer(String document, TestCa ca) throws IOException {
        body.set(document);
        InetSocketAddress at = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
        if (ca == null) {
            server = HttpServer.create(at, 0);
        } else {
            HttpsServer https = HttpsServer.create(at, 0);
            https.setHttpsConfigurator(new HttpsConfigurator(context(ca)));
            server = https;
        }
        server.createContext("/autoconf.json", this::serve);
        server.start();
    }

    private static SSLContext context(TestCa ca) throws IOException {
        try {
            return ca.loopbackServerContext();
        } catch (Exception e) {
            throw new IOException(e);
        }
    }

    private void serve(HttpExchange x) throws IOException {
        try (x) {
            String condition = x.getRequestHeaders().getFirst("If-None-Match");
            conditions.add(condition == null ? "" : condition);
            String text = body.get();
            String etag = "\"" + Integer.toHexString(text.hashCode()) + "\"";
            if (status.get() != 200) {
                x.sendResponseHeaders(status.get(), -1);
                return;
            }
            if (etag.equals(condition)) {
                x.sendResponseHeaders(304, -1);
                return;
            }
            byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
            x.getResponseHeaders().set("Content-Type", "application/json");
            x.getResponseHeaders().set("ETag", etag);
            x.sendResponseHeaders(200, bytes.length);
            try (OutputStream out = x.getResponseBody()) {
                out.write(bytes);
            }
        }
    }

    /** Serves {@code document} from now on. */
    public void serve(String document) {
        body.set(document);
    }

    /** Answers every request with {@code code} (200: the document again). */
    public void answer(int code) {
        status.set(code);
    }

    /** The document's URL. */
    public URI url() {
        String scheme = server instanceof HttpsServer ? "https" : "http";
        return URI.create(scheme + "://127.0.0.1:" + server.getAddress().getPort() + "/autoconf.json");
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
