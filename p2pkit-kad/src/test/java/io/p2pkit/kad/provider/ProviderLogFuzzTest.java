package io.p2pkit.kad.provider;

import com.code_intelligence.jazzer.junit.FuzzTest;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HexFormat;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ProviderLogFuzzTest {
    private static final Clock CLOCK = Clock.fixed(Instant.EPOCH, ZoneOffset.UTC);

    /**
     * A store opened on any file content never throws: it keeps the longest valid prefix of the
     * log, cuts the rest off, and that prefix is then a clean log: replaying it again gives the
     * same records and cuts nothing more.
     */
    @FuzzTest
    void replay(byte[] input) throws Exception {
        Path dir = Files.createTempDirectory("kad-fuzz");
        Path file = dir.resolve("p.log");
        try {
            Files.write(file, input);
            int records;
            List<String> local;
            try (ProviderStore s = ProviderStore.open(file, CLOCK, ProviderStore.Limits.defaults())) {
                records = s.size();
                local = localKeys(s);
            }
            long kept = Files.size(file);
            assertTrue(kept <= input.length, "the log only ever shrinks on replay");
            try (ProviderStore s = ProviderStore.open(file, CLOCK, ProviderStore.Limits.defaults())) {
                assertEquals(records, s.size(), "records after a second replay");
                assertEquals(local, localKeys(s), "local keys after a second replay");
            }
            assertEquals(kept, Files.size(file), "a second replay cuts nothing");
        } finally {
            Files.deleteIfExists(file);
            Files.deleteIfExists(dir);
        }
    }

    private static List<String> localKeys(ProviderStore s) {
        return s.localKeys().stream().map(HexFormat.of()::formatHex).sorted().toList();
    }
}
