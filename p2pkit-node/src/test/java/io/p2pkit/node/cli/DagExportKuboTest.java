package io.p2pkit.node.cli;

import io.p2pkit.testing.TinyJson;
import io.p2pkit.testing.Vectors;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * CARs written by Kubo's {@code ipfs dag export} (Kubo's and boxo's test fixtures, the gateway
 * conformance fixtures): imported into a fresh repository and exported again, they come out byte
 * for byte, so p2pkit writes blocks in Kubo's order (depth first, first seen) with Kubo's header.
 */
class DagExportKuboTest {
    @ParameterizedTest
    @ValueSource(strings = {
            "ipfs-kubo/test/cli/fixtures/TestDagStat.car",
            "ipfs-kubo/test/cli/fixtures/TestGatewayHAMTDirectory.car",
            "ipfs-kubo/test/cli/fixtures/TestGatewayMultiRange.car",
            "ipfs-kubo/test/cli/fixtures/TestName.car",
            "ipfs-boxo/gateway/testdata/directory-with-multilayer-hamt-and-multiblock-files.car",
            "ipfs-boxo/gateway/testdata/path_gateway_dag/dag-cbor-traversal.car",
            "ipfs-boxo/gateway/testdata/unixfs-dir-with-mode-mtime.car",
            "ipfs-gateway-conformance/fixtures/trustless_gateway_car/dir-with-dag-cbor-with-links.car",
            "ipfs-gateway-conformance/fixtures/trustless_gateway_car/dir-with-duplicate-files.car",
            "ipfs-gateway-conformance/fixtures/trustless_gateway_car/single-layer-hamt-with-multi-block-files.car",
            "ipfs-gateway-conformance/fixtures/path_gateway_dag/dag-json-traversal.car",
            "ipfs-gateway-conformance/fixtures/path_gateway_dag/gateway-json-cbor.car",
            "ipfs-gateway-conformance/fixtures/path_gateway_unixfs/symlink.car",
            "ipfs-gateway-conformance/fixtures/gateway-raw-block.car",
    })
    void reExportingAKuboExportGivesTheSameBytes(String fixture, @TempDir Path dir) throws Exception {
        Path car = Vectors.path(fixture);
        RepoFixture repo = RepoFixture.init(dir);
        CliRunner imported = repo.run("dag", "import", car.toString(), "--json");
        assertEquals(0, imported.status(), imported.err());
        Map<?, ?> root = (Map<?, ?>) ((Map<?, ?>) TinyJson.parse(imported.out().strip())).get("Root");
        assertEquals("", root.get("PinErrorMsg"));
        String cid = ((Map<?, ?>) root.get("Cid")).get("/").toString();

        CliRunner.Bytes exported = repo.bytes("dag", "export", cid);
        assertEquals(0, exported.status(), exported.stderr());
        assertArrayEquals(Files.readAllBytes(car), exported.stdout(), fixture);
    }
}
