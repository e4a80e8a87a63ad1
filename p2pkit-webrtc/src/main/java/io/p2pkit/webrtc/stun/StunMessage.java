package io.p2pkit.webrtc.stun;

import io.p2pkit.core.DecodeException;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.zip.CRC32;

/**
 * A STUN message (RFC 8489): its type, 96-bit transaction ID and attributes. Decoded messages
 * keep their bytes so that {@link #checkIntegrity(byte[])} can recompute MESSAGE-INTEGRITY;
 * FINGERPRINT, when present, is checked while decoding. Only what ICE needs is interpreted;
 * other attributes are kept as they came.
 */
public final class StunMessage {
    /** Largest message decoded or encoded: one unfragmented datagram on any path we use. */
    public static final int MAX_SIZE = 1500;
    /** Most attributes one message may carry. */
    public static final int MAX_ATTRIBUTES = 32;
    /** The fixed value in bytes 4..8 of every RFC 5389/8489 message. */
    public static final int MAGIC_COOKIE = 0x2112A442;
    /** Binding request. */
    public static final int BINDING_REQUEST = 0x0001;
    /** Binding indication (ICE keepalive). */
    public static final int BINDING_INDICATION = 0x0011;
    /** Binding success response. */
    public static final int BINDING_SUCCESS = 0x0101;
    /** Binding error response. */
    public static final int BINDING_ERROR = 0x0111;
    /** The class bits of a success response (RFC 8489 §5): add to a method for its success type. */
    public static final int SUCCESS_CLASS = 0x0100;
    /** The class bits of an error response. */
    public static final int ERROR_CLASS = 0x0110;
    /** The class bits of an indication. */
    public static final int INDICATION_CLASS = 0x0010;

    static final int HEADER = 20;
    private static final int INTEGRITY_LENGTH = 20;
    private static final int FINGERPRINT_XOR = 0x5354554E;
    private static final int MAX_USERNAME = 513;
    private static final int MAX_REASON = 763;

    private final int type;
    private final byte[] transactionId;
    private final List<StunAttribute> attributes;
    private final byte[] raw;          // the decoded bytes, or null for a message built locally
    private final int integrityOffset; // where MESSAGE-INTEGRITY starts in raw, or -1

    private StunMessage(int type, byte[] transactionId, List<StunAttribute> attributes, byte[] raw, int integrityOffset) {
        this.type = type;
        this.transactionId = transactionId;
        this.attributes = attributes;
        this.raw = raw;
        this.integrityOffset = integrityOffset;
    }

    /** Whether a datagram starting with this byte is STUN, by RFC 7983's first-byte ranges. */
    public static boolean isStun(int firstByte) {
        return (firstByte & 0xFF) <= 3;
    }

    /**
     * Decodes one message filling {@code data[0, length)}.
     *
     * @throws DecodeException if it is not a well-formed STUN message, is larger than
     *                         {@link #MAX_SIZE}, or its FINGERPRINT does not match
     */
    public static StunMessage decode(byte[] data, int length) {
        if (length > MAX_SIZE || length > data.length) {
            throw new DecodeException("stun", "message longer than " + MAX_SIZE + " bytes");
        }
        if (length < HEADER) {
            throw new DecodeException("stun", "shorter than the 20-byte header");
        }
        int type = u16(data, 0);
        if ((type & 0xC000) != 0) {
            throw new DecodeException("stun", "the two top bits of the type are not zero");
        }
        int bodyLength = u16(data, 2);
        if ((bodyLength & 3) != 0 || HEADER + bodyLength != length) {
            throw new DecodeException("stun", "length " + bodyLength + " does not match the datagram");
        }
        if (i32(data, 4) != MAGIC_COOKIE) {
            throw new DecodeException("stun", "no magic cookie");
        }
        byte[] raw = Arrays.copyOf(data, length);
        byte[] tid = Arrays.copyOfRange(raw, 8, HEADER);
        List<StunAttribute> attributes = new ArrayList<>();
        int integrityOffset = -1;
        boolean fingerprint = false;
        int at = HEADER;
        while (at < length) {
            if (fingerprint) {
                throw new DecodeException("stun", "attribute after FINGERPRINT");
            }
            if (length - at < 4) {
                throw new DecodeException("stun", "truncated attribute header");
            }
            int attrType = u16(raw, at);
            int attrLength = u16(raw, at + 2);
            int padded = (attrLength + 3) & ~3;
            if (padded > length - at - 4) {
                throw new DecodeException("stun", String.format("attribute 0x%04x runs past the end", attrType));
            }
            if (attributes.size() == MAX_ATTRIBUTES) {
                throw new DecodeException("stun", "more than " + MAX_ATTRIBUTES + " attributes");
            }
            byte[] value = Arrays.copyOfRange(raw, at + 4, at + 4 + attrLength);
            if (attrType == StunAttribute.FINGERPRINT) {
                checkFingerprint(raw, at, value);
                fingerprint = true;
            } else if (integrityOffset >= 0) {
                // RFC 8489 §14.5: only FINGERPRINT may follow MESSAGE-INTEGRITY; the rest is ignored.
                at += 4 + padded;
                continue;
            } else if (attrType == StunAttribute.MESSAGE_INTEGRITY) {
                if (attrLength != INTEGRITY_LENGTH) {
                    throw new DecodeException("stun", "MESSAGE-INTEGRITY is not 20 bytes");
                }
                integrityOffset = at;
            }
            validate(attrType, value, tid);
            attributes.add(new StunAttribute(attrType, value));
            at += 4 + padded;
        }
        return new StunMessage(type, tid, List.copyOf(attributes), raw, integrityOffset);
    }

