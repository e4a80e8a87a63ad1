package io.p2pkit.core.security.noise;

import io.p2pkit.core.DecodeException;
import io.p2pkit.core.protobuf.ProtobufWriter;
import org.junit.jupiter.api.Test;

import java.util.HexFormat;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

class NoiseHandshakePayloadTest {
    @Test
    void encodesFieldsInOrderAndRoundTrips() {
        NoiseExtensions ext = NoiseExtensions.of(List.of(new byte[] {0x12, 0x01, 0x7f}), List.of("/yamux/1.0.0"));
        NoiseHandshakePayload p = new NoiseHandshakePayload(new byte[] {8, 1}, new byte[] {9, 9, 9}, ext);
        byte[] encoded = p.encode();
        // 0a 02 0801 | 12 03 090909 | 22 13 (0a 03 12017f 12 0c "/yamux/1.0.0")
        assertEquals("0a020801" + "1203090909" + "2213" + "0a0312017f" + "120c2f79616d75782f312e302e30",
                HexFormat.of().formatHex(encoded));
        NoiseHandshakePayload back = NoiseHandshakePayload.decode(encoded);
        assertEquals(p, back);
        assertEquals(p.hashCode(), back.hashCode());
        assertEquals(List.of("/yamux/1.0.0"), back.extensions().streamMuxers());
        assertArrayEquals(new byte[] {0x12, 0x01, 0x7f}, back.extensions().webtransportCerthashes().get(0));
    }

    @Test
    void absentFieldsReadAsEmptyAndNoExtensions() {
        NoiseHandshakePayload p = NoiseHandshakePayload.decode(new byte[0]);
        assertEquals(0, p.identityKey().length);
        assertEquals(0, p.identitySig().length);
        assertNull(p.extensions());
        byte[] noExt = new NoiseHandshakePayload(new byte[] {1}, new byte[] {2}, null).encode();
        assertEquals("0a01011201" + "02", HexFormat.of().formatHex(noExt));
    }

    @Test
    void skipsUnknownFieldsAndMergesRepeatedExtensions() {
        byte[] bytes = new ProtobufWriter()
                .bytes(1, new byte[] {1})
                .varint(3, 7)
                .message(4, new ProtobufWriter().string(2, "/mplex/6.7.0").varint(9, 1))
                .message(4, new ProtobufWriter().string(2, "/yamux/1.0.0"))
                .string(15, "future")
                .toByteArray();
        NoiseHandshakePayload p = NoiseHandshakePayload.decode(bytes);
        assertEquals(List.of("/mplex/6.7.0", "/yamux/1.0.0"), p.extensions().streamMuxers());
    }

    @Test
    void rejectsMalformedAndOversizedPayloads() {
        assertThrows(DecodeException.class, () -> NoiseHandshakePayload.decode(new byte[] {0x0a, 0x05, 1}));
        assertThrows(DecodeException.class, () -> NoiseHandshakePayload.decode(new byte[] {0x22, 0x02, 0x12, 0x05}));
        assertThrows(DecodeException.class, () -> NoiseHandshakePayload.decode(new byte[] {0x22, 0x03, 0x12, 0x01, (byte) 0xff}),
                "muxer ID that is not UTF-8");
        assertThrows(DecodeException.class, () -> NoiseHandshakePayload.decode(new byte[65536]));
        ProtobufWriter many = new ProtobufWriter();
        for (int i = 0; i <= NoiseExtensions.MAX_ENTRIES; i++) {
            many.string(2, "/m/" + i);
        }
        byte[] tooMany = new ProtobufWriter().message(4, many).toByteArray();
        assertThrows(DecodeException.class, () -> NoiseHandshakePayload.decode(tooMany));
    }

    @Test
    void copiesArraysCrossingTheApi() {
        byte[] key = {1, 2};
        NoiseHandshakePayload p = new NoiseHandshakePayload(key, new byte[] {3}, null);
        key[0] = 9;
        p.identityKey()[1] = 9;
        assertArrayEquals(new byte[] {1, 2}, p.identityKey());
        byte[] hash = {5};
        NoiseExtensions e = NoiseExtensions.of(List.of(hash), List.of());
        hash[0] = 6;
        e.webtransportCerthashes().get(0)[0] = 7;
        assertArrayEquals(new byte[] {5}, e.webtransportCerthashes().get(0));
    }
}
