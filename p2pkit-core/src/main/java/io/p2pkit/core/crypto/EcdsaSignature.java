package io.p2pkit.core.crypto;

import io.p2pkit.core.DecodeException;

import java.math.BigInteger;

/** An ECDSA signature {@code SEQUENCE { r INTEGER, s INTEGER }} in strict DER, as go and js emit. */
record EcdsaSignature(BigInteger r, BigInteger s) {
    /** The largest DER signature for the curves here (P-521: two 66-byte integers plus headers). */
    private static final int MAX_SIZE = 160;

    /** Parses a signature and checks 0 &lt; r, s &lt; n; null when it is malformed, since a bad signature just fails to verify. */
    static EcdsaSignature decode(byte[] der, BigInteger n) {
        if (der == null || der.length > MAX_SIZE) {
            return null;
        }
        try {
            DerReader outer = new DerReader(der, "signature");
            DerReader seq = outer.sequence();
            outer.end();
            BigInteger r = seq.integer();
            BigInteger s = seq.integer();
            seq.end();
            if (r.signum() <= 0 || s.signum() <= 0 || r.compareTo(n) >= 0 || s.compareTo(n) >= 0) {
                return null;
            }
            return new EcdsaSignature(r, s);
        } catch (DecodeException e) {
            return null;
        }
    }

    byte[] encode() {
        return new DerWriter().sequence(new DerWriter().integer(r).integer(s)).toByteArray();
    }
}
