package io.p2pkit.core.auth;

import io.p2pkit.core.identity.PeerId;
import io.p2pkit.core.multiformats.Varint;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * The bytes a prover signs: a domain-separation prefix, then the nonce, the protocol, the
 * verifier's and the prover's peer IDs (each with a varint length, so that no two field lists
 * give the same bytes), then the expiry as 8 big-endian bytes. The prefix keeps the signature
 * from meaning anything to another protocol that signs with the identity key (noise, peer
 * records); the verifier's ID keeps it from convincing another verifier; the protocol keeps it
 * to one protocol; the nonce and expiry keep it from being replayed.
 */
final class AuthPayload {
    /** The domain-separation prefix. */
    static final byte[] PREFIX = "p2pkit-auth/1.0.0 challenge-response:".getBytes(StandardCharsets.US_ASCII);

    private AuthPayload() {
    }

    static byte[] of(byte[] nonce, String protocol, PeerId verifier, PeerId prover, long expiresMillis) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        out.writeBytes(PREFIX);
        field(out, nonce);
        field(out, protocol.getBytes(StandardCharsets.UTF_8));
        field(out, verifier.bytes());
        field(out, prover.bytes());
        out.writeBytes(ByteBuffer.allocate(Long.BYTES).putLong(expiresMillis).array());
        return out.toByteArray();
    }

    private static void field(ByteArrayOutputStream out, byte[] value) {
        byte[] length = new byte[Varint.size(value.length)];
        Varint.write(value.length, length, 0);
        out.writeBytes(length);
        out.writeBytes(value);
    }
}