    /** A builder for a message of this type with this 12-byte transaction ID. */
    public static Builder builder(int type, byte[] transactionId) {
        return new Builder(type, transactionId);
    }

    /** The message type (method and class), for example {@link #BINDING_REQUEST}. */
    public int type() {
        return type;
    }

    /** A copy of the 12-byte transaction ID. */
    public byte[] transactionId() {
        return transactionId.clone();
    }

    /** Whether this message has the given transaction ID. */
    public boolean hasTransactionId(byte[] id) {
        return Arrays.equals(transactionId, id);
    }

    /** The attributes in wire order (after MESSAGE-INTEGRITY only FINGERPRINT is kept). */
    public List<StunAttribute> attributes() {
        return attributes;
    }

    /** The first attribute of this type. */
    public Optional<StunAttribute> attribute(int attrType) {
        for (StunAttribute a : attributes) {
            if (a.type() == attrType) {
                return Optional.of(a);
            }
        }
        return Optional.empty();
    }

    /** USERNAME as UTF-8 text. */
    public Optional<String> username() {
        return attribute(StunAttribute.USERNAME).map(a -> new String(a.value(), StandardCharsets.UTF_8));
    }

    /** PRIORITY, when present. */
    public OptionalLong priority() {
        return attribute(StunAttribute.PRIORITY).map(a -> OptionalLong.of(i32(a.value(), 0) & 0xFFFFFFFFL))
                .orElse(OptionalLong.empty());
    }

    /** The ICE-CONTROLLING tie-breaker, when present. */
    public OptionalLong iceControlling() {
        return attribute(StunAttribute.ICE_CONTROLLING).map(a -> OptionalLong.of(i64(a.value())))
                .orElse(OptionalLong.empty());
    }

    /** The ICE-CONTROLLED tie-breaker, when present. */
    public OptionalLong iceControlled() {
        return attribute(StunAttribute.ICE_CONTROLLED).map(a -> OptionalLong.of(i64(a.value())))
                .orElse(OptionalLong.empty());
    }

    /** Whether USE-CANDIDATE is present. */
    public boolean useCandidate() {
        return attribute(StunAttribute.USE_CANDIDATE).isPresent();
    }

    /** XOR-MAPPED-ADDRESS, decoded. */
    public Optional<InetSocketAddress> xorMappedAddress() {
        return xorAddress(StunAttribute.XOR_MAPPED_ADDRESS);
    }

    /**
     * The first address attribute of this type, decoded: {@link StunAttribute#XOR_MAPPED_ADDRESS},
     * {@link StunAttribute#XOR_PEER_ADDRESS} or {@link StunAttribute#XOR_RELAYED_ADDRESS}.
     */
    public Optional<InetSocketAddress> xorAddress(int attrType) {
        return attribute(attrType).map(a -> unxor(a.value(), transactionId));
    }

    /** LIFETIME in seconds (TURN), when present. */
    public OptionalLong lifetime() {
        return attribute(StunAttribute.LIFETIME).map(a -> OptionalLong.of(i32(a.value(), 0) & 0xFFFFFFFFL))
                .orElse(OptionalLong.empty());
    }

    /** The channel of CHANNEL-NUMBER (TURN), when present. */
    public OptionalInt channelNumber() {
        return attribute(StunAttribute.CHANNEL_NUMBER).map(a -> OptionalInt.of(u16(a.value(), 0)))
                .orElse(OptionalInt.empty());
    }

