package io.p2pkit.core.crypto;

import io.p2pkit.core.DecodeException;
import org.bouncycastle.math.ec.rfc8032.Ed25519;

import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;

/**
 * An Ed25519 private key. Its raw form is the 32-byte seed followed by the 32-byte public key, as
 * go and js write it; the legacy 96-byte form (public key twice) is accepted on input.
 */
final class Ed25519PrivateKey extends PrivateKey {
    static final int SEED_SIZE = 32;

    private final byte[] seed;
    private final Ed25519PublicKey publicKey;

    private Ed25519PrivateKey(byte[] seed, byte[] publicBytes) {
        super(KeyType.ED25519, concat(seed, publicBytes));
        this.seed = seed;
        this.publicKey = Ed25519PublicKey.fromRaw(publicBytes);
    }

    static Ed25519PrivateKey generate(SecureRandom random) {
        byte[] seed = new byte[SEED_SIZE];
        random.nextBytes(seed);
        return fromSeed(seed);
    }

    /** The key for a 32-byte RFC 8032 seed (the form PKCS#8 carries). */
    static Ed25519PrivateKey fromSeed(byte[] seed) {
        if (seed.length != SEED_SIZE) {
            throw new DecodeException("PrivateKey", "an Ed25519 seed is 32 bytes, got " + seed.length);
        }
        byte[] pub = new byte[Ed25519PublicKey.SIZE];
        Ed25519.generatePublicKey(seed, 0, pub, 0);
        return new Ed25519PrivateKey(seed.clone(), pub);
    }

    static Ed25519PrivateKey fromRaw(byte[] raw) {
        if (raw.length != 64 && raw.length != 96) {
            throw new DecodeException("PrivateKey", "an Ed25519 private key is 64 bytes (or the legacy 96), got " + raw.length);
        }
        byte[] embedded = Arrays.copyOfRange(raw, 32, 64);
        if (raw.length == 96 && !MessageDigest.isEqual(embedded, Arrays.copyOfRange(raw, 64, 96))) {
            throw new DecodeException("PrivateKey", "the two public keys in a 96-byte Ed25519 key differ");
        }
        Ed25519PrivateKey key = fromSeed(Arrays.copyOf(raw, SEED_SIZE));
        // A wrong embedded public key would make go sign with a key that is not ours: refuse it.
        if (!MessageDigest.isEqual(embedded, key.publicKey.raw())) {
            throw new DecodeException("PrivateKey", "the public key in the Ed25519 key does not match its seed");
        }
        return key;
    }

    @Override
    public PublicKey publicKey() {
        return publicKey;
    }

    @Override
    public byte[] sign(byte[] data) {
        byte[] sig = new byte[Ed25519PublicKey.SIGNATURE_SIZE];
        byte[] pub = publicKey.raw();
        Ed25519.sign(seed, 0, pub, 0, data, 0, data.length, sig, 0);
        return sig;
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
