package io.p2pkit.core.security.tls;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 16: a program using p2pkit's TLS must not find BouncyCastle's configuration notes
 * ({@code WARNING: Ignoring unsupported entry in 'jdk.certpath.disabledAlgorithms'…}, INFO lines)
 * on its stderr (they came from BouncyCastle's JSSE, which p2pkit no longer uses; the check stays).
 * Checked in a fresh JVM, where the first handshake loads BouncyCastle's provider, with the JDK's
 * default logging configuration.
 */
class TlsQuietTest {
    @Test
    void aTlsHandshakeInAFreshJvmPrintsNothingOnStderr() throws Exception {
        Process p = child(List.of());
        String err = Files.readString(errFile);
        assertEquals(0, p.exitValue(), "the program failed: " + err);
        assertTrue(Files.readString(outFile).startsWith("handshake ok: /tls/1.0.0"), Files.readString(outFile));
        assertEquals("", err, "stderr of a program that made one TLS handshake");
    }

    private Path outFile;
    private Path errFile;

    private Process child(List<String> jvmOptions) throws IOException, InterruptedException {
        outFile = Files.createTempFile("tls-out", ".txt");
        errFile = Files.createTempFile("tls-err", ".txt");
        outFile.toFile().deleteOnExit();
        errFile.toFile().deleteOnExit();
        List<String> command = new java.util.ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), TlsHandshakeProgram.class.getName()));
        Process p = new ProcessBuilder(command).redirectOutput(outFile.toFile()).redirectError(errFile.toFile()).start();
        if (!p.waitFor(90, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("the TLS program did not finish within 90 s");
        }
        return p;
    }
}
