package io.p2pkit.ipfs.unixfs;

import javax.crypto.Cipher;
import javax.crypto.spec.ChaCha20ParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;

/**
 * The pseudo-random bytes Kubo's test harness adds for its CID-profile vectors
 * ({@code testutils.DeterministicRandomReaderBytes}): the ChaCha20 key stream (RFC 8439, zero
 * nonce, counter from 0) under the SHA-256 of a seed string. Reading it reproduces IPIP-499's
 * input data exactly.
 */
public final class DeterministicBytes extends InputStream {
    private static final int ZEROS = 64 * 1024;
    private final Cipher cipher;
    private final byte[] zeros = new byte[ZEROS];
    private long remaining;

    /**
     * @param seed the seed string
     * @param size how many bytes the stream holds
     */
    public DeterministicBytes(String seed, long size) {
        try {
            byte[] key = MessageDigest.getInstance("SHA-256").digest(seed.getBytes(StandardCharsets.UTF_8));
            cipher = Cipher.getInstance("ChaCha20");
            cipher.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "ChaCha20"), new ChaCha20ParameterSpec(new byte[12], 0));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
        this.remaining = size;
    }

    @Override
    public int read() {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xFF;
    }

    @Override
    public int read(byte[] b, int off, int len) {
        if (remaining <= 0) {
            return -1;
        }
        int n = (int) Math.min(Math.min(len, remaining), ZEROS);
        try {
            cipher.update(zeros, 0, n, b, off);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
        remaining -= n;
        return n;
    }
}
