package io.p2pkit.node.rpc;

import io.p2pkit.core.multiformats.Cid;
import io.p2pkit.ipfs.block.Block;
import io.p2pkit.ipfs.car.CarReader;
import io.p2pkit.ipfs.repo.RepoConfig;
import io.p2pkit.ipfs.repo.Repository;
import io.p2pkit.node.Node;
import io.p2pkit.node.NodeConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.net.InetSocketAddress;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code dag/export} streams, as Kubo's: a block missing below the root ends the CAR with the error
 * in the {@code X-Stream-Error} trailer, a missing root is an error before any output, and
 * {@code local-only} (Kubo 0.42) writes what is here; {@code dag/import?local-only} takes such a
 * partial CAR without pinning, and a root that does not pin is never fetched.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class RpcDagExportTest {
    @TempDir
    static Path dir;
    private static Node node;
    private static RpcTestClient rpc;

    @BeforeAll
    static void start() throws Exception {
        Repository.init(dir.resolve("repo"), RepoConfig.defaults());
        node = Node.start(NodeConfig.builder().listen("/ip4/127.0.0.1/tcp/0").dht(Optional.empty())
                .api(NodeConfig.Http.api(new InetSocketAddress("127.0.0.1", 0)))
                .content(NodeConfig.Content.of(dir.resolve("repo"))).build());
        rpc = new RpcTestClient(node);
    }

    @AfterAll
    static void stop() {
        rpc.close();
        node.close();
    }

    /** root → [a → leaf, b], with {@code a} taken out of the repository. */
    private static Cid[] dagWithoutA(String tag) throws Exception {
        Cid leaf = put("{\"leaf\":\"" + tag + "\"}");
        Cid a = put("{\"a\":{\"/\":\"" + leaf + "\"}}");
        Cid b = put("{\"b\":\"" + tag + "\"}");
        Cid root = put("{\"list\":[{\"/\":\"" + a + "\"},{\"/\":\"" + b + "\"}]}");
        assertEquals(200, rpc.post("block/rm?arg=" + a).statusCode());
        return new Cid[] {root, a, b, leaf};
    }

    @Test
    void aMissingBlockEndsTheStreamWithTheErrorInTheTrailer() throws Exception {
        Cid[] dag = dagWithoutA("trailer");
        String whole = rpc.raw("dag/export?offline=true&arg=" + dag[0]);
        assertTrue(whole.startsWith("HTTP/1.1 200"), whole);
        assertTrue(whole.contains("X-Stream-Error: block was not found locally (offline): ipld: could not find " + dag[1]
                + " (currently offline, perhaps retry without the offline flag)"), whole);

        HttpResponse<String> noRoot = rpc.post("dag/export?offline=true&arg=" + dag[1]);
        assertEquals(500, noRoot.statusCode(), "a missing root is an error before any CAR");
        assertTrue(noRoot.body().contains("could not find " + dag[1]), noRoot.body());
    }

    @Test
    void localOnlyWritesWhatIsHereAndImportTakesItWithoutPinning() throws Exception {
        Cid[] dag = dagWithoutA("partial");
        HttpResponse<byte[]> partial = rpc.postForBytes("dag/export?local-only=true&arg=" + dag[0]);
        assertEquals(200, partial.statusCode());
        assertEquals(List.of(dag[0], dag[2]), cids(partial.body()), "a and what only a leads to are left out");

        HttpResponse<String> both = rpc.post("dag/export?local-only=true&offline=false&arg=" + dag[0]);
        assertEquals(500, both.statusCode());
        assertTrue(both.body().contains("--local-only implies --offline"), both.body());

        byte[] car = partial.body();
        HttpResponse<String> pinning = rpc.upload("dag/import?local-only=true&pin-roots=true", car);
        assertEquals(500, pinning.statusCode());
        assertTrue(pinning.body().contains("--local-only implies --pin-roots=false"), pinning.body());
        String imported = rpc.upload("dag/import?local-only=true&stats=true", car).body();
        assertTrue(imported.matches("\\{\"Stats\":\\{\"BlockCount\":2,\"BlockBytesCount\":\\d+}}\n"), "no roots: " + imported);
        // without local-only the root does not pin, and the block it lacks is not fetched
        String pinned = rpc.upload("dag/import", car).body();
        assertEquals("{\"Root\":{\"Cid\":{\"/\":\"" + dag[0] + "\"},\"PinErrorMsg\":\"block was not found locally "
                + "(offline): ipld: could not find " + dag[1] + "\"}}\n", pinned);
    }

    private static List<Cid> cids(byte[] car) throws Exception {
        List<Cid> out = new ArrayList<>();
        try (CarReader r = CarReader.open(new ByteArrayInputStream(car))) {
            for (Optional<Block> b = r.next(); b.isPresent(); b = r.next()) {
                out.add(b.get().cid());
            }
        }
        return out;
    }

    private static Cid put(String json) throws Exception {
        String body = rpc.upload("dag/put", json).body();
        return Cid.parse(body.substring(body.indexOf(":\"") + 2, body.indexOf("\"}}")));
    }

}
