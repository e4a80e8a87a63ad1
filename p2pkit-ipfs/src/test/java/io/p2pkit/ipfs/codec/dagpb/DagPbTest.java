package io.p2pkit.ipfs.codec.dagpb;

import io.p2pkit.core.DecodeException;
import io.p2pkit.core.multiformats.Cid;
import io.p2pkit.core.multiformats.Multicodec;
import io.p2pkit.ipfs.block.Block;
import io.p2pkit.ipfs.codec.EncodeException;
import io.p2pkit.ipfs.ipld.MapNode;
import io.p2pkit.ipfs.ipld.Node;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DagPbTest {
    private static final Cid RAW = Cid.parse("bafkreifw7plhl6mofk6sfvhnfh64qmkq73oeqwl6sloru6rehaoujituke");

    private static byte[] hex(String h) {
        return HexFormat.of().parseHex(h.replace(" ", ""));
    }

    @Test
    void theEmptyBlockIsTheEmptyNode() {
        PBNode empty = PBNode.decode(new byte[0]);
        assertFalse(empty.hasData());
        assertTrue(empty.links().isEmpty());
        assertEquals(0, empty.encode().length);
        // The CIDs the spec gives for the zero-length DAG-PB block.
        assertEquals("QmdfTbBqBPQ7VNxZEYEj14VmRuZBkqFbiwReogJgS1zR1n",
                Block.create(Multicodec.DAG_PB, Multicodec.SHA2_256, empty.encode()).cid().toV0().toString());
        assertEquals("bafybeihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyku",
                Block.create(Multicodec.DAG_PB, Multicodec.SHA2_256, empty.encode()).cid().toString());
        assertEquals(MapNode.of("Links", Node.list()), DagPb.DEFAULT.decode(new byte[0]));
    }

    @Test
    void aUnixFsStyleNodeOf174LinksRoundTrips() {
        List<PBLink> links = new ArrayList<>();
        for (int i = 0; i < 174; i++) {
            Cid chunk = Block.create(Multicodec.RAW, Multicodec.SHA2_256, new byte[] {(byte) i}).cid();
            links.add(PBLink.of(chunk, "", 262_144));
        }
        byte[] data = {0x08, 0x02, 0x18, (byte) 0x80, (byte) 0x80, (byte) 0xae, 0x16};
        PBNode node = PBNode.of(data, links);
        byte[] encoded = node.encode();
        PBNode back = PBNode.decode(encoded);
        assertEquals(node, back);
        assertArrayEquals(encoded, back.encode());
        // Each link: 0x12 len | 0x0a 0x24 CID(36) | 0x12 0x00 | 0x18 varint(262144) (3 bytes)
        assertEquals(174 * (2 + 2 + 36 + 2 + 4) + 2 + data.length, encoded.length);
        List<Cid> hashes = DagPb.DEFAULT.links(encoded);
        assertEquals(174, hashes.size());
        assertEquals(links.get(173).hash(), hashes.get(173));
        assertArrayEquals(encoded, DagPb.DEFAULT.encode(DagPb.DEFAULT.decode(encoded)));
    }

    @Test
    void absentAndEmptyFieldsStayApart() {
        PBNode withEmpty = PBNode.of(new byte[0], List.of(new PBLink(RAW, "", 0L)));
        PBNode withNone = PBNode.of(List.of(PBLink.of(RAW)));
        assertEquals(withEmpty, PBNode.decode(withEmpty.encode()));
        assertEquals(withNone, PBNode.decode(withNone.encode()));
        assertFalse(withEmpty.equals(withNone));
        assertNull(PBNode.decode(withNone.encode()).links().get(0).name());
        assertEquals("", PBNode.decode(withNone.encode()).links().get(0).nameOrEmpty());
    }

    @ParameterizedTest(name = "{1}")
    @CsvSource(delimiter = '|', textBlock = """
            0a0100 0a0100 | duplicate Data
            1a00 | unexpected field 3
            0800 | unexpected field 1 with wire type 0
            0a05 0001 | claims 5 bytes
            0a | input ends inside
            8a01 00 | unexpected field 17
            0a8000 | shortest form
            120b 120162 0a0601550002 0102 | out of order
            120f 0a0901550005000102030418 00 18 00 | repeated
            120d 0a09015500050001020304 2200 | unexpected field 4
            120c 0a09015500050001020304 10 | wire type 0, expected 2
            120b 0a0901550005000102030499 | input ends inside
            120e 0a09015500050001020304 1201 ff | not valid UTF-8
            1206 0a04 01550001 | Hash is not a valid CID
            1216 0a0901550005000102030418 ffffffffffffffffff01 | exceeds 2^63-1
            1216 0a0901550005000102030418 ffffffffffffffffff7f | overflows 64 bits
            """)
    void malformedBlocksAreRefused(String encoded, String why) {
        DecodeException e = assertThrows(DecodeException.class, () -> PBNode.decode(hex(encoded)));
        assertTrue(e.getMessage().contains(why), e.getMessage());
        assertEquals("dag-pb", e.field());
    }

    @Test
    void linksStayInBlockOrderAndOnlyTheDataModelPathInsistsOnSorting() {
        PBNode unsorted = PBNode.of(List.of(PBLink.of(RAW, "b", 1), PBLink.of(RAW, "a", 1)));
        byte[] bytes = unsorted.encode();
        assertEquals(unsorted, PBNode.decode(bytes));
        Node form = DagPb.toNode(unsorted);
        EncodeException e = assertThrows(EncodeException.class, () -> DagPb.fromNode(form));
        assertTrue(e.getMessage().contains("sorted by Name bytes"), e.getMessage());
        PBNode sorted = PBNode.of(List.of(PBLink.of(RAW, "a", 1), PBLink.of(RAW, "b", 1)));
        assertEquals(sorted, DagPb.fromNode(DagPb.toNode(sorted)));
    }

    @Test
    void linksRefuseNegativeSizesAndBrokenNames() {
        assertThrows(IllegalArgumentException.class, () -> PBLink.of(RAW, "x", -1));
        assertThrows(IllegalArgumentException.class, () -> PBLink.of(RAW, "\uD800", 1));
    }

    @Test
    void dataIsSharedNotCopied() {
        byte[] data = {1, 2, 3};
        PBNode n = PBNode.of(data);
        assertTrue(n.data() == data);
        assertEquals("PBNode(Data 010203, 0 links)", n.toString());
    }
}
