package io.p2pkit.webrtc.sdp;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.p2pkit.core.DecodeException;
import io.p2pkit.webrtc.signaling.CandidateJson;
import io.p2pkit.webrtc.signaling.SignalingMessage;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** What a remote sends over {@code /webrtc-signaling/0.0.1}: the message, the SDP in it, and trickled candidates. */
class SessionDescriptionFuzzTest {
    /** Any bytes are a message whose SDP parses (and writes back to an equal description) or a DecodeException. */
    @FuzzTest(maxDuration = "30s")
    void signaling(byte[] input) {
        SignalingMessage m;
        try {
            m = SignalingMessage.decode(input);
        } catch (DecodeException refused) {
            return;
        }
        sdp(m.data());
        try {
            CandidateJson.candidateLine(m.data()).ifPresent(IceCandidate::parse);
        } catch (DecodeException refused) {
            // a malformed candidate is only logged by the transport
        }
    }

    /** Any text is a description or a DecodeException; one that parses survives writing and parsing again. */
    @FuzzTest(maxDuration = "30s")
    void description(byte[] input) {
        sdp(new String(input, StandardCharsets.UTF_8));
    }

    private static void sdp(String text) {
        SessionDescription d;
        try {
            d = SessionDescription.parse(text);
        } catch (DecodeException refused) {
            return;
        }
        SessionDescription again;
        try {
            again = SessionDescription.parse(d.toSdp());
        } catch (DecodeException e) {
            return; // what we parse leniently (a ufrag with spaces, say) we need not be able to write
        }
        assertEquals(d.fingerprint(), again.fingerprint());
        assertEquals(d.candidates(), again.candidates());
    }
}
