package io.p2pkit.ipfs.unixfs.importer;

import io.p2pkit.core.multiformats.Cid;
import io.p2pkit.ipfs.codec.dagpb.PBNode;
import io.p2pkit.ipfs.unixfs.DeterministicBytes;
import io.p2pkit.ipfs.unixfs.pb.DataType;
import io.p2pkit.ipfs.unixfs.pb.UnixfsData;
import io.p2pkit.testing.Vectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * IPIP-499's CID-profile vectors ({@code ipfs-specs/extracted/ipip-0499-unixfs-cid-profile-fixtures.csv}),
 * from input made exactly as Kubo's test harness makes it (the seeds and name lengths of Kubo's
 * {@code test/cli/cid_profiles_test.go}), each imported with the profile the vector names.
 */
class Ipip499VectorsTest {
    private static final String CSV = "ipfs-specs/extracted/ipip-0499-unixfs-cid-profile-fixtures.csv";
    private static final String ALPHABET = "abcdefghijklmnopqrstuvwxyz01234567890-_";
    private static final int K256 = 256 * 1024;
    private static final int M1 = 1024 * 1024;

    private static Map<String, String> expected() {
        Map<String, String> byKey = new HashMap<>();
        List<String> lines = Vectors.lines(CSV);
        for (String line : lines.subList(1, lines.size())) {
            String[] f = line.split(",", 3);
            byKey.put(f[0] + "|" + f[2].replace("\"", ""), f[1]);
        }
        assertEquals(17, byKey.size() + 0 * lines.size(), "rows in the CSV");
        return byKey;
    }

    private static String cid(String section, String descriptionStart) {
        return expected().entrySet().stream()
                .filter(e -> e.getKey().startsWith(section + "|" + descriptionStart))
                .map(Map.Entry::getValue).findFirst().orElseThrow();
    }

    private static Cid add(ImportOptions o, InputStream in) throws IOException {
        return new Importer(o, BlockSink.NONE).importStream(in, "").root();
    }

    @Test
    void smallFiles() throws IOException {
        byte[] hello = "hello world".getBytes(StandardCharsets.UTF_8);
        assertEquals(cid("unixfs-v0-2015", "Small file"), add(ImportOptions.UNIXFS_V0_2015, new ByteArrayInputStream(hello)).toString());
        assertEquals(cid("unixfs-v1-2025", "Small file"), add(ImportOptions.UNIXFS_V1_2025, new ByteArrayInputStream(hello)).toString());
    }

    @Test
    void chunkSizeBoundaries() throws IOException {
        assertEquals(cid("unixfs-v0-2015", "File at chunk size"),
                add(ImportOptions.UNIXFS_V0_2015, new DeterministicBytes("chunk-v0-seed", K256)).toString());
        assertEquals(cid("unixfs-v0-2015", "File over chunk size"),
                add(ImportOptions.UNIXFS_V0_2015, new DeterministicBytes("chunk-v0-seed", K256 + 1)).toString());
        assertEquals(cid("unixfs-v1-2025", "File at chunk size"),
                add(ImportOptions.UNIXFS_V1_2025, new DeterministicBytes("chunk-v1-seed", M1)).toString());
        assertEquals(cid("unixfs-v1-2025", "File over chunk size"),
                add(ImportOptions.UNIXFS_V1_2025, new DeterministicBytes("chunk-v1-seed", M1 + 1)).toString());
    }

    @Test
    void maxLinksBoundariesV0() throws IOException {
        long at = 174L * K256;
        assertEquals(cid("unixfs-v0-2015", "File at max links"),
                add(ImportOptions.UNIXFS_V0_2015, new DeterministicBytes("v0-seed", at)).toString());
        assertEquals(cid("unixfs-v0-2015", "File over max links"),
                add(ImportOptions.UNIXFS_V0_2015, new DeterministicBytes("v0-seed", at + 1)).toString());
    }

    /** 1 GiB and 1 GiB + 1 byte: the two biggest vectors. */
    @Test
    void maxLinksBoundariesV1() throws IOException {
        long at = 1024L * M1;
        assertEquals(cid("unixfs-v1-2025", "File at max links"),
                add(ImportOptions.UNIXFS_V1_2025, new DeterministicBytes("v1-2025-seed", at)).toString());
        assertEquals(cid("unixfs-v1-2025", "File over max links"),
                add(ImportOptions.UNIXFS_V1_2025, new DeterministicBytes("v1-2025-seed", at + 1)).toString());
    }

    @Test
    void hamtThresholdV0(@TempDir Path tmp) throws IOException {
        // links-bytes: 4096 names of 30 bytes + 34-byte CIDv0 = 262144 exactly; 4033 of 31 = 262145
        Path at = names(tmp.resolve("at"), "hamt-unixfs-v0-2015", 4096, 30, 30);
        Path over = names(tmp.resolve("over"), "hamt-unixfs-v0-2015", 4033, 31, 31);
        assertDir(ImportOptions.UNIXFS_V0_2015, at, DataType.DIRECTORY, cid("unixfs-v0-2015", "Directory at HAMT threshold"));
        assertDir(ImportOptions.UNIXFS_V0_2015, over, DataType.HAMT_SHARD, cid("unixfs-v0-2015", "Directory over HAMT threshold"));
    }

    @Test
    void hamtThresholdV1(@TempDir Path tmp) throws IOException {
        // block-bytes: 4765 links of 55 bytes + one of 65 (66) + 4 bytes of Data = 262144 (262145)
        Path at = names(tmp.resolve("at"), "hamt-unixfs-v1-2025", 4766, 11, 21);
        Path over = names(tmp.resolve("over"), "hamt-unixfs-v1-2025", 4766, 11, 22);
        assertDir(ImportOptions.UNIXFS_V1_2025, at, DataType.DIRECTORY, cid("unixfs-v1-2025", "Directory at HAMT threshold"));
        assertDir(ImportOptions.UNIXFS_V1_2025, over, DataType.HAMT_SHARD, cid("unixfs-v1-2025", "Directory over HAMT threshold"));
    }

    @Test
    void trickleLayout() throws IOException {
        // IPIP-499 gives no seed; Kubo's test/cli/dag_layout_test.go adds 45 MiB of seed "trickle-test" with --trickle.
        ImportOptions trickle = ImportOptions.UNIXFS_V0_2015.toBuilder().layout(ImportOptions.Layout.TRICKLE).build();
        assertEquals(cid("DAG layout", "Trickle"), add(trickle, new DeterministicBytes("trickle-test", 45L * M1)).toString());
    }

    private static void assertDir(ImportOptions o, Path dir, DataType type, String expected) throws IOException {
        byte[][] last = new byte[1][];
        Cid root = new Importer(o, b -> last[0] = b.data()).importPath(dir).root(); // the root comes last
        assertEquals(expected, root.toString());
        assertEquals(type, UnixfsData.decode(PBNode.decode(last[0]).data()).type());
    }

    /** Kubo's createDeterministicFiles: names from the seed's stream, each file holding "x". */
    private static Path names(Path dir, String seed, int files, int nameLength, int lastNameLength) throws IOException {
        Files.createDirectories(dir);
        try (InputStream random = new DeterministicBytes(seed, M1)) {
            for (int i = 0; i < files; i++) {
                int len = i == files - 1 ? lastNameLength : nameLength;
                byte[] b = random.readNBytes(len);
                StringBuilder name = new StringBuilder();
                for (byte x : b) {
                    name.append(ALPHABET.charAt((x & 0xFF) % ALPHABET.length()));
                }
                Files.writeString(dir.resolve(name.toString()), "x");
            }
        }
        return dir;
    }
}
