package io.p2pkit.core.multiformats;

import io.p2pkit.core.DecodeException;
import io.p2pkit.core.multiformats.Multibase.Encoding;
import io.p2pkit.testing.Vectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CidTest {
    private static final Map<String, Long> FIXTURE_CODECS = Map.of(
            "dag-cbor", Multicodec.DAG_CBOR, "dag-json", Multicodec.DAG_JSON, "dag-pb", Multicodec.DAG_PB);

    static Stream<Path> fixtureFiles() throws IOException {
        Path root = Vectors.path("ipld-codec-fixtures/fixtures");
        List<Path> files;
        try (Stream<Path> walk = Files.walk(root, 2)) {
            files = walk.filter(Files::isRegularFile).sorted().toList();
        }
        assertTrue(files.size() > 250, "fixtures found: " + files.size());
        return files.stream();
    }

    /** Each fixture is named by the CIDv1 (sha2-256) of its bytes in the codec its extension names. */
    @ParameterizedTest
    @MethodSource("fixtureFiles")
    void fixtureNamesAreTheCidsOfTheirBytes(Path file) throws IOException {
        String name = file.getFileName().toString();
        String text = name.substring(0, name.indexOf('.'));
        long codec = FIXTURE_CODECS.get(name.substring(name.indexOf('.') + 1));
        Cid cid = Cid.parse(text);
        assertEquals(1, cid.version());
        assertEquals(codec, cid.codec());
        assertEquals(text, cid.toString());
        assertEquals(Cid.v1(codec, Multihash.digest(Multicodec.SHA2_256, Files.readAllBytes(file))), cid);
        assertEquals(cid, Cid.decode(cid.bytes()));
        assertEquals(cid, Cid.parse(cid.toString(Encoding.BASE58_BTC)));
    }

    private static final Pattern CID_TEXT = Pattern.compile("\\b(Qm[1-9A-HJ-NP-Za-km-z]{44}|baf[a-z2-7]{50,})\\b");

    static Stream<String> documentedCids() {
        StringBuilder docs = new StringBuilder();
        for (String dir : List.of("", "dir_listing/", "gateway-cache/", "ipns_records/", "path_gateway_dag/",
                "path_gateway_tar/", "path_gateway_unixfs/", "redirects_file/", "subdomain_gateway/",
                "trustless_gateway_car/")) {
            docs.append(String.join("\n", Vectors.lines("ipfs-gateway-conformance/fixtures/" + dir + "README.md")));
        }
        docs.append(String.join("\n", Vectors.lines("ipfs-specs/extracted/ipip-0499-unixfs-cid-profile-fixtures.csv")));
        Matcher m = CID_TEXT.matcher(docs);
        return m.results().map(r -> r.group(1)).distinct();
    }

    @ParameterizedTest
    @MethodSource("documentedCids")
    void documentedCidsRoundTrip(String text) {
        Cid cid = Cid.parse(text);
        assertEquals(text, cid.toString());
        assertEquals(cid, Cid.decode(cid.bytes()));
        if (cid.version() == 0) {
            assertEquals(Multicodec.DAG_PB, cid.codec());
            assertEquals(cid, cid.toV1().toV0());
            assertTrue(cid.toV1().toString().startsWith("bafybei"));
        }
    }

    @Test
    void documentedSetHasBothVersions() {
        List<String> all = documentedCids().toList();
        assertTrue(all.stream().filter(s -> s.startsWith("Qm")).count() >= 5);
        assertTrue(all.stream().filter(s -> s.startsWith("baf")).count() >= 10);
    }

    @Test
    void emptyUnixfsDirectory() {
        // The well-known empty directory: dag-pb block 0a 02 08 01.
        Multihash mh = Multihash.digest(Multicodec.SHA2_256, new byte[] {0x0a, 0x02, 0x08, 0x01});
        Cid v0 = Cid.v0(mh);
        assertEquals("QmUNLLsPACCz1vLxQVkXqqLX5R1X345qqfHbsf67hvA3Nn", v0.toString());
        assertEquals("bafybeiczsscdsbs7ffqz55asqdf3smv6klcw3gofszvwlyarci47bgf354", v0.toV1().toString());
        assertEquals(v0, Cid.parse("bafybeiczsscdsbs7ffqz55asqdf3smv6klcw3gofszvwlyarci47bgf354").toV0());
        assertNotEquals(v0, v0.toV1());
        assertSame(v0, v0.toV0());
    }

    @Test
    void specExample() {
        Cid v0 = Cid.parse("QmdfTbBqBPQ7VNxZEYEj14VmRuZBkqFbiwReogJgS1zR1n");
        assertEquals("bafybeihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyku", v0.toV1().toString());
        assertEquals(34, v0.bytes().length);
        assertArrayEquals(v0.multihash().bytes(), v0.bytes());
    }

    @Test
    void identityCidFromTheIpnsVectors() {
        Cid cid = Cid.parse("bafkqaddwgevxmmraojswg33smq");
        assertEquals(Multicodec.RAW, cid.codec());
        assertEquals(Multicodec.IDENTITY, cid.multihash().code());
        assertEquals("v1+v2 record", new String(cid.multihash().digest(), java.nio.charset.StandardCharsets.US_ASCII));
    }

    @Test
    void textForms() {
        Cid v1 = Cid.v1(Multicodec.RAW, Multihash.digest(Multicodec.SHA2_256, new byte[] {1, 2, 3}));
        for (Encoding e : Encoding.values()) {
            assertEquals(v1, Cid.parse(v1.toString(e)), e.multibaseName());
        }
        assertTrue(v1.toString().startsWith("bafkrei"));
        assertThrows(IllegalStateException.class, v1::toV0);
        Cid v0 = Cid.v0(v1.multihash());
        assertThrows(IllegalStateException.class, () -> v0.toString(Encoding.BASE32));
        assertEquals(v0.toString(), v0.toString(Encoding.BASE58_BTC));
        assertThrows(IllegalArgumentException.class, () -> Cid.v0(Multihash.digest(Multicodec.SHA2_512, new byte[0])));
        assertThrows(IllegalArgumentException.class,
                () -> Cid.v0(Multihash.digest(Multicodec.SHA2_256, new byte[0], 20)));
        assertThrows(IllegalStateException.class,
                () -> Cid.v1(Multicodec.DAG_PB, Multihash.digest(Multicodec.SHA2_512, new byte[0])).toV0());
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "", "Qm", "QmdfTbBqBPQ7VNxZEYEj14VmRuZBkqFbiwReogJgS1zR1", // empty, short base58 without prefix
            "QmdfTbBqBPQ7VNxZEYEj14VmRuZBkqFbiwReogJgS1zR1nn", // 47 chars: neither v0 nor a multibase prefix 'Q'
            "zQmdfTbBqBPQ7VNxZEYEj14VmRuZBkqFbiwReogJgS1zR1n", // v0 bytes in multibase
            "bafybeihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyk", // truncated
            "bafybeihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvykuaa", // trailing byte
            "xafybeihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyku", // unknown multibase prefix
            "bafybeihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyk!", // bad character
    })
    void rejectsBadText(String text) {
        assertThrows(DecodeException.class, () -> Cid.parse(text));
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "", "01", "0170", "017012", "0270122000", "0370", "00701220", // truncated, versions 2, 3 and explicit 0
            "1220aa", "1221" + "00", // v0 truncated, sha2-256 with another length
            "80017012", // non-minimal version varint
    })
    void rejectsBadBytes(String hex) {
        DecodeException e = assertThrows(DecodeException.class, () -> Cid.decode(HexFormat.of().parseHex(hex)));
        assertEquals("cid", e.field());
    }

    @Test
    void rejectsVersionTwoAndTrailingBytesWithClearMessages() {
        byte[] v1 = Cid.v1(Multicodec.RAW, Multihash.identity(new byte[] {7})).bytes();
        byte[] v2 = v1.clone();
        v2[0] = 2;
        assertTrue(assertThrows(DecodeException.class, () -> Cid.decode(v2)).getMessage().contains("version 2"));
        byte[] longer = java.util.Arrays.copyOf(v1, v1.length + 1);
        assertTrue(assertThrows(DecodeException.class, () -> Cid.decode(longer)).getMessage().contains("after"));
        byte[] v0 = Cid.parse("QmUNLLsPACCz1vLxQVkXqqLX5R1X345qqfHbsf67hvA3Nn").bytes();
        assertThrows(DecodeException.class, () -> Cid.decode(java.util.Arrays.copyOf(v0, 35)));
    }

    @Test
    void readAdvancesThroughConcatenatedCids() {
        Cid a = Cid.parse("QmUNLLsPACCz1vLxQVkXqqLX5R1X345qqfHbsf67hvA3Nn");
        Cid b = Cid.parse("bafkqaddwgevxmmraojswg33smq");
        ByteBuffer buf = ByteBuffer.allocate(100);
        buf.put(a.bytes()).put(b.bytes()).put(a.bytes(), 0, 10).flip();
        assertEquals(a, Cid.read(buf));
        assertEquals(b, Cid.read(buf));
        int at = buf.position();
        assertThrows(DecodeException.class, () -> Cid.read(buf));
        assertEquals(at, buf.position());
    }

    static IntStream seeds() {
        return IntStream.range(0, 200);
    }

    @ParameterizedTest
    @MethodSource("seeds")
    void randomCidsRoundTrip(int seed) {
        SplittableRandom rnd = new SplittableRandom(seed * 31L + 5);
        byte[] digest = new byte[rnd.nextInt(rnd.nextBoolean() ? 65 : Multihash.MAX_DIGEST_LENGTH + 1)];
        rnd.nextBytes(digest);
        Cid cid;
        if (rnd.nextInt(4) == 0) {
            byte[] d32 = new byte[32];
            rnd.nextBytes(d32);
            cid = Cid.v0(Multihash.of(Multicodec.SHA2_256, d32));
        } else {
            long codec = rnd.nextBoolean() ? rnd.nextInt(0x400) : rnd.nextLong(Long.MAX_VALUE);
            cid = Cid.v1(codec, Multihash.of(rnd.nextLong(1L << 20), digest));
        }
        assertEquals(cid, Cid.decode(cid.bytes()));
        assertEquals(cid.hashCode(), Cid.decode(cid.bytes()).hashCode());
        String text = cid.toString();
        if (text.length() <= Multibase.MAX_BASE_X_LENGTH) {
            assertEquals(cid, Cid.parse(text));
        }
        Encoding e = Encoding.values()[rnd.nextInt(Encoding.values().length)];
        if (cid.version() == 1 && cid.bytes().length <= Multibase.MAX_BASE_X_BYTES) {
            assertEquals(cid, Cid.parse(cid.toString(e)));
        }
    }
}