    /** DATA's bytes (TURN), when present; not copied, treat as read-only. */
    public Optional<byte[]> data() {
        return attribute(StunAttribute.DATA).map(StunAttribute::value);
    }

    /** REALM as UTF-8 text, when present. */
    public Optional<String> realm() {
        return attribute(StunAttribute.REALM).map(a -> new String(a.value(), StandardCharsets.UTF_8));
    }

    /** NONCE as UTF-8 text, when present. */
    public Optional<String> nonce() {
        return attribute(StunAttribute.NONCE).map(a -> new String(a.value(), StandardCharsets.UTF_8));
    }

    /** The ERROR-CODE's number (300..699), when present. */
    public OptionalInt errorCode() {
        return attribute(StunAttribute.ERROR_CODE)
                .map(a -> OptionalInt.of((a.value()[2] & 7) * 100 + (a.value()[3] & 0xFF)))
                .orElse(OptionalInt.empty());
    }

    /** The ERROR-CODE's reason phrase, when present. */
    public Optional<String> errorReason() {
        return attribute(StunAttribute.ERROR_CODE)
                .map(a -> new String(a.value(), 4, a.value().length - 4, StandardCharsets.UTF_8));
    }

    /** Whether the message carried FINGERPRINT (decoding already checked its value). */
    public boolean hasFingerprint() {
        return attribute(StunAttribute.FINGERPRINT).isPresent();
    }

    /**
     * Whether this decoded message carries a MESSAGE-INTEGRITY computed with this key (for ICE,
     * the short-term password's UTF-8 bytes). False for messages without one.
     */
    public boolean checkIntegrity(byte[] key) {
        if (raw == null || integrityOffset < 0) {
            return false;
        }
        byte[] covered = Arrays.copyOf(raw, integrityOffset);
        putU16(covered, 2, integrityOffset - HEADER + 4 + INTEGRITY_LENGTH);
        byte[] expected = hmac(key, covered, covered.length);
        byte[] actual = Arrays.copyOfRange(raw, integrityOffset + 4, integrityOffset + 4 + INTEGRITY_LENGTH);
        return MessageDigest.isEqual(expected, actual);
    }

    @Override
    public String toString() {
        return String.format("StunMessage[0x%04x, %d attributes]", type, attributes.size());
    }

    /** Builds a message and writes it with optional MESSAGE-INTEGRITY and FINGERPRINT. */
    public static final class Builder {
        private final int type;
        private final byte[] transactionId;
        private final List<StunAttribute> attributes = new ArrayList<>();

        private Builder(int type, byte[] transactionId) {
            if ((type & ~0x3FFF) != 0) {
                throw new IllegalArgumentException("type out of range");
            }
            if (transactionId.length != 12) {
                throw new IllegalArgumentException("a transaction ID has 12 bytes");
            }
            this.type = type;
            this.transactionId = transactionId.clone();
        }

        /** Adds an attribute as is. */
        public Builder attribute(int attrType, byte[] value) {
            attributes.add(new StunAttribute(attrType, value.clone()));
            return this;
        }

        /** Adds USERNAME. */
        public Builder username(String username) {
            byte[] b = username.getBytes(StandardCharsets.UTF_8);
            if (b.length > MAX_USERNAME) {
                throw new IllegalArgumentException("USERNAME longer than " + MAX_USERNAME + " bytes");
            }
            return attribute(StunAttribute.USERNAME, b);
        }

        /** Adds PRIORITY. */
        public Builder priority(long priority) {
            byte[] v = new byte[4];
            putI32(v, 0, (int) priority);
            return attribute(StunAttribute.PRIORITY, v);
        }

        /** Adds ICE-CONTROLLING with this tie-breaker. */
        public Builder iceControlling(long tieBreaker) {
            return attribute(StunAttribute.ICE_CONTROLLING, be64(tieBreaker));
        }

        /** Adds ICE-CONTROLLED with this tie-breaker. */
        public Builder iceControlled(long tieBreaker) {
            return attribute(StunAttribute.ICE_CONTROLLED, be64(tieBreaker));
        }

        /** Adds USE-CANDIDATE. */
        public Builder useCandidate() {
            return attribute(StunAttribute.USE_CANDIDATE, new byte[0]);
        }

        /** Adds XOR-MAPPED-ADDRESS for this address. */
        public Builder xorMappedAddress(InetSocketAddress address) {
            return attribute(StunAttribute.XOR_MAPPED_ADDRESS, xor(address, transactionId));
        }

