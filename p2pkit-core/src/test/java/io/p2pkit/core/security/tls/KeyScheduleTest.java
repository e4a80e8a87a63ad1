package io.p2pkit.core.security.tls;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The key schedule, the x25519 agreement and the hello decoders against RFC 8448 §3, "Simple
 * 1-RTT Handshake" (TLS_AES_128_GCM_SHA256): secrets, traffic keys and verify_data.
 */
@Timeout(30)
class KeyScheduleTest {
    private static final HexFormat HEX = HexFormat.of();
    private static final RecordProtection.Suite SUITE = RecordProtection.Suite.AES_128_GCM_SHA256;

    // the trace's handshake messages, header included
    static final String CLIENT_HELLO = "010000c00303cb34ecb1e78163ba1c38c6dacb196a6dffa21a8d9912ec18a2ef6283024dece7"
            + "000006130113031302010000910000000b0009000006736572766572ff01000100000a00140012001d00170018001901000101"
            + "0102010301040023000000330026002400" + "1d002099381de560e4bd43d23d8e435a7dbafeb3c06e51c13cae4d5413691e529aaf2c"
            + "002b0003020304000d0020001e040305030603020308040805080604010501060102010402050206020202002d00020101001c00024001";
    static final String SERVER_HELLO = "020000560303a6af06a4121860dc5e6e60249cd34c95930c8ac5cb1434dac155772ed3e2692800"
            + "130100002e00330024001d0020c9828876112095fe66762bdbf7c672e156d6cc253b833df1dd69b1b04e751f0f002b00020304";
    private static final String ENCRYPTED_EXTENSIONS = "080000240022000a00140012001d00170018001901000101010201030104"
            + "001c0002400100000000";
    private static final String CERTIFICATE = "0b0001b9000001b50001b0308201ac30820115a003020102020102300d06092a864886f70d"
            + "01010b0500300e310c300a06035504031303727361301e170d3136303733303031323335395a170d32363037333030313233"
            + "35395a300e310c300a0603550403130372736130819f300d06092a864886f70d010101050003818d0030818902818100b4bb49"
            + "8f8279303d980836399b36c6988c0c68de55e1bdb826d3901a2461eafd2de49a91d015abbc9a95137ace6c1af19eaa6af98c7c"
            + "ed43120998e187a80ee0ccb0524b1b018c3e0b63264d449a6d38e22a5fda430846748030530ef0461c8ca9d9efbfae8ea6d1d0"
            + "3e2bd193eff0ab9a8002c47428a6d35a8d88d79f7f1e3f0203010001a31a301830090603551d1304023000300b0603551d0f04"
            + "0403020" + "5a0300d06092a864886f70d01010b05000381810085aad2a0e5b9276b908c65f73a7267170618a54c5f8a7b337d2df7a5"
            + "94365417f2eae8f8a58c8f8172f9319cf36b7fd6c55b80f21a03015156726096fd335e5e67f2dbf102702e608ccae6bec1fc63"
            + "a42a99be5c3eb7107c3c54e9b9eb2bd5203b1c3b84e0a8b2f759409ba3eac9d91d402dcc0cc8f8961229ac9187b42b4de10000";
    private static final String CERTIFICATE_VERIFY = "0f000084080400805a747c5d88fa9bd2e55ab085a61015b7211f824cd484145a"
            + "b3ff52f1fda8477b0b7abc90db78e2d33a5c141a078653fa6bef780c5ea248eeaaa785c4f394cab6d30bbe8d4859ee511f6029"
            + "57b15411ac027671459e46445c9ea58c181e818e95b8c3fb0bf3278409d3be152a3da5043e063dda65cdf5aea20d53dfacd42f74f3";
    private static final String SERVER_FINISHED = "140000209b9b141d906337fbd2cbdce71df4deda4ab42c309572cb7fffee5454b78f0718";

    private static byte[] hex(String s) {
        return HEX.parseHex(s);
    }

