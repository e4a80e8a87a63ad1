package io.p2pkit.core.crypto;

import io.p2pkit.core.DecodeException;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.params.ECPrivateKeyParameters;
import org.bouncycastle.crypto.signers.ECDSASigner;
import org.bouncycastle.crypto.signers.HMacDSAKCalculator;
import org.bouncycastle.util.BigIntegers;

import java.math.BigInteger;
import java.security.SecureRandom;

/**
 * A secp256k1 private key: the 32-byte big-endian scalar. Signatures are deterministic (RFC 6979
 * nonces) with low S, as go's decred library makes them, so they reproduce byte for byte.
 */
final class Secp256k1PrivateKey extends PrivateKey {
    private static final int SIZE = 32;

    private final BigInteger d;
    private final Secp256k1PublicKey publicKey;

    private Secp256k1PrivateKey(BigInteger d) {
        super(KeyType.SECP256K1, BigIntegers.asUnsignedByteArray(SIZE, d));
        this.d = d;
        this.publicKey = new Secp256k1PublicKey(Secp256k1.CURVE.getG().multiply(d).normalize());
    }

    static Secp256k1PrivateKey generate(SecureRandom random) {
        byte[] b = new byte[SIZE];
        while (true) {
            random.nextBytes(b);
            BigInteger d = new BigInteger(1, b);
            if (d.signum() > 0 && d.compareTo(Secp256k1.N) < 0) {
                return new Secp256k1PrivateKey(d);
            }
        }
    }

    static Secp256k1PrivateKey fromRaw(byte[] raw) {
        if (raw.length != SIZE) {
            throw new DecodeException("PrivateKey", "a secp256k1 private key is 32 bytes, got " + raw.length);
        }
        return fromScalar(new BigInteger(1, raw), "PrivateKey");
    }

    static Secp256k1PrivateKey fromScalar(BigInteger d, String what) {
        // go silently reduces such values modulo n; a key file holding one is corrupt, so refuse it.
        if (d.signum() <= 0 || d.compareTo(Secp256k1.N) >= 0) {
            throw new DecodeException(what, "secp256k1 private key is out of range");
        }
        return new Secp256k1PrivateKey(d);
    }

    @Override
    public PublicKey publicKey() {
        return publicKey;
    }

    @Override
    public byte[] sign(byte[] data) {
        ECDSASigner signer = new ECDSASigner(new HMacDSAKCalculator(new SHA256Digest()));
        signer.init(true, new ECPrivateKeyParameters(d, Secp256k1.DOMAIN));
        BigInteger[] rs = signer.generateSignature(Sha256.digest(data));
        BigInteger s = rs[1];
        if (s.compareTo(Secp256k1.HALF_N) > 0) {
            s = Secp256k1.N.subtract(s); // low S, as BIP 62 and every libp2p implementation emit
        }
        return new EcdsaSignature(rs[0], s).encode();
    }
}
