package io.p2pkit.webrtc.signaling;

import io.p2pkit.core.DecodeException;
import io.p2pkit.core.protobuf.LengthPrefixed;
import io.p2pkit.webrtc.sdp.IceCandidate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.HexFormat;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

@Timeout(30)
class SignalingMessageTest {
    @Test
    void encodesTheTypeEvenWhenItIsTheDefault() {
        // field 1 = 0 (SDP_OFFER), field 2 = "v=0": what js-libp2p's protons writes for a proto3 optional
        assertEquals("0800120376 3d30".replace(" ", ""),
                HexFormat.of().formatHex(new SignalingMessage(SignalingMessage.Type.SDP_OFFER, "v=0").encode()));
        assertEquals(new SignalingMessage(SignalingMessage.Type.SDP_OFFER, "v=0"),
                SignalingMessage.decode(HexFormat.of().parseHex("120376 3d30".replace(" ", ""))), "a missing type is SDP_OFFER");
    }

    @Test
    void roundTripsOnAStreamAndCapsTheLength() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        SignalingMessage a = new SignalingMessage(SignalingMessage.Type.SDP_ANSWER, "v=0\r\n");
        SignalingMessage c = new SignalingMessage(SignalingMessage.Type.ICE_CANDIDATE, "null");
        a.writeTo(out);
        c.writeTo(out);
        ByteArrayInputStream in = new ByteArrayInputStream(out.toByteArray());
        assertEquals(a, SignalingMessage.read(in));
        assertEquals(c, SignalingMessage.read(in));
        assertNull(SignalingMessage.read(in));

        ByteArrayOutputStream big = new ByteArrayOutputStream();
        LengthPrefixed.write(big, new byte[SignalingMessage.MAX_MESSAGE + 1]);
        assertThrows(DecodeException.class, () -> SignalingMessage.read(new ByteArrayInputStream(big.toByteArray())));
        assertThrows(DecodeException.class, () -> SignalingMessage.decode(new byte[] {8, 3}), "unknown type");
    }

    @Test
    void readsBrowserCandidatesAndTheEndMarkers() throws Exception {
        String chromium = "{\"candidate\":\"candidate:2 1 udp 2122194687 127.0.0.1 57341 typ host generation 0 ufrag ZSuT network-id 1\","
                + "\"sdpMid\":\"0\",\"sdpMLineIndex\":0,\"usernameFragment\":\"ZSuT\"}";
        String line = CandidateJson.candidateLine(chromium).orElseThrow();
        assertEquals(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 57341), IceCandidate.parse(line).orElseThrow().address());
        assertEquals(Optional.empty(), CandidateJson.candidateLine("null"));
        assertEquals(Optional.empty(), CandidateJson.candidateLine("\"\""));
        assertEquals(Optional.empty(), CandidateJson.candidateLine("{\"candidate\":\"\",\"sdpMid\":null}"));
        assertEquals(Optional.of("a\"b/\u00e9"), CandidateJson.candidateLine("{\"candidate\":\"a\\\"b\\/\\u00e9\"}"));

        IceCandidate ours = IceCandidate.host("1", new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 4000));
        assertEquals(ours.toSdp(), CandidateJson.candidateLine(CandidateJson.encode(ours, "0", "abcd")).orElseThrow());

        assertThrows(DecodeException.class, () -> CandidateJson.candidateLine("{\"candidate\":{}}"));
        assertThrows(DecodeException.class, () -> CandidateJson.candidateLine("{\"candidate\":\"x\""));
        assertThrows(DecodeException.class, () -> CandidateJson.candidateLine("{} trailing"));
        assertThrows(DecodeException.class, () -> CandidateJson.candidateLine("[" + " ".repeat(CandidateJson.MAX_LENGTH) + "]"));
    }
}
