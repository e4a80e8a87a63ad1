package io.p2pkit.ipfs.bitswap;

import io.p2pkit.core.crypto.PrivateKey;
import io.p2pkit.core.identity.PeerId;
import io.p2pkit.core.multiformats.Cid;
import io.p2pkit.core.multiformats.Multicodec;
import io.p2pkit.ipfs.bitswap.wire.WantEntry;
import io.p2pkit.ipfs.bitswap.wire.WantType;
import io.p2pkit.ipfs.block.Block;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ServerEngineTest {
    static PeerId peer() {
        return PrivateKey.generateEd25519().publicKey().toPeerId();
    }

    static Cid cid(int i) {
        return Block.create(Multicodec.RAW, Multicodec.SHA2_256, new byte[]{(byte) i, (byte) (i >> 8), (byte) (i >> 16)}).cid();
    }

    @Test
    void theLeastServedPeerGoesFirst() {
        ServerEngine e = new ServerEngine(BitswapConfig.defaults());
        PeerId a = peer();
        PeerId b = peer();
        e.receive(a, List.of(WantEntry.block(cid(1), 1)), false);
        e.receive(b, List.of(WantEntry.block(cid(2), 1)), false);
        ServerEngine.Task first = e.next().orElseThrow();
        assertEquals(a, first.peer(), "equal service: first come first served");
        e.answered(a, List.of(), 1000, 1);
        e.finished(a);
        e.receive(a, List.of(WantEntry.block(cid(3), 1)), false);
        assertEquals(b, e.next().orElseThrow().peer(), "a got 1000 bytes, b none");
        assertEquals(a, e.next().orElseThrow().peer());
        assertTrue(e.next().isEmpty());
    }

    @Test
    void aPeerIsServedByOneWorkerAtATime() {
        // two workers each seeing the same room in the peer's send queue would fill it twice over
        ServerEngine e = new ServerEngine(BitswapConfig.defaults());
        PeerId a = peer();
        PeerId b = peer();
        e.receive(a, List.of(WantEntry.block(cid(1), 1)), false);
        assertEquals(a, e.next().orElseThrow().peer());
        e.receive(a, List.of(WantEntry.block(cid(2), 1)), false);
        e.receive(b, List.of(WantEntry.block(cid(3), 1)), false);
        assertEquals(b, e.next().orElseThrow().peer(), "a is being answered");
        assertTrue(e.next().isEmpty(), "a's second want waits for the first task");
        e.finished(a);
        assertEquals(List.of(cid(2)), e.next().orElseThrow().wants().stream().map(WantEntry::cid).toList());
    }

    @Test
    void wantsOverThePerPeerLimitAreRefused() {
        ServerEngine e = new ServerEngine(BitswapConfig.defaults().withPeerLimits(100, 1 << 20));
        List<WantEntry> wants = new ArrayList<>();
        for (int i = 0; i < 10_000; i++) {
            wants.add(WantEntry.block(cid(i), 1));
        }
        ServerEngine.Received r = e.receive(peer(), wants, false);
        assertEquals(100, r.accepted());
        assertEquals(9_900, r.refused());
    }

    @Test
    void aPeerWithAFullQueueWaitsUntilItsBytesAreWritten() {
        ServerEngine e = new ServerEngine(BitswapConfig.defaults().withPeerLimits(100, 1000));
        PeerId a = peer();
        e.receive(a, List.of(WantEntry.block(cid(1), 1), WantEntry.block(cid(2), 1)), false);
        e.next().orElseThrow();
        e.queued(a, 1000);
        e.finished(a);
        e.receive(a, List.of(WantEntry.block(cid(3), 1)), false);
        assertTrue(e.next().isEmpty(), "its queue is full");
        e.queued(a, -600);
        assertEquals(List.of(cid(3)), e.next().orElseThrow().wants().stream().map(WantEntry::cid).toList());
    }

    @Test
    void wantsHeldBackForAFullQueueComeBackEvenWhenItHasDrainedMeanwhile() {
        ServerEngine e = new ServerEngine(BitswapConfig.defaults().withPeerLimits(100, 1000));
        PeerId a = peer();
        WantEntry w = WantEntry.block(cid(1), 1);
        e.receive(a, List.of(w), false);
        e.next().orElseThrow();
        // the writer wrote everything before the worker put the want back: nothing is queued
        assertTrue(!e.requeue(a, List.of(w), false), "a refusal with nothing queued is not retried");
        assertTrue(e.requeue(a, List.of(w), true));
        e.finished(a);
        assertEquals(List.of(w), e.next().orElseThrow().wants());
    }

    @Test
    void cancelsFullWantlistsAndHigherPriorityFirst() {
        ServerEngine e = new ServerEngine(BitswapConfig.defaults());
        PeerId a = peer();
        e.receive(a, List.of(WantEntry.block(cid(1), 1), WantEntry.block(cid(2), 9), WantEntry.block(cid(3), 5)), false);
        e.receive(a, List.of(WantEntry.cancel(cid(3))), false);
        assertEquals(List.of(cid(2), cid(1)), e.next().orElseThrow().wants().stream().map(WantEntry::cid).toList());
        e.finished(a);
        e.receive(a, List.of(WantEntry.block(cid(4), 1)), false);
        e.receive(a, List.of(WantEntry.block(cid(5), 1)), true);
        assertEquals(List.of(cid(5)), e.next().orElseThrow().wants().stream().map(WantEntry::cid).toList());
    }

    @Test
    void aWantHaveNeverDowngradesAWantBlock() {
        ServerEngine e = new ServerEngine(BitswapConfig.defaults());
        PeerId a = peer();
        e.receive(a, List.of(WantEntry.block(cid(1), 1)), false);
        e.receive(a, List.of(WantEntry.have(cid(1), 1)), false);
        assertEquals(WantType.BLOCK, e.next().orElseThrow().wants().get(0).type());
    }

    @Test
    void wantsForMissingBlocksWaitForThem() {
        ServerEngine e = new ServerEngine(BitswapConfig.defaults());
        PeerId a = peer();
        WantEntry w = WantEntry.block(cid(1), 1);
        e.receive(a, List.of(w), false);
        e.answered(a, e.next().orElseThrow().wants(), 0, 0);
        e.finished(a);
        assertTrue(e.next().isEmpty());
        e.blocksAdded(List.of(cid(2).multihash()));
        assertTrue(e.next().isEmpty());
        e.blocksAdded(List.of(cid(1).multihash()));
        assertEquals(List.of(w), e.next().orElseThrow().wants());
        e.peerGone(a);
        assertTrue(e.ledger(a).isEmpty());
    }
}