        /** Adds an address attribute of this type (XOR-PEER-ADDRESS, say), encoded as XOR-MAPPED-ADDRESS is. */
        public Builder xorAddress(int attrType, InetSocketAddress address) {
            return attribute(attrType, xor(address, transactionId));
        }

        /** Adds LIFETIME, in seconds (TURN). */
        public Builder lifetime(long seconds) {
            byte[] v = new byte[4];
            putI32(v, 0, (int) seconds);
            return attribute(StunAttribute.LIFETIME, v);
        }

        /** Adds CHANNEL-NUMBER (TURN) with its two reserved bytes. */
        public Builder channelNumber(int channel) {
            byte[] v = new byte[4];
            putU16(v, 0, channel);
            return attribute(StunAttribute.CHANNEL_NUMBER, v);
        }

        /** Adds a text attribute (REALM, NONCE) as UTF-8. */
        public Builder text(int attrType, String text) {
            return attribute(attrType, text.getBytes(StandardCharsets.UTF_8));
        }

        /** Adds ERROR-CODE with a number in 300..699 and a reason phrase. */
        public Builder errorCode(int code, String reason) {
            if (code < 300 || code > 699) {
                throw new IllegalArgumentException("error code out of range: " + code);
            }
            byte[] text = reason.getBytes(StandardCharsets.UTF_8);
            byte[] v = new byte[4 + Math.min(text.length, MAX_REASON)];
            v[2] = (byte) (code / 100);
            v[3] = (byte) (code % 100);
            System.arraycopy(text, 0, v, 4, v.length - 4);
            return attribute(StunAttribute.ERROR_CODE, v);
        }

        /**
         * The message's bytes, with MESSAGE-INTEGRITY computed with {@code integrityKey} when it is
         * not null, then FINGERPRINT when {@code fingerprint} is set.
         */
        public byte[] encode(byte[] integrityKey, boolean fingerprint) {
            int size = HEADER;
            for (StunAttribute a : attributes) {
                size += 4 + ((a.value().length + 3) & ~3);
            }
            int full = size + (integrityKey != null ? 4 + INTEGRITY_LENGTH : 0) + (fingerprint ? 8 : 0);
            if (full > MAX_SIZE) {
                throw new IllegalArgumentException("message longer than " + MAX_SIZE + " bytes");
            }
            byte[] out = new byte[full];
            putU16(out, 0, type);
            putI32(out, 4, MAGIC_COOKIE);
            System.arraycopy(transactionId, 0, out, 8, 12);
            int at = HEADER;
            for (StunAttribute a : attributes) {
                at = put(out, at, a.type(), a.value());
            }
            if (integrityKey != null) {
                putU16(out, 2, at - HEADER + 4 + INTEGRITY_LENGTH);
                at = put(out, at, StunAttribute.MESSAGE_INTEGRITY, hmac(integrityKey, out, at));
            }
            if (fingerprint) {
                putU16(out, 2, at - HEADER + 8);
                byte[] crc = new byte[4];
                putI32(crc, 0, crc32(out, at) ^ FINGERPRINT_XOR);
                at = put(out, at, StunAttribute.FINGERPRINT, crc);
            }
            putU16(out, 2, at - HEADER);
            return out;
        }

        private static int put(byte[] out, int at, int attrType, byte[] value) {
            putU16(out, at, attrType);
            putU16(out, at + 2, value.length);
            System.arraycopy(value, 0, out, at + 4, value.length);
            return at + 4 + ((value.length + 3) & ~3);
        }
    }

    private static void validate(int attrType, byte[] v, byte[] tid) {
        switch (attrType) {
            case StunAttribute.USERNAME -> {
                if (v.length > MAX_USERNAME) {
                    throw new DecodeException("stun", "USERNAME longer than " + MAX_USERNAME + " bytes");
                }
            }
            case StunAttribute.PRIORITY -> fixed("PRIORITY", v, 4);
            case StunAttribute.ICE_CONTROLLING -> fixed("ICE-CONTROLLING", v, 8);
            case StunAttribute.ICE_CONTROLLED -> fixed("ICE-CONTROLLED", v, 8);
            case StunAttribute.USE_CANDIDATE -> fixed("USE-CANDIDATE", v, 0);
            case StunAttribute.XOR_MAPPED_ADDRESS, StunAttribute.XOR_PEER_ADDRESS, StunAttribute.XOR_RELAYED_ADDRESS ->
                    unxor(v, tid);
            case StunAttribute.LIFETIME -> fixed("LIFETIME", v, 4);
            case StunAttribute.CHANNEL_NUMBER -> fixed("CHANNEL-NUMBER", v, 4);
            case StunAttribute.REQUESTED_TRANSPORT -> fixed("REQUESTED-TRANSPORT", v, 4);
            case StunAttribute.REALM, StunAttribute.NONCE -> {
                if (v.length > MAX_REASON) {
                    throw new DecodeException("stun", "REALM or NONCE longer than " + MAX_REASON + " bytes");
                }
            }
            case StunAttribute.ERROR_CODE -> {
                if (v.length < 4 || v.length > 4 + MAX_REASON) {
                    throw new DecodeException("stun", "ERROR-CODE has a bad length");
                }
                int cls = v[2] & 7;
                if (cls < 3 || cls > 6 || (v[3] & 0xFF) > 99) {
                    throw new DecodeException("stun", "ERROR-CODE out of range");
                }
            }
            default -> {
            }
        }
    }

