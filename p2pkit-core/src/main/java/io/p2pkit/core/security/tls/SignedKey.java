package io.p2pkit.core.security.tls;

import io.p2pkit.core.DecodeException;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.ASN1Sequence;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.DERSequence;

import java.io.IOException;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * The value of the libp2p public key extension of a TLS certificate:
 * {@code SignedKey ::= SEQUENCE { publicKey OCTET STRING, signature OCTET STRING }}, where
 * {@code publicKey} is the libp2p {@code PublicKey} protobuf of the host's identity key and
 * {@code signature} is that key's signature over {@code "libp2p-tls-handshake:"} followed by the
 * certificate's DER SubjectPublicKeyInfo.
 *
 * <p>Immutable; arrays are copied in and out.
 */
public final class SignedKey {
    /** The largest encoding {@link #decode} accepts: room for an 8192-bit RSA key and signature. */
    public static final int MAX_ENCODED_BYTES = 8 * 1024;

    private final byte[] publicKey;
    private final byte[] signature;

    /**
     * @param publicKey the identity key as a libp2p {@code PublicKey} protobuf
     * @param signature the identity key's signature binding the certificate key
     */
    public SignedKey(byte[] publicKey, byte[] signature) {
        this.publicKey = publicKey.clone();
        this.signature = signature.clone();
    }

    /** The identity key as a libp2p {@code PublicKey} protobuf. */
    public byte[] publicKey() {
        return publicKey.clone();
    }

    /** The identity key's signature over the prefix and the certificate's SubjectPublicKeyInfo. */
    public byte[] signature() {
        return signature.clone();
    }

    /** The DER encoding, as carried in the certificate extension. */
    public byte[] encode() {
        try {
            return new DERSequence(new ASN1Encodable[] {
                    new DEROctetString(publicKey), new DEROctetString(signature)}).getEncoded(ASN1Encoding.DER);
        } catch (IOException e) {
            // DER encoding of two in-memory octet strings cannot fail
            throw new IllegalStateException("encoding SignedKey", e);
        }
    }

    /**
     * Decodes the DER form. Strict: exactly a sequence of two octet strings, in canonical DER,
     * with nothing after it.
     *
     * @throws DecodeException with field {@code "SignedKey"} when the bytes are anything else
     */
    public static SignedKey decode(byte[] der) {
        if (der.length > MAX_ENCODED_BYTES) {
            throw new DecodeException("SignedKey", "too long: " + der.length + " bytes, at most "
                    + MAX_ENCODED_BYTES);
        }
        ASN1Primitive parsed;
        try {
            // throws on trailing bytes too
            parsed = ASN1Primitive.fromByteArray(der);
        } catch (IOException | RuntimeException e) {
            throw new DecodeException("SignedKey", "not valid ASN.1: " + e.getMessage(), e);
        }
        if (!(parsed instanceof ASN1Sequence seq) || seq.size() != 2
                || !(seq.getObjectAt(0) instanceof ASN1OctetString key)
                || !(seq.getObjectAt(1) instanceof ASN1OctetString sig)) {
            throw new DecodeException("SignedKey", "expected SEQUENCE { OCTET STRING, OCTET STRING }");
        }
        SignedKey signedKey = new SignedKey(key.getOctets(), sig.getOctets());
        // BER forms (indefinite lengths, constructed strings, long length forms) re-encode differently
        if (!Arrays.equals(signedKey.encode(), der)) {
            throw new DecodeException("SignedKey", "not in canonical DER form");
        }
        return signedKey;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SignedKey other && Arrays.equals(publicKey, other.publicKey)
                && Arrays.equals(signature, other.signature);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(publicKey) + Arrays.hashCode(signature);
    }

    @Override
    public String toString() {
        HexFormat hex = HexFormat.of();
        return "SignedKey[publicKey=" + hex.formatHex(publicKey) + ", signature=" + hex.formatHex(signature) + "]";
    }
}
