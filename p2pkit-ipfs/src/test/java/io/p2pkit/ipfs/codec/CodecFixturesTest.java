package io.p2pkit.ipfs.codec;

import io.p2pkit.core.DecodeException;
import io.p2pkit.core.multiformats.Cid;
import io.p2pkit.core.multiformats.Multicodec;
import io.p2pkit.ipfs.block.Block;
import io.p2pkit.ipfs.codec.dagcbor.DagCbor;
import io.p2pkit.ipfs.codec.dagjson.DagJson;
import io.p2pkit.ipfs.codec.dagpb.DagPb;
import io.p2pkit.ipfs.codec.dagpb.PBNode;
import io.p2pkit.ipfs.ipld.IntNode;
import io.p2pkit.ipfs.ipld.ListNode;
import io.p2pkit.ipfs.ipld.MapNode;
import io.p2pkit.ipfs.ipld.Node;
import io.p2pkit.ipfs.ipld.StringNode;
import io.p2pkit.testing.Vectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every case of ipld/codec-fixtures: each fixture directory holds one data-model value encoded in
 * two or three codecs, each file named by its CIDv1. Each file is decoded with its codec and
 * re-encoded into every codec present; the bytes and the CIDs must match exactly.
 */
class CodecFixturesTest {
    private static final Map<String, Codec> BY_EXTENSION = Map.of(
            "dag-cbor", DagCbor.DEFAULT, "dag-json", DagJson.DEFAULT, "dag-pb", DagPb.DEFAULT);

    static Stream<String> fixtures() throws IOException {
        try (Stream<Path> dirs = Files.list(Vectors.path("ipld-codec-fixtures/fixtures"))) {
            return dirs.filter(Files::isDirectory).map(p -> p.getFileName().toString()).sorted().toList().stream();
        }
    }

