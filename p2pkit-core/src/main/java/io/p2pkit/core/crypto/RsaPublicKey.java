package io.p2pkit.core.crypto;

import io.p2pkit.core.DecodeException;

import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.Signature;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.RSAPublicKeySpec;
import java.util.Arrays;

/**
 * An RSA public key, marshalled as a DER SubjectPublicKeyInfo; signatures are RSASSA-PKCS1-v1_5
 * with SHA-256. Keys of 2048 to 8192 bits only, as go-libp2p enforces.
 */
final class RsaPublicKey extends PublicKey {
    /** The smallest modulus go-libp2p accepts. */
    static final int MIN_BITS = 2048;
    /** The largest modulus go-libp2p accepts. */
    static final int MAX_BITS = 8192;

    private final RSAPublicKey jdkKey;

    private RsaPublicKey(BigInteger n, BigInteger e) {
        super(KeyType.RSA, spki(n, e));
        try {
            jdkKey = (RSAPublicKey) KeyFactory.getInstance("RSA").generatePublic(new RSAPublicKeySpec(n, e));
        } catch (GeneralSecurityException ex) {
            throw new DecodeException("PublicKey", "RSA key refused: " + ex.getMessage());
        }
    }

    static RsaPublicKey of(BigInteger n, BigInteger e, String what) {
        checkSize(n, what);
        // Even or tiny exponents are not RSA; go requires e >= 2 and small enough for an int.
        if (e.compareTo(BigInteger.valueOf(3)) < 0 || !e.testBit(0) || e.bitLength() > 31) {
            throw new DecodeException(what, "bad RSA public exponent " + e);
        }
        return new RsaPublicKey(n, e);
    }

    static void checkSize(BigInteger n, String what) {
        int bits = n.bitLength();
        if (bits < MIN_BITS) {
            throw new DecodeException(what, "RSA keys must have at least " + MIN_BITS + " bits, got " + bits);
        }
        if (bits > MAX_BITS) {
            throw new DecodeException(what, "RSA keys must have at most " + MAX_BITS + " bits, got " + bits);
        }
        if (!n.testBit(0)) {
            throw new DecodeException(what, "RSA modulus is even");
        }
    }

    static RsaPublicKey fromRaw(byte[] raw) {
        DerReader outer = new DerReader(raw, "PublicKey");
        DerReader spki = outer.sequence();
        outer.end();
        DerReader alg = spki.sequence();
        if (!Arrays.equals(alg.oid(), Oids.RSA_ENCRYPTION)) {
            throw new DecodeException("PublicKey", "RSA key data is not an RSA SubjectPublicKeyInfo");
        }
        alg.nullValue();
        alg.end();
        byte[] keyBytes = spki.bitString();
        spki.end();
        DerReader keyOuter = new DerReader(keyBytes, "PublicKey");
        DerReader key = keyOuter.sequence();
        keyOuter.end();
        BigInteger n = key.positiveInteger();
        BigInteger e = key.positiveInteger();
        key.end();
        return of(n, e, "PublicKey");
    }

    private static byte[] spki(BigInteger n, BigInteger e) {
        byte[] pkcs1 = new DerWriter().sequence(new DerWriter().integer(n).integer(e)).toByteArray();
        DerWriter alg = new DerWriter().oid(Oids.RSA_ENCRYPTION).nullValue();
        return new DerWriter().sequence(new DerWriter().sequence(alg).bitString(pkcs1)).toByteArray();
    }

    BigInteger modulus() {
        return jdkKey.getModulus();
    }

    BigInteger exponent() {
        return jdkKey.getPublicExponent();
    }

    @Override
    public boolean verify(byte[] data, byte[] signature) {
        if (signature == null || signature.length != (modulus().bitLength() + 7) / 8) {
            return false;
        }
        try {
            Signature v = Signature.getInstance("SHA256withRSA");
            v.initVerify(jdkKey);
            v.update(data);
            return v.verify(signature);
        } catch (GeneralSecurityException e) {
            return false;
        }
    }
}
