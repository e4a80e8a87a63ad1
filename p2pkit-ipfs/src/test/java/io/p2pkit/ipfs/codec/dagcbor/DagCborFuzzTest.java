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

    /**
     * Any bytes either decode leniently (as {@code dag put} reads user input), and then their
     * canonical encoding decodes strictly to the same node; or are refused with a DecodeException.
     * Whatever the strict decoder takes, the lenient one takes the same way.
     */
    @FuzzTest(maxDuration = "30s")
    void decodeLeniently(byte[] input) {
        Node node;
        try {
            node = LENIENT.decode(input);
        } catch (DecodeException refused) {
            return;
        }
        byte[] canonical = DagCbor.DEFAULT.encode(node);
        assertEquals(node, DagCbor.DEFAULT.decode(canonical));
    }

    private static final DagCbor LENIENT = DagCbor.lenient(io.p2pkit.ipfs.codec.Limits.DEFAULT);
}
