package io.p2pkit.node.routing;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.p2pkit.core.host.PeerInfo;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertTrue;

class RoutingV1ClientFuzzTest {
    /**
     * Any answer body, streamed or not, yields at most the limit of peers or is refused with an
     * IOException: never another exception, never unbounded memory.
     */
    @FuzzTest(maxDuration = "30s")
    void read(byte[] input) {
        for (boolean ndjson : new boolean[]{true, false}) {
            List<PeerInfo> found = new ArrayList<>();
            try {
                RoutingV1Client.read(new ByteArrayInputStream(input), ndjson, "Providers", 5, found::add);
            } catch (IOException refused) {
                continue;
            }
            assertTrue(found.size() <= 5);
        }
    }
}
