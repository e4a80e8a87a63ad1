package io.p2pkit.node.multiformats;

import io.p2pkit.core.multiformats.Cid;
import io.p2pkit.core.multiformats.Multibase.Encoding;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The identity base's text, which Kubo's JSON gives as Go reads bytes in a string. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class CidFormatterTest {
    private static String go(int... bytes) {
        byte[] b = new byte[bytes.length];
        for (int i = 0; i < b.length; i++) {
            b[i] = (byte) bytes[i];
        }
        return CidFormatter.goString(b);
    }

    @Test
    void eachByteThatStartsNoValidSequenceIsAReplacementOfItsOwn() {
        assertEquals("A\u00e9\u20ac\uD83D\uDE80", go('A', 0xc3, 0xa9, 0xe2, 0x82, 0xac, 0xf0, 0x9f, 0x9a, 0x80));
        assertEquals("\ufffd\ufffdA", go(0xe2, 0x82, 'A'), "a cut sequence: one per byte, as Go (not one for the whole)");
        assertEquals("\ufffd\ufffd", go(0xc0, 0x80), "overlong");
        assertEquals("\ufffd\ufffd\ufffd", go(0xed, 0xa0, 0x80), "a surrogate");
        assertEquals("\ufffd\ufffd\ufffd\ufffd", go(0xf4, 0x90, 0x80, 0x80), "past U+10FFFF");
        assertEquals("\ufffd", go(0x80));
    }

    @Test
    void theIdentityBaseIsTheBytesAfterANul() {
        Cid inline = Cid.parse("bafkqaaa");
        assertEquals("\0\u0001U\0\0 \0\0\0 \0", CidFormatter.format("%s %m %d", Encoding.IDENTITY, inline));
        assertEquals("\u0001U\0\0", CidFormatter.format("%S", Encoding.IDENTITY, inline));
    }
}
