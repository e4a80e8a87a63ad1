package io.p2pkit.interop;

import io.p2pkit.ipfs.repo.RepoConfig;
import io.p2pkit.ipfs.repo.Repository;
import io.p2pkit.node.Node;
import io.p2pkit.node.NodeConfig;
import io.p2pkit.node.http.HttpAddress;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code enc=text}, as a curl user asks: the same commands on the same content give a Kubo 0.39
 * daemon's and a p2pkit daemon's text byte for byte (status, Content-Type, body), errors included;
 * values the daemon decides (its version) are compared by shape. Kubo's own CLI renders text
 * itself, so this is what checks p2pkit's text encoders (name inspect, swarm filters and peering,
 * stats dht's error without a DHT).
 */
@InteropArea("RPC API: enc=text against Kubo 0.39")
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class RpcTextKuboInteropTest {
    /** One command, asked of both daemons in this order. */
    enum Query {
        BLOCK_PUT, BLOCK_STAT, DAG_PUT, PIN_ADD, PIN_RM, KEY_LIST, ERROR, VERSION, FILES_STAT, FILES_ERROR,
        NAME_INSPECT, NAME_INSPECT_VERIFY, FILTERS_ADD, FILTERS, FILTERS_RM, PEERING_LS, STATS_DHT
    }

    /** An IPNS record both daemons inspect: signed here, valid for a day. */
    private static final io.p2pkit.core.crypto.PrivateKey NAME_KEY =
            io.p2pkit.core.crypto.PrivateKey.generate(io.p2pkit.core.crypto.KeyType.ED25519);
    private static final byte[] RECORD = io.p2pkit.kad.record.IpnsRecordSigner.sign(NAME_KEY, "/ipfs/bafkqaaa", 3,
            java.time.Instant.now().plus(java.time.Duration.ofDays(1)), java.time.Duration.ofMinutes(5));

    private static KuboDaemon kubo;
    private static Node node;
    private static HttpClient http;
    private static String block;
    @TempDir
    static Path dir;

    @BeforeAll
    static void start() throws Exception {
        kubo = KuboDaemon.start(Toolchains.requireKubo(), "none");
        Repository.init(dir.resolve("p2pkit-repo"), RepoConfig.defaults());
        node = Node.start(NodeConfig.builder().listen("/ip4/127.0.0.1/tcp/0")
                .api(NodeConfig.Http.api(new InetSocketAddress("127.0.0.1", 0)))
                .content(NodeConfig.Content.of(dir.resolve("p2pkit-repo"))).build());
        http = HttpClient.newHttpClient();
    }

    @AfterAll
    static void stop() throws IOException {
        if (http != null) {
            http.close();
        }
        if (node != null) {
            node.close();
        }
        if (kubo != null) {
            kubo.close();
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Query.class)
    void p2pkitWritesKubosText(Query query) throws Exception {
        String command = switch (query) {
            case BLOCK_PUT -> "block/put?enc=text";
            case BLOCK_STAT -> "block/stat?enc=text&arg=" + block;
            case DAG_PUT -> "dag/put?enc=text";
            case PIN_ADD -> "pin/add?enc=text&arg=" + block;
            case PIN_RM -> "pin/rm?enc=text&arg=" + block;
            case KEY_LIST -> "key/list?enc=text";
            case ERROR -> "block/stat?enc=text&arg=bad";
            case VERSION -> "version?encoding=text";
            case FILES_STAT -> "files/stat?enc=text&arg=/";
            case FILES_ERROR -> "files/stat?enc=text&arg=/nope";
            case NAME_INSPECT -> "name/inspect?enc=text";
            case NAME_INSPECT_VERIFY -> "name/inspect?enc=text&dump=false&verify="
                    + NAME_KEY.publicKey().toPeerId().toString(io.p2pkit.core.multiformats.Multibase.Encoding.BASE36);
            case FILTERS_ADD -> "swarm/filters/add?enc=text&arg=/ip4/10.1.0.0/ipcidr/16&arg=/ip6/fd00::/ipcidr/8";
            case FILTERS -> "swarm/filters?enc=text";
            case FILTERS_RM -> "swarm/filters/rm?enc=text&arg=all";
            case PEERING_LS -> "swarm/peering/ls?enc=text";
            case STATS_DHT -> "stats/dht?enc=text";
        };
        byte[] body = switch (query) {
            case BLOCK_PUT -> "a block in text\n".getBytes(StandardCharsets.UTF_8);
            case DAG_PUT -> "{\"text\":true,\"n\":[1,2]}".getBytes(StandardCharsets.UTF_8);
            case NAME_INSPECT, NAME_INSPECT_VERIFY -> RECORD;
            default -> null;
        };
        HttpResponse<String> fromKubo = post(kubo.apiUrl(), command, body);
        HttpResponse<String> fromP2pkit = post(HttpAddress.url(node.apiAddress().orElseThrow()), command, body);
        assertEquals(fromKubo.statusCode(), fromP2pkit.statusCode(), command + ": " + fromP2pkit.body());
        assertEquals(fromKubo.headers().firstValue("Content-Type"), fromP2pkit.headers().firstValue("Content-Type"), command);
        if (query == Query.VERSION) {
            assertTrue(fromKubo.body().matches("ipfs version 0\\.39\\.0\n"), fromKubo.body());
            assertTrue(fromP2pkit.body().matches("ipfs version \\S+\n"), fromP2pkit.body());
        } else {
            assertEquals(fromKubo.body(), fromP2pkit.body(), command);
        }
        if (query == Query.BLOCK_PUT) {
            block = fromKubo.body().strip();
        }
    }

    private static HttpResponse<String> post(String api, String command, byte[] file) throws Exception {
        HttpRequest.Builder b = RpcPost.of(api, command, file);
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }
}
