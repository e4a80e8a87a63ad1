package io.p2pkit.testing;

import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.Supplier;

/**
 * A Delegated Routing V1 server on loopback that names one peer, at the addresses a supplier gives
 * when asked, as the provider of every CID ({@code GET /routing/v1/providers/{cid}}, JSON).
 */
public final class ProviderRouter implements AutoCloseable {
    private final HttpServer server;

    /** Serves {@code peer} at whatever {@code addresses} gives at each request. */
    public ProviderRouter(String peer, Supplier<List<String>> addresses) throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/routing/v1/providers/", x -> {
            try (x) {
                StringBuilder addrs = new StringBuilder();
                for (String a : addresses.get()) {
                    addrs.append(addrs.isEmpty() ? "" : ",").append('"').append(a).append('"');
                }
                byte[] body = ("{\"Providers\":[{\"Schema\":\"peer\",\"ID\":\"" + peer + "\",\"Addrs\":[" + addrs
                        + "],\"Protocols\":[\"transport-ipfs-gateway-http\"]}]}").getBytes(StandardCharsets.UTF_8);
                x.getResponseHeaders().set("Content-Type", "application/json");
                x.sendResponseHeaders(200, body.length);
                try (OutputStream out = x.getResponseBody()) {
                    out.write(body);
                }
            }
        });
        server.start();
    }

    /** The server's base URL, as {@code Routing.DelegatedRouters} takes it. */
    public URI url() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
