package io.p2pkit.ipfs.codec.dagjson;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.p2pkit.core.DecodeException;
import io.p2pkit.ipfs.codec.dagcbor.DagCbor;
import io.p2pkit.ipfs.ipld.Node;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

class DagJsonFuzzTest {
    /**
     * Any bytes either decode to a node whose canonical encoding decodes to the same node and is a
     * fixed point (encode(decode(canonical)) == canonical), and which DAG-CBOR carries unchanged;
     * or are refused with a DecodeException.
     */
    @FuzzTest(maxDuration = "30s")
    void decode(byte[] input) {
        Node node;
        try {
            node = DagJson.DEFAULT.decode(input);
        } catch (DecodeException refused) {
            return;
        }
        byte[] canonical = DagJson.DEFAULT.encode(node);
        Node again = DagJson.DEFAULT.decode(canonical);
        assertEquals(node, again);
        assertArrayEquals(canonical, DagJson.DEFAULT.encode(again));
        assertEquals(node, DagCbor.DEFAULT.decode(DagCbor.DEFAULT.encode(node)));
        assertEquals(sorted(node.links()), sorted(DagJson.DEFAULT.links(canonical)));
    }

    private static List<String> sorted(List<io.p2pkit.core.multiformats.Cid> cids) {
        return cids.stream().map(Object::toString).sorted().toList();
    }
}
