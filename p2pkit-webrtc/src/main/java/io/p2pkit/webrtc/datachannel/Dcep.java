package io.p2pkit.webrtc.datachannel;

import io.p2pkit.core.DecodeException;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * The Data Channel Establishment Protocol's two messages (RFC 8832): DATA_CHANNEL_OPEN and
 * DATA_CHANNEL_ACK, carried with PPID 50 on the channel's stream. Decoding is strict and capped.
 */
final class Dcep {
    static final int PPID_DCEP = 50;
    static final int PPID_STRING = 51;
    static final int PPID_BINARY = 53;
    static final int PPID_STRING_EMPTY = 56;
    static final int PPID_BINARY_EMPTY = 57;

    static final int OPEN = 0x03;
    static final int ACK = 0x02;
    /** Reliable, ordered: the only channel type libp2p opens. */
    static final int RELIABLE = 0x00;
    /** The longest label or protocol accepted. */
    static final int MAX_STRING = 1024;

    /** A DATA_CHANNEL_OPEN. */
    record Open(int channelType, int priority, long reliability, String label, String protocol) {
        /** Whether messages on the channel may arrive out of order (the type's high bit). */
        boolean unordered() {
            return (channelType & 0x80) != 0;
        }
    }

    private Dcep() {
    }

    static byte[] open(Open o) {
        byte[] label = o.label().getBytes(StandardCharsets.UTF_8);
        byte[] protocol = o.protocol().getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(12 + label.length + protocol.length).put((byte) OPEN).put((byte) o.channelType())
                .putShort((short) o.priority()).putInt((int) o.reliability()).putShort((short) label.length)
                .putShort((short) protocol.length).put(label).put(protocol).array();
    }

    static byte[] ack() {
        return new byte[] {ACK};
    }

    /**
     * Decodes a DCEP message: an {@link Open}, or null for an ACK.
     *
     * @throws DecodeException for any other or malformed message
     */
    static Open decode(byte[] m) {
        if (m.length == 0) {
            throw new DecodeException("dcep", "empty message");
        }
        if (m[0] == ACK) {
            return null; // RFC 8832's ACK is one byte; pion pads it to four, so the rest is ignored
        }
        if (m[0] != OPEN) {
            throw new DecodeException("dcep.type", "unknown message type " + Byte.toUnsignedInt(m[0]));
        }
        try {
            ByteBuffer b = ByteBuffer.wrap(m, 1, m.length - 1);
            int type = Byte.toUnsignedInt(b.get());
            int priority = Short.toUnsignedInt(b.getShort());
            long reliability = Integer.toUnsignedLong(b.getInt());
            int labelLength = Short.toUnsignedInt(b.getShort());
            int protocolLength = Short.toUnsignedInt(b.getShort());
            if (labelLength > MAX_STRING || protocolLength > MAX_STRING) {
                throw new DecodeException("dcep.open", "label or protocol over " + MAX_STRING + " bytes");
            }
            if (b.remaining() != labelLength + protocolLength) {
                throw new DecodeException("dcep.open", "lengths " + labelLength + "+" + protocolLength
                        + " do not match the " + b.remaining() + " bytes present");
            }
            switch (type & 0x7F) {
                case 0x00, 0x01, 0x02 -> {
                    // reliable, partial reliability by retransmissions or by time
                }
                default -> throw new DecodeException("dcep.open.channel_type", "unknown channel type " + type);
            }
            byte[] label = new byte[labelLength];
            byte[] protocol = new byte[protocolLength];
            b.get(label).get(protocol);
            return new Open(type, priority, reliability, utf8(label, "label"), utf8(protocol, "protocol"));
        } catch (BufferUnderflowException e) {
            throw new DecodeException("dcep.open", "DATA_CHANNEL_OPEN is truncated", e);
        }
    }

    private static String utf8(byte[] b, String field) {
        try {
            return StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(b)).toString();
        } catch (java.nio.charset.CharacterCodingException e) {
            throw new DecodeException("dcep.open." + field, "not UTF-8", e);
        }
    }
}
