package io.p2pkit.node.rpc;

import io.p2pkit.ipfs.repo.RepoConfig;
import io.p2pkit.ipfs.repo.Repository;
import io.p2pkit.kad.Mode;
import io.p2pkit.node.Node;
import io.p2pkit.node.NodeConfig;
import io.p2pkit.node.http.HttpAddress;
import io.p2pkit.pubsub.Topic;
import io.p2pkit.testing.Await;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The RPC API's key, name, routing and pubsub commands over two in-JVM nodes with a DHT and pubsub. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class RpcNetworkCommandsTest {
    @TempDir
    static Path dir;
    private static Node a;
    private static Node b;
    private static Node bare;
    private static HttpClient client;

    @BeforeAll
    static void start() throws Exception {
        Path repo = dir.resolve("repo");
        Repository.init(repo, RepoConfig.defaults());
        b = Node.start(NodeConfig.builder().listen("/ip4/127.0.0.1/tcp/0").dht(NodeConfig.Dht.of(Mode.SERVER))
                .pubsub(NodeConfig.Pubsub.gossipsub()).build());
        a = Node.start(NodeConfig.builder().listen("/ip4/127.0.0.1/tcp/0").dht(NodeConfig.Dht.of(Mode.SERVER))
                .pubsub(NodeConfig.Pubsub.gossipsub()).content(NodeConfig.Content.of(repo))
                .api(NodeConfig.Http.api(new InetSocketAddress("127.0.0.1", 0))).build());
        bare = Node.start(NodeConfig.builder().listen("/ip4/127.0.0.1/tcp/0").dht(Optional.empty()).pubsub(Optional.empty())
                .api(NodeConfig.Http.api(new InetSocketAddress("127.0.0.1", 0))).build());
        a.host().connect(b.addresses().getFirst().toString().contains("/p2p/") ? b.addresses().getFirst()
                : io.p2pkit.core.multiaddr.Multiaddr.parse(b.addresses().getFirst() + "/p2p/" + b.peerId()));
        Await.until("b is in a's routing table", () -> a.dht().orElseThrow().routingTable().size() > 0, Duration.ofSeconds(10));
        client = HttpClient.newHttpClient();
    }

    @AfterAll
    static void stop() {
        Stream.of(bare, a, b).forEach(Node::close);
        client.shutdownNow(); // a subscription's stream may still be open
    }

    private static HttpResponse<String> post(Node node, String command) throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create(HttpAddress.url(node.apiAddress().orElseThrow()) + "/api/v0/"
                + command)).POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void keysAreMadeListedAndRemoved() throws Exception {
        HttpResponse<String> gen = post(a, "key/gen?arg=mykey&type=ed25519");
        assertTrue(gen.body().matches("\\{\"Name\":\"mykey\",\"Id\":\"k51[a-z0-9]+\"}\n"), gen.body());
        assertTrue(post(a, "key/list").body().contains("{\"Name\":\"mykey\",\"Id\":\"k51"));
        assertTrue(post(a, "key/gen?arg=mykey").body().contains("key with name 'mykey' already exists"));
        assertTrue(post(a, "key/gen?arg=self").body().contains("cannot create key with name 'self'"));
        assertEquals(gen.body().replace("{\"Name\"", "{\"Keys\":[{\"Name\"").replace("}\n", "}]}\n"),
                post(a, "key/rm?arg=mykey").body());
        assertTrue(post(a, "key/list?ipns-base=b58mh").body().startsWith("{\"Keys\":[]}") || !post(a, "key/list").body()
                .contains("mykey"));
    }

    private static HttpResponse<String> postFile(Node node, String command, byte[] file) throws Exception {
        byte[] head = ("--XX\r\nContent-Disposition: form-data; name=\"file\"; filename=\"\"\r\n"
                + "Content-Type: application/octet-stream\r\n\r\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        byte[] tail = "\r\n--XX--\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        java.io.ByteArrayOutputStream body = new java.io.ByteArrayOutputStream();
        body.write(head);
        body.write(file);
        body.write(tail);
        return client.send(HttpRequest.newBuilder(URI.create(HttpAddress.url(node.apiAddress().orElseThrow()) + "/api/v0/"
                        + command)).header("Content-Type", "multipart/form-data; boundary=XX")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray())).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void keysAreImportedRenamedAndSignWithKubosPrefix() throws Exception {
        io.p2pkit.core.crypto.PrivateKey key = io.p2pkit.core.crypto.PrivateKey.generate(io.p2pkit.core.crypto.KeyType.ED25519);
        String id = key.publicKey().toPeerId().toString(io.p2pkit.core.multiformats.Multibase.Encoding.BASE36);
        assertEquals("{\"Name\":\"imported\",\"Id\":\"" + id + "\"}\n", postFile(a, "key/import?arg=imported", key.marshal()).body());
        String pem = new String(io.p2pkit.node.config.KeyFormat.PEM_PKCS8_CLEARTEXT.encode(key), java.nio.charset.StandardCharsets.US_ASCII);
        assertTrue(postFile(a, "key/import?arg=again", pem.getBytes(java.nio.charset.StandardCharsets.US_ASCII)).body()
                .contains("try again with format=pem-pkcs8-cleartext"));
        assertTrue(postFile(a, "key/import?arg=again&format=pem-pkcs8-cleartext",
                pem.getBytes(java.nio.charset.StandardCharsets.US_ASCII)).body().contains(id));
        assertTrue(postFile(a, "key/import?arg=self", key.marshal()).body().contains("cannot import key with name 'self'"));
        assertEquals("{\"Was\":\"imported\",\"Now\":\"renamed\",\"Id\":\"" + id + "\",\"Overwrite\":false}\n",
                post(a, "key/rename?arg=imported&arg=renamed").body());
        assertTrue(post(a, "key/rename?arg=renamed&arg=again").body().contains("refusing to overwrite"));
        assertTrue(post(a, "key/rename?arg=renamed&arg=again&force=true").body().contains("\"Overwrite\":true"));
        assertTrue(post(a, "key/ls").body().contains("{\"Name\":\"again\",\"Id\":\"" + id + "\"}"));

        byte[] data = "prove it".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        String signed = postFile(a, "key/sign?key=again", data).body();
        String sig = io.p2pkit.core.multiformats.Multibase.encode(io.p2pkit.core.multiformats.Multibase.Encoding.BASE64_URL,
                io.p2pkit.node.config.SignedMessage.sign(key, data));
        assertEquals("{\"Key\":{\"Name\":\"again\",\"Id\":\"" + id + "\"},\"Signature\":\"" + sig + "\"}\n", signed);
        assertTrue(postFile(a, "key/verify?key=" + id + "&signature=" + sig, data).body()
                .endsWith("\"SignatureValid\":true}\n"));
        assertTrue(postFile(a, "key/verify?key=again&signature=" + sig, "prove that".getBytes(java.nio.charset.StandardCharsets.UTF_8))
                .body().endsWith("\"SignatureValid\":false}\n"));
        String selfSigned = postFile(a, "key/sign", data).body();
        assertTrue(selfSigned.contains("\"Name\":\"self\""), selfSigned);
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("\"Signature\":\"([^\"]+)\"").matcher(selfSigned);
        assertTrue(m.find());
        assertTrue(postFile(a, "key/verify?signature=" + m.group(1), data).body().contains("\"SignatureValid\":true"),
                "self's signature, checked with the node's identity");
        post(a, "key/rm?arg=again");
    }

    @Test
    void keysOfTheTypesKuboMakesAreImportedAndNoneAreExported() throws Exception {
        io.p2pkit.core.crypto.PrivateKey secp = io.p2pkit.core.crypto.PrivateKey.generate(io.p2pkit.core.crypto.KeyType.SECP256K1);
        HttpResponse<String> refused = postFile(a, "key/import?arg=secp", secp.marshal());
        assertEquals(500, refused.statusCode());
        assertEquals("{\"Message\":\"key type *crypto.Secp256k1PrivateKey is not allowed to be imported, only RSA or "
                + "Ed25519; use flag --allow-any-key-type if you are sure of what you're doing\",\"Code\":0,\"Type\":\"error\"}\n",
                refused.body());
        assertTrue(postFile(a, "key/import?arg=secp&allow-any-key-type=true", secp.marshal()).body().contains("\"Name\":\"secp\""));
        assertTrue(postFile(a, "key/import?arg=x&format=der", secp.marshal()).body().contains("unrecognized import format: der"));
        // Kubo 0.39 never serves key/export (NoRemote): a private key does not leave over the API
        HttpResponse<String> export = post(a, "key/export?arg=secp");
        assertEquals(404, export.statusCode());
        assertEquals("404 page not found\n", export.body());
        post(a, "key/rm?arg=secp");
    }

    /** Kubo 0.40's {@code swarm addrs autonat}: the reachability, and AutoNAT v2's verdicts by address. */
    @Test
    void swarmAddrsAutonatAnswersKubosShapes() throws Exception {
        // loopback addresses are not checked by default: no per-address data, as Kubo says it
        assertEquals("{\"reachability\":\"Unknown\"}\n", post(bare, "swarm/addrs/autonat").body());
        assertEquals("AutoNAT V2 Status:\n  Reachability: Unknown\n\nPer-Address Reachability:\n"
                + "  (no address reachability data available)\n", post(bare, "swarm/addrs/autonat?enc=text").body());
        Map<String, Object> found = new java.util.LinkedHashMap<>();
        found.put("reachability", "Public");
        found.put("reachable", List.of("/ip4/203.0.113.42/tcp/4001", "/ip4/203.0.113.42/udp/4001/quic-v1"));
        found.put("unknown", List.of("/ip4/203.0.113.42/udp/4001/webrtc-direct"));
        assertEquals("""
                AutoNAT V2 Status:
                  Reachability: Public

                Per-Address Reachability:
                  Reachable:
                    /ip4/203.0.113.42/tcp/4001
                    /ip4/203.0.113.42/udp/4001/quic-v1
                  Unknown:
                    /ip4/203.0.113.42/udp/4001/webrtc-direct
                """, TextEncoders.autoNat(null, found), "Kubo's own example, its Unreachable section left out");
    }

    @Test
    void aNamePublishedThroughTheDhtResolves() throws Exception {
        HttpResponse<String> block = client.send(HttpRequest.newBuilder(URI.create(HttpAddress.url(a.apiAddress()
                        .orElseThrow()) + "/api/v0/block/put"))
                .header("Content-Type", "multipart/form-data; boundary=XX")
                .POST(HttpRequest.BodyPublishers.ofString("--XX\r\nContent-Disposition: form-data; name=\"file\"; "
                        + "filename=\"\"\r\n\r\nipns target\r\n--XX--\r\n")).build(), HttpResponse.BodyHandlers.ofString());
        String cid = block.body().substring(8, block.body().indexOf("\",\"Size"));
        HttpResponse<String> published = post(a, "name/publish?arg=" + cid + "&lifetime=1h");
        assertTrue(published.body().matches("\\{\"Name\":\"k51[a-z0-9]+\",\"Value\":\"/ipfs/" + cid + "\"}\n"),
                published.body());
        assertEquals("{\"Path\":\"/ipfs/" + cid + "\"}\n", post(a, "name/resolve").body());
        // the record is kept in the repository for the republisher; without --ttl it is Kubo's hour
        io.p2pkit.kad.record.IpnsRecord kept = a.publishedNames().orElseThrow().last(a.peerId()).orElseThrow();
        assertEquals("/ipfs/" + cid, kept.valueText());
        assertEquals(Duration.ofHours(1).toNanos(), kept.ttlNanos());
        assertEquals(200, post(a, "name/publish?arg=" + cid + "&lifetime=30m").statusCode());
        io.p2pkit.kad.record.IpnsRecord shorter = a.publishedNames().orElseThrow().last(a.peerId()).orElseThrow();
        assertEquals(Duration.ofMinutes(30).toNanos(), shorter.ttlNanos(), "a TTL past the lifetime is capped to it");
        assertEquals(kept.sequence() + 1, shorter.sequence());
        // Kubo 0.43's checks of the durations
        for (String[] bad : new String[][] {{"lifetime=0s", "lifetime must be greater than zero, got 0s"},
                {"lifetime=-1h", "lifetime must be greater than zero, got -1h"},
                {"ttl=-1s", "ttl must not be negative, got -1s"},
                {"lifetime=1h&ttl=2h", "ttl (2h0m0s) must not be greater than lifetime (1h0m0s)"}}) {
            assertEquals("{\"Message\":\"" + bad[1] + "\",\"Code\":0,\"Type\":\"error\"}\n",
                    post(a, "name/publish?arg=" + cid + "&" + bad[0]).body(), bad[0]);
        }
        // Kubo's resolve (on by default): a path that leads to no block is refused; resolve=false publishes it
        String missing = "bafkreie7q3iidccmpvszul7kudcvvuavuo7u6gzlbobczuk5nqk3b4akba";
        assertEquals("{\"Message\":\"block was not found locally (offline): ipld: could not find " + missing
                + "\",\"Code\":0,\"Type\":\"error\"}\n", post(a, "name/publish?offline=true&arg=" + missing).body());
        assertTrue(post(a, "name/publish?arg=/ipfs/" + cid + "/sub").body().contains("\"Type\":\"error\""),
                "a raw block has no links to follow");
        assertEquals(cid, a.publishedNames().orElseThrow().last(a.peerId()).orElseThrow().valueText().substring(6),
                "nothing refused was published");
        assertEquals(200, post(a, "name/publish?offline=true&resolve=false&lifetime=1h&arg=" + missing).statusCode());
        assertEquals("/ipfs/" + missing, a.publishedNames().orElseThrow().last(a.peerId()).orElseThrow().valueText());
        assertEquals(200, post(a, "name/publish?arg=" + cid + "&lifetime=1h").statusCode());
        String name = published.body().substring(9, published.body().indexOf("\",\"Value"));
        assertEquals("{\"Path\":\"/ipfs/" + cid + "\"}\n", post(a, "name/resolve?arg=/ipns/" + name).body());
        HttpResponse<String> record = post(a, "routing/get?arg=/ipns/" + a.peerId());
        assertTrue(record.body().startsWith("{\"ID\":\"\",\"Type\":5,\"Responses\":null,\"Extra\":\""), record.body());
        // as Kubo's docs: 'ipfs routing get /ipns/<name> > record' (the text is the record's bytes), then 'name inspect'
        HttpResponse<byte[]> raw = client.send(HttpRequest.newBuilder(URI.create(HttpAddress.url(a.apiAddress().orElseThrow())
                + "/api/v0/routing/get?enc=text&arg=/ipns/" + name)).POST(HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertEquals("text/plain", raw.headers().firstValue("Content-Type").orElseThrow());
        String extra = record.body().substring(record.body().indexOf("\"Extra\":\"") + 9, record.body().lastIndexOf('"'));
        assertArrayEquals(java.util.Base64.getDecoder().decode(extra), raw.body());
        String inspected = postFile(a, "name/inspect?dump=false&verify=" + name, raw.body()).body();
        assertTrue(inspected.startsWith("{\"Entry\":{\"Value\":\"/ipfs/" + cid + "\",\"ValidityType\":0,\"Validity\":\""),
                inspected);
        assertTrue(inspected.endsWith(",\"PbSize\":" + raw.body().length + ",\"SignatureType\":\"V1+V2\",\"HexDump\":\"\","
                + "\"Validation\":{\"Valid\":true,\"Reason\":\"\",\"Name\":\"" + name + "\"}}\n"), inspected);
        String text = postFile(a, "name/inspect?enc=text&verify=" + b.peerId(), raw.body()).body();
        assertTrue(text.contains("\nValidation results:\n Valid:  false\n Reason: signature verification failed\n"), text);
        assertTrue(text.contains("\nHex Dump:\n00000000  0a "), text);
        assertEquals(500, postFile(a, "name/inspect", "not a record".getBytes(StandardCharsets.UTF_8)).statusCode());

        HttpResponse<String> peer = post(a, "routing/findpeer?arg=" + b.peerId());
        assertTrue(peer.body().startsWith("{\"ID\":\"\",\"Type\":2,\"Responses\":[{\"ID\":\"" + b.peerId() + "\",\"Addrs\":["),
                peer.body());
        assertEquals(200, post(a, "routing/provide?arg=" + cid).statusCode());
        assertTrue(post(a, "routing/provide?arg=bafkreifjjcie6lypi6ny7amxnfftagclbuxndqonfipmb64f2km2devei4").body()
                .contains("not found locally, cannot provide"));
    }

    /**
     * {@code name/get} and {@code name/put} (Kubo 0.40's): a record signed elsewhere goes in with no
     * private key here, comes back byte for byte, and is refused, as Kubo refuses it, when it is
     * empty, malformed, too big, signed for another name or behind the record there (unless
     * {@code force}).
     */
    @Test
    void aRecordSignedElsewhereIsPutAndGotBack() throws Exception {
        io.p2pkit.core.crypto.PrivateKey key = io.p2pkit.core.crypto.PrivateKey.generateEd25519();
        io.p2pkit.core.identity.PeerId id = key.publicKey().toPeerId();
        String name = id.toString(io.p2pkit.core.multiformats.Multibase.Encoding.BASE36);
        String value = "/ipfs/bafkqaaa";
        java.time.Instant eol = java.time.Instant.now().plus(Duration.ofHours(1));
        byte[] five = io.p2pkit.kad.record.IpnsRecordSigner.sign(key, value, 5, eol, Duration.ofMinutes(5));
        byte[] three = io.p2pkit.kad.record.IpnsRecordSigner.sign(key, value, 3, eol, Duration.ofMinutes(5));

        HttpResponse<String> missing = post(a, "name/get?arg=" + name);
        assertEquals(500, missing.statusCode());
        assertTrue(missing.body().contains("routing: not found"), missing.body());

        assertEquals("{\"Name\":\"" + name + "\",\"Value\":\"" + value + "\"}\n",
                postFile(a, "name/put?arg=/ipns/" + id, five).body());
        HttpResponse<byte[]> got = client.send(HttpRequest.newBuilder(URI.create(HttpAddress.url(a.apiAddress()
                .orElseThrow()) + "/api/v0/name/get?arg=" + name)).POST(HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(200, got.statusCode());
        assertEquals("application/vnd.ipfs.ipns-record", got.headers().firstValue("Content-Type").orElseThrow());
        assertArrayEquals(five, got.body(), "the record as it was signed");
        assertTrue(b.dht().orElseThrow().getValue(io.p2pkit.node.cli.content.IpnsNames.dhtKey(id), 1).value().isPresent(),
                "the DHT server holds it");
        assertEquals(name + "\n", postFile(a, "name/put?enc=text&arg=" + name, five).body(), "the same record again");
        assertEquals("", postFile(a, "name/put?enc=text&quiet=true&arg=" + name, five).body());

        String behind = postFile(a, "name/put?arg=" + name, three).body();
        // ">=" as Go's JSON writes it
        assertTrue(behind.contains("existing IPNS record has sequence 5 \\u003e= new record sequence 3, use 'ipfs name put "
                + "--force'"), behind);
        assertEquals(200, postFile(a, "name/put?force=true&arg=" + name, three).statusCode());
        assertArrayEquals(five, client.send(HttpRequest.newBuilder(URI.create(HttpAddress.url(a.apiAddress().orElseThrow())
                + "/api/v0/name/get?arg=" + name)).POST(HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.ofByteArray()).body(), "the best record is still the fifth");

        String other = postFile(a, "name/put?arg=" + a.peerId(), five).body();
        assertTrue(other.contains("record validation failed"), other);
        assertTrue(postFile(a, "name/put?arg=" + name, new byte[0]).body().contains("record is empty"));
        assertTrue(postFile(a, "name/put?arg=" + name, "junk".getBytes(StandardCharsets.UTF_8)).body()
                .contains("invalid IPNS record"));
        assertTrue(postFile(a, "name/put?arg=" + name, new byte[11 * 1024]).body().contains("exceeds maximum size of 10240"));
        assertTrue(postFile(a, "name/put?arg=not-a-name", five).body().contains("invalid IPNS name"));
        assertTrue(postFile(a, "name/put?allow-offline=true&allow-delegated=true&arg=" + name, five).body()
                .contains("cannot use both --allow-offline and --allow-delegated"));
    }

    @Test
    void pubsubTopicsAreMultibaseAndSubIsALiveStream() throws Exception {
        String topic = PubsubCommands.encode("news".getBytes(StandardCharsets.UTF_8));
        assertEquals("ubmV3cw", topic); // base64url without padding, as Kubo
        List<String> lines = new CopyOnWriteArrayList<>();
        CompletableFuture<HttpResponse<Stream<String>>> sub = client.sendAsync(HttpRequest.newBuilder(URI.create(
                        HttpAddress.url(a.apiAddress().orElseThrow()) + "/api/v0/pubsub/sub?arg=" + topic))
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofLines());
        HttpResponse<Stream<String>> stream = sub.get(10, TimeUnit.SECONDS);
        assertEquals("1", stream.headers().firstValue("X-Chunked-Output").orElseThrow());
        Thread.ofVirtual().start(() -> stream.body().forEach(lines::add));
        assertTrue(post(a, "pubsub/ls").body().contains("\"" + topic + "\""));
        Topic news = b.pubsub().orElseThrow().join("news");
        Await.until("a's subscriber gets b's message", () -> {
            if (lines.isEmpty()) {
                try {
                    news.publish("hello".getBytes(StandardCharsets.UTF_8));
                } catch (io.p2pkit.pubsub.PublishException e) {
                    return false; // no peer in the mesh yet
                }
            }
            return !lines.isEmpty();
        }, Duration.ofSeconds(30));
        String m = lines.getFirst();
        assertTrue(m.startsWith("{\"from\":\"" + b.peerId() + "\",\"data\":\"uaGVsbG8\",\"seqno\":\"u"), m);
        assertTrue(m.endsWith("\"topicIDs\":[\"" + topic + "\"]}"), m);
        try (var bSubscribed = news.subscribe()) {
            Await.until("b shows as a peer of the topic", () -> {
                try {
                    return post(a, "pubsub/peers?arg=" + topic).body().contains(b.peerId().toString());
                } catch (Exception e) {
                    return false;
                }
            }, Duration.ofSeconds(30));
            assertTrue(post(a, "pubsub/peers").body().contains(b.peerId().toString()));
        }
        assertTrue(post(a, "pubsub/ls?arg=news").body().startsWith("{\"Strings\":["));
        assertTrue(post(a, "pubsub/peers?arg=news").body().contains("URL arg must be"));
        stream.body().close();
    }

    /** A quiet subscription ends when its client hangs up, as on Kubo, not when a message next comes. */
    @Test
    void aSubscriptionEndsWhenItsClientHangsUp() throws Exception {
        String topic = PubsubCommands.encode("quiet".getBytes(StandardCharsets.UTF_8));
        InetSocketAddress api = a.apiAddress().orElseThrow();
        try (java.net.Socket socket = new java.net.Socket(api.getAddress(), api.getPort())) {
            socket.getOutputStream().write(("POST /api/v0/pubsub/sub?arg=" + topic + " HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                    + "Content-Length: 0\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            String status = new String(socket.getInputStream().readNBytes(12), StandardCharsets.US_ASCII);
            assertEquals("HTTP/1.1 200", status);
            assertTrue(post(a, "pubsub/ls").body().contains("\"" + topic + "\""));
        }
        Await.until("the subscription of the client that hung up ends", () -> {
            try {
                return !post(a, "pubsub/ls").body().contains("\"" + topic + "\"");
            } catch (Exception e) {
                return false;
            }
        }, Duration.ofSeconds(10));
    }

    @Test
    void bandwidthAndConfigAreReported() throws Exception {
        String bw = post(a, "stats/bw").body();
        assertTrue(bw.matches("\\{\"TotalIn\":\\d+,\"TotalOut\":\\d+,\"RateIn\":[0-9.E]+,\"RateOut\":[0-9.E]+}\n"), bw);
        assertTrue(Long.parseLong(bw.substring(11, bw.indexOf(','))) > 0, "identify with b carried bytes: " + bw);
        String byPeer = post(a, "stats/bw?peer=" + b.peerId()).body();
        assertTrue(byPeer.matches("\\{\"TotalIn\":[1-9]\\d*,\"TotalOut\":[1-9]\\d*,\"RateIn\":[0-9.E]+,\"RateOut\":[0-9.E]+}\n"),
                "b's bytes, both ways: " + byPeer);
        HttpResponse<String> both = post(a, "stats/bw?peer=" + b.peerId() + "&proto=/ipfs/id/1.0.0");
        assertEquals(400, both.statusCode());
        assertTrue(both.body().contains("\"Message\":\"please only specify peer OR protocol\",\"Code\":1"), both.body());
        assertTrue(post(a, "stats/bw?peer=bad").body().contains("\"Message\":\"failed to parse peer ID: "));
        HttpResponse<Stream<String>> poll = client.send(HttpRequest.newBuilder(URI.create(HttpAddress.url(
                        a.apiAddress().orElseThrow()) + "/api/v0/stats/bw?poll=true&interval=50ms"))
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofLines());
        try (Stream<String> lines = poll.body()) {
            assertEquals(3, lines.limit(3).filter(l -> l.startsWith("{\"TotalIn\":")).count());
        }

        String config = post(a, "config/show").body();
        assertTrue(config.startsWith("{\"Identity\":{\"PeerID\":\"" + a.peerId() + "\"},\"Addresses\":{\"API\":\"/ip4/127.0.0.1/tcp/"),
                config);
        assertTrue(config.contains("\"Routing\":{\"Type\":\"dht\"}") && config.contains("\"Pubsub\":{\"Enabled\":true"), config);
        assertTrue(!config.contains("PrivKey"), config);
    }

    @Test
    void aPeersBytesAreCountedWhileItIsConnectedOnly() throws Exception {
        io.p2pkit.core.metrics.PeerBandwidth counted = a.host().service(io.p2pkit.core.metrics.PeerBandwidth.class).orElseThrow();
        var c = bare.host().connect(a.addresses().getFirst());
        Await.until("identify's bytes are counted for the new peer",
                () -> counted.totals(bare.peerId()).map(t -> t.in() > 0 && t.out() > 0).orElse(false), Duration.ofSeconds(10));
        assertTrue(post(a, "stats/bw?peer=" + bare.peerId()).body().startsWith("{\"TotalIn\":"));
        c.close();
        Await.until("the peer's counters go when its connection does",
                () -> counted.totals(bare.peerId()).isEmpty(), Duration.ofSeconds(10));
        assertEquals("{\"TotalIn\":0,\"TotalOut\":0,\"RateIn\":0,\"RateOut\":0}\n",
                post(a, "stats/bw?peer=" + bare.peerId()).body(), "a peer not connected reads as zeros, as Kubo's");
    }

    @Test
    void aNodeWithoutDhtOrPubsubSaysSoAsKubo() throws Exception {
        HttpResponse<String> routing = post(bare, "routing/findpeer?arg=" + a.peerId());
        assertEquals(500, routing.statusCode());
        assertTrue(routing.body().contains("routing: operation or key not supported"), routing.body());
        assertTrue(post(bare, "pubsub/ls").body().contains("experimental pubsub feature not enabled"));
        assertTrue(post(bare, "repo/stat").body().contains("this node has no repository"));
    }
}
