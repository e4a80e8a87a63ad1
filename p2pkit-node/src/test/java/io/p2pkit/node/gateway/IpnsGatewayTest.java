package io.p2pkit.node.gateway;

import io.p2pkit.core.multiformats.Cid;
import io.p2pkit.testing.Vectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.http.HttpResponse;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * IPNS at the gateway: signed records ({@code application/vnd.ipfs.ipns-record}), {@code /ipns/}
 * paths resolved through the records loaded into the DHT store, records that must be refused
 * (IPIP-428), and base58 names redirected to their CIDv1 form.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class IpnsGatewayTest {
    private static final String RECORDS = GatewayFixtures.DIR + "ipns_records/";
    private static final String V1_V2 = "k51qzi5uqu5dlkw8pxuw9qmqayfdeh4kfebhmreauqdc6a7c3y7d5i9fi8mk9w";
    private static final String V2 = "k51qzi5uqu5dit2ku9mutlfgwyz8u730on38kd10m97m36bjt66my99hb6103f";
    private static GatewayFixtures f;

    @BeforeAll
    static void start() throws Exception {
        f = GatewayFixtures.start();
    }

    @AfterAll
    static void stop() throws Exception {
        if (f != null) { // null when a prerequisite aborted start
            f.close();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {V1_V2 + "_v1-v2", V2 + "_v2"})
    void theRecordIsSentAsStoredWithItsTtl(String file) throws Exception {
        String name = file.substring(0, file.indexOf('_'));
        for (HttpResponse<byte[]> r : List.of(f.get("/ipns/" + name + "?format=ipns-record"),
                f.get("/ipns/" + name, "Accept", "application/vnd.ipfs.ipns-record"))) {
            assertEquals(200, r.statusCode());
            assertArrayEquals(Vectors.bytes(RECORDS + file + ".ipns-record"), r.body());
            assertEquals("application/vnd.ipfs.ipns-record", r.headers().firstValue("Content-Type").orElseThrow());
            assertEquals("public, max-age=1800", r.headers().firstValue("Cache-Control").orElseThrow());
            assertTrue(r.headers().firstValue("Content-Disposition").orElseThrow().startsWith("attachment; filename=\""
                    + name + ".ipns-record\""));
        }
    }

    /** Kubo 0.43 (boxo#1166): a TTL longer than the record has left is capped to what it has left. */
    @Test
    void aRecordIsNotCachedPastItsEnd() throws Exception {
        io.p2pkit.core.crypto.PrivateKey key = io.p2pkit.core.crypto.PrivateKey.generateEd25519();
        byte[] record = io.p2pkit.kad.record.IpnsRecordSigner.sign(key, "/ipfs/bafkqaaa", 0,
                java.time.Instant.now().plus(java.time.Duration.ofMinutes(10)), java.time.Duration.ofHours(1));
        io.p2pkit.core.identity.PeerId id = key.publicKey().toPeerId();
        f.node().dht().orElseThrow().putValue(io.p2pkit.node.cli.content.IpnsNames.dhtKey(id), record);
        String name = id.toString(io.p2pkit.core.multiformats.Multibase.Encoding.BASE36);
        HttpResponse<byte[]> r = f.get("/ipns/" + name + "?format=ipns-record");
        assertEquals(200, r.statusCode());
        String cc = r.headers().firstValue("Cache-Control").orElseThrow();
        long maxAge = Long.parseLong(cc.substring("public, max-age=".length()));
        assertTrue(maxAge <= 600 && maxAge > 500, cc);
    }

    @Test
    void aNonAsciiFilenameHasAnAsciiFallback() throws Exception {
        HttpResponse<byte[]> r = f.get("/ipns/" + V1_V2 + "?format=ipns-record&filename=test%D1%82%D0%B5%D1%81%D1%82.ipns-record");
        assertEquals("attachment; filename=\"test____.ipns-record\"; filename*=UTF-8''test%D1%82%D0%B5%D1%81%D1%82.ipns-record",
                r.headers().firstValue("Content-Disposition").orElseThrow());
    }

    @Test
    void recordsWithoutAValidV2SignatureAreRefusedAndTheirNamesFailWith5xx() throws Exception {
        assertEquals(3, f.refusedRecords.stream().filter(n -> n.contains("_v1.") || n.contains("broken-signature-v2")
                || n.contains("broken-v1-value")).count(), f.refusedRecords.toString());
        for (String name : List.of("k51qzi5uqu5dm4tm0wt8srkg9h9suud4wuiwjimndrkydqm81cqtlb5ak6p7ku",
                "k51qzi5uqu5diamp7qnnvs1p1gzmku3eijkeijs3418j23j077zrkok63xdm8c")) {
            int status = f.get("/ipns/" + name).statusCode();
            assertTrue(status >= 500 && status < 600, name + ": " + status);
        }
        assertEquals(200, f.get("/ipns/k51qzi5uqu5dilgf7gorsh9vcqqq4myo6jd4zmqkuy9pxyxi5fua3uf7axph4y").statusCode(),
                "a broken V1 signature does not matter when V2 is valid");
    }

    @Test
    void anIpnsPathIsServedLikeTheIpfsPathItResolvesTo() throws Exception {
        Cid cache = GatewayFixtures.root("gateway-cache/fixtures.car");
        String name = "k51qzi5uqu5dlxdsdu5fpuu7h69wu4ohp32iwm9pdt9nq3y5rpn3ln9j12zfhe";
        HttpResponse<byte[]> ipns = f.get("/ipns/" + name + "/root2/root3/root4/index.html");
        HttpResponse<byte[]> ipfs = f.get("/ipfs/" + cache + "/root2/root3/root4/index.html");
        assertEquals(200, ipns.statusCode());
        assertArrayEquals(ipfs.body(), ipns.body());
        assertEquals("/ipns/" + name + "/root2/root3/root4/index.html", ipns.headers().firstValue("X-Ipfs-Path").orElseThrow());
        assertEquals(ipfs.headers().firstValue("X-Ipfs-Roots"), ipns.headers().firstValue("X-Ipfs-Roots"));
        assertTrue(ipns.headers().firstValue("Cache-Control").orElseThrow().startsWith("public, max-age="));
    }

    @Test
    void aRecordValueWithASubpathIsJoinedWithTheRequestPath() throws Exception {
        Cid cache = GatewayFixtures.root("gateway-cache/fixtures.car");
        HttpResponse<byte[]> r = f.get("/ipns/k51qzi5uqu5djokp3m1keo36hoxtd6u3a1d2rg1camf6al7p3huy63dojlm57c/root3/root4/index.html");
        assertEquals(200, r.statusCode());
        assertArrayEquals(f.get("/ipfs/" + cache + "/root2/root3/root4/index.html").body(), r.body());
    }

    @Test
    void aBase58NameIsRedirectedToItsCidForm() throws Exception {
        HttpResponse<byte[]> r = f.get("/ipns/12D3KooWRBy97UB99e3J6hiPesre1MZeuNQvfan4gBziswrRJsNK/root2/");
        assertEquals(302, r.statusCode());
        assertEquals("/ipns/k51qzi5uqu5dlvj2baxnqndepeb86cbk3ng7n3i46uzyxzyqj2xjonzllnv0v8/root2/",
                r.headers().firstValue("Location").orElseThrow());
    }

    @Test
    void aNameThatIsNotAKeyIs400() throws Exception {
        HttpResponse<byte[]> r = f.get("/ipns/not_a_key/");
        assertEquals(400, r.statusCode());
        assertTrue(new String(r.body(), java.nio.charset.StandardCharsets.UTF_8).contains("DNSLink"));
    }

    @Test
    void aDomainWithoutDnsLinkIs404() throws Exception {
        HttpResponse<byte[]> r = f.get("/ipns/no-dnslink.example.org/");
        assertEquals(404, r.statusCode());
        assertTrue(new String(r.body(), java.nio.charset.StandardCharsets.UTF_8).contains("no DNSLink record"));
    }
}
