package io.p2pkit.webtransport;

import io.p2pkit.core.DecodeException;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

class QpackTest {
    private static byte[] hex(String s) {
        return HexFormat.of().parseHex(s);
    }

    @Test
    void staticTableHasTheRfcIndices() {
        assertEquals(99, QpackTables.size());
        assertEquals(":status", QpackTables.name(25));
        assertEquals("200", QpackTables.value(25));
        assertEquals("CONNECT", QpackTables.value(15));
        assertEquals(":authority", QpackTables.name(0));
    }

    @Test
    void huffmanDecodesRfc7541Examples() {
        // RFC 7541 C.4.1: "www.example.com"
        assertEquals("www.example.com", new String(Qpack.huffmanDecode(hex("f1e3c2e5f23a6ba0ab90f4ff"))));
        // RFC 7541 C.4.2: "no-cache"
        assertEquals("no-cache", new String(Qpack.huffmanDecode(hex("a8eb10649cbf"))));
        assertThrows(DecodeException.class, () -> Qpack.huffmanDecode(hex("f1e3c2e5f23a6ba0ab90f400")));
    }

    @Test
    void decodesAnExtendedConnectAsQuicGoWritesIt() {
        List<Qpack.Field> in = List.of(new Qpack.Field(":method", "CONNECT"), new Qpack.Field(":protocol", "webtransport"),
                new Qpack.Field(":scheme", "https"), new Qpack.Field(":authority", "127.0.0.1:4001"),
                new Qpack.Field(":path", "/.well-known/libp2p-webtransport?type=noise"),
                new Qpack.Field("sec-webtransport-http3-draft02", "1"));
        assertEquals(in, Qpack.decode(Qpack.encode(in)));
        // :status 200 is one indexed field line
        assertArrayEquals(hex("0000d9"), Qpack.encode(List.of(new Qpack.Field(":status", "200"))));
    }

    @Test
    void decodesHuffmanLiteralWithNameReference() {
        // literal with static name reference :authority (0), Huffman value "www.example.com"
        byte[] section = hex("0000508cf1e3c2e5f23a6ba0ab90f4ff");
        assertEquals(List.of(new Qpack.Field(":authority", "www.example.com")), Qpack.decode(section));
    }

    @Test
    void refusesTheDynamicTable() {
        assertThrows(DecodeException.class, () -> Qpack.decode(hex("0100d9")));
        assertThrows(DecodeException.class, () -> Qpack.decode(hex("000080")));
        assertThrows(DecodeException.class, () -> Qpack.decode(hex("000010")));
        assertThrows(DecodeException.class, () -> Qpack.decode(hex("0000ff7f")));
    }

    @Test
    void varintsRoundTrip() {
        for (long v : new long[] {0, 63, 64, 16383, 16384, (1L << 30) - 1, 1L << 30, Varint.MAX}) {
            assertEquals(v, Varint.read(ByteBuffer.wrap(Varint.encode(v))));
        }
        assertEquals(151288809941952652L, Varint.read(ByteBuffer.wrap(hex("c2197c5eff14e88c"))));
        assertEquals(Varint.INCOMPLETE, Varint.read(ByteBuffer.wrap(hex("c2197c"))));
    }

    @Test
    void frameReaderSkipsUnknownFramesAndSplitsAcrossFeeds() {
        byte[] settings = Http3Frame.encodeSettings(Map.of(0x08L, 1L));
        byte[] grease = Http3Frame.encode(0x21, new byte[300]);
        byte[] all = new byte[grease.length + settings.length];
        System.arraycopy(grease, 0, all, 0, grease.length);
        System.arraycopy(settings, 0, all, grease.length, settings.length);
        Http3Frame.Reader r = new Http3Frame.Reader();
        assertNull(r.feed(java.util.Arrays.copyOf(all, 10)));
        Http3Frame f = r.feed(java.util.Arrays.copyOfRange(all, 10, all.length));
        assertEquals(Http3Frame.SETTINGS, f.type());
        assertEquals(Map.of(0x08L, 1L), Http3Frame.decodeSettings(f.payload()));
        assertNull(r.feed(new byte[0]));
        assertThrows(DecodeException.class, () -> new Http3Frame.Reader().feed(hex("0180008000")));
        assertThrows(DecodeException.class, () -> Http3Frame.decodeSettings(hex("08010801")));
    }
}
