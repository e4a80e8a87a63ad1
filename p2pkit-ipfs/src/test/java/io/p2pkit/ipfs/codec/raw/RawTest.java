package io.p2pkit.ipfs.codec.raw;

import io.p2pkit.core.DecodeException;
import io.p2pkit.ipfs.codec.EncodeException;
import io.p2pkit.ipfs.codec.Limits;
import io.p2pkit.ipfs.ipld.BytesNode;
import io.p2pkit.ipfs.ipld.Node;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RawTest {
    @Test
    void rawIsBytesWithoutLinks() {
        byte[] b = {1, 2, 3};
        assertEquals(BytesNode.of(b), Raw.DEFAULT.decode(b));
        assertArrayEquals(b, Raw.DEFAULT.encode(Node.of(b)));
        assertTrue(Raw.DEFAULT.links(b).isEmpty());
        assertThrows(EncodeException.class, () -> Raw.DEFAULT.encode(Node.of(1)));
        assertEquals(0x00, Raw.IDENTITY.code());
        assertEquals("identity", Raw.IDENTITY.name());
        assertThrows(DecodeException.class, () -> Raw.withLimits(Limits.DEFAULT.withMaxBlockSize(2)).decode(b));
    }
}
