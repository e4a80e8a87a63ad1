package io.p2pkit.core.security.tls;

import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Arrays;

/**
 * One direction of a TLS 1.3 connection's record protection (RFC 8446 §5.2,
 * §7.3): the traffic secret, the AEAD key and IV derived from it with HKDF-Expand-Label, and the
 * record sequence number, sealing or opening records with the JDK's AES-GCM or ChaCha20-Poly1305
 * {@link Cipher}, under the handshake traffic secrets during the handshake ({@link Tls13Handshake})
 * and the application traffic secrets after it. Not thread-safe: the reader or the writer owns it under its lock.
 */
final class RecordProtection {
    /** The record header: opaque type, legacy version, length. */
    static final int HEADER_BYTES = 5;
    /** Largest plaintext of one record (§5.1). */
    static final int MAX_PLAINTEXT = 1 << 14;
    /** Largest encrypted record body (§5.2): plaintext, content type, padding and tag. */
    static final int MAX_CIPHERTEXT = MAX_PLAINTEXT + 256;
    /** The AEAD tag of every TLS 1.3 cipher suite. */
    static final int TAG_BYTES = 16;
    /** The opaque type of every protected record. */
    static final byte APPLICATION_DATA = 23;
    static final byte HANDSHAKE = 22;
    static final byte ALERT = 21;
    static final byte CHANGE_CIPHER_SPEC = 20;

    private static final int IV_BYTES = 12;
    private static final String LABEL_PREFIX = "tls13 ";
    private static final byte[] EMPTY = new byte[0];

    private final Suite suite;
    private final Cipher cipher;
    private final byte[] nonce = new byte[IV_BYTES];
    private final byte[] header = new byte[HEADER_BYTES];
    private final byte[] type = new byte[1];
    private final boolean encrypt;
    private byte[] secret;
    private SecretKeySpec key;
    private byte[] iv;
    private long sequence;

    /** The TLS 1.3 cipher suites this class protects records with. */
    enum Suite {
        AES_128_GCM_SHA256(0x1301, "AES/GCM/NoPadding", "AES", 16, "HmacSHA256", 32),
        AES_256_GCM_SHA384(0x1302, "AES/GCM/NoPadding", "AES", 32, "HmacSHA384", 48),
        CHACHA20_POLY1305_SHA256(0x1303, "ChaCha20-Poly1305", "ChaCha20", 32, "HmacSHA256", 32);

        final int code;
        final String transformation;
        final String keyAlgorithm;
        final int keyBytes;
        final String hmac;
        final int hashBytes;

        Suite(int code, String transformation, String keyAlgorithm, int keyBytes, String hmac, int hashBytes) {
            this.code = code;
            this.transformation = transformation;
            this.keyAlgorithm = keyAlgorithm;
            this.keyBytes = keyBytes;
            this.hmac = hmac;
            this.hashBytes = hashBytes;
        }

        /** The suite with this IANA code, or null when it is none of the three. */
        static Suite of(int code) {
            for (Suite suite : values()) {
                if (suite.code == code) {
                    return suite;
                }
            }
            return null;
        }
    }

    private RecordProtection(Suite suite, byte[] secret, boolean encrypt) throws GeneralSecurityException {
        if (secret.length != suite.hashBytes) {
            throw new GeneralSecurityException("traffic secret of " + secret.length + " bytes for " + suite);
        }
        this.suite = suite;
        this.encrypt = encrypt;
        this.cipher = Cipher.getInstance(suite.transformation);
        install(secret);
    }

    /** Protection for records this side sends, from its traffic secret (which it takes over). */
    static RecordProtection sealing(Suite suite, byte[] secret) throws GeneralSecurityException {
        return new RecordProtection(suite, secret, true);
    }

    /** Protection for records the peer sends, from the peer's traffic secret (which it takes over). */
    static RecordProtection opening(Suite suite, byte[] secret) throws GeneralSecurityException {
        return new RecordProtection(suite, secret, false);
    }

    Suite suite() {
        return suite;
    }

    /** Records protected or opened under the current key. */
    long sequence() {
        return sequence;
    }

    private void install(byte[] newSecret) throws GeneralSecurityException {
        if (secret != null) {
            Arrays.fill(secret, (byte) 0);
        }
        secret = newSecret;
        byte[] keyBytes = expandLabel(suite, secret, "key", suite.keyBytes);
        key = new SecretKeySpec(keyBytes, suite.keyAlgorithm);
        Arrays.fill(keyBytes, (byte) 0);
        iv = expandLabel(suite, secret, "iv", IV_BYTES);
        sequence = 0;
    }

    /** Moves to the next traffic secret (§7.2), after a KeyUpdate was sent or received. */
    void update() throws IOException {
        try {
            install(expandLabel(suite, secret, "traffic upd", suite.hashBytes));
        } catch (GeneralSecurityException e) {
            throw new IOException("TLS key update failed: " + e.getMessage(), e);
        }
    }

