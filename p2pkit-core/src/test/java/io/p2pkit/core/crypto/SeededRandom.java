package io.p2pkit.core.crypto;

import java.security.SecureRandom;
import java.util.SplittableRandom;

/** A SecureRandom that is anything but: seeded and reproducible, for deterministic key generation in tests. */
final class SeededRandom extends SecureRandom {
    private final SplittableRandom random;

    SeededRandom(long seed) {
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
