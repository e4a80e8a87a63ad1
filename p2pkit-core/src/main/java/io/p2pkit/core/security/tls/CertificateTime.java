package io.p2pkit.core.security.tls;

import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.ASN1GeneralizedTime;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.ASN1UTCTime;
import org.bouncycastle.asn1.x509.Time;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.Arrays;

/**
 * A certificate's validity time as an instant. The forms RFC 5280 §4.1.2.5 requires
 * ({@code YYMMDDHHMMSSZ}, {@code YYYYMMDDHHMMSSZ}), which every libp2p implementation writes,
 * are read here directly; anything else goes to BouncyCastle's lenient parser, which a fresh JVM
 * pays for with {@code SimpleDateFormat}'s set-up (about 7 ms on a first handshake).
 */
final class CertificateTime {
    private CertificateTime() {
    }

    /**
     * The instant {@code time} names.
     *
     * @throws IllegalStateException    when BouncyCastle cannot read a time in another form
     * @throws IOException              when the time cannot be encoded (it was just decoded)
     * @throws IllegalArgumentException when the time is not a time at all
     */
    static Instant instant(Time time) throws IOException {
        ASN1Primitive p = time.toASN1Primitive();
        boolean utc = p instanceof ASN1UTCTime;
        Instant strict = null;
        if (utc || p instanceof ASN1GeneralizedTime) {
            byte[] der = p.getEncoded(ASN1Encoding.DER); // tag, one length byte (a time is short), the text
            if (der.length >= 2 && der[1] == der.length - 2) {
                strict = strict(Arrays.copyOfRange(der, 2, der.length), utc);
            }
        }
        return strict != null ? strict : time.getDate().toInstant();
    }

    /** The instant of a strict RFC 5280 time, or null for any other text. */
    private static Instant strict(byte[] text, boolean utc) {
        int yearDigits = utc ? 2 : 4;
        if (text.length != yearDigits + 11 || text[text.length - 1] != 'Z') {
            return null;
        }
        for (int i = 0; i < text.length - 1; i++) {
            if (text[i] < '0' || text[i] > '9') {
                return null;
            }
        }
        String s = new String(text, StandardCharsets.US_ASCII);
        int year = Integer.parseInt(s, 0, yearDigits, 10);
        if (utc) {
            year += year >= 50 ? 1900 : 2000; // RFC 5280: YY of 50 and above is 19YY
        }
        int at = yearDigits;
        try {
            return LocalDateTime.of(year, field(s, at), field(s, at + 2), field(s, at + 4), field(s, at + 6),
                    field(s, at + 8)).toInstant(ZoneOffset.UTC);
        } catch (DateTimeException e) {
            return null; // 13th month, 31 February, 25 o'clock, ...: the lenient parser says what it makes of it
        }
    }

    private static int field(String s, int at) {
        return Integer.parseInt(s, at, at + 2, 10);
    }
}
