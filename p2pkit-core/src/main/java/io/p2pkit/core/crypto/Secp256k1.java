package io.p2pkit.core.crypto;

import org.bouncycastle.asn1.x9.X9ECParameters;
import org.bouncycastle.crypto.ec.CustomNamedCurves;
import org.bouncycastle.crypto.params.ECDomainParameters;

import java.math.BigInteger;

/** The secp256k1 curve parameters, shared by its public and private keys. */
final class Secp256k1 {
    static final X9ECParameters CURVE = CustomNamedCurves.getByName("secp256k1");
    static final ECDomainParameters DOMAIN = new ECDomainParameters(CURVE);
    static final BigInteger N = CURVE.getN();
    static final BigInteger HALF_N = N.shiftRight(1);

    private Secp256k1() {
    }
}
