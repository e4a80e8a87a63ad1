package io.p2pkit.core.security.tls;

import org.bouncycastle.tls.crypto.CryptoHashAlgorithm;
import org.bouncycastle.tls.crypto.TlsCrypto;
import org.bouncycastle.tls.crypto.TlsCryptoUtils;
import org.bouncycastle.tls.crypto.impl.jcajce.JcaTlsCryptoProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.security.SecureRandom;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** TLS 1.3 record protection without the engine: key schedule (RFC 8446 §7) and records (§5.2). */
@Timeout(30)
class RecordProtectionTest {
    private static final HexFormat HEX = HexFormat.of();

    /** RFC 8448 §3: the handshake traffic keys of its TLS_AES_128_GCM_SHA256 trace. */
    @Test
    void trafficKeysMatchRfc8448() throws Exception {
        RecordProtection.Suite suite = RecordProtection.Suite.AES_128_GCM_SHA256;
        byte[] server = HEX.parseHex("b67b7d690cc16c4e75e54213cb2d37b4e9c912bcded9105d42befd59d391ad38");
        assertEquals("3fce516009c21727d0f2e4e86ee403bc", HEX.formatHex(RecordProtection.expandLabel(suite, server, "key", 16)));
        assertEquals("5d313eb2671276ee13000b30", HEX.formatHex(RecordProtection.expandLabel(suite, server, "iv", 12)));
        byte[] client = HEX.parseHex("b3eddb126e067f35a780b3abf45e2d8f3b1a950738f52e9600746a0e27a55a21");
        assertEquals("dbfaa693d1762c5b666af5d950258d01", HEX.formatHex(RecordProtection.expandLabel(suite, client, "key", 16)));
        assertEquals("5bd3c71b836e0b76bb73265f", HEX.formatHex(RecordProtection.expandLabel(suite, client, "iv", 12)));
    }

    /** HKDF-Expand-Label agrees with BouncyCastle's for every suite's hash and every label used here. */
    @ParameterizedTest
    @EnumSource(RecordProtection.Suite.class)
    void expandLabelAgreesWithBouncyCastle(RecordProtection.Suite suite) throws Exception {
        TlsCrypto crypto = new JcaTlsCryptoProvider().create(new SecureRandom());
        int hash = suite.hashBytes == 48 ? CryptoHashAlgorithm.sha384 : CryptoHashAlgorithm.sha256;
        byte[] secret = new byte[suite.hashBytes];
        new SplittableRandom(suite.ordinal()).nextBytes(secret);
        for (String label : new String[] {"key", "iv", "traffic upd"}) {
            for (int length : new int[] {12, suite.keyBytes, suite.hashBytes}) {
                byte[] expected = TlsCryptoUtils.hkdfExpandLabel(crypto.createSecret(secret), hash, label,
                        new byte[0], length).extract();
                assertArrayEquals(expected, RecordProtection.expandLabel(suite, secret, label, length), label + "/" + length);
            }
        }
    }

    private static byte[] secret(RecordProtection.Suite suite, int seed) {
        byte[] secret = new byte[suite.hashBytes];
        new SplittableRandom(seed).nextBytes(secret);
        return secret;
    }

    @ParameterizedTest
    @EnumSource(RecordProtection.Suite.class)
    void sealedRecordsOpenInOrderAcrossAKeyUpdate(RecordProtection.Suite suite) throws Exception {
        RecordProtection sealer = RecordProtection.sealing(suite, secret(suite, 1));
        RecordProtection opener = RecordProtection.opening(suite, secret(suite, 1));
        for (int size : new int[] {0, 1, 1000, RecordProtection.MAX_PLAINTEXT}) {
            for (int round = 0; round < 2; round++) {
                byte[] data = new byte[size];
                new SplittableRandom(size).nextBytes(data);
                byte[] record = new byte[RecordProtection.HEADER_BYTES + size + 1 + RecordProtection.TAG_BYTES];
                assertEquals(record.length, sealer.seal(RecordProtection.APPLICATION_DATA, data, 0, size, record, 0));
                assertEquals(RecordProtection.APPLICATION_DATA, record[0]);
                assertEquals(size + 1 + RecordProtection.TAG_BYTES, (record[3] & 0xFF) << 8 | record[4] & 0xFF);
                byte[] out = new byte[size + 1];
                int opened = opener.open(record, 0, record.length - RecordProtection.HEADER_BYTES, out, 0);
                assertEquals(RecordProtection.APPLICATION_DATA, (byte) (opened >>> 24));
                assertEquals(size, opened & 0xFFFFFF);
                assertArrayEquals(data, Arrays.copyOf(out, size));
            }
            sealer.update();
            opener.update();
        }
    }

