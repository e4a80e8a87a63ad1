package io.p2pkit.node.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code p2pkit multibase}: Kubo's outputs (its help's own examples) and errors. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class MultibaseCommandTest {
    private static byte[] stdout(byte[] stdin, String... argv) {
        CliRunner.Bytes r = CliRunner.bytes(stdin, argv);
        assertEquals(0, r.status(), r.stderr());
        return r.stdout();
    }

    private static String text(String stdin, String... argv) {
        return new String(stdout(stdin.getBytes(StandardCharsets.UTF_8), argv), StandardCharsets.UTF_8);
    }

    @Test
    void encodesDecodesAndTranscodesAsKubosExamples(@TempDir Path dir) throws Exception {
        assertEquals("f68656c6c6f0a", text("hello\n", "multibase", "encode", "-b", "base16"));
        assertEquals("uaGVsbG8", text("hello", "multibase", "encode"));
        Path file = Files.writeString(dir.resolve("file"), "f68656c6c6f");
        assertEquals("hello", text("", "multibase", "decode", file.toString()));
        assertEquals("f68656c6c6f", text("uaGVsbG8", "multibase", "transcode", "-b", "base16"));
        assertEquals("hello", text("uaGVsbG8\n", "multibase", "decode"), "a base64 text's newline is passed over");
        byte[] binary = {0, (byte) 0x80, (byte) 0xff, 10};
        for (String base : new String[]{"identity", "0", "base32padupper", "k", "Z", "base64urlpad", "base256emoji", "base8"}) {
            byte[] encoded = stdout(binary, "multibase", "encode", "-b", base);
            assertArrayEquals(binary, stdout(encoded, "multibase", "decode"), base);
        }
        assertEquals("{\"Encoded\":\"uaGVsbG8\"}\n", text("hello", "multibase", "encode", "--json"));
        assertEquals("{\"Data\":\"aGVsbG8=\"}\n", text("uaGVsbG8", "multibase", "decode", "--json"));
    }

    @Test
    void refusesAsKubo() {
        CliRunner base = CliRunner.runWithInput("x".getBytes(StandardCharsets.UTF_8), "multibase", "encode", "-b", "base99");
        assertEquals(2, base.status());
        assertTrue(base.err().contains("unsupported multibase encoding: base99"), base.err());
        CliRunner unknown = CliRunner.runWithInput("xabc".getBytes(StandardCharsets.UTF_8), "multibase", "decode");
        assertEquals(1, unknown.status());
        assertTrue(unknown.err().contains("failed to decode multibase: selected encoding not supported"), unknown.err());
        CliRunner empty = CliRunner.run("multibase", "transcode");
        assertEquals(1, empty.status());
        assertTrue(empty.err().contains("failed to decode multibase: cannot decode multibase for zero length string"),
                empty.err());
        CliRunner tooBig = CliRunner.runWithInput(new byte[5000], "multibase", "encode", "-b", "base58btc");
        assertEquals(1, tooBig.status());
        assertTrue(tooBig.err().contains("base58btc encodes at most 4096 bytes"), tooBig.err());
        assertEquals(2, CliRunner.run("multibase").status());
    }
}
