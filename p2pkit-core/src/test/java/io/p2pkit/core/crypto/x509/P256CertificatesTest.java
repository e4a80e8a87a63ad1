package io.p2pkit.core.crypto.x509;

import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.x509.Time;
import org.bouncycastle.crypto.params.ECPrivateKeyParameters;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

import java.security.KeyFactory;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.spec.X509EncodedKeySpec;
import java.time.Instant;
import java.util.Date;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class P256CertificatesTest {
    /** The same DER as BouncyCastle's own {@code Time(Date)}, which formats with SimpleDateFormat. */
    @ParameterizedTest
    @ValueSource(strings = {"1950-01-01T00:00:00Z", "1999-12-31T23:59:59Z", "2026-11-25T20:05:09Z",
            "2049-12-31T23:59:59Z", "2050-01-01T00:00:00Z", "2126-03-04T05:06:07Z", "9999-12-31T23:59:59Z"})
    void encodesValidityTimesAsRfc5280Wants(String text) throws Exception {
        Instant t = Instant.parse(text);
        assertArrayEquals(new Time(Date.from(t)).getEncoded(ASN1Encoding.DER),
                P256Certificates.time(t).getEncoded(ASN1Encoding.DER), text);
    }

    @Test
    void refusesTimesOutsideWhatTheEncodingsHold() {
        assertThrows(IllegalArgumentException.class, () -> P256Certificates.time(Instant.parse("1949-12-31T23:59:59Z")));
        assertThrows(IllegalArgumentException.class, () -> P256Certificates.time(Instant.parse("+10000-01-01T00:00:00Z")));
    }

    @Test
    void aNewKeySignsWhatTheJdkVerifies() throws Exception {
        ECPrivateKeyParameters key = P256Certificates.newKey(new SecureRandom());
        byte[] spki = P256Certificates.subjectPublicKeyInfo(P256Certificates.publicKey(key)).getEncoded(ASN1Encoding.DER);
        var signer = P256Certificates.signer(key);
        byte[] content = "to be signed".getBytes();
        signer.getOutputStream().write(content);
        byte[] signature = signer.getSignature();
        Signature jdk = Signature.getInstance("SHA256withECDSA");
        jdk.initVerify(KeyFactory.getInstance("EC").generatePublic(new X509EncodedKeySpec(spki)));
        jdk.update(content);
        assertTrue(jdk.verify(signature));
        // and the JDK's form of the private key is the same key
        Signature back = Signature.getInstance("SHA256withECDSA");
        back.initSign(P256Certificates.jdkPrivateKey(key));
        back.update(content);
        byte[] jdkSignature = back.sign();
        jdk.initVerify(KeyFactory.getInstance("EC").generatePublic(new X509EncodedKeySpec(spki)));
        jdk.update(content);
        assertTrue(jdk.verify(jdkSignature));
    }
}
