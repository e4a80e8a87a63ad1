package io.p2pkit.node.gateway;

import io.p2pkit.core.multiformats.Cid;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Trustless gateway: CAR responses, their {@code dag-scope}, {@code entity-bytes}, {@code order}
 * and {@code dups}, over the trustless_gateway_car fixtures. Expected block lists follow the spec
 * (the path's blocks, then the scope's, depth first) and are built from the fixtures' own links.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class TrustlessCarTest {
    private static GatewayFixtures f;
    private static Cid twoFiles;
    private static Cid mixed;
    private static Cid duplicates;

    @BeforeAll
    static void start() throws Exception {
        f = GatewayFixtures.start();
        twoFiles = GatewayFixtures.root("trustless_gateway_car/subdir-with-two-single-block-files.car");
        mixed = GatewayFixtures.root("trustless_gateway_car/subdir-with-mixed-block-files.car");
        duplicates = GatewayFixtures.root("trustless_gateway_car/dir-with-duplicate-files.car");
    }

    @AfterAll
    static void stop() throws Exception {
        if (f != null) { // null when a prerequisite aborted start
            f.close();
        }
    }

    private static List<Cid> car(String path, String... headers) throws Exception {
        HttpResponse<byte[]> r = f.get(path, headers);
        assertEquals(200, r.statusCode(), new String(r.body(), java.nio.charset.StandardCharsets.UTF_8));
        assertTrue(r.headers().firstValue("Content-Type").orElseThrow().startsWith("application/vnd.ipld.car; version=1"));
        return GatewayFixtures.carBlocks(r.body());
    }

    /** The five chunks of multiblock.txt (1026 bytes: four of 256, one of 2) in file order. */
    private static List<Cid> chunks() throws Exception {
        Cid file = f.cid(mixed, "subdir", "multiblock.txt");
        return new ArrayList<>(io.p2pkit.ipfs.codec.Codecs.standard().links(io.p2pkit.ipfs.block.Block.of(file, f.block(file))));
    }

    @Test
    void pathingThroughADirectoryGivesThePathBlocksThenTheFile() throws Exception {
        assertEquals(List.of(twoFiles, f.cid(twoFiles, "subdir"), f.cid(twoFiles, "subdir", "ascii.txt")),
                car("/ipfs/" + twoFiles + "/subdir/ascii.txt?format=car"));
    }

    @ParameterizedTest
    @CsvSource({"block, 1", "entity, 1", "all, 3"})
    void aDirectorysScopeDecidesHowFarBelowItGoes(String scope, int below) throws Exception {
        List<Cid> blocks = car("/ipfs/" + twoFiles + "/subdir?format=car&dag-scope=" + scope);
        assertEquals(twoFiles, blocks.get(0));
        assertEquals(f.cid(twoFiles, "subdir"), blocks.get(1));
        assertEquals(1 + below, blocks.size(), blocks.toString());
    }

    @Test
    void anEntityOfAChunkedFileIsAllItsBlocksInOrder() throws Exception {
        Cid file = f.cid(mixed, "subdir", "multiblock.txt");
        List<Cid> expected = new ArrayList<>(List.of(mixed, f.cid(mixed, "subdir"), file));
        expected.addAll(chunks());
        assertEquals(expected, car("/ipfs/" + mixed + "/subdir/multiblock.txt?format=car&dag-scope=entity"));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {"0:*|0|4", "512:*|2|4", "512:1023|2|3", "512:-256|2|3", "-5:*|3|4",
        "-9999:*|0|4", "0:0|0|0", "-9999:-3|0|3"})
    void entityBytesTakeTheChunksTheRangeTouches(String range, int firstChunk, int lastChunk) throws Exception {
        Cid file = f.cid(mixed, "subdir", "multiblock.txt");
        List<Cid> expected = new ArrayList<>(List.of(file));
        expected.addAll(chunks().subList(firstChunk, lastChunk + 1));
        assertEquals(expected, car("/ipfs/" + file + "?format=car&dag-scope=entity&entity-bytes=" + range));
    }

    @Test
    void entityBytesSkipBlocksOutsideTheRangeEvenWhenTheyAreMissing() throws Exception {
        Cid file = GatewayFixtures.root("trustless_gateway_car/file-3k-and-3-blocks-missing-block.car");
        List<Cid> blocks = car("/ipfs/" + file + "?format=car&dag-scope=entity&entity-bytes=0:1000");
        for (Cid c : blocks) {
            assertTrue(f.has(c), "the CAR holds " + c + ", which the fixture lacks");
        }
        assertEquals(file, blocks.get(0));
    }

    @Test
    void duplicatesAreSentTwiceOnlyWhenAsked() throws Exception {
        List<Cid> noDups = car("/ipfs/" + duplicates, "Accept", "application/vnd.ipld.car; version=1; order=dfs; dups=n");
        List<Cid> dups = car("/ipfs/" + duplicates, "Accept", "application/vnd.ipld.car; version=1; order=dfs; dups=y");
        assertEquals(noDups.size(), noDups.stream().distinct().count());
        assertEquals(noDups.size() + 1, dups.size(), "ascii.txt and ascii-copy.txt share a block");
        assertEquals(f.cid(duplicates, "ascii.txt"), f.cid(duplicates, "ascii-copy.txt"));
    }

    @Test
    void theContentTypeSaysWhatWasWrittenAndQueryParametersWin() throws Exception {
        HttpResponse<byte[]> r = f.get("/ipfs/" + duplicates + "?format=car&car-dups=y", "Accept",
                "application/vnd.ipld.car; dups=n");
        assertEquals("application/vnd.ipld.car; version=1; order=dfs; dups=y", r.headers().firstValue("Content-Type").orElseThrow());
        assertEquals("attachment; filename=\"" + duplicates + ".car\"", r.headers().firstValue("Content-Disposition").orElseThrow());
        assertEquals("nosniff", r.headers().firstValue("X-Content-Type-Options").orElseThrow());
        assertTrue(r.headers().firstValue("Etag").orElseThrow().contains(duplicates + ".car."));
    }

    @Test
    void anIdentityCidIsACarWithoutBlocks() throws Exception {
        assertEquals(List.of(), car("/ipfs/bafkqaf3imvwgy3zaneqgc3janfxgy2lomvscay3jmqfa?format=car"));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {"dag-scope=some", "entity-bytes=abc", "entity-bytes=5:2", "car-version=2",
        "car-dups=maybe", "car-order=bfs"})
    void undefinedParametersAre400(String query) throws Exception {
        HttpResponse<byte[]> r = f.get("/ipfs/" + twoFiles + "?format=car&" + query);
        assertEquals(400, r.statusCode());
        assertTrue(new String(r.body(), java.nio.charset.StandardCharsets.UTF_8).startsWith("400 "));
    }
}
