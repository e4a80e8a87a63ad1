package io.p2pkit.ipfs.codec.identity;

import io.p2pkit.core.multiformats.Cid;
import io.p2pkit.core.multiformats.Multicodec;
import io.p2pkit.core.multiformats.Multihash;
import io.p2pkit.ipfs.block.Block;
import io.p2pkit.ipfs.block.BlockSource;
import org.junit.jupiter.api.Test;

import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class InlineBlocksTest {
    @Test
    void identityCidsCarryTheirBlock() throws Exception {
        // The fixture CID bafkqabiaaebagba: raw, identity multihash of 00 01 02 03 04.
        Cid inline = Cid.parse("bafkqabiaaebagba");
        assertTrue(InlineBlocks.isInline(inline));
        assertArrayEquals(new byte[] {0, 1, 2, 3, 4}, InlineBlocks.block(inline).orElseThrow().data());
        Cid hashed = Block.create(Multicodec.RAW, Multicodec.SHA2_256, new byte[] {1}).cid();
        assertTrue(InlineBlocks.block(hashed).isEmpty());
        Block stored = Block.create(Multicodec.RAW, Multicodec.SHA2_256, new byte[] {1});
        BlockSource store = cid -> cid.equals(stored.cid()) ? Optional.of(stored) : Optional.empty();
        BlockSource both = InlineBlocks.over(store);
        assertEquals(stored, both.get(hashed).orElseThrow());
        assertEquals(inline, both.get(inline).orElseThrow().cid());
        assertTrue(both.get(Cid.v1(Multicodec.RAW, Multihash.digest(Multicodec.SHA2_256, new byte[] {2}))).isEmpty());
    }
}