    /**
     * Seals {@code len} bytes of content of type {@code contentType} as one record written at
     * {@code dst[dstOff]}, header included, without padding.
     *
     * @return the record's length, {@code HEADER_BYTES + len + 1 + TAG_BYTES}
     */
    int seal(byte contentType, byte[] src, int off, int len, byte[] dst, int dstOff) throws IOException {
        if (!encrypt || len > MAX_PLAINTEXT) {
            throw new IllegalStateException("cannot seal " + len + " bytes here");
        }
        int body = len + 1 + TAG_BYTES;
        writeHeader(header, body);
        System.arraycopy(header, 0, dst, dstOff, HEADER_BYTES);
        type[0] = contentType;
        try {
            initNext(Cipher.ENCRYPT_MODE);
            cipher.updateAAD(header);
            int n = cipher.update(src, off, len, dst, dstOff + HEADER_BYTES);
            n += cipher.doFinal(type, 0, 1, dst, dstOff + HEADER_BYTES + n);
            if (n != body) {
                throw new IOException("TLS record sealed to " + n + " bytes, expected " + body);
            }
        } catch (GeneralSecurityException e) {
            throw new IOException("TLS record encryption failed: " + e.getMessage(), e);
        }
        return HEADER_BYTES + body;
    }

    /**
     * Opens the record at {@code src[off]} ({@code HEADER_BYTES + body} bytes, header checked by
     * the caller) into {@code dst[dstOff]}, which must have room for {@code body - TAG_BYTES}
     * bytes, and strips the padding.
     *
     * @return the content length in the low 24 bits and the inner content type above them
     * @throws TlsRecordException if the record fails authentication or its plaintext is malformed
     */
    int open(byte[] src, int off, int body, byte[] dst, int dstOff) throws IOException {
        if (encrypt) {
            throw new IllegalStateException("a sealing protection cannot open");
        }
        if (body < TAG_BYTES + 1 || body > MAX_CIPHERTEXT) {
            throw new TlsRecordException("TLS record of " + body + " bytes (record_overflow)");
        }
        int n;
        try {
            initNext(Cipher.DECRYPT_MODE);
            cipher.updateAAD(src, off, HEADER_BYTES);
            n = cipher.doFinal(src, off + HEADER_BYTES, body, dst, dstOff);
        } catch (AEADBadTagException e) {
            throw new TlsRecordException("TLS record failed authentication (bad_record_mac)", e);
        } catch (GeneralSecurityException e) {
            throw new IOException("TLS record decryption failed: " + e.getMessage(), e);
        }
        int i = dstOff + n - 1;
        while (i >= dstOff && dst[i] == 0) {
            i--;
        }
        if (i < dstOff) {
            throw new TlsRecordException("TLS record without content type (unexpected_message)");
        }
        int length = i - dstOff;
        if (length > MAX_PLAINTEXT) {
            throw new TlsRecordException("TLS record with " + length + " bytes of plaintext (record_overflow)");
        }
        return (dst[i] & 0xFF) << 24 | length;
    }

    /** Inits the cipher for the next record: nonce = IV XOR the 64-bit sequence number (§5.3). */
    private void initNext(int mode) throws GeneralSecurityException {
        if (sequence == -1L) {
            // 2^64 records: the sequence number must not wrap (§5.3)
            throw new GeneralSecurityException("TLS record sequence number exhausted");
        }
        System.arraycopy(iv, 0, nonce, 0, IV_BYTES);
        long s = sequence++;
        for (int i = IV_BYTES - 1; i >= IV_BYTES - 8; i--) {
            nonce[i] ^= (byte) s;
            s >>>= 8;
        }
        if (suite == Suite.CHACHA20_POLY1305_SHA256) {
            cipher.init(mode, key, new IvParameterSpec(nonce));
        } else {
            cipher.init(mode, key, new GCMParameterSpec(TAG_BYTES * 8, nonce));
        }
    }

    /** Writes a protected record's header for a body of {@code body} bytes. */
    static void writeHeader(byte[] to, int body) {
        to[0] = APPLICATION_DATA;
        to[1] = 3;
        to[2] = 3;
        to[3] = (byte) (body >>> 8);
        to[4] = (byte) body;
    }

    /** HKDF-Expand-Label(secret, label, "", length) (RFC 8446 §7.1) with the suite's hash. */
    static byte[] expandLabel(Suite suite, byte[] secret, String label, int length) throws GeneralSecurityException {
        return expandLabel(suite, secret, label, EMPTY, length);
    }

    /** HKDF-Expand-Label(secret, label, context, length) (RFC 8446 §7.1) with the suite's hash. */
    static byte[] expandLabel(Suite suite, byte[] secret, String label, byte[] context, int length)
            throws GeneralSecurityException {
        byte[] fullLabel = (LABEL_PREFIX + label).getBytes(StandardCharsets.US_ASCII);
        byte[] info = new byte[2 + 1 + fullLabel.length + 1 + context.length];
        info[0] = (byte) (length >>> 8);
        info[1] = (byte) length;
        info[2] = (byte) fullLabel.length;
        System.arraycopy(fullLabel, 0, info, 3, fullLabel.length);
        info[3 + fullLabel.length] = (byte) context.length;
        System.arraycopy(context, 0, info, 4 + fullLabel.length, context.length);
        Mac mac = Mac.getInstance(suite.hmac);
        mac.init(new SecretKeySpec(secret, suite.hmac));
        byte[] out = new byte[length];
        byte[] block = new byte[0];
        int done = 0;
        for (int counter = 1; done < length; counter++) {
            mac.update(block);
            mac.update(info);
            mac.update((byte) counter);
            block = mac.doFinal();
            int n = Math.min(block.length, length - done);
            System.arraycopy(block, 0, out, done, n);
            done += n;
        }
        return out;
    }
}
