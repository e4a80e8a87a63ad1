package io.p2pkit.ipfs.graphsync;

import io.p2pkit.core.DecodeException;
import io.p2pkit.core.multiformats.Multicodec;
import io.p2pkit.ipfs.block.Block;
import io.p2pkit.ipfs.codec.dagcbor.DagCbor;
import io.p2pkit.ipfs.ipld.BytesNode;
import io.p2pkit.ipfs.ipld.IntNode;
import io.p2pkit.ipfs.ipld.ListNode;
import io.p2pkit.ipfs.ipld.MapNode;
import io.p2pkit.ipfs.ipld.Node;
import io.p2pkit.ipfs.selector.Selector;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MessageCodecTest {
    private final Block block = Block.create(Multicodec.RAW, Multicodec.SHA2_256, "hello".getBytes(StandardCharsets.UTF_8));
    private final Message.RequestId id = Message.RequestId.random();

    @Test
    void requestsResponsesAndBlocksRoundTrip() {
        Message m = new Message(
                List.of(new Message.Request(id, Message.RequestType.NEW, 7, block.cid(), Selector.exploreAll().toNode(),
                        Map.of("x", Node.of("y"))), Message.Request.cancel(Message.RequestId.random())),
                List.of(new Message.Response(id, ResponseStatus.PARTIAL_RESPONSE, List.of(
                        new Message.Metadatum(block.cid(), Message.LinkAction.PRESENT),
                        new Message.Metadatum(block.cid(), Message.LinkAction.MISSING)), Map.of())),
                List.of(block));

        Message again = MessageCodec.decode(MessageCodec.encode(m), Block.MAX_SIZE);

        assertEquals(m.responses(), again.responses());
        assertEquals(m.blocks(), again.blocks());
        assertEquals(2, again.requests().size());
        Message.Request r = again.requests().getFirst();
        assertEquals(id, r.id());
        assertEquals(7, r.priority());
        assertEquals(block.cid(), r.root());
        assertEquals(Selector.exploreAll().toNode(), r.selector());
        assertEquals(Map.of("x", Node.of("y")), r.extensions());
        assertEquals(Message.RequestType.CANCEL, again.requests().get(1).type());
    }

    @Test
    void theLayoutIsGoGraphsyncs() {
        MapNode root = (MapNode) DagCbor.DEFAULT.decode(MessageCodec.encode(new Message(List.of(),
                List.of(new Message.Response(id, ResponseStatus.REQUEST_COMPLETED_FULL,
                        List.of(new Message.Metadatum(block.cid(), Message.LinkAction.PRESENT)), Map.of())), List.of(block))));
        MapNode gs2 = (MapNode) root.get("gs2").orElseThrow();
        MapNode rsp = (MapNode) ((ListNode) gs2.get("rsp").orElseThrow()).get(0);
        assertEquals(IntNode.of(20), rsp.get("stat").orElseThrow());
        assertEquals(BytesNode.of(id.bytes()), rsp.get("reqid").orElseThrow());
        assertEquals(Node.list(Node.of(block.cid()), Node.of("p")), ((ListNode) rsp.get("meta").orElseThrow()).get(0));
        ListNode blk = (ListNode) ((ListNode) gs2.get("blk").orElseThrow()).get(0);
        // prefix: CIDv1, raw, sha2-256, 32 bytes
        assertEquals(BytesNode.of(new byte[] {0x01, 0x55, 0x12, 0x20}), blk.get(0));
    }

    @Test
    void malformedMessagesAreRefused() {
        byte[] shortId = DagCbor.DEFAULT.encode(MapNode.of("gs2", MapNode.of("rsp", Node.list(
                MapNode.of("reqid", Node.of(new byte[4]), "stat", Node.of(20))))));
        assertThrows(DecodeException.class, () -> MessageCodec.decode(shortId, Block.MAX_SIZE));
        byte[] unknownStatus = DagCbor.DEFAULT.encode(MapNode.of("gs2", MapNode.of("rsp", Node.list(
                MapNode.of("reqid", Node.of(new byte[16]), "stat", Node.of(99))))));
        assertThrows(DecodeException.class, () -> MessageCodec.decode(unknownStatus, Block.MAX_SIZE));
        byte[] noGs2 = DagCbor.DEFAULT.encode(MapNode.of("gs1", MapNode.EMPTY));
        assertThrows(DecodeException.class, () -> MessageCodec.decode(noGs2, Block.MAX_SIZE));
        byte[] newWithoutRoot = DagCbor.DEFAULT.encode(MapNode.of("gs2", MapNode.of("req", Node.list(
                MapNode.of("id", Node.of(new byte[16]), "type", Node.of("n"))))));
        assertThrows(DecodeException.class, () -> MessageCodec.decode(newWithoutRoot, Block.MAX_SIZE));
    }

    @Test
    void blocksOverTheCapAreRefused() {
        Block big = Block.create(Multicodec.RAW, Multicodec.SHA2_256, new byte[4096]);
        byte[] bytes = MessageCodec.encode(new Message(List.of(), List.of(), List.of(big)));
        DecodeException e = assertThrows(DecodeException.class, () -> MessageCodec.decode(bytes, 4095));
        assertTrue(e.getMessage().contains("block limit"), e.getMessage());
        assertEquals(List.of(big), MessageCodec.decode(bytes, 4096).blocks());
    }
}
