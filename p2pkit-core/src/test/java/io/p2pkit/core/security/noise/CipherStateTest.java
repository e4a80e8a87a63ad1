package io.p2pkit.core.security.noise;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class CipherStateTest {
    private static byte[] key(long seed) {
        byte[] k = new byte[32];
        new SplittableRandom(seed).nextBytes(k);
        return k;
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 4, 5})
    void roundTripsMessagesOfRandomSizes(long seed) throws Exception {
        SplittableRandom random = new SplittableRandom(seed);
        CipherState enc = new CipherState(key(seed));
        CipherState dec = new CipherState(key(seed));
        for (int i = 0; i < 20; i++) {
            byte[] msg = new byte[random.nextInt(0, 70000)];
            random.nextBytes(msg);
            byte[] ad = new byte[random.nextInt(0, 40)];
            random.nextBytes(ad);
            byte[] ct = enc.encryptWithAd(ad, msg);
            assertEquals(msg.length + CipherState.TAG_LENGTH, ct.length);
            assertArrayEquals(msg, dec.decryptWithAd(ad, ct));
        }
        assertEquals(20, enc.nonce());
        assertEquals(20, dec.nonce());
    }

    @Test
    void decryptsInPlace() throws Exception {
        CipherState enc = new CipherState(key(9));
        CipherState dec = new CipherState(key(9));
        byte[] buf = new byte[1000 + CipherState.TAG_LENGTH];
        new SplittableRandom(9).nextBytes(buf);
        byte[] original = java.util.Arrays.copyOf(buf, 1000);
        assertEquals(1016, enc.encryptWithAd(null, buf, 0, 1000, buf, 0));
        assertEquals(1000, dec.decryptWithAd(null, buf, 0, 1016, buf, 0));
        assertArrayEquals(original, java.util.Arrays.copyOf(buf, 1000));
    }

    /** A head encrypted in place plus a body from elsewhere is the same message as the two joined. */
    @ParameterizedTest
    @ValueSource(ints = {0, 1, 12, 15, 16, 17, 1000})
    void aHeadAndABodySealAsOneMessage(int headLength) throws Exception {
        SplittableRandom random = new SplittableRandom(headLength);
        byte[] joined = new byte[headLength + 5000];
        random.nextBytes(joined);
        byte[] ad = {4, 5, 6};
        byte[] expected = new CipherState(key(11)).encryptWithAd(ad, joined);

        byte[] out = new byte[joined.length + CipherState.TAG_LENGTH + 3];
        System.arraycopy(joined, 0, out, 3, headLength); // the head sits where its ciphertext goes
        byte[] body = java.util.Arrays.copyOfRange(joined, headLength, joined.length);
        CipherState enc = new CipherState(key(11));
        assertEquals(expected.length, enc.encryptWithAd(ad, out, 3, headLength, body, 0, body.length, out, 3));
        assertArrayEquals(expected, java.util.Arrays.copyOfRange(out, 3, 3 + expected.length));
        assertEquals(1, enc.nonce());

        CipherState clear = new CipherState();
        byte[] plain = new byte[joined.length];
        System.arraycopy(joined, 0, plain, 0, headLength);
        assertEquals(joined.length, clear.encryptWithAd(null, plain, 0, headLength, body, 0, body.length, plain, 0));
        assertArrayEquals(joined, plain);
    }

    @Test
    void everyFlippedBitIsCaughtAndTheNonceStays() throws Exception {
        byte[] ct = new CipherState(key(7)).encryptWithAd(new byte[] {1}, new byte[] {10, 20, 30});
        for (int bit = 0; bit < ct.length * 8; bit++) {
            byte[] bad = ct.clone();
            bad[bit / 8] ^= (byte) (1 << (bit % 8));
            CipherState dec = new CipherState(key(7));
            assertThrows(BadTagException.class, () -> dec.decryptWithAd(new byte[] {1}, bad));
            assertEquals(0, dec.nonce());
        }
        CipherState dec = new CipherState(key(7));
        assertThrows(BadTagException.class, () -> dec.decryptWithAd(new byte[] {2}, ct), "other associated data");
        assertThrows(BadTagException.class, () -> dec.decryptWithAd(null, new byte[15]), "shorter than a tag");
    }

    @Test
    void theNonceIsLittleEndianAfterFourZeroBytes() throws Exception {
        // Encrypt at nonce 2^32+1 and decrypt with the JDK directly using the spec's nonce layout.
        byte[] k = key(11);
        CipherState enc = new CipherState(k);
        enc.setNonce(0x1_0000_0001L);
        byte[] ct = enc.encryptWithAd(null, new byte[] {42});
        javax.crypto.Cipher c = javax.crypto.Cipher.getInstance("ChaCha20-Poly1305");
        byte[] iv = {0, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0};
        c.init(javax.crypto.Cipher.DECRYPT_MODE, new javax.crypto.spec.SecretKeySpec(k, "ChaCha20"),
                new javax.crypto.spec.IvParameterSpec(iv));
        assertArrayEquals(new byte[] {42}, c.doFinal(ct));
    }

    @Test
    void refusesToPassTheReservedNonce() throws Exception {
        CipherState enc = new CipherState(key(3));
        CipherState dec = new CipherState(key(3));
        enc.setNonce(-2L); // 2^64-2, the last nonce that may be used
        dec.setNonce(-2L);
        byte[] ct = enc.encryptWithAd(null, new byte[] {1, 2});
        assertArrayEquals(new byte[] {1, 2}, dec.decryptWithAd(null, ct));
        assertEquals(-1L, enc.nonce());
        assertThrows(NonceExhaustedException.class, () -> enc.encryptWithAd(null, new byte[] {3}));
        assertThrows(NonceExhaustedException.class, () -> dec.decryptWithAd(null, ct));
    }

    @Test
    void withoutAKeyMessagesPassInTheClear() throws Exception {
        CipherState none = new CipherState();
        assertArrayEquals(new byte[] {5, 6}, none.encryptWithAd(new byte[] {1}, new byte[] {5, 6}));
        assertArrayEquals(new byte[] {5, 6}, none.decryptWithAd(new byte[] {1}, new byte[] {5, 6}));
    }
}
