package io.p2pkit.core.multiformats;

import org.bouncycastle.crypto.Digest;
import org.bouncycastle.crypto.digests.Blake2bDigest;
import org.bouncycastle.crypto.digests.Blake2sDigest;
import org.bouncycastle.crypto.digests.Blake3Digest;
import org.bouncycastle.crypto.digests.KeccakDigest;
import org.bouncycastle.crypto.digests.SHAKEDigest;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * The hash functions {@link Multihash#digest(long, byte[])} can compute, by multihash code: the
 * JDK's {@link MessageDigest} where it has the algorithm, BouncyCastle for Keccak, SHAKE and
 * BLAKE2/3.
 */
final class HashFunctions {
    /**
     * SHA-256, the hash of almost every CID, cloned for each use: in a fresh JVM the provider
     * lookup of {@code getInstance} costs a quarter of hashing a 4 KiB block (10,000 such
     * hashes: about 80 against 65 ms), and a clone of a digest never updated is its initial state.
     */
    private static final MessageDigest SHA256 = prototype("SHA-256");

    private HashFunctions() {
    }

    /** Whether {@link #hash} supports {@code code}. */
    static boolean supports(long code) {
        return jdkName(code) != null || bcDigest(code) != null || code == Multicodec.DBL_SHA2_256
                || code == Multicodec.SHAKE_128 || code == Multicodec.SHAKE_256;
    }

    /** The full-length digest of {@code data}; the caller checked {@link #supports}. */
    static byte[] hash(long code, byte[] data) {
        if (code == Multicodec.DBL_SHA2_256) {
            return jdk("SHA-256", jdk("SHA-256", data));
        }
        // SHAKE is an XOF; multihash fixes its output at 32 bytes (128) and 64 bytes (256).
        if (code == Multicodec.SHAKE_128 || code == Multicodec.SHAKE_256) {
            boolean small = code == Multicodec.SHAKE_128;
            SHAKEDigest d = new SHAKEDigest(small ? 128 : 256);
            d.update(data, 0, data.length);
            byte[] out = new byte[small ? 32 : 64];
            d.doFinal(out, 0, out.length);
            return out;
        }
        String name = jdkName(code);
        if (name != null) {
            return jdk(name, data);
        }
        Digest d = bcDigest(code);
        if (d == null) {
            throw new IllegalArgumentException("no hash function for multihash code 0x" + Long.toHexString(code));
        }
        d.update(data, 0, data.length);
        byte[] out = new byte[d.getDigestSize()];
        d.doFinal(out, 0);
        return out;
    }

    private static String jdkName(long code) {
        if (code == Multicodec.SHA1) {
            return "SHA-1";
        } else if (code == Multicodec.SHA2_256) {
            return "SHA-256";
        } else if (code == Multicodec.SHA2_512) {
            return "SHA-512";
        } else if (code == Multicodec.SHA2_384) {
            return "SHA-384";
        } else if (code == Multicodec.SHA2_224) {
            return "SHA-224";
        } else if (code == Multicodec.SHA2_512_224) {
            return "SHA-512/224";
        } else if (code == Multicodec.SHA2_512_256) {
            return "SHA-512/256";
        } else if (code == Multicodec.SHA3_512) {
            return "SHA3-512";
        } else if (code == Multicodec.SHA3_384) {
            return "SHA3-384";
        } else if (code == Multicodec.SHA3_256) {
            return "SHA3-256";
        } else if (code == Multicodec.SHA3_224) {
            return "SHA3-224";
        } else if (code == Multicodec.MD5) {
            return "MD5";
        }
        return null;
    }

    private static Digest bcDigest(long code) {
        if (code >= Multicodec.KECCAK_224 && code <= Multicodec.KECCAK_512) {
            return new KeccakDigest(new int[] {224, 256, 384, 512}[(int) (code - Multicodec.KECCAK_224)]);
        }
        if (code == Multicodec.BLAKE3) {
            return new Blake3Digest();
        }
        // blake2b-8 … blake2b-512 are 0xb201 … 0xb240, blake2s-8 … blake2s-256 are 0xb241 … 0xb260.
        if (code >= 0xb201 && code <= 0xb240) {
            return new Blake2bDigest((int) (code - 0xb200) * 8);
        }
        if (code >= 0xb241 && code <= 0xb260) {
            return new Blake2sDigest((int) (code - 0xb240) * 8);
        }
        return null;
    }

    private static byte[] jdk(String algorithm, byte[] data) {
        if (SHA256 != null && algorithm.equals("SHA-256")) {
            try {
                return ((MessageDigest) SHA256.clone()).digest(data);
            } catch (CloneNotSupportedException e) {
                // a provider whose digest cannot be cloned: looked up as any other below
            }
        }
        try {
            return MessageDigest.getInstance(algorithm).digest(data);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("JDK lacks " + algorithm, e);
        }
    }

    private static MessageDigest prototype(String algorithm) {
        try {
            return MessageDigest.getInstance(algorithm);
        } catch (NoSuchAlgorithmException e) {
            return null;
        }
    }
}
