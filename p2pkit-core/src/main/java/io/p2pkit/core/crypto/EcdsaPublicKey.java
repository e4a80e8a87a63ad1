package io.p2pkit.core.crypto;

import io.p2pkit.core.DecodeException;
import org.bouncycastle.math.ec.ECPoint;

import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.Signature;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECPublicKeySpec;
import java.util.Arrays;

/**
 * An ECDSA public key on a NIST curve, marshalled as a DER SubjectPublicKeyInfo with a named
 * curve and an uncompressed point (what go's {@code x509.MarshalPKIXPublicKey} writes).
 * Signatures are DER ECDSA over SHA-256, checked by the JDK.
 */
final class EcdsaPublicKey extends PublicKey {
    private final EcdsaCurve curve;
    private final ECPublicKey jdkKey;

    private EcdsaPublicKey(EcdsaCurve curve, ECPoint point) {
        super(KeyType.ECDSA, spki(curve, point));
        this.curve = curve;
        try {
            ECPublicKeySpec spec = new ECPublicKeySpec(new java.security.spec.ECPoint(
                    point.getAffineXCoord().toBigInteger(), point.getAffineYCoord().toBigInteger()), curve.jdk());
            this.jdkKey = (ECPublicKey) KeyFactory.getInstance("EC").generatePublic(spec);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK refused a valid " + curve.name + " key", e);
        }
    }

    /** A key for a point already known to be valid on {@code curve}. */
    static EcdsaPublicKey of(EcdsaCurve curve, ECPoint point) {
        return new EcdsaPublicKey(curve, point.normalize());
    }

    static EcdsaPublicKey fromRaw(byte[] raw) {
        DerReader outer = new DerReader(raw, "PublicKey");
        DerReader spki = outer.sequence();
        outer.end();
        DerReader alg = spki.sequence();
        if (!Arrays.equals(alg.oid(), Oids.EC_PUBLIC_KEY)) {
            throw new DecodeException("PublicKey", "ECDSA key data is not an EC SubjectPublicKeyInfo");
        }
        EcdsaCurve curve = EcdsaCurve.byOid(alg.oid());
        if (curve == null) {
            throw new DecodeException("PublicKey", "unsupported ECDSA curve (P-256, P-384 and P-521 are)");
        }
        alg.end();
        byte[] point = spki.bitString();
        spki.end();
        return of(curve, decodePoint(curve, point, "PublicKey"));
    }

    /** Decodes an uncompressed point, the only form x509 public keys use, and checks it is on the curve. */
    static ECPoint decodePoint(EcdsaCurve curve, byte[] encoded, String what) {
        if (encoded.length != 1 + 2 * curve.size || encoded[0] != 4) {
            throw new DecodeException(what, "expected an uncompressed " + curve.name + " point of "
                    + (1 + 2 * curve.size) + " bytes");
        }
        try {
            ECPoint p = curve.bc().getCurve().decodePoint(encoded).normalize();
            if (p.isInfinity() || !p.isValid()) {
                throw new DecodeException(what, "not a valid " + curve.name + " point");
            }
            return p;
        } catch (IllegalArgumentException | ArithmeticException e) {
            if (e instanceof DecodeException d) {
                throw d;
            }
            throw new DecodeException(what, "not a point on " + curve.name);
        }
    }

    private static byte[] spki(EcdsaCurve curve, ECPoint point) {
        DerWriter alg = new DerWriter().oid(Oids.EC_PUBLIC_KEY).oid(curve.oid());
        DerWriter spki = new DerWriter().sequence(alg).bitString(point.getEncoded(false));
        return new DerWriter().sequence(spki).toByteArray();
    }

    EcdsaCurve curve() {
        return curve;
    }

    @Override
    public boolean verify(byte[] data, byte[] signature) {
        // Strict DER first: the JDK alone is more lenient than go and js.
        if (EcdsaSignature.decode(signature, curve.bc().getN()) == null) {
            return false;
        }
        try {
            Signature v = Signature.getInstance("SHA256withECDSA");
            v.initVerify(jdkKey);
            v.update(data);
            return v.verify(signature);
        } catch (GeneralSecurityException e) {
            return false;
        }
    }
}
