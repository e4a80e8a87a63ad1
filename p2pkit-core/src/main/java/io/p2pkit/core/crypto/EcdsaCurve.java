package io.p2pkit.core.crypto;

import org.bouncycastle.asn1.x9.X9ECParameters;
import org.bouncycastle.crypto.ec.CustomNamedCurves;

import java.security.AlgorithmParameters;
import java.security.GeneralSecurityException;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECParameterSpec;
import java.util.Arrays;

/**
 * The NIST curves an ECDSA key may use: the ones go's x509 parser and js accept that the JDK
 * also implements. New keys use P-256, as go and js do.
 */
enum EcdsaCurve {
    P256("secp256r1", Oids.SECP256R1, 32),
    P384("secp384r1", Oids.SECP384R1, 48),
    P521("secp521r1", Oids.SECP521R1, 66);

    final String name;
    private final byte[] oid;
    /** Bytes in a field element or scalar. */
    final int size;
    private volatile X9ECParameters bc;
    private volatile ECParameterSpec jdk;

    EcdsaCurve(String name, byte[] oid, int size) {
        this.name = name;
        this.oid = oid;
        this.size = size;
    }

    byte[] oid() {
        return oid.clone();
    }

    /** The curve by the content bytes of its OID, or null if it is not one we support. */
    static EcdsaCurve byOid(byte[] oid) {
        for (EcdsaCurve c : values()) {
            if (Arrays.equals(c.oid, oid)) {
                return c;
            }
        }
        return null;
    }

    /** BouncyCastle's parameters, for point decoding, validation and derivation. */
    X9ECParameters bc() {
        X9ECParameters p = bc;
        if (p == null) {
            p = CustomNamedCurves.getByName(name);
            bc = p;
        }
        return p;
    }

    /** The JDK's parameters, for signing and verifying. */
    ECParameterSpec jdk() {
        ECParameterSpec p = jdk;
        if (p == null) {
            try {
                AlgorithmParameters params = AlgorithmParameters.getInstance("EC");
                params.init(new ECGenParameterSpec(name));
                p = params.getParameterSpec(ECParameterSpec.class);
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("the JDK does not support " + name, e);
            }
            jdk = p;
        }
        return p;
    }
}
