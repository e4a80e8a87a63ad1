package io.p2pkit.webrtc.stun;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.p2pkit.core.DecodeException;
import io.p2pkit.webrtc.ice.IceLiteResponder;

import java.net.InetSocketAddress;

import static org.junit.jupiter.api.Assertions.assertTrue;

class StunMessageFuzzTest {
    private static final IceLiteResponder RESPONDER = new IceLiteResponder();
    private static final InetSocketAddress FROM = new InetSocketAddress("127.0.0.1", 5000);

    /** Any datagram decodes to a message whose typed fields read cleanly, or is rejected cleanly. */
    @FuzzTest
    void decode(byte[] input) {
        StunMessage m;
        try {
            m = StunMessage.decode(input, input.length);
        } catch (DecodeException expected) {
            return;
        }
        assertTrue(m.attributes().size() <= StunMessage.MAX_ATTRIBUTES);
        m.username();
        m.priority();
        m.iceControlling();
        m.iceControlled();
        m.xorMappedAddress();
        m.errorCode();
        m.checkIntegrity(new byte[] {1, 2, 3});
        // The ICE-lite responder reads USERNAME and checks MESSAGE-INTEGRITY of whatever arrives.
        RESPONDER.answer(m, FROM);
    }
}
