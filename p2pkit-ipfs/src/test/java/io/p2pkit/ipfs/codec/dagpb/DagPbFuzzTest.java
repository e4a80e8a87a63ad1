package io.p2pkit.ipfs.codec.dagpb;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.p2pkit.core.DecodeException;
import io.p2pkit.ipfs.codec.EncodeException;

import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DagPbFuzzTest {
    /**
     * Any bytes either decode to a node that re-encodes to the same bytes (or, for the legacy
     * Data-before-Links order the decoder accepts, to the canonical order, which decodes to the
     * same node), whose data-model form converts back when its links are sorted and is refused
     * with an EncodeException when not; or are refused with a DecodeException, by the links-only
     * walk as well.
     */
    @FuzzTest(maxDuration = "30s")
    void decode(byte[] input) {
        PBNode node;
        try {
            node = DagPb.DEFAULT.decodeNode(input);
        } catch (DecodeException refused) {
            // the links-only walk (which does not copy Data) checks exactly as much
            assertThrows(DecodeException.class, () -> DagPb.DEFAULT.links(input));
            return;
        }
        byte[] encoded = node.encode();
        if (!Arrays.equals(input, encoded)) {
            assertTrue(input[0] == 0x0a && !node.links().isEmpty(), "only Data before Links re-encodes differently");
            assertEquals(node, DagPb.DEFAULT.decodeNode(encoded));
        }
        assertEquals(node.links().stream().map(PBLink::hash).toList(), DagPb.DEFAULT.links(input));
        try {
            assertEquals(node, DagPb.fromNode(DagPb.toNode(node)));
            assertArrayEquals(encoded, DagPb.DEFAULT.encode(DagPb.DEFAULT.decode(input)));
        } catch (EncodeException unsorted) {
            assertTrue(unsorted.getMessage().contains("sorted by Name"), unsorted.getMessage());
        }
    }
}
