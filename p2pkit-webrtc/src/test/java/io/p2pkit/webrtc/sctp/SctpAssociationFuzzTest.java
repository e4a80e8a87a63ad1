package io.p2pkit.webrtc.sctp;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.p2pkit.core.resource.MemoryScope;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertFalse;

class SctpAssociationFuzzTest {
    /**
     * Packets from a peer that knows the verification tag (so they pass the checks a forger
     * without it cannot) may confuse or end an established association, but never make its owner
     * fail with an unexpected exception. The input is packets, each prefixed by a two-byte length;
     * each gets the association's tag and a right checksum.
     */
    @FuzzTest(maxDuration = "60s")
    void packets(byte[] input) throws Exception {
        LossyLink link = LossyLink.perfect();
        SctpAssociationTest.Recorder ra = new SctpAssociationTest.Recorder();
        SctpAssociationTest.Recorder rb = new SctpAssociationTest.Recorder();
        SctpAssociation a = SctpAssociation.start(link.a(), SctpAssociationTest.FAST, MemoryScope.UNLIMITED, ra);
        SctpAssociation b = SctpAssociation.start(link.b(), SctpAssociationTest.FAST, MemoryScope.UNLIMITED, rb);
        try {
            a.awaitEstablished(Duration.ofSeconds(10));
            b.awaitEstablished(Duration.ofSeconds(10));
            a.send(1, 53, new byte[3000], false);
            ByteBuffer in = ByteBuffer.wrap(input);
            while (in.remaining() >= 2 && !b.isClosed()) {
                int len = Math.min(Short.toUnsignedInt(in.getShort()), in.remaining());
                byte[] p = Arrays.copyOfRange(input, in.position(), in.position() + len);
                in.position(in.position() + len);
                if (p.length >= SctpPacket.HEADER) {
                    ByteBuffer bb = ByteBuffer.wrap(p);
                    if (bb.getInt(4) != 0) {
                        bb.putInt(4, (int) b.localTag()); // a zero tag stays zero: an INIT
                    }
                    bb.order(ByteOrder.LITTLE_ENDIAN).putInt(8, (int) SctpPacket.checksum(p, 0, p.length));
                }
                try {
                    b.receiveForTest(p, Duration.ofSeconds(5));
                } catch (IOException ended) {
                    break; // the association ended meanwhile
                }
            }
            IOException f = b.failure();
            assertFalse(f != null && f.getCause() instanceof RuntimeException,
                    () -> "the owner failed: " + f + " caused by " + f.getCause());
        } finally {
            a.abort("fuzz case over");
            b.abort("fuzz case over");
        }
    }
}