    @Test
    void allFixtureDirectoriesAreThere() throws IOException {
        assertEquals(128, fixtures().count(), "fixture directories in the vectors");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("fixtures")
    void decodesAndReencodesIntoEveryCodec(String name) throws IOException {
        List<Encoded> files = files(name);
        assertTrue(files.size() >= 2, name + " has at least two encodings");
        for (Encoded from : files) {
            assertEquals(from.cid, Block.create(from.codec.code(), Multicodec.SHA2_256, from.bytes).cid(),
                    name + ": the file name is the CID of its bytes");
            Node node = from.codec.decode(from.bytes);
            for (Encoded to : files) {
                byte[] again = to.codec.encode(node);
                assertArrayEquals(to.bytes, again, name + ": " + from.codec.name() + " -> " + to.codec.name());
                assertEquals(to.cid, Block.create(to.codec.code(), Multicodec.SHA2_256, again).cid(),
                        name + ": CID of " + from.codec.name() + " -> " + to.codec.name());
            }
        }
    }

    @Test
    void theCarOfAllFixtureBlocksHoldsEveryFixtureFile() throws IOException {
        // fixtures.car is covered by the CAR tests; here: it has one block per fixture file.
        long files = 0;
        for (String name : fixtures().toList()) {
            files += files(name).size();
        }
        assertEquals(128 * 2 + 17, files);
    }

    @Test
    void dagCborDuplicateKeysAreRefused() {
        for (Node c : cases("dag-cbor/decode/duplicate-keys.json")) {
            byte[] bytes = HexFormat.of().parseHex(string(c, "hex"));
            DecodeException e = assertThrows(DecodeException.class, () -> DagCbor.DEFAULT.decode(bytes));
            assertTrue(e.getMessage().contains(string(c, "error")), e.getMessage());
        }
    }

    @Test
    void dagJsonDuplicateKeysAreRefused() {
        for (Node c : cases("dag-json/decode/duplicate-keys.json")) {
            byte[] bytes = HexFormat.of().parseHex(string(c, "hex"));
            DecodeException e = assertThrows(DecodeException.class, () -> DagJson.DEFAULT.decode(bytes));
            assertTrue(e.getMessage().contains(string(c, "error")), e.getMessage());
        }
    }

    @Test
    void dagPbDecodeEdgesAreRefused() {
        List<Node> cases = cases("dag-pb/decode/edges.json");
        assertEquals(9, cases.size());
        for (Node c : cases) {
            byte[] bytes = HexFormat.of().parseHex(string(c, "hex"));
            DecodeException e = assertThrows(DecodeException.class, () -> DagPb.DEFAULT.decode(bytes), string(c, "name"));
            String expected = string(c, "error");
            String keyword = expected.contains("Hash") ? "Hash" : "duplicate Links section";
            assertTrue(e.getMessage().contains(keyword), string(c, "name") + ": " + e.getMessage());
        }
    }

    @Test
    void dagPbInvalidFormsAreRefused() {
        List<Node> cases = new ArrayList<>(cases("dag-pb/encode/basic-datamodel-kinds.json"));
        cases.addAll(cases("dag-pb/encode/invalid-forms.json"));
        assertEquals(11 + 67, cases.size());
        for (Node c : cases) {
            Node form = ((MapNode) c).get("dag-json").orElseThrow();
            EncodeException e = assertThrows(EncodeException.class, () -> DagPb.DEFAULT.encode(form), string(c, "name"));
            // "Invalid DAG-PB form (Links must be a list)": our message carries the same words.
            String expected = string(c, "error").toLowerCase(Locale.ROOT);
            int paren = expected.indexOf('(');
            String words = paren < 0 ? expected : expected.substring(paren + 1, expected.length() - 1);
            assertTrue(e.getMessage().toLowerCase(Locale.ROOT).contains(words),
                    string(c, "name") + ": expected \"" + words + "\" in: " + e.getMessage());
        }
    }

    /**
     * From ipld/codec-fixtures {@code noncanonical-fixtures/dag-pb/decode/field-order.json}
     * (added upstream after the vectors' snapshot): Data before Links decodes, as the spec asks,
     * and re-encodes in canonical order to the CID given.
     */
    @Test
    void dagPbDataBeforeLinksDecodesAndReencodesCanonically() {
        byte[] dataFirst = HexFormat.of().parseHex("0a02080112330a24015512205891b5b522d5df086d0ff0b110fbd9d21bb4fc7163"
                + "af34d08286a2e846f6be03120968656c6c6f2e7478741806");
        byte[] canonical = HexFormat.of().parseHex("12330a24015512205891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d0"
                + "8286a2e846f6be03120968656c6c6f2e74787418060a020801");
        PBNode node = DagPb.DEFAULT.decodeNode(dataFirst);
        assertEquals(node, DagPb.DEFAULT.decodeNode(canonical));
        assertArrayEquals(canonical, node.encode());
        assertEquals(Cid.parse("bafybeigdcg7pksx2zk5336vrfsktjodlr4rbfz37qr3koc5xboxe5ekv24"),
                Block.create(Multicodec.DAG_PB, Multicodec.SHA2_256, node.encode()).cid());
    }

    /**
     * The fixtures go-ipld-prime (and so Kubo) cannot read, from codec-fixtures'
     * {@code go/special_cases.go}: integers outside int64, and DAG-PB forms whose links are not
     * sorted (go sorts instead of refusing). p2pkit handles each as the spec says.
     */
    @Test
    void casesGoCannotReadAreHandledPerSpec() throws IOException {
        // "integer out of int64 range": the data model here reaches -2^64 .. 2^64-1.
        for (String name : List.of("int--11959030306112471732", "int-11959030306112471731", "int-18446744073709551615")) {
            BigInteger expected = new BigInteger(name.substring(4));
            for (Encoded e : files(name)) {
                IntNode n = assertInstanceOf(IntNode.class, e.codec.decode(e.bytes), name);
                assertEquals(expected, n.bigIntegerValue(), name + " in " + e.codec.name());
                assertArrayEquals(e.bytes, e.codec.encode(n));
            }
        }
        // "pre-sort not required" in go; the spec (and the JS reference) refuse unsorted links.
        List<Node> sortCases = cases("dag-pb/encode/invalid-forms.json").stream()
                .filter(c -> string(c, "name").startsWith("bad sort")).toList();
        assertEquals(2, sortCases.size());
        for (Node c : sortCases) {
            Node form = ((MapNode) c).get("dag-json").orElseThrow();
            assertThrows(EncodeException.class, () -> DagPb.fromNode(form));
        }
    }

    @Test
    void kubosNonCanonicalCborIsRefusedByTheStrictDecoder() {
        byte[] bytes = Vectors.bytes("ipfs-kubo/test/sharness/t0053-dag-data/non-canon.cbor");
        DecodeException e = assertThrows(DecodeException.class, () -> DagCbor.DEFAULT.decode(bytes));
        assertTrue(e.getMessage().contains("\"arr\" is out of canonical order"), e.getMessage());
    }

    @Test
    void kubosTestPutBlockIsDagPbWithData() {
        byte[] bytes = Vectors.bytes("ipfs-kubo/test/sharness/t0050-block-data/testPut.pb");
        PBNode node = PBNode.decode(bytes);
        assertEquals("test json for sharness test", new String(node.data(), java.nio.charset.StandardCharsets.UTF_8));
        assertArrayEquals(bytes, node.encode());
    }

    private static List<Node> cases(String file) {
        Node all = DagJson.DEFAULT.decode(Vectors.bytes("ipld-codec-fixtures/negative-fixtures/" + file));
        return ((ListNode) all).values();
    }

    private static String string(Node c, String key) {
        return ((StringNode) ((MapNode) c).get(key).orElseThrow()).value();
    }

    private record Encoded(Codec codec, Cid cid, byte[] bytes) {
    }

    private static List<Encoded> files(String name) throws IOException {
        List<Encoded> out = new ArrayList<>();
        try (Stream<Path> files = Files.list(Vectors.path("ipld-codec-fixtures/fixtures").resolve(name))) {
            for (Path f : files.sorted().toList()) {
                String file = f.getFileName().toString();
                int dot = file.indexOf('.');
                Codec codec = BY_EXTENSION.get(file.substring(dot + 1));
                if (codec == null) {
                    throw new AssertionError("unexpected fixture file " + f);
                }
                out.add(new Encoded(codec, Cid.parse(file.substring(0, dot)), Files.readAllBytes(f)));
            }
        }
        return out;
    }
}
