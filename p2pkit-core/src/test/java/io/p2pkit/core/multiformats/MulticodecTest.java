package io.p2pkit.core.multiformats;

import io.p2pkit.testing.Vectors;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.Locale;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MulticodecTest {
    @Test
    void resourceIsTheVectorTableVerbatim() throws IOException {
        try (InputStream in = Multicodec.class.getResourceAsStream(Multicodec.RESOURCE)) {
            assertNotNull(in);
            assertArrayEquals(Vectors.bytes("multiformats-multicodec/table.csv"), in.readAllBytes());
        }
    }

    @Test
    void everyRowIsLoaded() {
        long rows = Vectors.lines("multiformats-multicodec/table.csv").stream().skip(1).filter(l -> !l.isBlank()).count();
        assertEquals(rows, Multicodec.all().size());
    }

    /** Each constant's name, lower-cased with '_' as '-', is its table name (with two spellings fixed). */
    @Test
    void everyConstantMatchesTheTable() throws IllegalAccessException {
        int checked = 0;
        for (Field f : Multicodec.class.getDeclaredFields()) {
            if (f.getType() != long.class || !Modifier.isStatic(f.getModifiers()) || !Modifier.isPublic(f.getModifiers())) {
                continue;
            }
            String name = f.getName().toLowerCase(Locale.ROOT).replace('_', '-');
            long code = f.getLong(null);
            Multicodec.Codec c = Multicodec.byName(name).orElseThrow(() -> new AssertionError("no table entry " + name));
            assertEquals(c.code(), code, name);
            assertEquals(c, Multicodec.byCode(code).orElseThrow());
            checked++;
        }
        assertTrue(checked >= 30, "checked " + checked);
    }

    @Test
    void lookups() {
        Multicodec.Codec dagPb = Multicodec.byName("dag-pb").orElseThrow();
        assertEquals(new Multicodec.Codec("dag-pb", "ipld", 0x70, "permanent", "MerkleDAG protobuf"), dagPb);
        assertEquals("libp2p-key", Multicodec.nameOf(Multicodec.LIBP2P_KEY));
        assertEquals("0x7fffffff", Multicodec.nameOf(0x7fffffff));
        assertTrue(Multicodec.byCode(0x7fffffff).isEmpty());
        assertTrue(Multicodec.byName("no-such-codec").isEmpty());
        assertEquals("", Multicodec.byName("sha1").orElseThrow().description());
    }
}
