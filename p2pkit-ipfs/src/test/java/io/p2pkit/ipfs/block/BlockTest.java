package io.p2pkit.ipfs.block;

import io.p2pkit.core.multiformats.Cid;
import io.p2pkit.core.multiformats.Multicodec;
import io.p2pkit.core.multiformats.Multihash;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BlockTest {
    private static final byte[] HELLO = "hello world\n".getBytes(StandardCharsets.UTF_8);

    @Test
    void createHashesIntoACidV1() {
        Block b = Block.create(Multicodec.RAW, Multicodec.SHA2_256, HELLO);
        // `printf 'hello world\n' | ipfs add --raw-leaves --cid-version 1 -Q`
        assertEquals("bafkreifjjcie6lypi6ny7amxnfftagclbuxndqonfipmb64f2km2devei4", b.cid().toString());
        assertSame(HELLO, b.data());
        assertEquals(HELLO.length, b.size());
    }

    @Test
    void verifiedAcceptsMatchingBytesOnly() {
        Cid cid = Block.create(Multicodec.RAW, Multicodec.SHA2_256, HELLO).cid();
        assertEquals(cid, Block.verified(cid, HELLO.clone()).cid());
        byte[] other = HELLO.clone();
        other[0] ^= 1;
        BlockMismatchException e = assertThrows(BlockMismatchException.class, () -> Block.verified(cid, other));
        assertEquals(cid, e.cid());
        assertTrue(e.getMessage().contains(cid.toString()), e.getMessage());
    }

    @Test
    void verifiedChecksIdentityAndTruncatedHashes() {
        Cid identity = Cid.v1(Multicodec.RAW, Multihash.identity(HELLO));
        assertEquals(identity, Block.verified(identity, HELLO).cid());
        assertThrows(BlockMismatchException.class, () -> Block.verified(identity, new byte[] {1}));
        Cid truncated = Cid.v1(Multicodec.RAW, Multihash.digest(Multicodec.SHA2_256, HELLO, 20));
        assertEquals(truncated, Block.verified(truncated, HELLO).cid());
        assertThrows(BlockMismatchException.class, () -> Block.verified(truncated, new byte[0]));
    }

    @Test
    void anUnsupportedHashFunctionCannotBeVerified() {
        Cid unknown = Cid.v1(Multicodec.RAW, Multihash.of(0x3000_0000L, new byte[32]));
        BlockMismatchException e = assertThrows(BlockMismatchException.class, () -> Block.verified(unknown, HELLO));
        assertTrue(e.getMessage().contains("not supported"), e.getMessage());
    }
}
