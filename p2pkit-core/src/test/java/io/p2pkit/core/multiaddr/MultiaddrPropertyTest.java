package io.p2pkit.core.multiaddr;

import io.p2pkit.core.DecodeException;
import io.p2pkit.core.multiformats.Varint;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayOutputStream;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Round trips of seeded random multiaddrs built directly in the binary form. */
class MultiaddrPropertyTest {
    private static final List<Protocol> PROTOCOLS = Protocol.all();

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 42, 1234567, 0xC0FFEE})
    void randomMultiaddrsRoundTrip(long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        for (int round = 0; round < 300; round++) {
            byte[] bytes = randomMultiaddr(rnd);
            Multiaddr m = Multiaddr.decode(bytes);
            assertArrayEquals(bytes, m.bytes());
            String text = m.toString();
            Multiaddr again = Multiaddr.parse(text);
            assertEquals(m, again, text);
            assertEquals(text, again.toString());
            assertEquals(m.size(), m.components().size());

            // Splitting anywhere and encapsulating gives the original back.
            int cut = rnd.nextInt(m.size() + 1);
            Multiaddr head = Multiaddr.empty();
            Multiaddr tail = Multiaddr.empty();
            for (int k = 0; k < m.size(); k++) {
                Multiaddr one = Multiaddr.parse(m.component(k).toString());
                if (k < cut) {
                    head = head.encapsulate(one);
                } else {
                    tail = tail.encapsulate(one);
                }
            }
            assertEquals(m, head.encapsulate(tail));
            if (!tail.isEmpty()) {
                Multiaddr dec = m.decapsulate(tail);
                assertTrue(dec.size() <= head.size());
            }
        }
    }

    @ParameterizedTest
    @ValueSource(longs = {7, 8, 9})
    void corruptedBytesAreRejectedCleanly(long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        for (int round = 0; round < 2000; round++) {
            byte[] bytes = randomMultiaddr(rnd);
            int mode = rnd.nextInt(3);
            if (mode == 0) {
                bytes = java.util.Arrays.copyOf(bytes, rnd.nextInt(bytes.length));
            } else if (mode == 1) {
                bytes[rnd.nextInt(bytes.length)] ^= (byte) (1 << rnd.nextInt(8));
            } else {
                bytes = java.util.Arrays.copyOf(bytes, bytes.length + 1);
                bytes[bytes.length - 1] = (byte) rnd.nextInt(256);
            }
            try {
                Multiaddr m = Multiaddr.decode(bytes);
                assertEquals(m, Multiaddr.parse(m.toString()));
            } catch (DecodeException expected) {
                // clean rejection
            }
        }
        assertThrows(DecodeException.class, () -> Multiaddr.decode(new byte[0]));
    }

    static byte[] randomMultiaddr(SplittableRandom rnd) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int n = 1 + rnd.nextInt(6);
        for (int k = 0; k < n; k++) {
            Protocol p = PROTOCOLS.get(rnd.nextInt(PROTOCOLS.size()));
            if (p.isPath() && k < n - 1) {
                p = Protocol.TCP;
            }
            out.writeBytes(Varint.encode(p.code()));
            byte[] value = randomValue(p, rnd);
            if (p.isVariableSize()) {
                out.writeBytes(Varint.encode(value.length));
            }
            out.writeBytes(value);
        }
        return out.toByteArray();
    }

    private static byte[] randomValue(Protocol p, SplittableRandom rnd) {
        if (!p.hasValue()) {
            return new byte[0];
        }
        if (!p.isVariableSize()) {
            byte[] v = bytes(rnd, p.sizeBits() / 8);
            if (p == Protocol.ONION || p == Protocol.ONION3) {
                v[v.length - 1] |= 1; // port 0 is invalid
            }
            return v;
        }
        if (p == Protocol.P2P) {
            if (rnd.nextBoolean()) {
                byte[] v = bytes(rnd, 34);
                v[0] = 0x12;
                v[1] = 32;
                return v;
            }
            int len = 1 + rnd.nextInt(42);
            byte[] v = bytes(rnd, len + 2);
            v[0] = 0;
            v[1] = (byte) len;
            return v;
        }
        if (p == Protocol.CERTHASH) {
            int len = rnd.nextInt(100);
            byte[] v = bytes(rnd, len + 2);
            v[0] = 0x12;
            v[1] = (byte) len;
            return v;
        }
        if (p == Protocol.GARLIC64) {
            return bytes(rnd, 386 + rnd.nextInt(20));
        }
        if (p == Protocol.GARLIC32) {
            return bytes(rnd, rnd.nextBoolean() ? 32 : 35 + rnd.nextInt(10));
        }
        if (p == Protocol.HTTP_PATH) {
            return bytes(rnd, 1 + rnd.nextInt(30));
        }
        if (p == Protocol.UNIX) {
            return ("/" + text(rnd, "abc/ -_.é", 1 + rnd.nextInt(20)) + "x").getBytes(java.nio.charset.StandardCharsets.UTF_8);
        }
        // dns*, sni, ip6zone: text without '/'.
        return text(rnd, "abcxyz019-.%éü日", 1 + rnd.nextInt(30)).getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }

    private static byte[] bytes(SplittableRandom rnd, int n) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) rnd.nextInt(256);
        }
        return b;
    }

    private static String text(SplittableRandom rnd, String alphabet, int n) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < n; i++) {
            b.append(alphabet.charAt(rnd.nextInt(alphabet.length())));
        }
        return b.toString();
    }
}
