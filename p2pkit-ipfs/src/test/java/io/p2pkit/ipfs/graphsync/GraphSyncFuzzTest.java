package io.p2pkit.ipfs.graphsync;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.p2pkit.core.DecodeException;
import io.p2pkit.ipfs.block.Block;

import static org.junit.jupiter.api.Assertions.assertEquals;

class GraphSyncFuzzTest {
    /**
     * Any bytes either decode to a message that encodes and decodes to the same message, or are
     * refused with a DecodeException (never another exception, never unbounded memory); so are
     * the do-not-send extensions of its requests.
     */
    @FuzzTest(maxDuration = "30s")
    void decode(byte[] input) {
        Message m;
        try {
            m = MessageCodec.decode(input, 64 * 1024);
        } catch (DecodeException refused) {
            return;
        }
        Message again = MessageCodec.decode(MessageCodec.encode(m), Block.MAX_SIZE);
        assertEquals(m.requests().size(), again.requests().size());
        assertEquals(m.responses(), again.responses());
        assertEquals(m.blocks(), again.blocks());
        for (Message.Request r : m.requests()) {
            try {
                Extensions.Skips skips = Extensions.decode(r.extensions());
                String key = Extensions.dedupKey(r.extensions());
                var again2 = Extensions.encode(skips.cids(), skips.firstBlocks(), key);
                assertEquals(skips, Extensions.decode(again2));
                assertEquals(key, Extensions.dedupKey(again2));
            } catch (DecodeException refused) {
                // an extension shaped unlike go-graphsync's: that request is answered 32
            }
        }
    }
}
