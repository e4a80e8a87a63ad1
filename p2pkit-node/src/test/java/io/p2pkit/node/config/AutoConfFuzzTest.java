package io.p2pkit.node.config;

import com.code_intelligence.jazzer.junit.FuzzTest;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertTrue;

class AutoConfFuzzTest {
    /**
     * Any body an AutoConf URL sends (at most {@link AutoConfClient#MAX_BYTES}) is a checked
     * document within {@link AutoConf#MAX_ENTRIES} entries, or refused with an
     * IllegalArgumentException that says why: never another exception; and a document that was
     * taken replaces "auto" without failing, whatever the routing.
     */
    @FuzzTest(maxDuration = "30s")
    void parse(byte[] input) {
        if (input.length > AutoConfClient.MAX_BYTES) {
            return;
        }
        AutoConf conf;
        try {
            conf = AutoConf.parse(new String(input, StandardCharsets.UTF_8));
        } catch (IllegalArgumentException refused) {
            assertTrue(refused.getMessage() != null);
            return;
        }
        assertTrue(conf.version() != 0);
        assertTrue(conf.dnsResolvers().size() <= AutoConf.MAX_ENTRIES && conf.endpoints().size() <= AutoConf.MAX_ENTRIES);
        for (String routing : List.of("auto", "none")) {
            AutoConf.bootstrap(List.of("auto"), routing, conf);
            AutoConf.routers(List.of("auto"), routing, conf);
            AutoConf.publishers(List.of("auto"), routing, conf);
        }
        AutoConf.dnsResolvers(Map.of(".", "auto"), conf);
    }
}
