package io.p2pkit.webrtc.dtls;

import io.p2pkit.core.crypto.PrivateKey;
import io.p2pkit.core.multiaddr.Multiaddr;
import io.p2pkit.webrtc.transport.WebRtcDirectTransport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.ByteArrayInputStream;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(60)
class WebRtcCertificateTest {
    @Test
    void theSameIdentityGivesTheSameCertificateAndCerthash() {
        PrivateKey host = PrivateKey.generateEd25519();
        WebRtcCertificate a = WebRtcCertificate.derive(host);
        WebRtcCertificate b = WebRtcCertificate.derive(PrivateKey.unmarshal(host.marshal())); // as after a restart
        assertArrayEquals(a.der(), b.der());
        assertEquals(a.certhashComponent(), b.certhashComponent());
        assertNotEquals(a.certhashComponent(), WebRtcCertificate.derive(PrivateKey.generateEd25519()).certhashComponent());
    }

    @Test
    void isASelfSignedP256CertificateFrom2025To2125() throws Exception {
        X509Certificate c = (X509Certificate) CertificateFactory.getInstance("X.509")
                .generateCertificate(new ByteArrayInputStream(WebRtcCertificate.derive(PrivateKey.generateEd25519()).der()));
        c.verify(c.getPublicKey());
        assertEquals("SHA256withECDSA", c.getSigAlgName());
        assertEquals(WebRtcCertificate.DERIVED_FROM, c.getNotBefore().toInstant());
        assertEquals(WebRtcCertificate.DERIVED_UNTIL, c.getNotAfter().toInstant());
    }

    @Test
    void aTransportMadeAgainWithTheSameKeyListensWithTheSameCerthash() throws Exception {
        PrivateKey host = PrivateKey.generateEd25519();
        String first;
        try (WebRtcDirectTransport t = new WebRtcDirectTransport(host);
             var l = t.listen(Multiaddr.parse("/ip4/127.0.0.1/udp/0/webrtc-direct"))) {
            first = l.address().toString();
        }
        try (WebRtcDirectTransport t = new WebRtcDirectTransport(PrivateKey.unmarshal(host.marshal()));
             var l = t.listen(Multiaddr.parse("/ip4/127.0.0.1/udp/0/webrtc-direct"))) {
            String again = l.address().toString();
            assertTrue(first.contains("/certhash/"), first);
            assertEquals(first.substring(first.indexOf("/certhash/")), again.substring(again.indexOf("/certhash/")));
        }
    }
}