    /** Zeros after the content type are padding (§5.4); the content type is the last non-zero byte. */
    @Test
    void paddingIsStripped() throws Exception {
        RecordProtection.Suite suite = RecordProtection.Suite.CHACHA20_POLY1305_SHA256;
        RecordProtection sealer = RecordProtection.sealing(suite, secret(suite, 2));
        RecordProtection opener = RecordProtection.opening(suite, secret(suite, 2));
        // content "hi", its type, then padding; sealed as if all of it were content of type 0
        byte[] inner = {'h', 'i', RecordProtection.HANDSHAKE, 0, 0, 0, 0};
        byte[] record = new byte[64];
        int n = sealer.seal((byte) 0, inner, 0, inner.length, record, 0);
        byte[] out = new byte[64];
        int opened = opener.open(record, 0, n - RecordProtection.HEADER_BYTES, out, 0);
        assertEquals(RecordProtection.HANDSHAKE, (byte) (opened >>> 24));
        assertEquals(2, opened & 0xFFFFFF);
        // all zeros: no content type at all
        int zeros = sealer.seal((byte) 0, new byte[5], 0, 5, record, 0);
        TlsRecordException e = assertThrows(TlsRecordException.class,
                () -> opener.open(record, 0, zeros - RecordProtection.HEADER_BYTES, out, 0));
        assertTrue(e.getMessage().contains("unexpected_message"), e.getMessage());
    }

    @ParameterizedTest
    @EnumSource(RecordProtection.Suite.class)
    void aTamperedHeaderBodyOrSequenceFailsAuthentication(RecordProtection.Suite suite) throws Exception {
        byte[] data = "application data".getBytes();
        for (int flip = 0; flip < 3; flip++) {
            RecordProtection sealer = RecordProtection.sealing(suite, secret(suite, 3));
            RecordProtection opener = RecordProtection.opening(suite, secret(suite, 3));
            byte[] record = new byte[64];
            int n = sealer.seal(RecordProtection.APPLICATION_DATA, data, 0, data.length, record, 0);
            switch (flip) {
                case 0 -> record[2] ^= 1;      // the version in the header is authenticated too
                case 1 -> record[n - 1] ^= 1;  // the tag
                default -> opener.update();    // the wrong key: a missed KeyUpdate
            }
            byte[] out = new byte[64];
            TlsRecordException e = assertThrows(TlsRecordException.class,
                    () -> opener.open(record, 0, n - RecordProtection.HEADER_BYTES, out, 0));
            assertTrue(e.getMessage().contains("bad_record_mac"), e.getMessage());
        }
    }

    @Test
    void oversizedRecordsAreRefused() throws Exception {
        RecordProtection.Suite suite = RecordProtection.Suite.AES_256_GCM_SHA384;
        RecordProtection opener = RecordProtection.opening(suite, secret(suite, 4));
        byte[] big = new byte[RecordProtection.HEADER_BYTES + RecordProtection.MAX_CIPHERTEXT + 1];
        TlsRecordException e = assertThrows(TlsRecordException.class,
                () -> opener.open(big, 0, RecordProtection.MAX_CIPHERTEXT + 1, new byte[big.length], 0));
        assertTrue(e.getMessage().contains("record_overflow"), e.getMessage());
        RecordProtection sealer = RecordProtection.sealing(suite, secret(suite, 4));
        assertThrows(IllegalStateException.class,
                () -> sealer.seal(RecordProtection.APPLICATION_DATA, big, 0, RecordProtection.MAX_PLAINTEXT + 1, big, 0));
    }
}
