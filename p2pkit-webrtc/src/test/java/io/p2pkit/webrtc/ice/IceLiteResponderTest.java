package io.p2pkit.webrtc.ice;

import io.p2pkit.webrtc.stun.StunMessage;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class IceLiteResponderTest {
    static final InetSocketAddress LISTENER = new InetSocketAddress("127.0.0.1", 4000);
    static final InetSocketAddress DIALER = new InetSocketAddress("127.0.0.1", 5000);
    final IceLiteResponder responder = new IceLiteResponder();

    static StunMessage decode(byte[] b) {
        return StunMessage.decode(b, b.length);
    }

    @Test
    void answersTheDialersCheckWithItsMappedAddressSignedWithTheUfrag() {
        IceCredentials c = IceCredentials.randomV1();
        assertTrue(c.ufrag().startsWith("libp2p+webrtc+v1/"));
        assertEquals(c.ufrag(), c.password());
        IceControllingCheck check = new IceControllingCheck(c, c, LISTENER);
        StunMessage request = decode(check.request());
        assertTrue(request.useCandidate());
        assertEquals(c.ufrag() + ":" + c.ufrag(), request.username().orElseThrow());

        IceLiteResponder.Answer answer = responder.answer(request, DIALER).orElseThrow();
        assertEquals(c.ufrag(), answer.username().remoteUfrag());
        assertEquals(c.password(), answer.username().remotePassword());
        assertTrue(answer.useCandidate());
        StunMessage response = decode(answer.response());
        assertEquals(StunMessage.BINDING_SUCCESS, response.type());
        assertTrue(response.hasTransactionId(request.transactionId()));
        assertTrue(response.checkIntegrity(c.key()));
        assertTrue(response.hasFingerprint());
        assertEquals(DIALER, response.xorMappedAddress().orElseThrow());
    }

    /** The check back to a new dialer, which lets pion nominate at once instead of 200 ms later. */
    @Test
    void offersACheckBackSignedWithTheDialersPassword() {
        for (boolean v2 : new boolean[] {false, true}) {
            IceCredentials dialer = v2 ? IceCredentials.randomV2() : IceCredentials.randomV1();
            IceCredentials listener = v2 ? dialer.v2Listener() : dialer;
            StunMessage request = decode(new IceControllingCheck(dialer, listener, LISTENER).request());
            StunMessage check = decode(responder.answer(request, DIALER).orElseThrow().checkBack());
            assertEquals(StunMessage.BINDING_REQUEST, check.type());
            assertEquals(dialer.ufrag() + ":" + listener.ufrag(), check.username().orElseThrow());
            assertTrue(check.checkIntegrity(dialer.key()), "keyed with the dialer's password");
            assertTrue(check.hasFingerprint());
            assertTrue(check.iceControlled().isPresent());
            assertTrue(check.iceControlling().isEmpty());
            assertTrue(!check.useCandidate());
            assertTrue(check.priority().isPresent());
        }
    }

    @Test
    void answersAV2CheckAndRecoversTheDialersPassword() {
        IceCredentials dialer = IceCredentials.randomV2();
        IceCredentials listener = dialer.v2Listener();
        assertEquals(IceCredentials.PREFIX_V2 + dialer.password(), listener.ufrag());
        StunMessage request = decode(new IceControllingCheck(dialer, listener, LISTENER).request());
        assertEquals(listener.ufrag() + ":" + dialer.ufrag(), request.username().orElseThrow());
        IceLiteResponder.Answer answer = responder.answer(request, DIALER).orElseThrow();
        assertEquals(dialer.ufrag(), answer.username().remoteUfrag());
        assertEquals(dialer.password(), answer.username().remotePassword());
        assertTrue(decode(answer.response()).checkIntegrity(listener.key()));
    }

    @Test
    void dropsRequestsThatFailAnyCheck() {
        IceCredentials c = IceCredentials.randomV1();
        byte[] tid = new byte[12];
        String user = c.ufrag() + ":" + c.ufrag();
        // Wrong key.
        byte[] wrongKey = StunMessage.builder(StunMessage.BINDING_REQUEST, tid).username(user).iceControlling(1)
                .encode("x".repeat(22).getBytes(StandardCharsets.US_ASCII), true);
        assertTrue(responder.answer(decode(wrongKey), DIALER).isEmpty());
        // No MESSAGE-INTEGRITY.
        byte[] noIntegrity = StunMessage.builder(StunMessage.BINDING_REQUEST, tid).username(user).iceControlling(1)
                .encode(null, true);
        assertTrue(responder.answer(decode(noIntegrity), DIALER).isEmpty());
        // Not controlling.
        byte[] controlled = StunMessage.builder(StunMessage.BINDING_REQUEST, tid).username(user).iceControlled(1)
                .encode(c.key(), true);
        assertTrue(responder.answer(decode(controlled), DIALER).isEmpty());
        // No FINGERPRINT.
        byte[] noFingerprint = StunMessage.builder(StunMessage.BINDING_REQUEST, tid).username(user).iceControlling(1)
                .encode(c.key(), false);
        assertTrue(responder.answer(decode(noFingerprint), DIALER).isEmpty());
        // A ufrag without the libp2p prefix.
        String plain = "abcdefghijklmnopqrstuvwxyz";
        byte[] unknownVersion = StunMessage.builder(StunMessage.BINDING_REQUEST, tid).username(plain + ":" + plain)
                .iceControlling(1).encode(plain.getBytes(StandardCharsets.US_ASCII), true);
        assertTrue(responder.answer(decode(unknownVersion), DIALER).isEmpty());
        // A response is not answered.
        byte[] response = StunMessage.builder(StunMessage.BINDING_SUCCESS, tid).username(user).iceControlling(1)
                .encode(c.key(), true);
        assertTrue(responder.answer(decode(response), DIALER).isEmpty());
    }

    @Test
    void usernamesOfBothVersions() {
        String pwd = "abcdefghijklmnopqrstuvwxyz012345";
        IceUsername v2 = IceUsername.parse(IceCredentials.PREFIX_V2 + pwd + ":clientufrag").orElseThrow();
        assertEquals("clientufrag", v2.remoteUfrag());
        assertEquals(pwd, v2.remotePassword());
        assertEquals(IceCredentials.PREFIX_V2 + pwd, v2.local().password());

        IceUsername v1 = IceUsername.parse(IceCredentials.PREFIX_V1 + pwd + ":" + IceCredentials.PREFIX_V1 + pwd).orElseThrow();
        assertEquals(IceCredentials.PREFIX_V1 + pwd, v1.remotePassword());

        assertTrue(IceUsername.parse("no-colon").isEmpty());
        assertTrue(IceUsername.parse(IceCredentials.PREFIX_V2 + "short:abcd").isEmpty());
        assertTrue(IceUsername.parse(IceCredentials.PREFIX_V1 + pwd + ":bad char").isEmpty());
        assertTrue(IceUsername.parse("libp2p+webrtc+v3/" + pwd + ":abcd").isEmpty());
    }
}
