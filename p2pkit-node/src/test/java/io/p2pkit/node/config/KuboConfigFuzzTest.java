package io.p2pkit.node.config;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.p2pkit.ipfs.repo.RepoConfig;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class KuboConfigFuzzTest {
    /**
     * Any body of {@code config/replace} becomes a config or is refused with an
     * IllegalArgumentException that has a message (the RPC's error answer); a config it makes is
     * written and read back the same.
     */
    @FuzzTest(maxDuration = "30s")
    void replace(byte[] input) {
        try {
            Object doc = KuboConfig.parseJson(new String(input, StandardCharsets.UTF_8));
            if (!(doc instanceof Map<?, ?> m)) {
                return;
            }
            RepoConfig c = KuboConfig.replace(RepoConfig.defaults(), m, new ArrayList<>());
            assertEquals(KuboConfig.show(c), KuboConfig.show(RepoConfig.parse(c.format())));
        } catch (IllegalArgumentException refused) {
            assertTrue(refused.getMessage() != null);
        }
    }
}
