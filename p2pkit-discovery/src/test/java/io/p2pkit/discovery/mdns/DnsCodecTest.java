package io.p2pkit.discovery.mdns;

import io.p2pkit.core.DecodeException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(10)
class DnsCodecTest {
    @Test
    void aMessageWithEveryRecordTypeSurvivesEncodeAndDecode() throws Exception {
        DnsMessage m = new DnsMessage(7, DnsMessage.AUTHORITATIVE_RESPONSE,
                List.of(new DnsQuestion("_p2p._udp.local", DnsRecord.PTR, DnsRecord.IN, true)),
                List.of(new DnsRecord("_p2p._udp.local", DnsRecord.PTR, DnsRecord.IN, false, 120,
                        new DnsRecord.Ptr("abc._p2p._udp.local"))),
                List.of(),
                List.of(new DnsRecord("abc._p2p._udp.local", DnsRecord.TXT, DnsRecord.IN, true, 120,
                                new DnsRecord.Txt(List.of("dnsaddr=/ip4/1.2.3.4/tcp/1".getBytes(StandardCharsets.UTF_8), new byte[0]))),
                        new DnsRecord("abc._p2p._udp.local", DnsRecord.SRV, DnsRecord.IN, true, 120,
                                new DnsRecord.Srv(1, 2, 4001, "abc.local")),
                        new DnsRecord("abc.local", DnsRecord.A, DnsRecord.IN, true, 120,
                                new DnsRecord.Address(InetAddress.getByName("11.0.0.1"))),
                        new DnsRecord("abc.local", DnsRecord.AAAA, DnsRecord.IN, true, 0xffff_ffffL,
                                new DnsRecord.Address(InetAddress.getByName("fd11::1"))),
                        new DnsRecord("abc.local", 47, DnsRecord.IN, false, 1, new DnsRecord.Other(new byte[] {1, 2, 3}))));
        byte[] wire = DnsCodec.encode(m);
        DnsMessage back = DnsCodec.decode(wire, wire.length);
        assertEquals(m.id(), back.id());
        assertEquals(m.flags(), back.flags());
        assertEquals(m.questions(), back.questions());
        assertEquals(m.answers(), back.answers());
        assertEquals(5, back.additionals().size());
        DnsRecord.Txt txt = (DnsRecord.Txt) back.additionals().getFirst().data();
        assertArrayEquals("dnsaddr=/ip4/1.2.3.4/tcp/1".getBytes(StandardCharsets.UTF_8), txt.strings().getFirst());
        assertEquals(0, txt.strings().get(1).length);
        assertEquals(m.additionals().subList(1, 4), back.additionals().subList(1, 4));
        assertArrayEquals(new byte[] {1, 2, 3}, ((DnsRecord.Other) back.additionals().get(4).data()).bytes());
        assertTrue(back.additionals().get(1).flush());
        assertTrue(back.questions().getFirst().unicast());
    }

    @Test
    void compressionPointersAreFollowed() {
        // header, question "_p2p._udp.local" PTR IN, answer: name = pointer to 12, PTR data "x" + pointer to 12
        byte[] p = HexFormat.of().parseHex("000084000001000100000000"
                + "045f703270045f756470056c6f63616c00000c0001"
                + "c00c000c0001000000780004" + "0178c00c");
        DnsMessage m = DnsCodec.decode(p, p.length);
        assertEquals("_p2p._udp.local", m.answers().getFirst().name());
        assertEquals(new DnsRecord.Ptr("x._p2p._udp.local"), m.answers().getFirst().data());
    }

    @Test
    void aPointerLoopIsRejected() {
        // the question name is a pointer to itself
        byte[] self = HexFormat.of().parseHex("000000000001000000000000" + "c00c000c0001");
        assertThrows(DecodeException.class, () -> DnsCodec.decode(self, self.length));
        // a label, then a pointer back to that label: a loop through a forward walk
        byte[] loop = HexFormat.of().parseHex("000000000001000000000000" + "0161c00c000c0001");
        DecodeException e = assertThrows(DecodeException.class, () -> DnsCodec.decode(loop, loop.length));
        assertTrue(e.getMessage().contains("backwards"), e.getMessage());
    }

    @Test
    void badInputIsRejectedWithTheFieldNamed() {
        byte[] shortHeader = new byte[5];
        assertEquals("dns header", assertThrows(DecodeException.class, () -> DnsCodec.decode(shortHeader, 5)).field());
        byte[] big = new byte[DnsCodec.MAX_PACKET + 1];
        assertEquals("dns", assertThrows(DecodeException.class, () -> DnsCodec.decode(big, big.length)).field());
        // claims a question that is not there
        byte[] missing = HexFormat.of().parseHex("000000000001000000000000");
        assertThrows(DecodeException.class, () -> DnsCodec.decode(missing, missing.length));
        // an A record with 3 bytes of data
        byte[] shortA = HexFormat.of().parseHex("000084000000000100000000" + "0161000001000100000078" + "0003010203");
        assertEquals("a", assertThrows(DecodeException.class, () -> DnsCodec.decode(shortA, shortA.length)).field());
        // rdlength past the end
        byte[] past = HexFormat.of().parseHex("000084000000000100000000" + "016100001000010000007800ff01");
        assertThrows(DecodeException.class, () -> DnsCodec.decode(past, past.length));
        // a TXT string longer than its record
        byte[] txt = HexFormat.of().parseHex("000084000000000100000000" + "01610000100001000000780002" + "0561");
        assertEquals("txt", assertThrows(DecodeException.class, () -> DnsCodec.decode(txt, txt.length)).field());
        // a label type that does not exist (0x40)
        byte[] ext = HexFormat.of().parseHex("000000000001000000000000" + "4100000c0001");
        assertThrows(DecodeException.class, () -> DnsCodec.decode(ext, ext.length));
    }

    @Test
    void aNameOver255BytesIsRejected() {
        StringBuilder hex = new StringBuilder("000000000001000000000000");
        for (int i = 0; i < 5; i++) {
            hex.append("3f").append("61".repeat(63)); // five 63-byte labels: 320 bytes
        }
        hex.append("00000c0001");
        byte[] p = HexFormat.of().parseHex(hex);
        assertTrue(assertThrows(DecodeException.class, () -> DnsCodec.decode(p, p.length)).getMessage().contains("255"));
    }

    @Test
    void aDotInsideALabelIsEscaped() {
        byte[] p = HexFormat.of().parseHex("000000000001000000000000" + "03612e62056c6f63616c00000c0001");
        assertEquals("a\\.b.local", DnsCodec.decode(p, p.length).questions().getFirst().name());
    }
}
