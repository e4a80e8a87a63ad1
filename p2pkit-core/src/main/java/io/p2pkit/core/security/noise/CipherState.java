package io.p2pkit.core.security.noise;

import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import java.security.GeneralSecurityException;
import java.util.Arrays;

/**
 * The Noise {@code CipherState} for the ChaChaPoly cipher functions: a 256-bit key and a 64-bit
 * message counter used as the nonce. Each call encrypts or decrypts one whole message.
 *
 * <p>The nonce is the counter in little-endian order in the last 8 bytes of the 96-bit
 * ChaCha20-Poly1305 nonce, after 4 zero bytes, as the Noise spec defines. The counter value
 * 2^64-1 is reserved, so once it is reached every further call fails with
 * {@link NonceExhaustedException} instead of reusing a nonce.
 *
 * <p>Not thread-safe: a connection keeps one instance per direction, each used by one thread at
 * a time.
 */
public final class CipherState {
    /** Bytes the Poly1305 tag adds to every encrypted message. */
    public static final int TAG_LENGTH = 16;

    /** The counter value the spec reserves; in a signed long it is -1. */
    private static final long RESERVED_NONCE = -1L;

    private final Cipher cipher;
    private final byte[] iv = new byte[12];
    private SecretKeySpec key;
    private long nonce;

    /** A cipher state without a key: it passes messages through unencrypted, as Noise specifies. */
    public CipherState() {
        try {
            cipher = Cipher.getInstance("ChaCha20-Poly1305");
        } catch (GeneralSecurityException e) {
            // Every JDK since 11 has it; without it nothing in this package can work.
            throw new IllegalStateException("the JDK lacks ChaCha20-Poly1305", e);
        }
    }

    /** A cipher state with {@code key} (32 bytes) and nonce 0. */
    public CipherState(byte[] key) {
        this();
        initializeKey(key);
    }

    /** Sets a new 32-byte key and resets the nonce to 0. */
    public void initializeKey(byte[] newKey) {
        if (newKey.length != 32) {
            throw new IllegalArgumentException("ChaChaPoly keys are 32 bytes, not " + newKey.length);
        }
        key = new SecretKeySpec(newKey, "ChaCha20");
        nonce = 0;
    }

    /** Whether a key has been set; without one, messages pass through in the clear. */
    public boolean hasKey() {
        return key != null;
    }

    /** The next nonce to be used, as an unsigned 64-bit value held in a long. */
    public long nonce() {
        return nonce;
    }

    /** Sets the next nonce (the spec's {@code SetNonce}); used to test the nonce limit. */
    public void setNonce(long value) {
        nonce = value;
    }

    /**
     * Encrypts {@code length} bytes of {@code plaintext} with associated data {@code ad} (may be
     * null) into {@code out}, which needs room for {@code length + TAG_LENGTH} bytes (or
     * {@code length} without a key). The arrays may overlap.
     *
     * @return the number of bytes written to {@code out}
     * @throws NonceExhaustedException if the reserved nonce has been reached
     */
    public int encryptWithAd(byte[] ad, byte[] plaintext, int offset, int length, byte[] out, int outOffset)
            throws NonceExhaustedException {
        if (key == null) {
            System.arraycopy(plaintext, offset, out, outOffset, length);
            return length;
        }
        if (nonce == RESERVED_NONCE) {
            throw new NonceExhaustedException("the sending cipher has used all 2^64-1 nonces");
        }
        try {
            cipher.init(Cipher.ENCRYPT_MODE, key, nextIv());
            if (ad != null) {
                cipher.updateAAD(ad);
            }
            int n = cipher.doFinal(plaintext, offset, length, out, outOffset);
            nonce++;
            return n;
        } catch (GeneralSecurityException e) {
            // Key and nonce sizes are fixed and the caller sizes the buffer, so this is a bug here.
            throw new IllegalStateException("ChaCha20-Poly1305 encryption failed", e);
        }
    }

