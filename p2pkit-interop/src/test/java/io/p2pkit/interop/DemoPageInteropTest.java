package io.p2pkit.interop;

import io.p2pkit.core.multiaddr.Multiaddr;
import io.p2pkit.core.multiaddr.Protocol;
import io.p2pkit.ipfs.repo.RepoConfig;
import io.p2pkit.ipfs.repo.Repository;
import io.p2pkit.node.Node;
import io.p2pkit.node.NodeConfig;
import io.p2pkit.node.NodeListener;
import io.p2pkit.pubsub.PubsubMessage;
import io.p2pkit.testing.Await;
import io.p2pkit.testing.Prerequisites;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The browser demo page ({@code demo/}: js-libp2p with gossipsub and a light Helia with Bitswap,
 * bundled from npm) in headless Chromium against a p2pkit node configured as the daemon is for
 * browsers: given only the node's multiaddr in {@code ?addr=}, the page connects (no certificate
 * setup), a chat message typed into the page reaches the node's gossipsub topic, one the node
 * publishes shows in the page, and the page fetches a text file and a PNG by CID over Bitswap and
 * shows them with the right bytes (SHA-256 compared). {@code demo/drive.mjs} clicks through the page
 * as a person would and takes the screenshots (the WebRTC-direct case's are in {@code docs/demo/}).
 */
@InteropArea("Browser")
@Timeout(240)
class DemoPageInteropTest {
    private static final Duration WAIT = Duration.ofSeconds(90);
    private static final String TOPIC = "p2pkit-demo-chat";
    /** Where the WebRTC-direct case writes its screenshots (docs/demo to refresh the committed ones). */
    private static final Path SCREENSHOTS = Path.of(System.getProperty("p2pkit.demo.screenshots", "target/demo-screenshots"));

    @TempDir
    static Path dir;
    private static Node node;
    /** The relay the node holds a reservation with, for /webrtc; the browser reaches it over WebRTC-direct. */
    private static Node relay;
    private static final Queue<String> received = new ConcurrentLinkedQueue<>();
    private static Path text;
    private static Path image;
    private static String textCid;
    private static String imageCid;

    @BeforeAll
    static void start() throws IOException, InterruptedException {
        Path repo = dir.resolve("repo");
        Repository.init(repo, RepoConfig.defaults());
        relay = Node.start(NodeConfig.builder().listen("/ip4/127.0.0.1/tcp/0", "/ip4/127.0.0.1/udp/0/webrtc-direct")
                .withoutAutoNat().relayService(io.p2pkit.nat.relay.RelayConfig.defaults()).build());
        Multiaddr circuit = relay.host().addresses().stream().filter(a -> a.hasProtocol(Protocol.TCP)).findFirst()
                .orElseThrow().encapsulate("/p2p/" + relay.peerId() + "/p2p-circuit");
        // as 'p2pkit daemon --webrtc --webrtc-candidate 127.0.0.1 --listen <circuit>' configures it
        node = Node.start(NodeConfig.builder()
                .listen(List.of(Multiaddr.parse("/ip4/127.0.0.1/udp/0/webrtc-direct"),
                        Multiaddr.parse("/ip4/127.0.0.1/udp/0/quic-v1/webtransport"), circuit, NodeConfig.WEBRTC_LISTEN))
                .webRtc(NodeConfig.WebRtc.loopback())
                .pubsub(NodeConfig.Pubsub.gossipsub().subscribe(TOPIC))
                .api(NodeConfig.Http.api(new InetSocketAddress("127.0.0.1", 0)))
                .content(NodeConfig.Content.of(repo)).build(), new NodeListener() {
                    @Override
                    public void message(PubsubMessage m) {
                        if (m.topic().equals(TOPIC)) {
                            received.add(new String(m.data(), StandardCharsets.UTF_8));
                        }
                    }
                });
        text = dir.resolve("hello.txt");
        StringBuilder s = new StringBuilder("Hello from p2pkit, over Bitswap into a browser.\n");
        for (int i = 0; i < 40_000; i++) {
            s.append("line ").append(i).append(": a file of several UnixFS chunks\n");  // about 1.7 MiB
        }
        Files.writeString(text, s);
        image = dir.resolve("logo.png");
        ImageIO.write(picture(), "png", image.toFile());
        textCid = add(text);
        imageCid = add(image);
    }

    @AfterAll
    static void stop() {
        if (node != null) {
            node.close();
        }
        if (relay != null) {
            relay.close();
        }
    }

    /** Adds a file through the node's RPC API ({@code /api/v0/add}, as Kubo's clients do) and returns its CID. */
    private static String add(Path file) throws IOException, InterruptedException {
        String boundary = "p2pkit-demo-" + System.nanoTime();
        byte[] head = ("--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\""
                + file.getFileName() + "\"\r\nContent-Type: application/octet-stream\r\n\r\n").getBytes(StandardCharsets.UTF_8);
        byte[] tail = ("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8);
        InetSocketAddress at = node.apiAddress().orElseThrow();
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + at.getPort() + "/api/v0/add?quiet=true"))
                .timeout(WAIT)
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.concat(HttpRequest.BodyPublishers.ofByteArray(head),
                        HttpRequest.BodyPublishers.ofFile(file), HttpRequest.BodyPublishers.ofByteArray(tail)))
                .build();
        try (HttpClient http = HttpClient.newHttpClient()) {
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            assertEquals(200, response.statusCode(), response.body());
            Matcher hash = Pattern.compile("\"Hash\":\"([^\"]+)\"").matcher(response.body());
            assertTrue(hash.find(), response.body());
            return hash.group(1);
        }
    }

    /** A small picture for the page to show: coloured bands and a square. */
    private static BufferedImage picture() {
        BufferedImage img = new BufferedImage(240, 120, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        Color[] bands = {new Color(0x1b6ac9), new Color(0x2a9d8f), new Color(0xe9c46a), new Color(0xe76f51)};
        for (int i = 0; i < bands.length; i++) {
            g.setColor(bands[i]);
            g.fillRect(i * 60, 0, 60, 120);
        }
        g.setColor(Color.WHITE);
        g.fillRect(95, 35, 50, 50);
        g.dispose();
        return img;
    }

    private static String sha256(Path file) throws IOException, NoSuchAlgorithmException {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
    }

    /** The node's address over {@code transport}, which the page is given. */
    private static Multiaddr address(Protocol transport) {
        Multiaddr addr = node.addresses().stream().filter(a -> a.hasProtocol(transport)).findFirst()
                .orElseThrow(() -> new AssertionError("no " + transport + " address in " + node.addresses()));
        assertTrue(addr.hasProtocol(Protocol.CERTHASH), addr.toString());
        return addr;
    }

    private static PeerProcess page(Multiaddr addr, String say, String expect, Path screenshots) {
        Path peers = Toolchains.require(Implementation.JS);
        Path demo = peers.resolve("../../demo").normalize();
        Path chromium = Prerequisites.program("chromium", "Debian: apt-get install chromium; .ci/run installs it");
        Prerequisites.require(Files.isDirectory(demo.resolve("node_modules/playwright-core"))
                        && Files.isDirectory(demo.resolve("node_modules/helia")),
                "the demo page's packages are not installed in " + demo + " (peers/build.sh js, or npm ci there)");
        List<String> command = new ArrayList<>(List.of("node", demo.resolve("drive.mjs").toString(),
                "--addr", addr.toString(), "--topic", TOPIC,
                "--say", say, "--expect", expect, "--cid", textCid, "--cid", imageCid,
                "--chromium", chromium.toString()));
        if (screenshots != null) {
            command.addAll(List.of("--screenshots", screenshots.toAbsolutePath().toString()));
        }
        return PeerProcess.startProgram(Implementation.JS, command);
    }

    private static void demo(Multiaddr addr, String via, String name, Path screenshots) throws Exception {
        String say = "hello from the browser over " + name;
        String expect = "hello from p2pkit over " + name;
        try (PeerProcess page = page(addr, say, expect, screenshots)) {
            PeerEvent connected = page.awaitEvent("connected", WAIT);
            assertEquals(node.peerId().toString(), connected.string("peerId"), page.stderrTail());
            assertTrue(connected.string("remoteAddr").contains(via), connected.toString());
            page.awaitEvent("subscribed", WAIT);

            // page -> node: typed into the page, seen by the node's subscription
            page.awaitEvent("sent", WAIT);
            Await.until("the node receives the page's chat message", () -> received.contains(say), WAIT);

            // node -> page: published once the node counts the page among the topic's peers
            String pagePeer = page.events().stream().filter(e -> e.type().equals("ready")).findFirst()
                    .orElseThrow().string("peerId");
            var topic = node.pubsub().orElseThrow().join(TOPIC);
            Await.until("the node sees the page in the topic",
                    () -> topic.peers().stream().anyMatch(p -> p.toString().equals(pagePeer)), WAIT);
            topic.publish(expect.getBytes(StandardCharsets.UTF_8));
            page.awaitEvent("received", WAIT);

            PeerEvent textFetched = page.awaitEvent("fetched", WAIT);
            assertEquals(textCid, textFetched.string("cid"));
            assertEquals(Files.size(text), textFetched.number("bytes").longValue(), textFetched.toString());
            assertEquals(sha256(text), textFetched.string("sha256"));
            assertEquals("text", textFetched.string("kind"));
            page.awaitEvent("done", WAIT);
            PeerEvent imageFetched = page.events().stream().filter(e -> e.type().equals("fetched"))
                    .skip(1).findFirst().orElseThrow();
            assertEquals(imageCid, imageFetched.string("cid"));
            assertEquals(sha256(image), imageFetched.string("sha256"));
            assertEquals("image", imageFetched.string("kind"));
            assertEquals(240, imageFetched.number("width").intValue(), "the page decoded the PNG");
            page.closeStdin();
            assertEquals(0, page.awaitExit(WAIT), page.stderrTail());
        }
    }

    @Test
    @DisplayName("demo page over WebRTC-direct: connect by multiaddr, chat both ways, fetch text and image over Bitswap")
    void overWebRtcDirect() throws Exception {
        demo(address(Protocol.WEBRTC_DIRECT), "/webrtc-direct", "WebRTC-direct", SCREENSHOTS);
    }

    @Test
    @DisplayName("demo page over WebTransport: connect by multiaddr, chat both ways, fetch text and image over Bitswap")
    void overWebTransport() throws Exception {
        demo(address(Protocol.WEBTRANSPORT), "/webtransport", "WebTransport", null);
    }

    @Test
    @DisplayName("demo page over /webrtc through a p2pkit relay: connect by multiaddr, chat both ways, fetch text and "
            + "image over Bitswap")
    void overWebRtcThroughARelay() throws Exception {
        // the node advertises <relay's TCP address>/p2p/<relay>/p2p-circuit/webrtc; a browser cannot dial TCP, so
        // the page is given the same circuit through the relay's WebRTC-direct address
        Multiaddr advertised = node.addresses().stream()
                .filter(a -> a.hasProtocol(Protocol.P2P_CIRCUIT) && a.hasProtocol(Protocol.WEBRTC)).findFirst()
                .orElseThrow(() -> new AssertionError("no /p2p-circuit/webrtc address in " + node.addresses()));
        assertTrue(advertised.toString().contains("/p2p/" + relay.peerId() + "/p2p-circuit/webrtc"), advertised.toString());
        Multiaddr relayWebRtcDirect = relay.addresses().stream().filter(a -> a.hasProtocol(Protocol.WEBRTC_DIRECT))
                .findFirst().orElseThrow(() -> new AssertionError("no WebRTC-direct address in " + relay.addresses()));
        Multiaddr addr = relayWebRtcDirect.encapsulate("/p2p-circuit/webrtc/p2p/" + node.peerId());
        demo(addr, "/p2p-circuit/webrtc", "WebRTC through a relay", null);
    }
}
