package io.p2pkit.ipfs.bitswap;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.p2pkit.core.DecodeException;
import io.p2pkit.ipfs.bitswap.wire.BitswapMessage;
import io.p2pkit.ipfs.bitswap.wire.MessageCodec;
import io.p2pkit.ipfs.bitswap.wire.ProtocolVersion;
import io.p2pkit.ipfs.block.Block;

import static org.junit.jupiter.api.Assertions.assertEquals;

class BitswapFuzzTest {
    /**
     * Any bytes either decode to a message whose 1.2.0 encoding decodes to the same message, or
     * are refused with a DecodeException (never another exception, never unbounded memory).
     */
    @FuzzTest(maxDuration = "30s")
    void decode(byte[] input) {
        BitswapMessage m;
        try {
            m = MessageCodec.decode(input, 64 * 1024);
        } catch (DecodeException refused) {
            return;
        }
        BitswapMessage again = MessageCodec.decode(MessageCodec.encode(m, ProtocolVersion.V1_2_0), Block.MAX_SIZE);
        assertEquals(m.wants().size(), again.wants().size());
        assertEquals(m.blocks(), again.blocks());
        assertEquals(m.presences(), again.presences());
    }
}
