package io.p2pkit.webrtc.sctp;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.p2pkit.core.DecodeException;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

import static org.junit.jupiter.api.Assertions.assertEquals;

class SctpPacketFuzzTest {
    /**
     * Any bytes (with the checksum made right, so that the chunk parsers are reached) decode to
     * a packet that encodes again, or are refused with a DecodeException; nothing else escapes.
     */
    @FuzzTest(maxDuration = "30s")
    void decode(byte[] input) {
        if (input.length >= SctpPacket.HEADER) {
            ByteBuffer.wrap(input).order(ByteOrder.LITTLE_ENDIAN).putInt(8, (int) SctpPacket.checksum(input, 0, input.length));
        }
        SctpPacket p;
        try {
            p = SctpPacket.decode(input, 0, input.length);
        } catch (DecodeException refused) {
            return;
        }
        if (p.chunks().stream().noneMatch(c -> c instanceof Chunk.Unknown)) {
            byte[] again = p.encode();
            SctpPacket q = SctpPacket.decode(again, 0, again.length);
            assertEquals(p.chunks().size(), q.chunks().size());
        }
    }
}
