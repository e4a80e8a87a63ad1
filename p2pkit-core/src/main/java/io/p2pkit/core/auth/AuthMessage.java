package io.p2pkit.core.auth;

import io.p2pkit.core.DecodeException;
import io.p2pkit.core.crypto.PublicKey;
import io.p2pkit.core.protobuf.ProtobufReader;
import io.p2pkit.core.protobuf.ProtobufWriter;

import java.util.Arrays;

/**
 * The two messages of {@value PeerAuthorization#PROTOCOL}, protobuf-encoded, each length-prefixed
 * on its own half of the stream (request-response). The verifier sends a {@link Challenge}:
 * {@code nonce = 1} (32 bytes), {@code protocol = 2} (the protocol being authorized),
 * {@code expires = 3} (milliseconds since the epoch); the prover answers with a {@link Proof}:
 * {@code public_key = 1} (the libp2p {@code PublicKey} encoding), {@code signature = 2}. Decoders
 * reject anything out of bounds with a {@link DecodeException}.
 */
sealed interface AuthMessage {
    /** The largest message either side reads. */
    int MAX_BYTES = 4096;
    /** The size of a nonce. */
    int NONCE_BYTES = 32;
    /** The longest protocol name accepted (multistream-select allows no more in practice). */
    int MAX_PROTOCOL_LENGTH = 1024;
    /** The longest signature accepted: an 8192-bit RSA key signs 1024 bytes. */
    int MAX_SIGNATURE_BYTES = 1024;

    /** This message's bytes. */
    byte[] encode();

    /**
     * The verifier's challenge.
     *
     * @param nonce         32 fresh random bytes
     * @param protocol      the protocol the prover is being authorized for
     * @param expiresMillis when the challenge expires, in milliseconds since the epoch
     */
    record Challenge(byte[] nonce, String protocol, long expiresMillis) implements AuthMessage {
        public Challenge {
            if (nonce.length != NONCE_BYTES) {
                throw new DecodeException("nonce", "must be " + NONCE_BYTES + " bytes, not " + nonce.length);
            }
            if (protocol.isEmpty() || protocol.length() > MAX_PROTOCOL_LENGTH) {
                throw new DecodeException("protocol", "must have 1 to " + MAX_PROTOCOL_LENGTH + " characters");
            }
            if (expiresMillis <= 0) {
                throw new DecodeException("expires", "must be positive: " + expiresMillis);
            }
            nonce = nonce.clone();
        }

        @Override
        public byte[] nonce() {
            return nonce.clone();
        }

        @Override
        public byte[] encode() {
            return new ProtobufWriter().bytes(1, nonce).string(2, protocol).varint(3, expiresMillis).toByteArray();
        }

        /** Decodes a challenge. */
        static Challenge decode(byte[] bytes) {
            checkSize(bytes);
            ProtobufReader r = new ProtobufReader(bytes, "Challenge");
            byte[] nonce = null;
            String protocol = null;
            long expires = 0;
            while (r.next()) {
                switch (r.field()) {
                    case 1 -> nonce = r.bytes();
                    case 2 -> protocol = r.string();
                    case 3 -> expires = r.varint();
                    default -> r.skip();
                }
            }
            if (nonce == null || protocol == null) {
                throw new DecodeException("Challenge", "nonce and protocol are required");
            }
            return new Challenge(nonce, protocol, expires);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Challenge c && Arrays.equals(nonce, c.nonce) && protocol.equals(c.protocol)
                    && expiresMillis == c.expiresMillis;
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(nonce) * 31 + protocol.hashCode();
        }

        @Override
        public String toString() {
            return "Challenge[" + protocol + " expires " + expiresMillis + "]";
        }
    }

    /**
     * The prover's answer.
     *
     * @param publicKey the prover's identity key
     * @param signature its signature over {@link AuthPayload#of}
     */
    record Proof(PublicKey publicKey, byte[] signature) implements AuthMessage {
        public Proof {
            if (signature.length == 0 || signature.length > MAX_SIGNATURE_BYTES) {
                throw new DecodeException("signature", "must have 1 to " + MAX_SIGNATURE_BYTES + " bytes, not "
                        + signature.length);
            }
            signature = signature.clone();
        }

        @Override
        public byte[] signature() {
            return signature.clone();
        }

        @Override
        public byte[] encode() {
            return new ProtobufWriter().bytes(1, publicKey.marshal()).bytes(2, signature).toByteArray();
        }

        /** Decodes a proof. */
        static Proof decode(byte[] bytes) {
            checkSize(bytes);
            ProtobufReader r = new ProtobufReader(bytes, "Proof");
            PublicKey key = null;
            byte[] signature = null;
            while (r.next()) {
                switch (r.field()) {
                    case 1 -> key = PublicKey.unmarshal(r.bytes());
                    case 2 -> signature = r.bytes();
                    default -> r.skip();
                }
            }
            if (key == null || signature == null) {
                throw new DecodeException("Proof", "public_key and signature are required");
            }
            return new Proof(key, signature);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Proof p && publicKey.equals(p.publicKey) && Arrays.equals(signature, p.signature);
        }

        @Override
        public int hashCode() {
            return publicKey.hashCode() * 31 + Arrays.hashCode(signature);
        }

        @Override
        public String toString() {
            return "Proof[" + publicKey.toPeerId() + "]";
        }
    }

    private static void checkSize(byte[] bytes) {
        if (bytes.length > MAX_BYTES) {
            throw new DecodeException("auth", "message of " + bytes.length + " bytes is over " + MAX_BYTES);
        }
    }
}
