package io.p2pkit.ipfs.blockstore;

import io.p2pkit.core.DecodeException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class ShardingTest {
    @Test
    void kubosDefaultIsNextToLastTwo() {
        assertEquals("/repo/flatfs/shard/v1/next-to-last/2", Sharding.KUBO_DEFAULT.toString());
        assertEquals(Sharding.KUBO_DEFAULT, Sharding.parse("/repo/flatfs/shard/v1/next-to-last/2\n"));
        assertEquals(Sharding.KUBO_DEFAULT, Sharding.parse("  /repo/flatfs/shard/v1/next-to-last/2 \r\n"));
    }

    @Test
    void nextToLastTakesTheCharactersBeforeTheLastOne() {
        // go-ds-flatfs's README example
        assertEquals("SC", Sharding.KUBO_DEFAULT.directoryOf("AFKREIA22FLID5AJ2KU7URG47MDLROZIH6YF2KALU2PWEFPVI37YLKRSCA"));
        assertEquals("X3", Sharding.KUBO_DEFAULT.directoryOf(FlatfsKeyTest.EMPTY_DIR_KEY));
        // short names are padded with '_' in front
        assertEquals("_A", Sharding.KUBO_DEFAULT.directoryOf("AB"));
        assertEquals("__", Sharding.KUBO_DEFAULT.directoryOf("A"));
    }

    @Test
    void prefixAndSuffixAsGoDsFlatfs() {
        Sharding prefix = Sharding.parse("/repo/flatfs/shard/v1/prefix/3");
        assertEquals("CIQ", prefix.directoryOf("CIQABC"));
        assertEquals("A__", prefix.directoryOf("A"));
        Sharding suffix = Sharding.parse("/repo/flatfs/shard/v1/suffix/2");
        assertEquals("BC", suffix.directoryOf("CIQABC"));
        assertEquals("_A", suffix.directoryOf("A"));
        assertEquals("/repo/flatfs/shard/v1/suffix/2", suffix.toString());
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "", "auto", "next-to-last/2", "/repo/flatfs/shard/v2/next-to-last/2", "/repo/flatfs/shard/v1/middle/2",
        "/repo/flatfs/shard/v1/next-to-last/", "/repo/flatfs/shard/v1/next-to-last/0", "/repo/flatfs/shard/v1/next-to-last/-1",
        "/repo/flatfs/shard/v1/next-to-last/17", "/repo/flatfs/shard/v1/next-to-last/2/3", "/repo/flatfs/shard/v1/next-to-last/+2",
    })
    void otherIdentifiersAreRefused(String text) {
        DecodeException e = assertThrows(DecodeException.class, () -> Sharding.parse(text));
        assertEquals("SHARDING", e.field());
    }
}