    private static byte[] hash(String... messages) throws Exception {
        MessageDigest digest = MessageDigest.getInstance("SHA-256");
        for (String message : messages) {
            digest.update(hex(message));
        }
        return digest.digest();
    }

    @Test
    void x25519AgreementMatchesTheTrace() throws Exception {
        byte[] clientPrivate = hex("49af42ba7f7994852d713ef2784bcbcaa7911de26adc5642cb634540e7ea5005");
        assertEquals("99381de560e4bd43d23d8e435a7dbafeb3c06e51c13cae4d5413691e529aaf2c",
                HEX.formatHex(HandshakeCrypto.x25519PublicKey(clientPrivate)));
        byte[] serverPublic = hex("c9828876112095fe66762bdbf7c672e156d6cc253b833df1dd69b1b04e751f0f");
        assertEquals("8bd4054fb55b9d63fdfbacf9f04b9f0d35e6d63f537563efd46272900f89492d",
                HEX.formatHex(HandshakeCrypto.x25519Agreement(clientPrivate, serverPublic)));
    }

    @Test
    void secretsMatchTheTrace() throws Exception {
        byte[] zeros = new byte[32];
        byte[] early = KeySchedule.extract(SUITE, zeros, zeros);
        assertEquals("33ad0a1c607ec03b09e6cd9893680ce210adf300aa1f2660e1b22e10f170f92a", HEX.formatHex(early));
        byte[] derived = KeySchedule.deriveSecret(SUITE, early, "derived", KeySchedule.emptyHash(SUITE));
        assertEquals("6f2615a108c702c5678f54fc9dbab69716c076189c48250cebeac3576c3611ba", HEX.formatHex(derived));
        byte[] shared = hex("8bd4054fb55b9d63fdfbacf9f04b9f0d35e6d63f537563efd46272900f89492d");
        byte[] handshake = KeySchedule.extract(SUITE, derived, shared);
        assertEquals("1dc826e93606aa6fdc0aadc12f741b01046aa6b99f691ed221a9f0ca043fbeac", HEX.formatHex(handshake));
        byte[] masterDerived = KeySchedule.deriveSecret(SUITE, handshake, "derived", KeySchedule.emptyHash(SUITE));
        assertEquals("43de77e0c77713859a944db9db2590b53190a65b3ee2e4f12dd7a0bb7ce254b4", HEX.formatHex(masterDerived));
        assertEquals("18df06843d13a08bf2a449844c5f8a478001bc4d4c627984d5a41da8d0402919",
                HEX.formatHex(KeySchedule.extract(SUITE, masterDerived, zeros)));

        KeySchedule keys = new KeySchedule(SUITE);
        keys.handshake(shared, hash(CLIENT_HELLO, SERVER_HELLO));
        byte[] clientHandshake = keys.clientHandshakeSecret();
        byte[] serverHandshake = keys.serverHandshakeSecret();
        assertEquals("b3eddb126e067f35a780b3abf45e2d8f3b1a950738f52e9600746a0e27a55a21", HEX.formatHex(clientHandshake));
        assertEquals("b67b7d690cc16c4e75e54213cb2d37b4e9c912bcded9105d42befd59d391ad38", HEX.formatHex(serverHandshake));
        assertEquals("3fce516009c21727d0f2e4e86ee403bc", HEX.formatHex(RecordProtection.expandLabel(SUITE, serverHandshake, "key", 16)));
        assertEquals("5d313eb2671276ee13000b30", HEX.formatHex(RecordProtection.expandLabel(SUITE, serverHandshake, "iv", 12)));
        assertEquals("dbfaa693d1762c5b666af5d950258d01", HEX.formatHex(RecordProtection.expandLabel(SUITE, clientHandshake, "key", 16)));
        assertEquals("5bd3c71b836e0b76bb73265f", HEX.formatHex(RecordProtection.expandLabel(SUITE, clientHandshake, "iv", 12)));

        byte[] beforeServerFinished = hash(CLIENT_HELLO, SERVER_HELLO, ENCRYPTED_EXTENSIONS, CERTIFICATE, CERTIFICATE_VERIFY);
        assertEquals("9b9b141d906337fbd2cbdce71df4deda4ab42c309572cb7fffee5454b78f0718",
                HEX.formatHex(KeySchedule.verifyData(SUITE, serverHandshake, beforeServerFinished)));

        byte[] throughServerFinished = hash(CLIENT_HELLO, SERVER_HELLO, ENCRYPTED_EXTENSIONS, CERTIFICATE,
                CERTIFICATE_VERIFY, SERVER_FINISHED);
        // the client sends no certificate in this trace: its Finished covers the same messages
        assertEquals("a8ec436d677634ae525ac1fcebe11a039ec17694fac6e98527b642f2edd5ce61",
                HEX.formatHex(KeySchedule.verifyData(SUITE, clientHandshake, throughServerFinished)));
        assertEquals("9e40646ce79a7f9dc05af8889bce6552875afa0b06df0087f792ebb7c17504a5",
                HEX.formatHex(keys.clientApplicationSecret(throughServerFinished)));
        byte[] serverApplication = keys.serverApplicationSecret(throughServerFinished);
        assertEquals("a11af9f05531f856ad47116b45a950328204b4f44bfb6b3a4b4f1f3fcb631643", HEX.formatHex(serverApplication));
        assertEquals("9f02283b6c9c07efc26bb9f2ac92e356", HEX.formatHex(RecordProtection.expandLabel(SUITE, serverApplication, "key", 16)));
        assertEquals("cf782b88dd83549aadf1e984", HEX.formatHex(RecordProtection.expandLabel(SUITE, serverApplication, "iv", 12)));
    }

