package io.p2pkit.core.version;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SemanticVersionTest {
    @Test
    void parsesReleasesAndPreReleases() {
        SemanticVersion v = SemanticVersion.parse("1.4.2");
        assertEquals(SemanticVersion.of(1, 4, 2), v);
        assertFalse(v.isPreRelease());
        assertEquals("1.4.2", v.toString());
        SemanticVersion rc = SemanticVersion.parse("2.0.0-rc.1");
        assertEquals(new SemanticVersion(2, 0, 0, "rc.1"), rc);
        assertTrue(rc.isPreRelease());
        assertEquals("2.0.0-rc.1", rc.toString());
        assertEquals(SemanticVersion.of(0, 0, 0), SemanticVersion.parse("0.0.0"));
        assertEquals(Integer.MAX_VALUE, SemanticVersion.parse("2147483647.0.0").major());
        assertEquals("x-y--z.0.a1", SemanticVersion.parse("1.0.0-x-y--z.0.a1").preRelease());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "''|major.minor.patch",
            "1|major.minor.patch",
            "1.2|major.minor.patch",
            "1.2.3.4|major.minor.patch",
            "v1.2.3|major part",
            "1..3|minor part",
            "1.2.|patch part",
            "' 1.2.3'|major part",
            "'1.2.3 '|patch part",
            "01.2.3|leading zero",
            "1.02.3|leading zero",
            "1.2.03|leading zero",
            "1.2.3-|empty pre-release",
            "1.2.3-a..b|empty pre-release identifier",
            "1.2.3-01|leading zero",
            "1.2.3-a_b|[0-9A-Za-z-]",
            "1.2.3-é|[0-9A-Za-z-]",
            "1.2.3+build.5|build metadata",
            "1.2.3-rc.1+b|build metadata",
            "2147483648.0.0|too large",
            "-1.2.3|major.minor.patch",
            "1.-2.3|major.minor.patch",
            "１.2.3|major part",
    })
    void refusesMalformedVersionsSayingWhy(String text, String reason) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SemanticVersion.parse(text));
        assertTrue(e.getMessage().contains(reason), e.getMessage());
    }

    @Test
    void refusesOverlongTextBeforeParsing() {
        String text = "1.0.0-" + "a".repeat(SemanticVersion.MAX_LENGTH);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SemanticVersion.parse(text));
        assertTrue(e.getMessage().contains("longer than"), e.getMessage());
    }

    @Test
    void escapesControlCharactersInErrors() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SemanticVersion.parse("1.2.\n3"));
        assertFalse(e.getMessage().contains("\n"), e.getMessage());
        assertTrue(e.getMessage().contains("\\u000a"), e.getMessage());
    }

    @Test
    void constructorRefusesNegativePartsAndBadPreReleases() {
        assertThrows(IllegalArgumentException.class, () -> SemanticVersion.of(-1, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> new SemanticVersion(1, 0, 0, "a..b"));
    }

    /** The precedence example of semver 2.0.0 section 11, plus numeric (not textual) parts. */
    @Test
    void ordersBySemverPrecedence() {
        List<String> ordered = List.of("0.9.9", "1.0.0-alpha", "1.0.0-alpha.1", "1.0.0-alpha.beta", "1.0.0-beta",
                "1.0.0-beta.2", "1.0.0-beta.11", "1.0.0-rc.1", "1.0.0", "1.0.1", "1.2.0", "1.9.0", "1.10.0",
                "2.0.0-1", "2.0.0-99999999999999999999", "2.0.0-a", "2.0.0");
        List<SemanticVersion> shuffled = new ArrayList<>(ordered.stream().map(SemanticVersion::parse).toList());
        Collections.shuffle(shuffled, new java.util.Random(new SplittableRandom(7).nextLong()));
        Collections.sort(shuffled);
        assertEquals(ordered, shuffled.stream().map(SemanticVersion::toString).toList());
        assertEquals(0, SemanticVersion.parse("1.0.0-rc.1").compareTo(SemanticVersion.parse("1.0.0-rc.1")));
    }
}
