package io.p2pkit.core.crypto;

import io.p2pkit.core.DecodeException;
import org.bouncycastle.crypto.params.ECPublicKeyParameters;
import org.bouncycastle.crypto.signers.ECDSASigner;
import org.bouncycastle.math.ec.ECPoint;

/**
 * A secp256k1 public key. Marshalled as the 33-byte compressed point, like go and js; the
 * 65-byte uncompressed form is accepted on input, as go's parser does, and re-marshalled compressed.
 */
final class Secp256k1PublicKey extends PublicKey {
    private final ECPoint point;

    Secp256k1PublicKey(ECPoint point) {
        super(KeyType.SECP256K1, point.getEncoded(true));
        this.point = point;
    }

    static Secp256k1PublicKey fromRaw(byte[] raw) {
        // Hybrid (0x06/0x07) and infinity encodings are refused; BouncyCastle alone would accept them.
        boolean compressed = raw.length == 33 && (raw[0] == 2 || raw[0] == 3);
        boolean uncompressed = raw.length == 65 && raw[0] == 4;
        if (!compressed && !uncompressed) {
            throw new DecodeException("PublicKey", "a secp256k1 key is a 33-byte compressed or 65-byte uncompressed point, got "
                    + raw.length + " bytes starting with " + (raw.length == 0 ? "nothing" : String.format("0x%02x", raw[0])));
        }
        ECPoint p;
        try {
            p = Secp256k1.CURVE.getCurve().decodePoint(raw).normalize();
        } catch (IllegalArgumentException | ArithmeticException e) {
            throw new DecodeException("PublicKey", "secp256k1 key is not a point on the curve");
        }
        if (p.isInfinity() || !p.isValid()) {
            throw new DecodeException("PublicKey", "secp256k1 key is not a valid point");
        }
        return new Secp256k1PublicKey(p);
    }

    /** Verifies a DER signature over SHA-256 of the data; high-S signatures are accepted, as go does. */
    @Override
    public boolean verify(byte[] data, byte[] signature) {
        EcdsaSignature sig = EcdsaSignature.decode(signature, Secp256k1.N);
        if (sig == null) {
            return false;
        }
        ECDSASigner verifier = new ECDSASigner();
        verifier.init(false, new ECPublicKeyParameters(point, Secp256k1.DOMAIN));
        return verifier.verifySignature(Sha256.digest(data), sig.r(), sig.s());
    }

    /** The 65-byte uncompressed point (0x04 ‖ x ‖ y), the form PKCS#8 carries. */
    byte[] uncompressed() {
        return point.getEncoded(false);
    }
}
