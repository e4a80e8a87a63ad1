package io.p2pkit.node.config;

import io.p2pkit.core.crypto.KeyType;
import io.p2pkit.core.crypto.PrivateKey;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Kubo's AutoConf document: read and checked as boxo does, and "auto" replaced as Kubo 0.39 replaces it. */
@Timeout(30)
class AutoConfTest {
    static final String A = PrivateKey.generate(KeyType.ED25519).publicKey().toPeerId().toString();
    static final String B = PrivateKey.generate(KeyType.ED25519).publicKey().toPeerId().toString();
    private static final AutoConf DOC = AutoConf.parse(AutoConfServer.document(2025072901, A, B, "http://127.0.0.1:3/"));

    @Test
    void aDocumentIsReadWhole() {
        assertEquals(2025072901, DOC.version());
        assertEquals(86400, DOC.ttlSeconds());
        assertEquals(Map.of("AminoDHT", List.of("/ip4/127.0.0.1/tcp/4001/p2p/" + A, "/ip4/127.0.0.1/udp/4001/quic-v1/p2p/" + B)),
                DOC.bootstraps(), "IPNI has no native config");
        assertEquals(Map.of("eth.", List.of("http://127.0.0.1:1/dns-query")), DOC.dnsResolvers());
        assertEquals(new AutoConf.Endpoint(List.of("IPNI"), List.of("/routing/v1/providers"), List.of()),
                DOC.endpoints().get("http://127.0.0.1:3/"));
    }

    @Test
    void aBadDocumentIsRefusedInBoxosWords() {
        assertEquals("invalid config: missing AutoConfVersion", refusal("{\"AutoConfSchema\": 1}"));
        assertEquals("invalid config: missing AutoConfSchema", refusal("{\"AutoConfVersion\": 3}"));
        assertEquals("unsupported autoconf schema version 2 (this client supports version 1, consider updating)",
                refusal("{\"AutoConfVersion\": 3, \"AutoConfSchema\": 2}"));
        assertTrue(refusal("{\"AutoConfVersion\": 3, \"AutoConfSchema\": 1, \"SystemRegistry\": {\"AminoDHT\": "
                + "{\"NativeConfig\": {\"Bootstrap\": [\"nonsense\"]}}}}")
                .startsWith("invalid autoconf JSON: SystemRegistry[\"AminoDHT\"].NativeConfig.Bootstrap[0] invalid "
                        + "multiaddr \"nonsense\""));
        assertEquals("invalid autoconf JSON: DNSResolvers[\"eth.\"][0] URL \"ftp://x/\" must use http or https scheme, "
                + "got \"ftp\"", refusal("{\"AutoConfVersion\": 3, \"AutoConfSchema\": 1, \"DNSResolvers\": "
                + "{\"eth.\": [\"ftp://x/\"]}}"));
        assertEquals("invalid autoconf JSON: DelegatedEndpoints URL \"/relative\" must be absolute (missing scheme)",
                refusal("{\"AutoConfVersion\": 3, \"AutoConfSchema\": 1, \"DelegatedEndpoints\": {\"/relative\": {}}}"));
        assertEquals("invalid autoconf JSON: DelegatedEndpoints[\"http://x\"].Read[0] path \"routing\" must start with /",
                refusal("{\"AutoConfVersion\": 3, \"AutoConfSchema\": 1, \"DelegatedEndpoints\": {\"http://x\": "
                        + "{\"Read\": [\"routing\"]}}}"));
        assertTrue(refusal("{\"AutoConfVersion\": 3,").startsWith("failed to parse JSON: "));
        assertEquals("failed to parse JSON: AutoConfVersion is not an integer", refusal("{\"AutoConfVersion\": \"3\"}"));
        StringBuilder many = new StringBuilder("{\"AutoConfVersion\": 3, \"AutoConfSchema\": 1, \"DNSResolvers\": {");
        for (int i = 0; i <= AutoConf.MAX_ENTRIES; i++) {
            many.append(i == 0 ? "" : ",").append("\"d").append(i).append(".\": [\"http://127.0.0.1/\"]");
        }
        assertTrue(refusal(many + "}}").contains("more than 256"));
    }

    private static String refusal(String json) {
        return assertThrows(IllegalArgumentException.class, () -> AutoConf.parse(json)).getMessage();
    }

