package io.p2pkit.core.crypto;

import io.p2pkit.core.DecodeException;
import org.bouncycastle.math.ec.rfc8032.Ed25519;

/** An Ed25519 public key: 32 bytes, verified with BouncyCastle's RFC 8032 code. */
final class Ed25519PublicKey extends PublicKey {
    static final int SIZE = 32;
    static final int SIGNATURE_SIZE = 64;

    // Decoded once, so that each verification skips point decompression.
    private final Ed25519.PublicPoint point;

    private Ed25519PublicKey(byte[] raw, Ed25519.PublicPoint point) {
        super(KeyType.ED25519, raw);
        this.point = point;
    }

    /** @param raw 32 bytes, owned by the new key */
    static Ed25519PublicKey fromRaw(byte[] raw) {
        if (raw.length != SIZE) {
            throw new DecodeException("PublicKey", "an Ed25519 key is " + SIZE + " bytes, got " + raw.length);
        }
        Ed25519.PublicPoint p = Ed25519.validatePublicKeyPartialExport(raw, 0);
        if (p == null) {
            throw new DecodeException("PublicKey", "Ed25519 key is not a point on the curve");
        }
        return new Ed25519PublicKey(raw, p);
    }

    @Override
    public boolean verify(byte[] data, byte[] signature) {
        if (signature == null || signature.length != SIGNATURE_SIZE) {
            return false;
        }
        return Ed25519.verify(signature, 0, point, data, 0, data.length);
    }
}
