package io.p2pkit.node.config;

import io.p2pkit.core.crypto.PrivateKey;
import io.p2pkit.core.crypto.PublicKey;

import java.nio.charset.StandardCharsets;

/**
 * Kubo's {@code key sign|verify}: arbitrary bytes signed with a named key, always behind the prefix
 * {@value #PREFIX} so that such a signature cannot pass for one over an IPNS record, a peer record
 * or a handshake.
 */
public final class SignedMessage {
    /** What goes before the data in every signed message, as in Kubo. */
    public static final String PREFIX = "libp2p-key signed message:";

    private SignedMessage() {
    }

    /** The signature of {@code data} by {@code key}. */
    public static byte[] sign(PrivateKey key, byte[] data) {
        return key.sign(prefixed(data));
    }

    /** Whether {@code signature} is {@code key}'s over {@code data}. */
    public static boolean verify(PublicKey key, byte[] data, byte[] signature) {
        return key.verify(prefixed(data), signature);
    }

    private static byte[] prefixed(byte[] data) {
        byte[] prefix = PREFIX.getBytes(StandardCharsets.US_ASCII);
        byte[] all = new byte[prefix.length + data.length];
        System.arraycopy(prefix, 0, all, 0, prefix.length);
        System.arraycopy(data, 0, all, prefix.length, data.length);
        return all;
    }
}