    private static void fixed(String name, byte[] v, int length) {
        if (v.length != length) {
            throw new DecodeException("stun", name + " is not " + length + " bytes");
        }
    }

    private static void checkFingerprint(byte[] raw, int at, byte[] value) {
        if (value.length != 4) {
            throw new DecodeException("stun", "FINGERPRINT is not 4 bytes");
        }
        // The CRC covers the header with a length that already counts FINGERPRINT.
        byte[] covered = Arrays.copyOf(raw, at);
        putU16(covered, 2, at - HEADER + 8);
        if ((crc32(covered, at) ^ FINGERPRINT_XOR) != i32(value, 0)) {
            throw new DecodeException("stun", "FINGERPRINT does not match");
        }
    }

    private static byte[] xor(InetSocketAddress address, byte[] tid) {
        byte[] ip = address.getAddress().getAddress();
        byte[] v = new byte[4 + ip.length];
        v[1] = (byte) (ip.length == 4 ? 1 : 2);
        putU16(v, 2, address.getPort() ^ (MAGIC_COOKIE >>> 16));
        byte[] mask = mask(tid);
        for (int i = 0; i < ip.length; i++) {
            v[4 + i] = (byte) (ip[i] ^ mask[i]);
        }
        return v;
    }

    private static InetSocketAddress unxor(byte[] v, byte[] tid) {
        int family = v.length >= 2 ? v[1] : 0;
        int ipLength = family == 1 ? 4 : family == 2 ? 16 : -1;
        if (ipLength < 0 || v.length != 4 + ipLength) {
            throw new DecodeException("stun", "an XOR address attribute has a bad family or length");
        }
        byte[] mask = mask(tid);
        byte[] ip = new byte[ipLength];
        for (int i = 0; i < ipLength; i++) {
            ip[i] = (byte) (v[4 + i] ^ mask[i]);
        }
        try {
            return new InetSocketAddress(InetAddress.getByAddress(ip), u16(v, 2) ^ (MAGIC_COOKIE >>> 16));
        } catch (UnknownHostException e) {
            throw new DecodeException("stun", "an XOR address attribute is not an address", e);
        }
    }

    private static byte[] mask(byte[] tid) {
        byte[] m = new byte[16];
        putI32(m, 0, MAGIC_COOKIE);
        System.arraycopy(tid, 0, m, 4, 12);
        return m;
    }

    private static byte[] hmac(byte[] key, byte[] data, int length) {
        try {
            Mac mac = Mac.getInstance("HmacSHA1");
            mac.init(new SecretKeySpec(key.length == 0 ? new byte[1] : key, "HmacSHA1"));
            mac.update(data, 0, length);
            return mac.doFinal();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HMAC-SHA1 is not available", e);
        }
    }

    private static int crc32(byte[] data, int length) {
        CRC32 crc = new CRC32();
        crc.update(data, 0, length);
        return (int) crc.getValue();
    }

    private static byte[] be64(long v) {
        byte[] b = new byte[8];
        putI32(b, 0, (int) (v >>> 32));
        putI32(b, 4, (int) v);
        return b;
    }

    private static long i64(byte[] b) {
        return ((long) i32(b, 0) << 32) | (i32(b, 4) & 0xFFFFFFFFL);
    }

    private static int u16(byte[] b, int at) {
        return ((b[at] & 0xFF) << 8) | (b[at + 1] & 0xFF);
    }

    private static int i32(byte[] b, int at) {
        return (u16(b, at) << 16) | u16(b, at + 2);
    }

    private static void putU16(byte[] b, int at, int v) {
        b[at] = (byte) (v >>> 8);
        b[at + 1] = (byte) v;
    }

    private static void putI32(byte[] b, int at, int v) {
        putU16(b, at, v >>> 16);
        putU16(b, at + 2, v);
    }
}
