package io.p2pkit.core.version;

import com.code_intelligence.jazzer.junit.FuzzTest;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Versions and protocol IDs come from the network (multistream proposals, identify's protocol lists). */
class SemanticVersionFuzzTest {
    private static final ProtocolFamily FAMILY = ProtocolFamily.of("/f", "1.4.2", 1).and("0.3.0").and("2.0.0-rc.1");

    /** Version text: parse to a version that prints back to the same text, or reject with IllegalArgumentException. */
    @FuzzTest
    void parse(byte[] input) {
        String text = new String(input, StandardCharsets.UTF_8);
        SemanticVersion v;
        try {
            v = SemanticVersion.parse(text);
        } catch (IllegalArgumentException expected) {
            return;
        }
        assertEquals(text, v.toString());
        assertEquals(0, v.compareTo(SemanticVersion.parse(v.toString())));
    }

    /** A proposal: accepted only if it names a version of the family the dialer could have chosen. */
    @FuzzTest
    void accepts(byte[] input) {
        String proposal = "/f/" + new String(input, StandardCharsets.UTF_8);
        Optional<SemanticVersion> v = ProtocolFamily.versionOf("/f", proposal);
        if (FAMILY.accepts(proposal)) {
            assertTrue(v.isPresent(), proposal);
            // a dialer told by identify that we speak v would choose a version of v's minor
            SemanticVersion chosen = FAMILY.best(List.of(v.get())).orElseThrow();
            assertEquals(v.get().major(), chosen.major(), proposal);
            assertEquals(v.get().minor(), chosen.minor(), proposal);
        }
    }
}