    /**
     * Encrypts the concatenation of {@code headLength} bytes of {@code head} and {@code bodyLength}
     * bytes of {@code body} as one message into {@code out}, which needs room for both lengths
     * plus {@code TAG_LENGTH}. The head may sit where its ciphertext goes (in place); the body must
     * not overlap {@code out}. One message instead of two saves the cipher's fixed per-message cost
     * (a new Poly1305 and engine, the key stream for the MAC key, the tag's finalisation), and the
     * body is read where it is, not copied behind the head first.
     *
     * @return the number of bytes written to {@code out}
     * @throws NonceExhaustedException if the reserved nonce has been reached
     */
    public int encryptWithAd(byte[] ad, byte[] head, int headOffset, int headLength,
                             byte[] body, int bodyOffset, int bodyLength, byte[] out, int outOffset)
            throws NonceExhaustedException {
        if (key == null) {
            System.arraycopy(head, headOffset, out, outOffset, headLength);
            System.arraycopy(body, bodyOffset, out, outOffset + headLength, bodyLength);
            return headLength + bodyLength;
        }
        if (nonce == RESERVED_NONCE) {
            throw new NonceExhaustedException("the sending cipher has used all 2^64-1 nonces");
        }
        try {
            cipher.init(Cipher.ENCRYPT_MODE, key, nextIv());
            if (ad != null) {
                cipher.updateAAD(ad);
            }
            // The JDK's encryption processes update() at once, so the head's ciphertext is final here.
            int n = cipher.update(head, headOffset, headLength, out, outOffset);
            n += cipher.doFinal(body, bodyOffset, bodyLength, out, outOffset + n);
            nonce++;
            return n;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("ChaCha20-Poly1305 encryption failed", e);
        }
    }

    /**
     * Decrypts and authenticates {@code length} bytes of {@code ciphertext} (including the tag)
     * into {@code out}, which needs room for {@code length - TAG_LENGTH} bytes (or {@code length}
     * without a key). The arrays may overlap. On failure the nonce is not advanced.
     *
     * @return the number of plaintext bytes written to {@code out}
     * @throws BadTagException if the message is shorter than a tag or fails authentication
     * @throws NonceExhaustedException if the reserved nonce has been reached
     */
    public int decryptWithAd(byte[] ad, byte[] ciphertext, int offset, int length, byte[] out, int outOffset)
            throws BadTagException, NonceExhaustedException {
        if (key == null) {
            System.arraycopy(ciphertext, offset, out, outOffset, length);
            return length;
        }
        if (nonce == RESERVED_NONCE) {
            throw new NonceExhaustedException("the receiving cipher has used all 2^64-1 nonces");
        }
        if (length < TAG_LENGTH) {
            throw new BadTagException("message of " + length + " bytes is shorter than its 16-byte tag");
        }
        try {
            cipher.init(Cipher.DECRYPT_MODE, key, nextIv());
            if (ad != null) {
                cipher.updateAAD(ad);
            }
            int n = cipher.doFinal(ciphertext, offset, length, out, outOffset);
            nonce++;
            return n;
        } catch (AEADBadTagException e) {
            throw new BadTagException("message " + Long.toUnsignedString(nonce) + " failed authentication", e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("ChaCha20-Poly1305 decryption failed", e);
        }
    }

    /** Convenience form of {@link #encryptWithAd(byte[], byte[], int, int, byte[], int)} returning a new array. */
    public byte[] encryptWithAd(byte[] ad, byte[] plaintext) throws NonceExhaustedException {
        byte[] out = new byte[plaintext.length + (key == null ? 0 : TAG_LENGTH)];
        encryptWithAd(ad, plaintext, 0, plaintext.length, out, 0);
        return out;
    }

    /** Convenience form of {@link #decryptWithAd(byte[], byte[], int, int, byte[], int)} returning a new array. */
    public byte[] decryptWithAd(byte[] ad, byte[] ciphertext) throws BadTagException, NonceExhaustedException {
        if (key != null && ciphertext.length < TAG_LENGTH) {
            throw new BadTagException("message of " + ciphertext.length + " bytes is shorter than its 16-byte tag");
        }
        byte[] out = new byte[ciphertext.length - (key == null ? 0 : TAG_LENGTH)];
        int n = decryptWithAd(ad, ciphertext, 0, ciphertext.length, out, 0);
        return n == out.length ? out : Arrays.copyOf(out, n);
    }

    private IvParameterSpec nextIv() {
        long n = nonce;
        for (int i = 0; i < 8; i++) {
            iv[4 + i] = (byte) (n >>> (8 * i));
        }
        return new IvParameterSpec(iv);
    }

    @Override
    public String toString() {
        return "CipherState[" + (key == null ? "no key" : "nonce=" + Long.toUnsignedString(nonce)) + "]";
    }
}
