package io.p2pkit.ipfs.codec;

import io.p2pkit.core.multiformats.Cid;
import io.p2pkit.core.multiformats.Multicodec;
import io.p2pkit.ipfs.block.Block;
import io.p2pkit.ipfs.block.LinkReader;
import io.p2pkit.ipfs.codec.dagpb.PBLink;
import io.p2pkit.ipfs.codec.dagpb.PBNode;
import io.p2pkit.ipfs.ipld.MapNode;
import io.p2pkit.ipfs.ipld.Node;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CodecsTest {
    private static final Codecs CODECS = Codecs.standard();
    private static final Cid A = Cid.parse("bafkreifw7plhl6mofk6sfvhnfh64qmkq73oeqwl6sloru6rehaoujituke");
    private static final Cid B = Cid.parse("QmNX6Tffavsya4xgBi2VJQnSuqy9GsxongxZZ9uZBqp16d");

    @Test
    void readsLinksOfEveryCodec() {
        LinkReader reader = CODECS;
        // dag-cbor orders keys by length first ("c" before "bb"), dag-json by bytes ("bb" before "c").
        Node doc = MapNode.of("bb", Node.of(A), "c", Node.list(Node.of(B), Node.of(A)));
        Block cbor = CODECS.encode(Multicodec.DAG_CBOR, doc);
        assertEquals(Multicodec.DAG_CBOR, cbor.cid().codec());
        assertEquals(List.of(B, A, A), reader.links(cbor));
        Block json = CODECS.encode(Multicodec.DAG_JSON, doc);
        assertEquals(List.of(A, B, A), reader.links(json));
        Block pb = Block.create(Multicodec.DAG_PB, Multicodec.SHA2_256,
                PBNode.of(List.of(PBLink.of(B, "x", 1), PBLink.of(A, "y", 2))).encode());
        assertEquals(List.of(B, A), reader.links(pb));
        assertTrue(reader.links(Block.create(Multicodec.RAW, Multicodec.SHA2_256, new byte[] {1})).isEmpty());
        assertEquals(doc, CODECS.decode(cbor));
        assertEquals(doc, CODECS.decode(json));
    }

    @Test
    void anUnknownCodecIsATypedError() {
        Block git = Block.create(0x78, Multicodec.SHA2_256, new byte[] {1});
        UnsupportedCodecException e = assertThrows(UnsupportedCodecException.class, () -> CODECS.links(git));
        assertEquals(0x78, e.code());
        assertTrue(e.getMessage().contains("git-raw"), e.getMessage());
        assertTrue(CODECS.find(0x78).isEmpty());
        assertThrows(IllegalArgumentException.class, () -> Codecs.of(io.p2pkit.ipfs.codec.raw.Raw.DEFAULT, io.p2pkit.ipfs.codec.raw.Raw.DEFAULT));
    }

    @Test
    void limitsCanBeRaisedForBigBlocks() {
        byte[] big = new byte[3 << 20];
        Block b = Block.create(Multicodec.RAW, Multicodec.SHA2_256, big);
        assertThrows(io.p2pkit.core.DecodeException.class, () -> CODECS.decode(b));
        assertEquals(big.length, ((io.p2pkit.ipfs.ipld.BytesNode) Codecs.standard(Limits.DEFAULT.withMaxBlockSize(4 << 20)).decode(b)).length());
    }
}
