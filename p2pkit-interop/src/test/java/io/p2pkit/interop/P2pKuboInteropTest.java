package io.p2pkit.interop;

import io.p2pkit.core.multiaddr.Multiaddr;
import io.p2pkit.node.Node;
import io.p2pkit.node.NodeConfig;
import io.p2pkit.node.http.HttpAddress;
import io.p2pkit.testing.Await;
import io.p2pkit.testing.LoopbackPorts;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Libp2p stream mounting between p2pkit and a Kubo 0.39 daemon, both with
 * {@code Experimental.Libp2pStreamMounting}: a p2pkit listener reached through Kubo's forwarder
 * and a Kubo listener reached through p2pkit's, each carrying 1 MiB and more both ways to a TCP
 * echo server of the test, byte for byte, and a stream closed by its handler ID on either side
 * ending the TCP client's connection on the other; then Kubo's own {@code ipfs} against both
 * daemons for {@code p2p ls [-v]}, {@code p2p stream ls}, {@code p2p close} and every error, the
 * outputs identical once each side's peer IDs and ports are named alike, and the raw JSON answers
 * too; and a daemon without stream mounting answers Kubo's refusal.
 */
@InteropArea("RPC API: p2p stream mounting against Kubo 0.39")
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class P2pKuboInteropTest {
    /** A little more than 1 MiB, so that no buffer size divides it. */
    private static final int TRANSFER = (1 << 20) + 4099;

    @TempDir
    static Path dir;
    private static KuboBeside pair;
    private static KuboDaemon kubo;
    private static KuboCli client;
    private static Node node;
    private static HttpClient http;
    private static EchoServer echo;

    @BeforeAll
    static void start() throws IOException {
        pair = KuboBeside.start(dir, List.of(List.of("config", "Routing.Type", "none"),
                List.of("config", "--bool", "Experimental.Libp2pStreamMounting", "true")), b -> b.streamMounting(true));
        kubo = pair.kubo();
        client = pair.client();
        node = pair.node();
        http = pair.http();
        node.host().connect(Multiaddr.parse(kubo.address()));
        echo = new EchoServer();
    }

    @AfterAll
    static void stop() throws IOException {
        if (echo != null) {
            echo.close();
        }
        if (pair != null) {
            pair.close();
        }
    }

    @AfterEach
    void closeEverything() {
        for (Side s : sides()) {
            s.outcome("p2p", "close", "--all");
            s.outcome("p2p", "stream", "close", "--all");
        }
    }

    /** One daemon as Kubo's CLI reaches it, with its own peer ID and the other's. */
    private record Side(String name, KuboCli cli, List<String> apiArgs, String self, String other, String url) {
        String outcome(String... args) {
            List<String> all = new ArrayList<>(apiArgs);
            all.addAll(List.of(args));
            return cli.outcome(all);
        }

        String run(String... args) throws IOException {
            List<String> all = new ArrayList<>(apiArgs);
            all.addAll(List.of(args));
            return cli.run(all);
        }

        /** {@code text} with this side's ID as {@code <self>}, the other's as {@code <other>}, ports as {@code <port>}. */
        String named(String text) {
            return text.replace(self, "<self>").replace(other, "<other>").replaceAll("/tcp/\\d+", "/tcp/<port>");
        }

        HttpResponse<String> post(String command) throws Exception {
            return http.send(RpcPost.of(url, command, null).build(), HttpResponse.BodyHandlers.ofString());
        }
    }

    private static Side kuboSide() throws IOException {
        return new Side("kubo", kubo.cli(), List.of(), kubo.peerId(), node.peerId().toString(), kubo.apiUrl());
    }

    private static Side p2pkitSide() {
        return new Side("p2pkit", client, List.of("--api", pair.api()), node.peerId().toString(), kubo.peerId(),
                HttpAddress.url(node.apiAddress().orElseThrow()));
    }

    private static List<Side> sides() {
        try {
            return List.of(kuboSide(), p2pkitSide());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** Runs the command on both; asserts the outputs are the same once named alike; returns Kubo's, named. */
    private static String same(String... args) {
        List<Side> s = sides();
        String fromKubo = s.get(0).named(s.get(0).outcome(args));
        assertEquals(fromKubo, s.get(1).named(s.get(1).outcome(args)), "ipfs " + String.join(" ", args));
        return fromKubo.strip();
    }

    /** Runs the command on both; asserts the same lines come out, in any order (Kubo lists from Go maps); returns them sorted. */
    private static List<String> sameLines(String... args) {
        List<Side> s = sides();
        List<String> fromKubo = sortedLines(s.get(0).named(s.get(0).outcome(args)));
        assertEquals(fromKubo, sortedLines(s.get(1).named(s.get(1).outcome(args))), "ipfs " + String.join(" ", args));
        return fromKubo;
    }

    /** The same command with each side's {@code <other>} filled in for its peer. */
    private static String sameWithOther(String... args) {
        List<Side> s = sides();
        String fromKubo = s.get(0).named(s.get(0).outcome(fill(args, s.get(0).other())));
        assertEquals(fromKubo, s.get(1).named(s.get(1).outcome(fill(args, s.get(1).other()))), "ipfs " + String.join(" ", args));
        return fromKubo.strip();
    }

    private static String[] fill(String[] args, String other) {
        return Arrays.stream(args).map(a -> a.replace("<other>", other)).toArray(String[]::new);
    }

    /** The raw answers of both to a POST, which must agree in status and body once named alike; returns the body. */
    private static String sameHttp(String command) throws Exception {
        List<Side> s = sides();
        HttpResponse<String> k = s.get(0).post(command);
        HttpResponse<String> p = s.get(1).post(command);
        assertEquals(k.statusCode(), p.statusCode(), command + ": " + k.body() + " / " + p.body());
        assertEquals(s.get(0).named(k.body()), s.get(1).named(p.body()), command);
        assertEquals(k.headers().firstValue("X-Chunked-Output"), p.headers().firstValue("X-Chunked-Output"), command);
        return s.get(0).named(k.body());
    }

    private static String loopback(int port) {
        return "/ip4/127.0.0.1/tcp/" + port;
    }

    /** p2pkit's loopback TCP address with its ID. */
    private static String p2pkitAddress() {
        return node.addresses().stream().map(Multiaddr::toString)
                .filter(a -> a.startsWith("/ip4/127.0.0.1/tcp/")).findFirst().orElseThrow();
    }

    @Test
    void kuboForwardsToAP2pkitListener() throws Exception {
        Side p2pkit = p2pkitSide();
        Side k = kuboSide();
        assertEquals("", p2pkit.run("p2p", "listen", "/x/test", loopback(echo.port())).strip());
        int port = LoopbackPorts.free();
        assertEquals("", k.run("p2p", "forward", "/x/test", loopback(port), p2pkitAddress()).strip());

        try (Socket held = dial(port)) {
            exchange(held, "hello");
            Map<String, Object> onKubo = onlyStream(k);
            Map<String, Object> onP2pkit = onlyStream(p2pkit);
            assertEquals("/x/test", onKubo.get("Protocol"));
            assertEquals("/x/test", onP2pkit.get("Protocol"));
            assertEquals(loopback(held.getLocalPort()), onKubo.get("OriginAddress"), "Kubo's forwarder: the TCP client");
            assertEquals("/p2p/" + node.peerId(), onKubo.get("TargetAddress"));
            assertEquals("/p2p/" + kubo.peerId(), onP2pkit.get("OriginAddress"), "p2pkit's listener: the remote peer");
            assertEquals(loopback(echo.port()), onP2pkit.get("TargetAddress"));
            assertEquals(onKubo.keySet().stream().toList(), onP2pkit.keySet().stream().toList(), "Kubo's fields, in order");
            assertTrue(String.valueOf(onP2pkit.get("HandlerID")).matches("\\d+"), onP2pkit.toString());
            // the same line in the table, by shape
            assertEquals("ID Protocol Origin Target\nN /x/test /p2p/<other> /ip4/127.0.0.1/tcp/<port>\n",
                    p2pkit.named(p2pkit.run("p2p", "stream", "ls", "-v")).replaceAll(" +", " ").replaceAll("(?m)^\\d+ ", "N "));
            assertEquals("ID Protocol Origin Target\nN /x/test /ip4/127.0.0.1/tcp/<port> /p2p/<other>\n",
                    k.named(k.run("p2p", "stream", "ls", "-v")).replaceAll(" +", " ").replaceAll("(?m)^\\d+ ", "N "));

            assertEquals("", p2pkit.run("p2p", "stream", "close", String.valueOf(onP2pkit.get("HandlerID"))).strip());
            assertEnds(held, "p2pkit closed the stream: Kubo closes the client's connection");
        }
        Await.until("both unlisted the stream", () -> k.outcome("p2p", "stream", "ls").isEmpty()
                && p2pkit.outcome("p2p", "stream", "ls").isEmpty());
        roundTrip(port);
    }

    @Test
    void p2pkitForwardsToAKuboListener() throws Exception {
        Side p2pkit = p2pkitSide();
        Side k = kuboSide();
        assertEquals("", k.run("p2p", "listen", "/x/test", loopback(echo.port())).strip());
        int port = LoopbackPorts.free();
        assertEquals("", p2pkit.run("p2p", "forward", "/x/test", loopback(port), kubo.address()).strip());

        try (Socket held = dial(port)) {
            exchange(held, "hello");
            Map<String, Object> onKubo = onlyStream(k);
            Map<String, Object> onP2pkit = onlyStream(p2pkit);
            assertEquals(loopback(held.getLocalPort()), onP2pkit.get("OriginAddress"), "p2pkit's forwarder: the TCP client");
            assertEquals("/p2p/" + kubo.peerId(), onP2pkit.get("TargetAddress"));
            assertEquals("/p2p/" + node.peerId(), onKubo.get("OriginAddress"));
            assertEquals(loopback(echo.port()), onKubo.get("TargetAddress"));
            assertEquals(onKubo.keySet().stream().toList(), onP2pkit.keySet().stream().toList());

            assertEquals("", k.run("p2p", "stream", "close", String.valueOf(onKubo.get("HandlerID"))).strip());
            assertEnds(held, "Kubo closed the stream: p2pkit closes the client's connection");
        }
        Await.until("both unlisted the stream", () -> k.outcome("p2p", "stream", "ls").isEmpty()
                && p2pkit.outcome("p2p", "stream", "ls").isEmpty());
        roundTrip(port);
        roundTrip(port);
    }

    @Test
    void lsStreamLsAndCloseAsKubos() throws Exception {
        assertEquals("", same("p2p", "ls"));
        assertEquals("", same("p2p", "ls", "-v"));
        assertEquals("{\"Listeners\":null}\n", sameHttp("p2p/ls"));
        assertEquals("", same("p2p", "stream", "ls"));
        assertEquals("{\"Streams\":null}\n", sameHttp("p2p/stream/ls"));

        int target = echo.port();
        assertEquals("", same("p2p", "listen", "/x/a", loopback(target)));
        assertEquals("", same("p2p", "listen", "--allow-custom-protocol", "/custom/b", loopback(target)));
        assertEquals("", same("p2p", "listen", "-r", "/x/c", loopback(target)));
        assertEquals("", sameWithOther("p2p", "forward", "/x/f", "/ip4/127.0.0.1/tcp/0", "/p2p/<other>"));
        // Kubo lists each kind from a Go map: compare the lines as sets
        // (the cells are padded before the IDs are named: compare the words)
        assertEquals(sameLines("p2p", "ls").stream().map(l -> l.replaceAll(" +", " ")).toList(), List.of(
                "/x/a /p2p/<self> /ip4/127.0.0.1/tcp/<port>",
                "/x/c /p2p/<self> /ip4/127.0.0.1/tcp/<port>",
                "/custom/b /p2p/<self> /ip4/127.0.0.1/tcp/<port>",
                "/x/f /ip4/127.0.0.1/tcp/<port> /p2p/<other>").stream().sorted().toList());
        List<String> verbose = sameLines("p2p", "ls", "-v");
        assertEquals(8, verbose.size(), "a header before every row, as Kubo prints it: " + verbose);
        assertEquals(4, verbose.stream().filter(l -> l.startsWith("Protocol  Listen Address")).count(), verbose.toString());
        assertEquals(listenerSet(sides().get(0)), listenerSet(sides().get(1)), "the same entries, fields in Kubo's order");

        assertEquals("Closed 0 stream(s)", same("p2p", "close", "-p", "/x/none"));
        assertEquals("Closed 1 stream(s)", same("p2p", "close", "-p", "/x/a"));
        assertEquals("Closed 1 stream(s)", sameWithOther("p2p", "close", "-t", "/p2p/<other>"));
        assertEquals("Closed 0 stream(s)", same("p2p", "close", "-l", "/ip4/127.0.0.1/tcp/1"));
        assertEquals("Closed 1 stream(s)", same("p2p", "close", "-p", "/x/c", "-t", loopback(target)));
        assertEquals("/custom/b /p2p/<self> /ip4/127.0.0.1/tcp/<port>", same("p2p", "ls"));
        assertEquals("{\"Listeners\":[{\"Protocol\":\"/custom/b\",\"ListenAddress\":\"/p2p/<self>\","
                + "\"TargetAddress\":\"/ip4/127.0.0.1/tcp/<port>\"}]}\n", sameHttp("p2p/ls"));
        assertEquals("1\n", sameHttp("p2p/close?all=true"));
        assertEquals("", same("p2p", "ls"));
        assertEquals("", sameHttp("p2p/stream/close?all=true"));
        assertEquals("", sameHttp("p2p/listen?arg=/x/raw&arg=" + loopback(target)));
    }

    @Test
    void errorsAsKubos() throws Exception {
        int target = echo.port();
        assertEquals("Error: protocol name must be within '/x/' namespace", same("p2p", "listen", "/y", loopback(target)));
        assertEquals("Error: port can not be 0", same("p2p", "listen", "/x/e", "/ip4/127.0.0.1/tcp/0"));
        assertEquals("Error: address does not contain tcp or udp protocol", same("p2p", "listen", "/x/e", "/ip4/127.0.0.1"));
        assertEquals("Error: failed to parse multiaddr \"not-an-address\": must begin with /",
                same("p2p", "listen", "/x/e", "not-an-address"));
        assertEquals("Error: failed to parse multiaddr \"\": empty multiaddr", same("p2p", "listen", "/x/e", ""));
        for (String bad : List.of("/ip4/127.0.0.1/tcp/99999", "/ipx/1", "/ip4/127.0.0.1/tcp")) {
            // go-multiaddr's and p2pkit's parsers explain a malformed address in their own words
            String prefix = "Error: failed to parse multiaddr \"" + bad + "\": ";
            for (Side side : sides()) {
                assertTrue(side.outcome("p2p", "listen", "/x/e", bad).startsWith(prefix), side.name() + " " + bad);
            }
        }
        assertEquals("", same("p2p", "listen", "/x/e", loopback(target)));
        assertEquals("Error: listener already registered", same("p2p", "listen", "/x/e", loopback(target)));

        assertEquals("Error: protocol name must be within '/x/' namespace",
                sameWithOther("p2p", "forward", "/y", "/ip4/127.0.0.1/tcp/0", "/p2p/<other>"));
        same("p2p", "forward", "/x/e", "nope", "/p2p/" + kubo.peerId());
        same("p2p", "forward", "/x/e", "/ip4/127.0.0.1/tcp/0", "nope");
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            String inUse = same("p2p", "forward", "/x/e", loopback(taken.getLocalPort()), kubo.address());
            assertEquals("Error: listen tcp4 127.0.0.1:" + taken.getLocalPort() + ": bind: address already in use",
                    inUse.replace("<port>", String.valueOf(taken.getLocalPort())));
        }

        assertEquals("Error: no matching options given", same("p2p", "close"));
        assertEquals("Error: can't combine --all with other matching options", same("p2p", "close", "--all", "-p", "/x/e"));
        same("p2p", "close", "-l", "bad");
        assertEquals("Error: listen udp4 127.0.0.1:0: address 127.0.0.1:0: unexpected address type",
                same("p2p", "forward", "/x/e", "/ip4/127.0.0.1/udp/0", kubo.address()));

        assertEquals("Error: no id specified", same("p2p", "stream", "close"));
        assertEquals("Error: strconv.ParseUint: parsing \"abc\": invalid syntax", same("p2p", "stream", "close", "abc"));
        assertEquals("Error: strconv.ParseUint: parsing \"+1\": invalid syntax", same("p2p", "stream", "close", "+1"));
        assertEquals("Error: strconv.ParseUint: parsing \"18446744073709551616\": value out of range",
                same("p2p", "stream", "close", "18446744073709551616"));
        assertEquals("", same("p2p", "stream", "close", "4242"), "an ID nobody has: nothing, no error");
        assertEquals("", same("p2p", "stream", "close", "18446744073709551615"));
        sameHttp("p2p/close");
        sameHttp("p2p/stream/close?arg=abc");
        sameHttp("p2p/listen?arg=/y&arg=" + loopback(target));
    }

    @Test
    void offAsKubos() throws Exception {
        // Kubo's CLI on a repository without the option (run in-process, no daemon) and a p2pkit daemon without it
        KuboCli plain = KuboCli.fresh(Toolchains.requireKubo());
        try (Node off = Node.start(NodeConfig.builder().listen("/ip4/127.0.0.1/tcp/0")
                .api(NodeConfig.Http.api(new InetSocketAddress("127.0.0.1", 0))).build())) {
            String offApi = HttpAddress.multiaddr(off.apiAddress().orElseThrow());
            for (List<String> command : List.of(List.of("p2p", "ls"), List.of("p2p", "stream", "ls"),
                    List.of("p2p", "listen", "/x/a", loopback(echo.port())), List.of("p2p", "close", "--all"),
                    List.of("p2p", "stream", "close", "--all"))) {
                String fromKubo = plain.outcome(command);
                assertEquals("Error: libp2p stream mounting not enabled", fromKubo, command.toString());
                assertEquals(fromKubo, client.outcome(offApi, command), command.toString());
            }
        } finally {
            plain.delete();
        }
    }

    /** The one stream a side lists, from its JSON. */
    @SuppressWarnings("unchecked")
    private static Map<String, Object> onlyStream(Side side) throws IOException {
        Map<String, Object> body = Json.parseObject(side.run("p2p", "stream", "ls", "--enc=json"));
        List<Object> streams = (List<Object>) body.get("Streams");
        assertEquals(1, streams.size(), side.name() + ": " + body);
        return (Map<String, Object>) streams.get(0);
    }

    /** A side's {@code p2p ls --enc=json} entries, named alike, each as its fields in order: in any order, as Kubo's map gives them. */
    private static java.util.Set<List<String>> listenerSet(Side side) throws IOException {
        Map<String, Object> body = Json.parseObject(side.named(side.run("p2p", "ls", "--enc=json")));
        java.util.Set<List<String>> out = new java.util.HashSet<>();
        for (Object entry : (List<?>) body.get("Listeners")) {
            List<String> fields = new ArrayList<>();
            ((Map<?, ?>) entry).forEach((k, v) -> fields.add(k + "=" + v));
            out.add(fields);
        }
        assertEquals(4, out.size(), side.name() + ": " + body);
        return out;
    }

    private static List<String> sortedLines(String text) {
        return text.lines().map(String::strip).sorted().toList();
    }

    private static Socket dial(int port) throws IOException {
        Socket s = new Socket();
        s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 10_000);
        s.setSoTimeout(60_000);
        return s;
    }

    private static void exchange(Socket s, String text) throws IOException {
        byte[] bytes = text.getBytes(StandardCharsets.US_ASCII);
        s.getOutputStream().write(bytes);
        assertArrayEquals(bytes, s.getInputStream().readNBytes(bytes.length));
    }

    /** Asserts the connection ends (end of stream or reset) within its read timeout. */
    private static void assertEnds(Socket s, String why) {
        int got;
        try {
            got = s.getInputStream().read();
        } catch (IOException e) {
            got = -1;
        }
        assertEquals(-1, got, why);
    }

    /**
     * Sends {@link #TRANSFER} random bytes to the forwarder's port while reading the echo back, then
     * checks every byte. The client does not half-close first: Kubo ends both ways at the first end.
     */
    private static void roundTrip(int port) throws Exception {
        byte[] data = new byte[TRANSFER];
        new Random(port).nextBytes(data);
        try (Socket s = dial(port)) {
            Thread writer = Thread.ofVirtual().start(() -> {
                try {
                    s.getOutputStream().write(data);
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            byte[] back = s.getInputStream().readNBytes(TRANSFER);
            Await.join(writer);
            assertArrayEquals(data, back, "1 MiB and more, there and back");
        }
    }

    /** A TCP echo server on loopback: each connection's bytes back, its end passed back too. */
    private static final class EchoServer implements AutoCloseable {
        private final ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());

        EchoServer() throws IOException {
            Thread.ofVirtual().name("p2p-interop-echo").start(() -> {
                while (!server.isClosed()) {
                    try {
                        Socket c = server.accept();
                        Thread.ofVirtual().start(() -> echo(c));
                    } catch (IOException e) {
                        return;
                    }
                }
            });
        }

        private static void echo(Socket c) {
            try (c) {
                byte[] buffer = new byte[16384];
                InputStream in = c.getInputStream();
                for (int n; (n = in.read(buffer)) >= 0; ) {
                    c.getOutputStream().write(buffer, 0, n);
                }
                c.shutdownOutput();
            } catch (IOException e) {
                // the client went away
            }
        }

        int port() {
            return server.getLocalPort();
        }

        @Override
        public void close() throws IOException {
            server.close();
        }
    }
}
