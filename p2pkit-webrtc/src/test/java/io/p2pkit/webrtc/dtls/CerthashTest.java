package io.p2pkit.webrtc.dtls;

import io.p2pkit.core.multiaddr.Multiaddr;
import io.p2pkit.core.multiformats.Multicodec;
import io.p2pkit.core.multiformats.Multihash;
import org.junit.jupiter.api.Test;

import java.security.MessageDigest;
import java.util.HexFormat;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CerthashTest {
    @Test
    void certificateFingerprintIsTheSha256OfItsDer() throws Exception {
        WebRtcCertificate cert = WebRtcCertificate.generate();
        byte[] sha = MessageDigest.getInstance("SHA-256").digest(cert.der());
        assertEquals(Multicodec.SHA2_256, cert.fingerprint().code());
        assertArrayEquals(sha, cert.fingerprint().digest());
        String component = cert.certhashComponent();
        assertTrue(component.startsWith("/certhash/u"), component);

        Multiaddr addr = Multiaddr.parse("/ip4/127.0.0.1/udp/1234/webrtc-direct" + component);
        assertEquals(cert.fingerprint(), Certhash.sha256(addr).orElseThrow());
        assertEquals(cert.fingerprint(), Certhash.parse(component.substring("/certhash/".length())));
        assertEquals(addr, Multiaddr.parse(addr.toString()));
    }

    @Test
    void goLibp2pStyleAddressDecodes() {
        // A certhash written as go-libp2p writes them: base64url of a sha2-256 multihash.
        Multiaddr addr = Multiaddr.parse("/ip4/127.0.0.1/udp/9090/webrtc-direct"
                + "/certhash/uEiDDq4_xNyDorZBH3TlGazyJdOWSwvo4PUo5YHFMrvDE8g");
        Multihash h = Certhash.sha256(addr).orElseThrow();
        assertEquals(32, h.length());
        assertEquals(1, Certhash.all(addr).size());
    }

    @Test
    void noisePrologueMatchesTheSpecVector() {
        // libp2p/specs webrtc/webrtc-direct.md, "Test vectors / Noise prologue".
        HexFormat hex = HexFormat.of();
        Multihash client = Multihash.of(Multicodec.SHA2_256,
                hex.parseHex("3e79af40d6059617a0d83b83a52ce73b0c1f37a72c6043ad2969e2351bdca870"));
        Multihash server = Multihash.of(Multicodec.SHA2_256,
                hex.parseHex("30fc9f469c207419dfdd0aab5f27a86c973c94e40548db9375cca2e915973b99"));
        assertEquals("6c69627032702d7765627274632d6e6f6973653a12203e79af40d6059617a0d83b83a52ce73b0c1f37a72c6043ad"
                + "2969e2351bdca870122030fc9f469c207419dfdd0aab5f27a86c973c94e40548db9375cca2e915973b99",
                hex.formatHex(DtlsAssociation.noisePrologue(client, server)));
    }
}
