package io.p2pkit.node.gateway;

import com.code_intelligence.jazzer.junit.FuzzTest;

import static org.junit.jupiter.api.Assertions.assertTrue;

class RedirectsFileFuzzTest {
    /**
     * Any file is parsed into rules or refused with an IllegalArgumentException saying why; a
     * parsed file matches any path without another exception.
     */
    @FuzzTest(maxDuration = "30s")
    void parse(byte[] input) {
        RedirectsFile file;
        try {
            file = RedirectsFile.parse(input);
        } catch (IllegalArgumentException refused) {
            assertTrue(refused.getMessage() != null);
            return;
        }
        file.match("/a/b/c");
        file.match("/");
        file.match(new String(input, java.nio.charset.StandardCharsets.UTF_8));
    }
}