    @Test
    void bootstrapTakesTheNativeSystemsPeersOnceInPlaceOfAuto() {
        String mine = "/ip4/127.0.0.1/tcp/5/p2p/" + A;
        assertEquals(List.of(mine, "/ip4/127.0.0.1/tcp/4001/p2p/" + A, "/ip4/127.0.0.1/udp/4001/quic-v1/p2p/" + B),
                AutoConf.bootstrap(List.of(mine, "auto", "auto"), "auto", DOC), "a second auto adds nothing");
        assertEquals(List.of(mine), AutoConf.bootstrap(List.of(mine, "auto"), "none", DOC),
                "a node without a DHT has no native system, so no bootstrap peers");
        assertEquals(List.of(mine), AutoConf.bootstrap(List.of("auto", mine), "auto", null), "no document: auto is none");
    }

    @Test
    void routersAreTheEndpointsOfTheSystemsTheNodeDoesNotServe() {
        // with a DHT: AminoDHT is native, so only the IPNI endpoint's paths
        assertEquals(List.of("http://127.0.0.1:3/routing/v1/providers", "https://mine.example/routing/v1"),
                AutoConf.routers(List.of("auto", "https://mine.example/routing/v1/"), "autoclient", DOC));
        // without one: every endpoint, each path on its own, sorted
        assertEquals(List.of("http://127.0.0.1:2/routing/v1/ipns", "http://127.0.0.1:2/routing/v1/peers",
                "http://127.0.0.1:2/routing/v1/providers", "http://127.0.0.1:3/routing/v1/providers"),
                AutoConf.routers(List.of("auto"), "delegated", DOC));
        assertEquals(List.of("http://127.0.0.1:2/routing/v1/ipns"), AutoConf.publishers(List.of("auto"), "none", DOC));
        assertEquals(List.of(), AutoConf.publishers(List.of("auto"), "auto", DOC), "the IPNS endpoint serves AminoDHT");
        assertEquals(List.of("http://x/"), AutoConf.routers(List.of("auto", "http://x/"), "auto", null),
                "no document: the rest as written");
    }

    @Test
    void dnsResolversTakeTheDocumentsPerDomainAndAddItsOthers() {
        Map<String, String> configured = new LinkedHashMap<>();
        configured.put(".", "auto");
        configured.put("crypto.", "https://127.0.0.1:4/dns-query");
        assertEquals(Map.of("crypto.", "https://127.0.0.1:4/dns-query", "eth.", "http://127.0.0.1:1/dns-query"),
                AutoConf.dnsResolvers(configured, DOC), "\".\" has no entry in the document: the system's resolver");
        assertEquals(Map.of("eth.", "http://127.0.0.1:1/dns-query"), AutoConf.dnsResolvers(Map.of("eth.", "auto"), DOC));
        assertEquals(Map.of("eth.", "https://127.0.0.1:5/"), AutoConf.dnsResolvers(Map.of("eth.", "https://127.0.0.1:5/"),
                DOC), "the config's own endpoint wins");
        assertEquals(Map.of(), AutoConf.dnsResolvers(Map.of("eth.", "auto"), null));
        AutoConf two = AutoConf.parse("{\"AutoConfVersion\": 3, \"AutoConfSchema\": 1, \"DNSResolvers\": "
                + "{\"eth.\": [\"https://127.0.0.1:6/\", \"https://127.0.0.1:7/\"]}}");
        assertTrue(Set.of("https://127.0.0.1:6/", "https://127.0.0.1:7/")
                .contains(AutoConf.dnsResolvers(Map.of(), two).get("eth.")), "one of them, as Kubo picks");
    }

    @Test
    void aWholeConfigIsExpandedAsKubosExpandAutoShowsIt() {
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("Bootstrap", List.of("auto"));
        config.put("Routing", Map.of("Type", "dhtclient", "DelegatedRouters", List.of("auto")));
        config.put("Ipns", Map.of("DelegatedPublishers", List.of("auto"), "UsePubsub", true));
        config.put("DNS", Map.of("Resolvers", Map.of(".", "auto")));
        config.put("Gateway", Map.of("NoFetch", true));
        Map<String, Object> out = AutoConf.expand(config, DOC);
        assertEquals(List.of("/ip4/127.0.0.1/tcp/4001/p2p/" + A, "/ip4/127.0.0.1/udp/4001/quic-v1/p2p/" + B),
                out.get("Bootstrap"));
        assertEquals(Map.of("Type", "dhtclient", "DelegatedRouters", List.of("http://127.0.0.1:3/routing/v1/providers")),
                out.get("Routing"));
        assertEquals(Map.of("DelegatedPublishers", List.of(), "UsePubsub", true), out.get("Ipns"));
        assertEquals(Map.of("Resolvers", Map.of("eth.", "http://127.0.0.1:1/dns-query")), out.get("DNS"));
        assertEquals(Map.of("NoFetch", true), out.get("Gateway"));
        assertEquals(List.of("auto"), config.get("Bootstrap"), "the config itself is left alone");
        assertEquals(List.of(), AutoConf.expand(config, null).get("Bootstrap"));
    }
}
