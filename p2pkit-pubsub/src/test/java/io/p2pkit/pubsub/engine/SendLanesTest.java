package io.p2pkit.pubsub.engine;

import io.p2pkit.pubsub.PubsubMessage;
import io.p2pkit.pubsub.Rpc;
import io.p2pkit.pubsub.RpcCodec;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A peer's send queue: control first, messages batched under a size, full lanes drop and count. */
class SendLanesTest {
    private static PubsubMessage message(int size) {
        return PubsubMessage.anonymous("t", new byte[size]);
    }

    @Test
    void controlGoesBeforeMessagesQueuedEarlier() {
        SendLanes lanes = new SendLanes(4, 4, 1024);
        PubsubMessage m = message(10);
        Rpc graft = Rpc.ofSubscriptions(List.of(new Rpc.SubOpts(true, "t")));
        assertTrue(lanes.offerMessage(m));
        assertTrue(lanes.offerControl(graft));
        assertSame(graft, lanes.poll());
        assertEquals(List.of(m), lanes.poll().messages());
        assertNull(lanes.poll());
        assertTrue(lanes.isEmpty());
    }

    @Test
    void messagesAreBatchedUpToTheSizeButABatchHoldsAtLeastOne() {
        int one = RpcCodec.encodedSize(message(400));
        SendLanes lanes = new SendLanes(4, 8, 2 * one);
        for (int i = 0; i < 3; i++) {
            lanes.offerMessage(message(400));
        }
        assertEquals(2, lanes.poll().messages().size(), "two fit in a batch");
        assertEquals(1, lanes.poll().messages().size());
        SendLanes small = new SendLanes(4, 8, 10);
        small.offerMessage(message(400));
        assertEquals(1, small.poll().messages().size(), "a message over the batch size goes alone");
    }

    @Test
    void fullLanesDropNewItemsAndCountThem() {
        SendLanes lanes = new SendLanes(1, 2, 1024);
        Rpc c = Rpc.ofSubscriptions(List.of(new Rpc.SubOpts(true, "t")));
        assertTrue(lanes.offerControl(c));
        assertFalse(lanes.offerControl(c));
        assertTrue(lanes.offerMessage(message(1)));
        assertTrue(lanes.offerMessage(message(1)));
        assertFalse(lanes.offerMessage(message(1)));
        assertEquals(1, lanes.droppedControl());
        assertEquals(1, lanes.droppedMessages());
        lanes.close();
        assertTrue(lanes.isEmpty());
        assertEquals(1, lanes.droppedMessages(), "what a closing link held is not counted as drops");
        assertFalse(lanes.offerMessage(message(1)));
        assertFalse(lanes.offerControl(c));
        assertNull(lanes.poll());
        assertEquals(2, lanes.droppedMessages(), "offers after closing are refused and counted");
        assertEquals(2, lanes.droppedControl());
    }
}
