package io.p2pkit.webrtc.stun;

import java.util.Arrays;

/**
 * One STUN attribute as it is on the wire: a 16-bit type and its value (without the padding).
 *
 * @param type  the attribute type, for example {@link #USERNAME}
 * @param value the value bytes; not copied, treat as read-only
 */
public record StunAttribute(int type, byte[] value) {
    /** USERNAME (RFC 8489 §14.3): {@code <remote ufrag>:<local ufrag>} in ICE. */
    public static final int USERNAME = 0x0006;
    /** MESSAGE-INTEGRITY (RFC 8489 §14.5): HMAC-SHA1 over the message up to this attribute. */
    public static final int MESSAGE_INTEGRITY = 0x0008;
    /** ERROR-CODE (RFC 8489 §14.8). */
    public static final int ERROR_CODE = 0x0009;
    /** CHANNEL-NUMBER (RFC 8656 §18.1): a TURN channel (0x4000..0x4FFF) and two reserved bytes. */
    public static final int CHANNEL_NUMBER = 0x000C;
    /** LIFETIME (RFC 8656 §18.2): seconds an allocation lasts without a refresh. */
    public static final int LIFETIME = 0x000D;
    /** XOR-PEER-ADDRESS (RFC 8656 §18.3): a peer's address, encoded as XOR-MAPPED-ADDRESS. */
    public static final int XOR_PEER_ADDRESS = 0x0012;
    /** DATA (RFC 8656 §18.4): the datagram a Send or Data indication carries. */
    public static final int DATA = 0x0013;
    /** REALM (RFC 8489 §14.9): the long-term credentials' realm. */
    public static final int REALM = 0x0014;
    /** NONCE (RFC 8489 §14.10): the server's nonce, echoed in authenticated requests. */
    public static final int NONCE = 0x0015;
    /** XOR-RELAYED-ADDRESS (RFC 8656 §18.5): the address a TURN server allocated for us. */
    public static final int XOR_RELAYED_ADDRESS = 0x0016;
    /** REQUESTED-TRANSPORT (RFC 8656 §18.7): the relay's transport protocol (17, UDP). */
    public static final int REQUESTED_TRANSPORT = 0x0019;
    /** XOR-MAPPED-ADDRESS (RFC 8489 §14.2). */
    public static final int XOR_MAPPED_ADDRESS = 0x0020;
    /** PRIORITY (RFC 8445 §16.1). */
    public static final int PRIORITY = 0x0024;
    /** USE-CANDIDATE (RFC 8445 §16.1). */
    public static final int USE_CANDIDATE = 0x0025;
    /** SOFTWARE (RFC 8489 §14.14). */
    public static final int SOFTWARE = 0x8022;
    /** FINGERPRINT (RFC 8489 §14.7): CRC-32 of the message XOR {@code 0x5354554e}. */
    public static final int FINGERPRINT = 0x8028;
    /** ICE-CONTROLLED (RFC 8445 §16.1): the sender's tie-breaker. */
    public static final int ICE_CONTROLLED = 0x8029;
    /** ICE-CONTROLLING (RFC 8445 §16.1): the sender's tie-breaker. */
    public static final int ICE_CONTROLLING = 0x802A;

    /** Rejects types and values that cannot be written. */
    public StunAttribute {
        if (type < 0 || type > 0xFFFF) {
            throw new IllegalArgumentException("attribute type out of range: " + type);
        }
        if (value == null || value.length > 0xFFFF) {
            throw new IllegalArgumentException("attribute value missing or too long");
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof StunAttribute a && a.type == type && Arrays.equals(a.value, value);
    }

    @Override
    public int hashCode() {
        return 31 * type + Arrays.hashCode(value);
    }

    @Override
    public String toString() {
        return String.format("StunAttribute[0x%04x, %d bytes]", type, value.length);
    }
}
