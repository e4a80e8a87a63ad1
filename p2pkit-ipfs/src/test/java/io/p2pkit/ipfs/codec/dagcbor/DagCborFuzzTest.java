package io.p2pkit.ipfs.codec.dagcbor;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.p2pkit.core.DecodeException;
import io.p2pkit.ipfs.codec.dagjson.DagJson;
import io.p2pkit.ipfs.ipld.Node;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

class DagCborFuzzTest {
    /**
     * Any bytes either decode, and then (strictness means canonical) re-encode to exactly the same
     * bytes, give the same links through the lenient scanner, and survive a trip through DAG-JSON;
     * or are refused with a DecodeException. The lenient link scanner refuses only what decoding
     * refuses too.
     */
    @FuzzTest(maxDuration = "30s")
    void decode(byte[] input) {
        Node node;
        try {
            node = DagCbor.DEFAULT.decode(input);
        } catch (DecodeException refused) {
            try {
                DagCbor.DEFAULT.links(input);
            } catch (DecodeException alsoRefused) {
                // the scanner may refuse it too
            }
            return;
        }
        assertArrayEquals(input, DagCbor.DEFAULT.encode(node));
        assertEquals(node.links(), DagCbor.DEFAULT.links(input));
        byte[] json = DagJson.DEFAULT.encode(node);
        assertEquals(node, DagJson.DEFAULT.decode(json));
    }
}
