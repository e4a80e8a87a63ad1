package io.p2pkit.ipfs.graphsync;

import io.p2pkit.ipfs.block.Block;
import io.p2pkit.ipfs.ipld.Node;
import io.p2pkit.ipfs.selector.Selector;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * Messages as go-graphsync v0.18.1 encodes them (made by p2pkit-interop/peers/go-graphsync/vectors):
 * each decodes to what go put in, and encodes back to go's bytes exactly.
 */
class GoVectorsTest {
    private static final Message.RequestId ID = new Message.RequestId(
            new byte[] {1, 2, 3, 4, 5, 6, 0x47, 8, (byte) 0x89, 10, 11, 12, 13, 14, 15, 16});

    private static byte[] vector(String name) throws IOException {
        try (InputStream in = Objects.requireNonNull(GoVectorsTest.class.getResourceAsStream("go-graphsync/" + name), name)) {
            return in.readAllBytes();
        }
    }

    private static Message decodeAndReencode(String name) throws IOException {
        byte[] go = vector(name);
        Message m = MessageCodec.decode(go, Block.MAX_SIZE);
        assertArrayEquals(go, MessageCodec.encode(m), name + " encodes back to go-graphsync's bytes");
        return m;
    }

    @Test
    void aNewRequest() throws IOException {
        Message.Request r = decodeAndReencode("request").requests().getFirst();
        assertEquals(ID, r.id());
        assertEquals(Message.RequestType.NEW, r.type());
        assertEquals(5, r.priority());
        assertEquals(0, r.root().version());
        assertEquals(Selector.exploreAll().toNode(), r.selector());
        assertEquals(Map.of("x/test", Node.of("hello")), r.extensions());
    }

    @Test
    void aCancel() throws IOException {
        Message.Request r = decodeAndReencode("cancel").requests().getFirst();
        assertEquals(ID, r.id());
        assertEquals(Message.RequestType.CANCEL, r.type());
        assertNull(r.root());
        assertNull(r.selector());
    }

    @Test
    void aResponseWithMetadataAndBlocks() throws IOException {
        Message m = decodeAndReencode("response");
        Message.Response r = m.responses().getFirst();
        assertEquals(ID, r.id());
        assertEquals(ResponseStatus.REQUEST_COMPLETED_PARTIAL, r.status());
        assertEquals(List.of(Message.LinkAction.PRESENT, Message.LinkAction.PRESENT, Message.LinkAction.MISSING),
                r.metadata().stream().map(Message.Metadatum::action).toList());
        assertEquals(2, m.blocks().size());
        // the blocks' CIDs, made from their prefixes and bytes, are the present links (a CIDv0 and a raw CIDv1)
        assertEquals(java.util.Set.of(r.metadata().get(0).link(), r.metadata().get(1).link()),
                java.util.Set.copyOf(m.blocks().stream().map(Block::cid).toList()));
    }
}
