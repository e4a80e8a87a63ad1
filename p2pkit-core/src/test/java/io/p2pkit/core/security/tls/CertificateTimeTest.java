package io.p2pkit.core.security.tls;

import org.bouncycastle.asn1.ASN1GeneralizedTime;
import org.bouncycastle.asn1.ASN1UTCTime;
import org.bouncycastle.asn1.x509.Time;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.time.Instant;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Certificate times read directly give what BouncyCastle's own parser gives, in every form. */
class CertificateTimeTest {
    private static Time der(int tag, String text) {
        byte[] t = text.getBytes(StandardCharsets.US_ASCII);
        byte[] der = new byte[t.length + 2];
        der[0] = (byte) tag;
        der[1] = (byte) t.length;
        System.arraycopy(t, 0, der, 2, t.length);
        return tag == 0x17 ? new Time(ASN1UTCTime.getInstance(der)) : new Time(ASN1GeneralizedTime.getInstance(der));
    }

    @ParameterizedTest
    @ValueSource(strings = {"261125200509Z", "491231235959Z", "500101000000Z", "991231235959Z", "000229120000Z",
            // not RFC 5280's form: left to BouncyCastle, whatever it makes of them
            "2611252005Z", "261125200509+0100", "261325200509Z", "260231000000Z"})
    void utcTimes(String text) throws Exception {
        Time t = der(0x17, text);
        assertEquals(t.getDate().toInstant(), CertificateTime.instant(t), text);
    }

    @ParameterizedTest
    @ValueSource(strings = {"20261125200509Z", "20500101000000Z", "21260304050607Z", "99991231235959Z",
            "19500101000000Z", "20240229235959Z",
            "20261125200509.123Z", "202611252005Z", "20261125200509+0130", "20261301000000Z"})
    void generalizedTimes(String text) throws Exception {
        Time t = der(0x18, text);
        assertEquals(t.getDate().toInstant(), CertificateTime.instant(t), text);
    }

    @ParameterizedTest
    @ValueSource(strings = {"2026-11-25T20:05:09Z", "2126-03-04T05:06:07Z"})
    void whatP256CertificatesWritesReadsBack(String text) throws Exception {
        Instant t = Instant.parse(text);
        assertEquals(t, CertificateTime.instant(io.p2pkit.core.crypto.x509.P256Certificates.time(t)));
    }
}
