package io.p2pkit.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A DNS-over-HTTPS endpoint (RFC 8484, over plain HTTP on loopback) in front of a real DNS server
 * (a {@link Dnsmasq}): each POSTed DNS message is sent on over UDP and the server's reply returned
 * as {@code application/dns-message}. A request that is not RFC 8484's (not a POST of that type,
 * or an id other than 0) gets 400. {@link #misbehave} makes it answer wrongly on purpose.
 */
public final class DohRelay implements AutoCloseable {
    /** RFC 8484's media type. */
    public static final String MEDIA_TYPE = "application/dns-message";

    /** How the relay answers. */
    public enum Mode {
        /** Each query relayed to the server. */
        RELAY,
        /** HTTP 500. */
        ERROR,
        /** An HTML page with status 200. */
        HTML,
        /** A DNS message cut short. */
        GARBAGE
    }

    private final HttpServer server;
    private final AtomicInteger queries = new AtomicInteger();
    private volatile Mode mode = Mode.RELAY;

    /** Starts a relay on a free loopback port, sending queries to {@code dns}. */
    public DohRelay(InetSocketAddress dns) throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/dns-query", exchange -> {
            try (exchange) {
                byte[] query;
                try (InputStream in = exchange.getRequestBody()) {
                    query = in.readNBytes(4096);
                }
                boolean wellFormed = exchange.getRequestMethod().equals("POST")
                        && MEDIA_TYPE.equals(exchange.getRequestHeaders().getFirst("Content-Type"))
                        && MEDIA_TYPE.equals(exchange.getRequestHeaders().getFirst("Accept"))
                        && query.length > 12 && query[0] == 0 && query[1] == 0; // RFC 8484 §4.1: id 0
                if (!wellFormed) {
                    exchange.sendResponseHeaders(400, -1);
                    return;
                }
                queries.incrementAndGet();
                switch (mode) {
                    case ERROR -> exchange.sendResponseHeaders(500, -1);
                    case HTML -> send(exchange, "text/html", "<html>no</html>".getBytes(StandardCharsets.UTF_8));
                    case GARBAGE -> send(exchange, MEDIA_TYPE, new byte[]{0, 0, (byte) 0x81, 0, 0, 9});
                    case RELAY -> send(exchange, MEDIA_TYPE, relay(dns, query));
                }
            }
        });
        server.start();
    }

    private static byte[] relay(InetSocketAddress dns, byte[] query) throws IOException {
        try (DatagramSocket socket = new DatagramSocket()) {
            socket.setSoTimeout(5000);
            socket.connect(dns);
            socket.send(new DatagramPacket(query, query.length));
            byte[] buf = new byte[4096];
            DatagramPacket reply = new DatagramPacket(buf, buf.length);
            socket.receive(reply);
            return Arrays.copyOf(buf, reply.getLength());
        }
    }

    private static void send(HttpExchange exchange, String type, byte[] body) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", type);
        exchange.sendResponseHeaders(200, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    /** Makes the relay answer the next queries as {@code mode} says. */
    public void misbehave(Mode mode) {
        this.mode = mode;
    }

    /** The queries received in RFC 8484's form so far. */
    public int queries() {
        return queries.get();
    }

    /** The endpoint's URL, {@code http://127.0.0.1:PORT/dns-query}. */
    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/dns-query";
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
