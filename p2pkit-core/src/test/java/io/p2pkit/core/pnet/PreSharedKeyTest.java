package io.p2pkit.core.pnet;

import io.p2pkit.core.DecodeException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PreSharedKeyTest {
    /** 0x00, 0x01, … 0x1f. */
    private static final byte[] KEY = new byte[32];
    private static final String HEX = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";

    static {
        for (int i = 0; i < KEY.length; i++) {
            KEY[i] = (byte) i;
        }
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    @Test
    void readsEachEncodingGoReads() {
        assertArrayEquals(KEY, PreSharedKey.parse(ascii("/key/swarm/psk/1.0.0/\n/base16/\n" + HEX + "\n")).bytes());
        assertArrayEquals(KEY, PreSharedKey.parse(ascii("/key/swarm/psk/1.0.0/\r\n/base16/\r\n" + HEX.toUpperCase())).bytes());
        String b64 = Base64.getEncoder().encodeToString(KEY);
        assertArrayEquals(KEY, PreSharedKey.parse(ascii("/key/swarm/psk/1.0.0/\n/base64/\n" + b64 + "\n")).bytes());
        // Go's base64 decoder skips line breaks inside the text
        assertArrayEquals(KEY, PreSharedKey.parse(ascii("/key/swarm/psk/1.0.0/\n/base64/\n" + b64.substring(0, 20) + "\n"
                + b64.substring(20))).bytes());
        byte[] bin = ascii("/key/swarm/psk/1.0.0/\n/bin/\n");
        byte[] file = Arrays.copyOf(bin, bin.length + 32);
        System.arraycopy(KEY, 0, file, bin.length, 32);
        assertArrayEquals(KEY, PreSharedKey.parse(file).bytes());
    }

    @Test
    void encodesWhatItReadsAndWhatKuboWrites() {
        PreSharedKey k = PreSharedKey.of(KEY);
        assertEquals("/key/swarm/psk/1.0.0/\n/base16/\n" + HEX + "\n", new String(k.encode(), StandardCharsets.US_ASCII));
        PreSharedKey random = PreSharedKey.generate();
        assertEquals(random, PreSharedKey.parse(random.encode()));
        assertFalse(random.equals(k));
    }

    @Test
    void fingerprintIsKubos() {
        // golang.org/x/crypto: salsa20.XORKeyStream over 64 zero bytes, nonce "finprint", then sha3.ShakeSum128 to 16 bytes
        assertEquals("41dfbf48d882a8ee665983adfa7a48f7", PreSharedKey.of(KEY).fingerprintHex());
        assertTrue(PreSharedKey.of(KEY).toString().contains("41dfbf48d882a8ee665983adfa7a48f7"));
        assertFalse(PreSharedKey.of(KEY).toString().contains(HEX));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "empty file|''|header line",
            "no newline after the header|/key/swarm/psk/1.0.0/|header line",
            "wrong header|/key/swarm/psk/2.0.0/\\n/base16/\\n|expected /key/swarm/psk/1.0.0/",
            "no encoding line|/key/swarm/psk/1.0.0/\\n/base16/|encoding line",
            "unknown encoding|/key/swarm/psk/1.0.0/\\n/base58/\\nabc|unknown encoding '/base58/'",
            "short hex|/key/swarm/psk/1.0.0/\\n/base16/\\n0011|has 4 digits, not 64",
            "bad hex|/key/swarm/psk/1.0.0/\\n/base16/\\n0g0102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f|offset 1",
            "short base64|/key/swarm/psk/1.0.0/\\n/base64/\\nAAEC|shorter than 32 bytes",
            "bad base64|/key/swarm/psk/1.0.0/\\n/base64/\\n!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!=|not valid base64",
            "short binary|/key/swarm/psk/1.0.0/\\n/bin/\\nabc|is 3 bytes, not 32",
    })
    void rejectsEachMalformedFormClearly(String what, String file, String message) {
        DecodeException e = assertThrows(DecodeException.class, () -> PreSharedKey.parse(ascii(file.replace("\\n", "\n"))));
        assertTrue(e.getMessage().contains(message), what + ": " + e.getMessage());
    }

    @Test
    void capsTheFileSize(@TempDir Path dir) throws IOException {
        byte[] big = new byte[PreSharedKey.MAX_FILE_BYTES + 1];
        byte[] valid = PreSharedKey.of(KEY).encode();
        System.arraycopy(valid, 0, big, 0, valid.length);
        DecodeException e = assertThrows(DecodeException.class, () -> PreSharedKey.parse(big));
        assertTrue(e.getMessage().contains("larger than"), e.getMessage());
        Path file = dir.resolve("swarm.key");
        Files.write(file, new byte[10 * 1024 * 1024]);
        e = assertThrows(DecodeException.class, () -> PreSharedKey.read(file));
        assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
        Files.write(file, PreSharedKey.of(KEY).encode());
        assertEquals(PreSharedKey.of(KEY), PreSharedKey.read(file));
    }

    @Test
    void keyMustBe32Bytes() {
        assertThrows(IllegalArgumentException.class, () -> PreSharedKey.of(new byte[31]));
        assertEquals(HEX, HexFormat.of().formatHex(PreSharedKey.of(KEY).bytes()));
    }

    @Test
    void forcedOnlyByOne() {
        assertTrue(PreSharedKey.forcedBy(Map.of("LIBP2P_FORCE_PNET", "1")));
        assertFalse(PreSharedKey.forcedBy(Map.of("LIBP2P_FORCE_PNET", "true")));
        assertFalse(PreSharedKey.forcedBy(Map.of()));
    }
}
