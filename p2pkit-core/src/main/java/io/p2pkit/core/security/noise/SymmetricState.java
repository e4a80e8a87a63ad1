package io.p2pkit.core.security.noise;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Arrays;

/**
 * The Noise {@code SymmetricState} with SHA-256: the chaining key {@code ck}, the handshake hash
 * {@code h} and the cipher state that encrypts handshake payloads. HKDF is built from HMAC-SHA256
 * exactly as section 4.3 of the Noise spec describes.
 */
final class SymmetricState {
    static final int HASH_LENGTH = 32;

    private final MessageDigest sha256;
    private final Mac hmac;
    private final CipherState cipher = new CipherState();
    private byte[] ck;
    private byte[] h;

    /** {@code InitializeSymmetric(protocolName)}. */
    SymmetricState(String protocolName) {
        try {
            sha256 = MessageDigest.getInstance("SHA-256");
            hmac = Mac.getInstance("HmacSHA256");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK lacks SHA-256 or HMAC-SHA256", e);
        }
        byte[] name = protocolName.getBytes(StandardCharsets.US_ASCII);
        h = name.length <= HASH_LENGTH ? Arrays.copyOf(name, HASH_LENGTH) : sha256.digest(name);
        ck = h.clone();
    }

    /** {@code MixKey}: derives a new chaining key and cipher key from {@code ikm}. */
    void mixKey(byte[] ikm) {
        byte[][] out = hkdf(ck, ikm, 2);
        ck = out[0];
        cipher.initializeKey(out[1]);
    }

    /** {@code MixHash}: {@code h = SHA-256(h || data)}. */
    void mixHash(byte[] data, int offset, int length) {
        sha256.update(h);
        sha256.update(data, offset, length);
        h = sha256.digest();
    }

    void mixHash(byte[] data) {
        mixHash(data, 0, data.length);
    }

    /** {@code EncryptAndHash}: encrypts (once a key exists) with {@code h} as associated data, then hashes the ciphertext. */
    byte[] encryptAndHash(byte[] plaintext) throws NonceExhaustedException {
        byte[] out = cipher.encryptWithAd(h, plaintext);
        mixHash(out);
        return out;
    }

    /** {@code DecryptAndHash}: the inverse of {@link #encryptAndHash}; hashes the ciphertext as received. */
    byte[] decryptAndHash(byte[] ciphertext) throws BadTagException, NonceExhaustedException {
        byte[] plaintext = cipher.decryptWithAd(h, ciphertext);
        mixHash(ciphertext);
        return plaintext;
    }

    /** Whether handshake payloads are encrypted yet (a key has been mixed in). */
    boolean hasKey() {
        return cipher.hasKey();
    }

    /** {@code Split}: the two transport cipher states, initiator-to-responder first. */
    CipherState[] split() {
        byte[][] out = hkdf(ck, new byte[0], 2);
        CipherState c1 = new CipherState(out[0]);
        CipherState c2 = new CipherState(out[1]);
        Arrays.fill(out[0], (byte) 0);
        Arrays.fill(out[1], (byte) 0);
        Arrays.fill(ck, (byte) 0);
        return new CipherState[] {c1, c2};
    }

    /** The current handshake hash (a copy); after the handshake it identifies the session. */
    byte[] handshakeHash() {
        return h.clone();
    }

    /** HKDF with HMAC-SHA256 and {@code count} (2 or 3) outputs of 32 bytes. */
    private byte[][] hkdf(byte[] chainingKey, byte[] ikm, int count) {
        byte[] tempKey = hmac(chainingKey, ikm);
        byte[][] out = new byte[count][];
        byte[] previous = new byte[0];
        for (int i = 0; i < count; i++) {
            try {
                hmac.init(new SecretKeySpec(tempKey, "HmacSHA256"));
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException(e);
            }
            hmac.update(previous);
            hmac.update((byte) (i + 1));
            previous = hmac.doFinal();
            out[i] = previous;
        }
        Arrays.fill(tempKey, (byte) 0);
        return out;
    }

    private byte[] hmac(byte[] key, byte[] data) {
        try {
            hmac.init(new SecretKeySpec(key, "HmacSHA256"));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
        return hmac.doFinal(data);
    }
}
