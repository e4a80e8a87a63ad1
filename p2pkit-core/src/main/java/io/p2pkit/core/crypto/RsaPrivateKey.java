package io.p2pkit.core.crypto;

import io.p2pkit.core.DecodeException;

import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.spec.RSAKeyGenParameterSpec;
import java.security.spec.RSAPrivateCrtKeySpec;

/**
 * An RSA private key, whose raw form is DER PKCS#1 {@code RSAPrivateKey} (two primes). Signing is
 * RSASSA-PKCS1-v1_5 with SHA-256 by the JDK, deterministic by construction.
 */
final class RsaPrivateKey extends PrivateKey {
    private final RsaPublicKey publicKey;
    private final RSAPrivateCrtKey jdkKey;

    private RsaPrivateKey(RsaPublicKey publicKey, RSAPrivateCrtKey jdkKey) {
        super(KeyType.RSA, pkcs1(jdkKey));
        this.publicKey = publicKey;
        this.jdkKey = jdkKey;
    }

    static RsaPrivateKey generate(int bits, SecureRandom random) {
        if (bits < RsaPublicKey.MIN_BITS || bits > RsaPublicKey.MAX_BITS) {
            throw new IllegalArgumentException("RSA keys must have " + RsaPublicKey.MIN_BITS + " to "
                    + RsaPublicKey.MAX_BITS + " bits, not " + bits);
        }
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
            g.initialize(new RSAKeyGenParameterSpec(bits, RSAKeyGenParameterSpec.F4), random);
            RSAPrivateCrtKey k = (RSAPrivateCrtKey) g.generateKeyPair().getPrivate();
            return new RsaPrivateKey(RsaPublicKey.of(k.getModulus(), k.getPublicExponent(), "PrivateKey"), k);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("RSA key generation failed", e);
        }
    }

    static RsaPrivateKey fromRaw(byte[] raw) {
        DerReader outer = new DerReader(raw, "PrivateKey");
        DerReader seq = outer.sequence();
        outer.end();
        seq.expectInteger(0, "RSAPrivateKey version (only two-prime keys are supported)");
        BigInteger n = seq.positiveInteger();
        BigInteger e = seq.positiveInteger();
        BigInteger d = seq.positiveInteger();
        BigInteger p = seq.positiveInteger();
        BigInteger q = seq.positiveInteger();
        BigInteger dp = seq.positiveInteger();
        BigInteger dq = seq.positiveInteger();
        BigInteger qinv = seq.positiveInteger();
        seq.end();
        RsaPublicKey pub = RsaPublicKey.of(n, e, "PrivateKey");
        // The checks go's x509 parser makes (rsa.PrivateKey.Validate and the precomputed values).
        BigInteger one = BigInteger.ONE;
        if (p.compareTo(one) <= 0 || q.compareTo(one) <= 0 || !p.multiply(q).equals(n)) {
            throw new DecodeException("PrivateKey", "RSA primes do not multiply to the modulus");
        }
        BigInteger p1 = p.subtract(one);
        BigInteger q1 = q.subtract(one);
        if (d.signum() <= 0 || d.compareTo(n) >= 0
                || !d.multiply(e).mod(p1).equals(one) || !d.multiply(e).mod(q1).equals(one)) {
            throw new DecodeException("PrivateKey", "RSA private exponent does not match the public one");
        }
        if (!dp.equals(d.mod(p1)) || !dq.equals(d.mod(q1)) || !qinv.multiply(q).mod(p).equals(one)
                || qinv.compareTo(p) >= 0) {
            throw new DecodeException("PrivateKey", "RSA CRT values are inconsistent");
        }
        try {
            RSAPrivateCrtKey k = (RSAPrivateCrtKey) KeyFactory.getInstance("RSA")
                    .generatePrivate(new RSAPrivateCrtKeySpec(n, e, d, p, q, dp, dq, qinv));
            return new RsaPrivateKey(pub, k);
        } catch (GeneralSecurityException ex) {
            throw new DecodeException("PrivateKey", "RSA key refused: " + ex.getMessage());
        }
    }

    private static byte[] pkcs1(RSAPrivateCrtKey k) {
        DerWriter body = new DerWriter()
                .integer(0)
                .integer(k.getModulus())
                .integer(k.getPublicExponent())
                .integer(k.getPrivateExponent())
                .integer(k.getPrimeP())
                .integer(k.getPrimeQ())
                .integer(k.getPrimeExponentP())
                .integer(k.getPrimeExponentQ())
                .integer(k.getCrtCoefficient());
        return new DerWriter().sequence(body).toByteArray();
    }

    @Override
    public PublicKey publicKey() {
        return publicKey;
    }

    @Override
    public byte[] sign(byte[] data) {
        try {
            Signature s = Signature.getInstance("SHA256withRSA");
            s.initSign(jdkKey);
            s.update(data);
            return s.sign();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("RSA signing failed", e);
        }
    }
}
