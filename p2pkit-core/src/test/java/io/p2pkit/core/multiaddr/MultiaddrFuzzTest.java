package io.p2pkit.core.multiaddr;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.p2pkit.core.DecodeException;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

class MultiaddrFuzzTest {
    /** Any bytes either decode to a multiaddr whose text form parses back to the same bytes, or are rejected cleanly. */
    @FuzzTest
    void decode(byte[] input) {
        Multiaddr m;
        try {
            m = Multiaddr.decode(input);
        } catch (DecodeException expected) {
            return;
        }
        assertArrayEquals(input, m.bytes());
        String text = m.toString();
        Multiaddr again = Multiaddr.parse(text);
        assertEquals(m, again);
        assertEquals(text, again.toString());
        m.components().forEach(Component::valueString);
        m.toSocketAddress();
        m.peerIdString();
    }

    /** Any text either parses to a multiaddr whose canonical form is stable, or is rejected cleanly. */
    @FuzzTest
    void parse(byte[] input) {
        String text = new String(input, StandardCharsets.UTF_8);
        Multiaddr m;
        try {
            m = Multiaddr.parse(text);
        } catch (DecodeException expected) {
            return;
        }
        Multiaddr fromBytes = Multiaddr.decode(m.bytes());
        assertEquals(m, fromBytes);
        String canonical = m.toString();
        Multiaddr again = Multiaddr.parse(canonical);
        assertEquals(m, again);
        assertEquals(canonical, again.toString());
    }
}