    @Test
    void transcriptHashesTheMessagesItHolds() throws Exception {
        Transcript transcript = new Transcript();
        transcript.add(hex(CLIENT_HELLO));
        transcript.use(SUITE);
        transcript.add(hex(SERVER_HELLO));
        assertArrayEquals(hash(CLIENT_HELLO, SERVER_HELLO), transcript.hash());
        assertArrayEquals(hash(CLIENT_HELLO, SERVER_HELLO), transcript.hash(), "hashing again gives the same");
    }

    @Test
    void theTracesHellosDecode() throws Exception {
        byte[] clientHello = hex(CLIENT_HELLO);
        HandshakeMessages.ClientHello hello = HandshakeMessages.decodeClientHello(
                java.util.Arrays.copyOfRange(clientHello, 4, clientHello.length));
        assertEquals(List.of(0x1301, 0x1303, 0x1302), hello.cipherSuites());
        assertEquals(List.of(0x0304), hello.versions());
        assertTrue(hello.groups().contains(HandshakeMessages.X25519));
        assertEquals("99381de560e4bd43d23d8e435a7dbafeb3c06e51c13cae4d5413691e529aaf2c",
                HEX.formatHex(hello.keyShares().get(HandshakeMessages.X25519)));
        assertTrue(hello.signatureSchemes().contains(0x0403));
        assertNull(hello.alpn());
        assertEquals(0, hello.sessionId().length);

        byte[] serverHello = hex(SERVER_HELLO);
        HandshakeMessages.ServerHello server = HandshakeMessages.decodeServerHello(
                java.util.Arrays.copyOfRange(serverHello, 4, serverHello.length));
        assertEquals(0x1301, server.cipherSuite());
        assertEquals(0x0304, server.version());
        assertEquals(HandshakeMessages.X25519, server.group());
        assertEquals("c9828876112095fe66762bdbf7c672e156d6cc253b833df1dd69b1b04e751f0f", HEX.formatHex(server.keyShare()));
        assertTrue(!server.retryRequest());
    }
}
