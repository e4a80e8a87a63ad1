package io.p2pkit.kad.provider;

import com.code_intelligence.jazzer.junit.FuzzTest;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;

import static org.junit.jupiter.api.Assertions.assertTrue;

class ProviderLogFuzzTest {
    /** A store opened on any file content loads a (possibly empty) prefix and never throws. */
    @FuzzTest
    void replay(byte[] input) throws Exception {
        Path dir = Files.createTempDirectory("kad-fuzz");
        Path file = dir.resolve("p.log");
        try {
            Files.write(file, input);
            try (ProviderStore s = ProviderStore.open(file, Clock.fixed(Instant.EPOCH, ZoneOffset.UTC),
                    ProviderStore.Limits.defaults())) {
                assertTrue(s.size() >= 0);
            }
            assertTrue(Files.size(file) <= input.length);
        } finally {
            Files.deleteIfExists(file);
            Files.deleteIfExists(dir);
        }
    }
}
