package io.p2pkit.nat.portmap;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.p2pkit.core.DecodeException;

import java.net.URI;

import static org.junit.jupiter.api.Assertions.assertEquals;

class IgdDescriptionFuzzTest {
    private static final URI LOCATION = URI.create("http://192.168.1.1:5000/rootDesc.xml");

    /** Any document yields a control URL on the describing host, nothing, or a clean rejection. */
    @FuzzTest
    void decode(byte[] input) {
        try {
            IgdDescription.decode(input, LOCATION)
                    .ifPresent(s -> assertEquals("192.168.1.1", s.controlUrl().getHost()));
        } catch (DecodeException expected) {
            // rejected
        }
    }
}
