package io.p2pkit.testing;

import java.security.SecureRandom;
import java.util.SplittableRandom;

/** A SecureRandom that is anything but: seeded and reproducible, for deterministic key generation in tests. */
public final class SeededRandom extends SecureRandom {
    private final SplittableRandom random;

    public SeededRandom(long seed) {
        this.random = new SplittableRandom(seed);
    }

    @Override
    public void nextBytes(byte[] bytes) {
        random.nextBytes(bytes);
    }

    @Override
    public byte[] generateSeed(int numBytes) {
        byte[] b = new byte[numBytes];
        nextBytes(b);
        return b;
    }
}
