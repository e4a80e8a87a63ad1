package io.p2pkit.kad.record;

import io.p2pkit.core.DecodeException;
import io.p2pkit.testing.TinyJson;
import io.p2pkit.testing.Vectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

class CborReaderTest {
    private static byte[] fixture(String dir) throws Exception {
        return fixture(dir, ".dag-cbor");
    }

    private static byte[] fixture(String dir, String suffix) throws Exception {
        try (var files = Files.list(Vectors.path("ipld-codec-fixtures/fixtures/" + dir))) {
            Path p = files.filter(f -> f.toString().endsWith(suffix)).findFirst().orElseThrow();
            return Files.readAllBytes(p);
        }
    }

    /** Bytes compared by value (a {@code byte[]} is compared by identity). */
    private record Bytes(String hex) {
    }

    /**
     * One comparable form for a value read from DAG-CBOR and the same value written in the
     * fixture's DAG-JSON: bytes by value ({@code {"/": {"bytes": …}}} in DAG-JSON), integers as longs.
     */
    private static Object comparable(Object v) {
        if (v instanceof byte[] b) {
            return new Bytes(HexFormat.of().formatHex(b));
        }
        if (v instanceof Map<?, ?> m) {
            if (m.size() == 1 && m.get("/") instanceof Map<?, ?> slash && slash.size() == 1
                    && slash.get("bytes") instanceof String b64) {
                return new Bytes(HexFormat.of().formatHex(Base64.getDecoder().decode(b64)));
            }
            Map<Object, Object> out = new LinkedHashMap<>();
            m.forEach((k, val) -> out.put(k, comparable(val)));
            return out;
        }
        if (v instanceof List<?> l) {
            return l.stream().map(CborReaderTest::comparable).toList();
        }
        if (v instanceof Double d && d == Math.rint(d) && Math.abs(d) < 0x1p53) {
            return d.longValue();
        }
        return v;
    }

    @Test
    void ipnsDataFixture() throws Exception {
        Map<String, Object> m = CborReader.readMap(fixture("ipns"));
        assertEquals(5, m.size());
        assertInstanceOf(byte[].class, m.get("Value"));
        assertInstanceOf(byte[].class, m.get("Validity"));
        assertEquals(0L, m.get("ValidityType"));
        assertInstanceOf(Long.class, m.get("Sequence"));
        assertInstanceOf(Long.class, m.get("TTL"));
    }

    @ParameterizedTest
    @CsvSource({
            "int-0, 0", "int-2, 2", "int-255, 255", "int-65535, 65535", "int-65536, 65536",
            "int-9223372036854775807, 9223372036854775807", "int-18446744073709551615, -1",
            "int--1, -1", "int--256, -256", "int--9223372036854775808, -9223372036854775808",
    })
    void integerFixtures(String dir, long expected) throws Exception {
        assertEquals(expected, CborReader.read(fixture(dir)));
    }

    @ParameterizedTest
    @ValueSource(strings = {"string-a", "string-empty", "string-水", "string-𐅑", "string-long-8bit", "map-empty",
            "map-1_pair", "map-nested", "array-mixed", "array-500", "bytes-a1", "bytes-empty", "bytes-long-8bit", "true", "false", "null"})
    void subsetFixturesReadAsTheirDagJsonSays(String dir) throws Exception {
        Object expected = TinyJson.parse(new String(fixture(dir, ".dag-json"), StandardCharsets.UTF_8));
        assertEquals(comparable(expected), comparable(CborReader.read(fixture(dir))), dir);
    }

    @ParameterizedTest
    @ValueSource(strings = {"float-0.5", "cid-arrayof", "int--11959030306112471732"})
    void outsideTheSubsetIsRejected(String dir) throws Exception {
        byte[] b = fixture(dir);
        assertThrows(DecodeException.class, () -> CborReader.read(b));
    }

    @Test
    void duplicateKeysNegativeFixture() {
        String json = new String(Vectors.bytes("ipld-codec-fixtures/negative-fixtures/dag-cbor/decode/duplicate-keys.json"));
        String hex = json.replaceAll("(?s).*\"hex\"\\s*:\\s*\"([0-9a-f]+)\".*", "$1");
        DecodeException e = assertThrows(DecodeException.class, () -> CborReader.read(HexFormat.of().parseHex(hex)));
        assertEquals(true, e.getMessage().contains("duplicate"));
    }

    @Test
    void strictness() {
        HexFormat h = HexFormat.of();
        for (String bad : List.of("1817", "5f", "a1", "a10102", "0000", "62ff", "c0", "1b00000000ffffffff",
                "9a7fffffff", "f93c00", "")) {
            assertThrows(DecodeException.class, () -> CborReader.read(h.parseHex(bad)), bad);
        }
        assertArrayEquals(new byte[] {1}, (byte[]) CborReader.read(h.parseHex("4101")));
        byte[] deep = new byte[CborReader.MAX_DEPTH + 2];
        java.util.Arrays.fill(deep, (byte) 0x81);
        assertThrows(DecodeException.class, () -> CborReader.read(deep));
    }
}
