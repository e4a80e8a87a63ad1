package io.p2pkit.core.multiformats;

import io.p2pkit.core.DecodeException;
import io.p2pkit.testing.Vectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MultihashTest {
    private static final HexFormat HEX = HexFormat.of();
    /** The algorithm names of the vector file; its "sha3" rows are SHA3-512 (code 0x14). */
    private static final Map<String, Long> ALGORITHMS = Map.of(
            "sha1", Multicodec.SHA1, "sha2-256", Multicodec.SHA2_256,
            "sha2-512", Multicodec.SHA2_512, "sha3", Multicodec.SHA3_512);

    static Stream<String> vectorRows() {
        List<String> lines = Vectors.lines("multiformats-multihash/tests/values/test_cases.csv");
        assertEquals("algorithm,bits,input,multihash", lines.get(0));
        return lines.stream().skip(1).filter(l -> !l.isBlank());
    }

    @ParameterizedTest
    @MethodSource("vectorRows")
    void matchesVectors(String row) {
        String[] f = row.split(",");
        long code = ALGORITHMS.get(f[0]);
        int bytes = Integer.parseInt(f[1]) / 8;
        // The input column is hashed as its ASCII text, not as the bytes the hex would spell.
        byte[] input = f[2].getBytes(StandardCharsets.US_ASCII);
        byte[] expected = HEX.parseHex(f[3]);
        Multihash computed = Multihash.digest(code, input, bytes);
        assertArrayEquals(expected, computed.bytes());
        Multihash decoded = Multihash.decode(expected);
        assertEquals(computed, decoded);
        assertEquals(code, decoded.code());
        assertEquals(bytes, decoded.length());
        if (bytes == Multihash.digest(code, input).length()) {
            assertEquals(computed, Multihash.digest(code, input));
        }
    }

    @Test
    void vectorInputsAreTheRandomValues() {
        List<String> randoms = Vectors.lines("multiformats-multihash/tests/values/random_vals.csv");
        vectorRows().forEach(r -> assertTrue(randoms.contains(r.split(",")[2]), r));
    }

    @ParameterizedTest
    @CsvSource({
            "0x1013, 23097d223405d8228642a477bda255b32aadbce4bda0b3f7e36c9da7",
            "0x20, cb00753f45a35e8bb5a03d699ac65007272c32ab0eded1631a8b605a43ff5bed8086072ba1e7cc2358baeca134c825a7",
            "0x1014, 4634270f707b6a54daae7530460842e20e37ed265ceee9a43e8924aa",
            "0x1015, 53048e2681941ef99b2e29b76b4c7dabe4c2d0c634fc6d46e0e2f13107e7af23",
            "0x17, e642824c3f8cf24ad09234ee7d3c766fc9a3a5168d0c94ad73b46fdf",
            "0x16, 3a985da74fe225b2045c172d6bd390bd855f086e3e9d525b46bfe24511431532",
            "0x15, ec01498288516fc926459f58e2c6ad8df9b473cb0fc08c2596da7cf0e49be4b298d88cea927ac7f539f1edf228376d25",
            "0xd5, 900150983cd24fb0d6963f7d28e17f72",
            "0x18, 5881092dd818bf5cf8a3ddb793fbcba74097d5c526a6d35f97b83351940f2cc8",
            "0x19, 483366601360a8771c6863080cc4114d8db44530f8f1e1ee4f94ea37e78b5739d5a15bef186a5386c75744c0527e1faa9f8726e462a12a4feb06bd8801e751e4",
            "0xb220, bddd813c634239723171ef3fee98579b94964e3bb1cb3e427262c8c068d52319",
            "0xb240, ba80a53f981c4d0d6a2797b69f12f6e94c212f14685ac4b74b12bb6fdbffa2d17d87c5392aab792dc252d5de4533cc9518d38aa8dbf1925ab92386edd4009923",
            "0xb260, 508c5e8c327c14e2e1a72ba34eeb452f37458b209ed63a294d999b4c86675982",
            "0xb254, 5ae3b99be29b01834c3b508521ede60438f8de17",
            "0x56, 4f8b42c22dd3729b519ba6f68d2da7cc5b2d606d05daed5ad5128cc03e6c6358",
    })
    void otherFunctionsHashAbc(String code, String digestHex) {
        Multihash mh = Multihash.digest(Long.decode(code), "abc".getBytes(StandardCharsets.US_ASCII));
        assertEquals(digestHex, HEX.formatHex(mh.digest()));
    }

    @ParameterizedTest
    @CsvSource({
            "0x1b, c5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470",
            "0x1e, af1349b9f5f9a1a6a0404dea36dcc9499bcb25c9adc112b7cc9a93cae41f3262",
    })
    void keccakAndBlake3OfEmptyInput(String code, String digestHex) {
        assertEquals(digestHex, HEX.formatHex(Multihash.digest(Long.decode(code), new byte[0]).digest()));
    }

    @Test
    void identityAndAccessors() {
        byte[] data = {1, 2, 3};
        Multihash mh = Multihash.identity(data);
        assertArrayEquals(new byte[] {0, 3, 1, 2, 3}, mh.bytes());
        assertEquals(0, mh.code());
        assertEquals(3, mh.length());
        data[0] = 9;
        assertArrayEquals(new byte[] {1, 2, 3}, mh.digest(), "defensive copy");
        mh.digest()[0] = 9;
        assertArrayEquals(new byte[] {1, 2, 3}, mh.digest(), "defensive copy");
        assertEquals(mh, Multihash.digest(Multicodec.IDENTITY, new byte[] {1, 2, 3}));
        assertThrows(IllegalArgumentException.class, () -> Multihash.digest(Multicodec.IDENTITY, data, 2));
        assertThrows(IllegalArgumentException.class, () -> Multihash.identity(new byte[Multihash.MAX_DIGEST_LENGTH + 1]));
    }

    @Test
    void toStringIsBase58() {
        Multihash mh = Multihash.digest(Multicodec.SHA2_256, "hello".getBytes(StandardCharsets.US_ASCII));
        assertTrue(mh.toString().startsWith("Qm"));
        assertEquals(mh, Multihash.parse(mh.toString()));
    }

    @Test
    void rejectsUnsupportedFunctionAndBadTruncation() {
        assertFalse(Multihash.isSupported(0x22));
        assertThrows(IllegalArgumentException.class, () -> Multihash.digest(0x22, new byte[1]));
        assertThrows(IllegalArgumentException.class, () -> Multihash.digest(Multicodec.SHA1, new byte[1], 21));
        assertThrows(IllegalArgumentException.class, () -> Multihash.digest(Multicodec.SHA1, new byte[1], 0));
    }

    @Test
    void unknownCodesDecode() {
        Multihash mh = Multihash.decode(HEX.parseHex("ffff0302aabb"));
        assertEquals(0xffff, mh.code());
        assertArrayEquals(new byte[] {(byte) 0xaa, (byte) 0xbb}, mh.digest());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "12", "1220", "12200000", "8000", "12ff", "ffffffffffffffffff0100", "1201aabb", "1202aa"})
    void rejectsMalformed(String hex) {
        DecodeException e = assertThrows(DecodeException.class, () -> Multihash.decode(HEX.parseHex(hex)));
        assertEquals("multihash", e.field());
    }

    @Test
    void rejectsOversizedDigestBeforeAllocating() {
        byte[] header = new byte[4];
        int n = Varint.write(0x12, header, 0);
        n += Varint.write(Multihash.MAX_DIGEST_LENGTH + 1, header, n);
        byte[] bytes = new byte[n + Multihash.MAX_DIGEST_LENGTH + 1];
        System.arraycopy(header, 0, bytes, 0, n);
        assertThrows(DecodeException.class, () -> Multihash.decode(bytes));
    }

    @Test
    void readAdvancesAndRestoresOnFailure() {
        Multihash a = Multihash.digest(Multicodec.SHA2_256, new byte[] {1});
        Multihash b = Multihash.digest(Multicodec.SHA1, new byte[] {2});
        ByteBuffer buf = ByteBuffer.allocate(a.encodedLength() + b.encodedLength() + 2);
        a.writeTo(buf);
        b.writeTo(buf);
        buf.put((byte) 0x12).put((byte) 0x20).flip();
        assertEquals(a, Multihash.read(buf));
        assertEquals(b, Multihash.read(buf));
        int at = buf.position();
        assertThrows(DecodeException.class, () -> Multihash.read(buf));
        assertEquals(at, buf.position());
    }

    static IntStream seeds() {
        return IntStream.range(0, 200);
    }

    @ParameterizedTest
    @MethodSource("seeds")
    void randomMultihashesRoundTrip(int seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        long code = switch (rnd.nextInt(3)) {
            case 0 -> rnd.nextInt(0x80);
            case 1 -> rnd.nextLong(1L << 40);
            default -> rnd.nextLong(Long.MAX_VALUE);
        };
        byte[] digest = new byte[rnd.nextInt(rnd.nextBoolean() ? 70 : Multihash.MAX_DIGEST_LENGTH + 1)];
        rnd.nextBytes(digest);
        Multihash mh = Multihash.of(code, digest);
        Multihash back = Multihash.decode(mh.bytes());
        assertEquals(mh, back);
        assertEquals(mh.hashCode(), back.hashCode());
        assertEquals(code, back.code());
        assertArrayEquals(digest, back.digest());
        if (digest.length > 0) {
            digest[0] ^= 1;
            assertNotEquals(mh, Multihash.of(code, digest));
        }
    }
}
