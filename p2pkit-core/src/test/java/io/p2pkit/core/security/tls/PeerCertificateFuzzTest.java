package io.p2pkit.core.security.tls;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.p2pkit.core.DecodeException;

import java.security.cert.CertificateException;
import java.time.Instant;
import java.util.HexFormat;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

class PeerCertificateFuzzTest {
    private static final Instant NOW = Instant.parse("2025-06-01T00:00:00Z");

    /**
     * Arbitrary bytes as a peer's certificate: parsing and verification end in a clean rejection,
     * or in a verified certificate that re-parses to the same peer.
     */
    @FuzzTest
    void parseAndVerify(byte[] input) {
        PeerCertificate certificate;
        try {
            certificate = PeerCertificate.parse(input);
            certificate.verify(NOW);
        } catch (DecodeException | CertificateException expected) {
            return;
        }
        assertArrayEquals(input, certificate.encoded());
        assertEquals(certificate.peerId(), PeerCertificate.parse(certificate.encoded()).peerId());
    }

    /**
     * Valid certificates with a few bytes changed, to reach past the outer structure into the
     * extension, the key and the signatures: same outcome required.
     */
    @FuzzTest
    void mutateValid(FuzzedDataProvider data) {
        String[] valid = {"ed25519", "ecdsa", "secp256k1", "invalid"};
        byte[] der = HexFormat.of().parseHex(PeerCertificateTest.specHex(valid[data.consumeInt(0, valid.length - 1)]));
        int edits = data.consumeInt(1, 8);
        for (int i = 0; i < edits; i++) {
            der[data.consumeInt(0, der.length - 1)] = data.consumeByte();
        }
        parseAndVerify(der);
    }
}
