package io.p2pkit.core.identify;

import io.p2pkit.core.DecodeException;
import io.p2pkit.core.multiaddr.Multiaddr;
import io.p2pkit.core.protobuf.ProtobufWriter;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

class IdentifyMessageTest {
    private static final Multiaddr A = Multiaddr.parse("/ip4/127.0.0.1/tcp/4001");
    private static final Multiaddr B = Multiaddr.parse("/ip6/::1/tcp/4001");

    @Test
    void roundTripsEveryField() {
        IdentifyMessage m = new IdentifyMessage(new byte[]{8, 1}, List.of(A, B), List.of("/a", "/b"), A,
                "ipfs/0.1.0", "p2pkit/1", new byte[]{1, 2});
        IdentifyMessage d = IdentifyMessage.decode(m.encode());
        assertArrayEquals(m.publicKey(), d.publicKey());
        assertEquals(m.listenAddrs(), d.listenAddrs());
        assertEquals(m.protocols(), d.protocols());
        assertEquals(A, d.observedAddr());
        assertEquals("ipfs/0.1.0", d.protocolVersion());
        assertEquals("p2pkit/1", d.agentVersion());
        assertArrayEquals(new byte[]{1, 2}, d.signedPeerRecord());
    }

    @Test
    void usesTheFieldNumbersOfTheSpec() {
        // publicKey=1, listenAddrs=2, protocols=3, observedAddr=4, protocolVersion=5, agentVersion=6, signedPeerRecord=8
        byte[] wire = new ProtobufWriter().bytes(1, new byte[]{9}).bytes(2, A.bytes()).string(3, "/p")
                .bytes(4, B.bytes()).string(5, "pv").string(6, "av").bytes(8, new byte[]{7}).toByteArray();
        IdentifyMessage d = IdentifyMessage.decode(wire);
        assertArrayEquals(new byte[]{9}, d.publicKey());
        assertEquals(List.of(A), d.listenAddrs());
        assertEquals(List.of("/p"), d.protocols());
        assertEquals(B, d.observedAddr());
        assertEquals("pv", d.protocolVersion());
        assertEquals("av", d.agentVersion());
        assertArrayEquals(new byte[]{7}, d.signedPeerRecord());
        assertArrayEquals(wire, d.encode());
    }

    @Test
    void skipsAddressesThatDoNotParseAndBoundsLists() {
        ProtobufWriter w = new ProtobufWriter().bytes(2, new byte[]{(byte) 0xff, 0x7f}).bytes(2, A.bytes());
        for (int i = 0; i < IdentifyMessage.MAX_PROTOCOLS + 10; i++) {
            w.string(3, "/p/" + i);
        }
        IdentifyMessage d = IdentifyMessage.decode(w.toByteArray());
        assertEquals(List.of(A), d.listenAddrs());
        assertEquals(IdentifyMessage.MAX_PROTOCOLS, d.protocols().size());
        assertNull(d.agentVersion());
    }

    @Test
    void mergesSplitMessagesAsGoSendsThem() {
        IdentifyMessage first = new IdentifyMessage(new byte[]{1}, List.of(A), List.of("/a"), null, "pv", "av", null);
        IdentifyMessage second = new IdentifyMessage(null, List.of(A, B), List.of("/b"), null, null, null, new byte[]{5});
        IdentifyMessage m = first.merge(second);
        assertEquals(List.of(A, B), m.listenAddrs());
        assertEquals(List.of("/a", "/b"), m.protocols());
        assertEquals("av", m.agentVersion());
        assertArrayEquals(new byte[]{5}, m.signedPeerRecord());
        assertArrayEquals(new byte[]{1}, m.publicKey());
    }

    @Test
    void malformedProtobufIsADecodeError() {
        assertThrows(DecodeException.class, () -> IdentifyMessage.decode(new byte[]{0x0a, 0x05, 1}));
        assertThrows(DecodeException.class, () -> IdentifyMessage.decode(new byte[]{0x1a, 0x01, (byte) 0xc3}));
    }
}
