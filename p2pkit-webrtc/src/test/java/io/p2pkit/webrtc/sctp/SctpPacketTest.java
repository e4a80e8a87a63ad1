package io.p2pkit.webrtc.sctp;

import io.p2pkit.core.DecodeException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(10)
class SctpPacketTest {
    private static SctpPacket roundTrip(Chunk... chunks) {
        byte[] bytes = new SctpPacket(5000, 5000, 0xCAFEBABEL, List.of(chunks)).encode();
        assertEquals(0, bytes.length % 4, "packets are padded to 4 bytes");
        SctpPacket p = SctpPacket.decode(bytes, 0, bytes.length);
        assertEquals(0xCAFEBABEL, p.verificationTag());
        assertEquals(chunks.length, p.chunks().size());
        return p;
    }

    @Test
    void everyChunkRoundTrips() {
        Chunk.Data data = new Chunk.Data(true, true, false, 0xFFFFFFFFL, 7, 65_535, 53, new byte[] {1, 2, 3});
        Chunk.Init init = new Chunk.Init(true, 99, 1 << 20, 65_535, 65_535, 12345, true, new byte[] {4, 5, 6, 7, 8});
        Chunk.Sack sack = new Chunk.Sack(77, 1000, List.of(new Chunk.Gap(2, 3), new Chunk.Gap(5, 9)), List.of(70L));
        Chunk.Reconfig reconfig = new Chunk.Reconfig(new Chunk.ResetRequest(1, 2, 3, List.of(4, 6, 8)),
                new Chunk.ReconfigResponse(9, Chunk.ReconfigResponse.PERFORMED));
        SctpPacket p = roundTrip(data, init, sack, reconfig, new Chunk.Heartbeat(false, new byte[] {1}),
                SctpPacket.userAbort("why"), new Chunk.Shutdown(5), new Chunk.CookieEcho(new byte[] {1, 2}),
                new Chunk.Bare(Chunk.COOKIE_ACK, false));
        Chunk.Data d = (Chunk.Data) p.chunks().get(0);
        assertTrue(d.unordered() && d.beginning() && !d.ending());
        assertEquals(0xFFFFFFFFL, d.tsn());
        assertEquals(65_535, d.ssn());
        assertArrayEquals(new byte[] {1, 2, 3}, d.payload());
        Chunk.Init i = (Chunk.Init) p.chunks().get(1);
        assertTrue(i.ack() && i.reconfigSupported());
        assertArrayEquals(new byte[] {4, 5, 6, 7, 8}, i.cookie());
        assertEquals(sack.gaps(), ((Chunk.Sack) p.chunks().get(2)).gaps());
        assertEquals(List.of(70L), ((Chunk.Sack) p.chunks().get(2)).duplicates());
        Chunk.Reconfig r = (Chunk.Reconfig) p.chunks().get(3);
        assertEquals(reconfig.request(), r.request());
        assertEquals(reconfig.response(), r.response());
        assertEquals("why", ((Chunk.Abort) p.chunks().get(5)).reason());
    }

    @Test
    void aFlippedBitFailsTheChecksum() {
        byte[] bytes = new SctpPacket(5000, 5000, 1, List.of(new Chunk.Shutdown(5))).encode();
        bytes[bytes.length - 1] ^= 1;
        DecodeException e = assertThrows(DecodeException.class, () -> SctpPacket.decode(bytes, 0, bytes.length));
        assertEquals("sctp.checksum", e.field());
    }

    @Test
    void theChecksumIsCrc32cStoredLittleEndian() {
        // RFC 9260 appendix A: CRC32c (Castagnoli); pion, usrsctp and dcsctp store it least significant byte first
        byte[] bytes = new SctpPacket(5000, 5000, 1, List.of(new Chunk.Bare(Chunk.COOKIE_ACK, false))).encode();
        long crc = SctpPacket.checksum(bytes, 0, bytes.length);
        assertEquals(crc & 0xFF, bytes[8] & 0xFF);
        assertEquals(crc >>> 24, bytes[11] & 0xFF);
    }

    @Test
    void lengthsPastTheEndAreRefused() {
        byte[] bytes = new SctpPacket(5000, 5000, 1, List.of(new Chunk.Shutdown(5))).encode();
        bytes[14] = 0x10; // the chunk claims 4096+ bytes
        java.nio.ByteBuffer.wrap(bytes).order(java.nio.ByteOrder.LITTLE_ENDIAN)
                .putInt(8, (int) SctpPacket.checksum(bytes, 0, bytes.length));
        DecodeException e = assertThrows(DecodeException.class, () -> SctpPacket.decode(bytes, 0, bytes.length));
        assertEquals("sctp.chunk.length", e.field());
        assertThrows(DecodeException.class, () -> SctpPacket.decode(new byte[70_000], 0, 70_000));
    }
}
