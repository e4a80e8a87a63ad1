package io.p2pkit.node.exchange;

import io.p2pkit.core.multiformats.Multicodec;
import io.p2pkit.core.multiformats.Multihash;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SeenKeysTest {
    private static Multihash key(SplittableRandom random) {
        byte[] digest = new byte[32];
        random.nextBytes(digest);
        return Multihash.of(Multicodec.SHA2_256, digest);
    }

    /** 300,000 keys, past several filters: each met once is known, and few new ones are taken for met. */
    @Test
    void keysMetAreAlwaysKnownAndNewOnesRarelyMistaken() {
        SeenKeys seen = new SeenKeys();
        SplittableRandom random = new SplittableRandom(42);
        int n = 300_000;
        for (int i = 0; i < n; i++) {
            seen.add(key(random));
        }
        long noted = seen.size();
        assertTrue(noted > n - 20, "at most a handful of new keys taken for met: " + (n - noted));
        SplittableRandom again = new SplittableRandom(42);
        for (int i = 0; i < n; i++) {
            assertFalse(seen.add(key(again)), "key " + i + " was met");
        }
        assertEquals(noted, seen.size());
        int mistaken = 0;
        SplittableRandom fresh = new SplittableRandom(7);
        for (int i = 0; i < 100_000; i++) {
            if (!seen.add(key(fresh))) {
                mistaken++;
            }
        }
        assertTrue(mistaken < 10, "new keys taken for met (the bound is under 2 in 100,000): " + mistaken);
    }
}
