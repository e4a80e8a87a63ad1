package io.p2pkit.core.crypto;

import io.p2pkit.core.DecodeException;

import org.bouncycastle.util.BigIntegers;

import java.math.BigInteger;
import java.util.Arrays;

/**
 * DER PKCS#8 {@code PrivateKeyInfo} (RFC 5208, and RFC 5958's version 1): read for key import,
 * written for export in the shape go's {@code x509.MarshalPKCS8PrivateKey} (and Kubo, for
 * secp256k1) gives, so that a key exported by either is the same bytes.
 */
final class Pkcs8 {
    private static final String WHAT = "PKCS8";

    private Pkcs8() {
    }

    static byte[] encode(PrivateKey key) {
        byte[] raw = key.raw();
        return switch (key.type()) {
            case RSA -> info(new DerWriter().oid(Oids.RSA_ENCRYPTION).nullValue(), raw);
            case ED25519 -> info(new DerWriter().oid(Oids.ED25519),
                    new DerWriter().octetString(Arrays.copyOf(raw, Ed25519PrivateKey.SEED_SIZE)).toByteArray());
            case ECDSA -> {
                EcdsaPrivateKey.Sec1 sec1 = EcdsaPrivateKey.parseSec1(raw, WHAT);
                EcdsaCurve curve = EcdsaCurve.byOid(sec1.curveOid());
                yield info(new DerWriter().oid(Oids.EC_PUBLIC_KEY).oid(sec1.curveOid()),
                        ecKey(BigIntegers.asUnsignedByteArray(curve.size, sec1.d()), sec1.publicPoint()));
            }
            case SECP256K1 -> info(new DerWriter().oid(Oids.EC_PUBLIC_KEY).oid(Oids.SECP256K1),
                    ecKey(raw, ((Secp256k1PublicKey) key.publicKey()).uncompressed()));
        };
    }

    private static byte[] info(DerWriter algorithm, byte[] key) {
        DerWriter body = new DerWriter().integer(0).sequence(algorithm).octetString(key);
        return new DerWriter().sequence(body).toByteArray();
    }

    /** RFC 5915's {@code ECPrivateKey} without the curve, which the algorithm already names (as go writes it). */
    private static byte[] ecKey(byte[] scalar, byte[] publicPoint) {
        DerWriter body = new DerWriter().integer(1).octetString(scalar)
                .constructed(0xA1, new DerWriter().bitString(publicPoint));
        return new DerWriter().sequence(body).toByteArray();
    }

    static PrivateKey decode(byte[] der) {
        DerReader outer = new DerReader(der, WHAT);
        DerReader info = outer.sequence();
        outer.end();
        BigInteger version = info.integer();
        if (version.signum() < 0 || version.compareTo(BigInteger.ONE) > 0) {
            throw new DecodeException(WHAT, "unsupported PrivateKeyInfo version " + version);
        }
        DerReader alg = info.sequence();
        byte[] algorithm = alg.oid();
        byte[] key = info.octetString();
        // Optional attributes [0] and public key [1] carry nothing we need.
        if (info.peekTag() == 0xA0) {
            info.sequence(0xA0);
        }
        if (info.peekTag() == 0x81 || info.peekTag() == 0xA1) {
            info.sequence(info.peekTag());
        }
        info.end();

        if (Arrays.equals(algorithm, Oids.RSA_ENCRYPTION)) {
            if (alg.hasMore()) {
                alg.nullValue();
            }
            alg.end();
            return RsaPrivateKey.fromRaw(key);
        }
        if (Arrays.equals(algorithm, Oids.ED25519)) {
            alg.end();
            DerReader seedOuter = new DerReader(key, WHAT);
            byte[] seed = seedOuter.octetString();
            seedOuter.end();
            return Ed25519PrivateKey.fromSeed(seed);
        }
        if (Arrays.equals(algorithm, Oids.EC_PUBLIC_KEY)) {
            byte[] curveOid = alg.oid();
            alg.end();
            EcdsaPrivateKey.Sec1 sec1 = EcdsaPrivateKey.parseSec1(key, WHAT);
            if (sec1.curveOid() != null && !Arrays.equals(sec1.curveOid(), curveOid)) {
                throw new DecodeException(WHAT, "the EC key names a different curve than its algorithm");
            }
            if (Arrays.equals(curveOid, Oids.SECP256K1)) {
                Secp256k1PrivateKey k = Secp256k1PrivateKey.fromScalar(sec1.d(), WHAT);
                if (sec1.publicPoint() != null
                        && !PublicKey.fromRaw(KeyType.SECP256K1, sec1.publicPoint()).equals(k.publicKey())) {
                    throw new DecodeException(WHAT, "the public key in the secp256k1 key does not match its private key");
                }
                return k;
            }
            EcdsaCurve curve = EcdsaCurve.byOid(curveOid);
            if (curve == null) {
                throw new DecodeException(WHAT, "unsupported EC curve");
            }
            return EcdsaPrivateKey.fromSec1(curve, sec1, WHAT);
        }
        throw new DecodeException(WHAT, "unsupported key algorithm");
    }
}
