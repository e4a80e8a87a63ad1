package io.p2pkit.node.cli.content;

import com.code_intelligence.jazzer.junit.FuzzTest;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class IpnsInspectionFuzzTest {
    /**
     * Any bytes (what {@code name/inspect} gets from a client, or {@code routing get} from the
     * network) are shown, checked against a name, or refused with a message; nothing else.
     */
    @FuzzTest(maxDuration = "30s")
    void inspect(byte[] input) {
        try {
            IpnsInspection i = IpnsInspection.inspect(input, Optional.of("12D3KooWHz7AEJzbRD66xbLErTe5aCRH8ucnijCRdRWXoJ6tSCbq"),
                    true, Instant.parse("2026-11-24T00:00:00Z"));
            Map<String, Object> json = i.json();
            String text = IpnsInspection.text(json);
            assertTrue(text.contains("Signature Type: "), text);
            assertNotNull(io.p2pkit.node.json.Json.write(json));
        } catch (IllegalArgumentException refused) {
            assertNotNull(refused.getMessage());
        }
    }
}
