package io.p2pkit.core.crypto;

import io.p2pkit.core.DecodeException;
import org.bouncycastle.math.ec.ECPoint;
import org.bouncycastle.util.BigIntegers;

import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.interfaces.ECPrivateKey;
import java.security.spec.ECPrivateKeySpec;

/**
 * An ECDSA private key on a NIST curve. Its raw form is the DER SEC1 {@code ECPrivateKey} (RFC 5915)
 * with the named curve and the public point, exactly what go's {@code x509.MarshalECPrivateKey}
 * writes. Signing uses the JDK, with random nonces, as go does.
 */
final class EcdsaPrivateKey extends PrivateKey {
    private static final int TAG_PARAMETERS = 0xA0;
    private static final int TAG_PUBLIC_KEY = 0xA1;

    private final EcdsaPublicKey publicKey;
    private final ECPrivateKey jdkKey;

    private EcdsaPrivateKey(EcdsaCurve curve, BigInteger d, ECPoint q) {
        super(KeyType.ECDSA, sec1(curve, d, q));
        this.publicKey = EcdsaPublicKey.of(curve, q);
        try {
            jdkKey = (ECPrivateKey) KeyFactory.getInstance("EC").generatePrivate(new ECPrivateKeySpec(d, curve.jdk()));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK refused a valid " + curve.name + " key", e);
        }
    }

    static EcdsaPrivateKey generate(EcdsaCurve curve, SecureRandom random) {
        BigInteger n = curve.bc().getN();
        byte[] b = new byte[curve.size];
        int excessBits = 8 * curve.size - n.bitLength();
        while (true) {
            random.nextBytes(b);
            b[0] &= (byte) (0xFF >>> excessBits);
            BigInteger d = new BigInteger(1, b);
            if (d.signum() > 0 && d.compareTo(n) < 0) {
                return of(curve, d);
            }
        }
    }

    static EcdsaPrivateKey of(EcdsaCurve curve, BigInteger d) {
        return new EcdsaPrivateKey(curve, d, curve.bc().getG().multiply(d).normalize());
    }

    /** The fields of a SEC1 {@code ECPrivateKey}; the curve OID and public point are optional there. */
    record Sec1(BigInteger d, byte[] curveOid, byte[] publicPoint) {
    }

    static Sec1 parseSec1(byte[] der, String what) {
        DerReader outer = new DerReader(der, what);
        DerReader seq = outer.sequence();
        outer.end();
        seq.expectInteger(1, "ECPrivateKey version");
        byte[] scalar = seq.octetString();
        if (scalar.length == 0 || scalar.length > 66) {
            throw new DecodeException(what, "EC private key of " + scalar.length + " bytes");
        }
        byte[] oid = null;
        byte[] point = null;
        if (seq.peekTag() == TAG_PARAMETERS) {
            DerReader params = seq.sequence(TAG_PARAMETERS);
            oid = params.oid();
            params.end();
        }
        if (seq.peekTag() == TAG_PUBLIC_KEY) {
            DerReader pub = seq.sequence(TAG_PUBLIC_KEY);
            point = pub.bitString();
            pub.end();
        }
        seq.end();
        return new Sec1(new BigInteger(1, scalar), oid, point);
    }

    static EcdsaPrivateKey fromRaw(byte[] raw) {
        Sec1 k = parseSec1(raw, "PrivateKey");
        if (k.curveOid() == null) {
            throw new DecodeException("PrivateKey", "ECDSA private key does not name its curve");
        }
        EcdsaCurve curve = EcdsaCurve.byOid(k.curveOid());
        if (curve == null) {
            throw new DecodeException("PrivateKey", "unsupported ECDSA curve (P-256, P-384 and P-521 are)");
        }
        return fromSec1(curve, k, "PrivateKey");
    }

    /** Builds the key and checks the scalar's range and, when present, that the public point matches. */
    static EcdsaPrivateKey fromSec1(EcdsaCurve curve, Sec1 k, String what) {
        BigInteger d = k.d();
        if (d.signum() <= 0 || d.compareTo(curve.bc().getN()) >= 0) {
            throw new DecodeException(what, "ECDSA private key is out of range for " + curve.name);
        }
        EcdsaPrivateKey key = of(curve, d);
        if (k.publicPoint() != null) {
            ECPoint given = EcdsaPublicKey.decodePoint(curve, k.publicPoint(), what);
            if (!given.equals(curve.bc().getG().multiply(d).normalize())) {
                throw new DecodeException(what, "the public key in the ECDSA key does not match its private key");
            }
        }
        return key;
    }

    private static byte[] sec1(EcdsaCurve curve, BigInteger d, ECPoint q) {
        DerWriter body = new DerWriter()
                .integer(1)
                .octetString(BigIntegers.asUnsignedByteArray(curve.size, d))
                .constructed(TAG_PARAMETERS, new DerWriter().oid(curve.oid()))
                .constructed(TAG_PUBLIC_KEY, new DerWriter().bitString(q.getEncoded(false)));
        return new DerWriter().sequence(body).toByteArray();
    }

    @Override
    public PublicKey publicKey() {
        return publicKey;
    }

    @Override
    public byte[] sign(byte[] data) {
        try {
            Signature s = Signature.getInstance("SHA256withECDSA");
            s.initSign(jdkKey);
            s.update(data);
            return s.sign();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("ECDSA signing failed", e);
        }
    }
}
