package io.p2pkit.core.pnet;

import org.bouncycastle.crypto.engines.XSalsa20Engine;
import org.bouncycastle.crypto.params.KeyParameter;
import org.bouncycastle.crypto.params.ParametersWithIV;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

/** Our XSalsa20 gives BouncyCastle's key stream, whatever the chunking (the go vector is in PnetConnectionTest). */
class XSalsa20Test {
    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 4, 5})
    void matchesBouncyCastleInAnyChunks(long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        byte[] key = new byte[32];
        byte[] nonce = new byte[24];
        random.nextBytes(key);
        random.nextBytes(nonce);
        byte[] data = new byte[20_000 + random.nextInt(5000)];
        random.nextBytes(data);
        XSalsa20Engine bc = new XSalsa20Engine();
        bc.init(true, new ParametersWithIV(new KeyParameter(key), nonce));
        byte[] want = new byte[data.length];
        bc.processBytes(data, 0, data.length, want, 0);

        XSalsa20 ours = new XSalsa20(key, nonce);
        byte[] got = data.clone(); // in place, as reads decrypt
        int off = 0;
        while (off < got.length) {
            int n = Math.min(got.length - off, switch (random.nextInt(4)) {
                case 0 -> 1;
                case 1 -> random.nextInt(64) + 1;
                case 2 -> 64 * (random.nextInt(4) + 1);
                default -> random.nextInt(3000);
            });
            if (n == 1 && random.nextBoolean()) {
                got[off] = ours.process(got[off]);
            } else {
                ours.process(got, off, n, got, off);
            }
            off += n;
        }
        assertArrayEquals(want, got);
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 63, 64, 65, 4096})
    void encryptsIntoAnotherArrayLeavingTheInputAlone(int size) {
        byte[] key = new byte[32];
        byte[] nonce = new byte[24];
        byte[] data = new byte[size];
        new SplittableRandom(9).nextBytes(data);
        byte[] copy = data.clone();
        byte[] out = new byte[size + 10];
        new XSalsa20(key, nonce).process(data, 0, size, out, 10);
        assertArrayEquals(copy, data);
        byte[] back = new byte[size];
        new XSalsa20(key, nonce).process(out, 10, size, back, 0);
        assertArrayEquals(data, back);
    }
}
