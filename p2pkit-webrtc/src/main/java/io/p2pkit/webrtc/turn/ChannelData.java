package io.p2pkit.webrtc.turn;

import io.p2pkit.core.DecodeException;

import java.util.Arrays;

/**
 * A TURN ChannelData message (RFC 8656 §12.4): a channel number (0x4000–0x4FFF), the data's
 * length and the data, with four bytes of header instead of a Send or Data indication's 36. Over
 * UDP the padding to a multiple of four bytes is optional: up to three bytes after the data are
 * taken as padding, anything longer is refused.
 *
 * @param channel the channel number
 * @param data    the datagram it carries; not copied, treat as read-only
 */
public record ChannelData(int channel, byte[] data) {
    /** The lowest channel number. */
    public static final int MIN_CHANNEL = 0x4000;
    /** The highest channel number (0x5000–0x7FFF are reserved). */
    public static final int MAX_CHANNEL = 0x4FFF;
    /** The header's size: channel number and length. */
    public static final int HEADER = 4;

    /** Checks the channel number and the data's length. */
    public ChannelData {
        if (channel < MIN_CHANNEL || channel > MAX_CHANNEL) {
            throw new IllegalArgumentException(String.format("channel 0x%04x is not in 0x4000..0x4FFF", channel));
        }
        if (data.length > 0xFFFF) {
            throw new IllegalArgumentException("ChannelData carries at most 65535 bytes");
        }
    }

    /** Whether a datagram starting with this byte is ChannelData (RFC 7983: 64..79). */
    public static boolean isChannelData(int firstByte) {
        int b = firstByte & 0xFF;
        return b >= 64 && b <= 79;
    }

    /**
     * Decodes the message filling {@code datagram[0, length)}.
     *
     * @throws DecodeException if it is shorter than its header or its length says, has more than
     *                         three bytes of padding, or names a reserved channel
     */
    public static ChannelData decode(byte[] datagram, int length) {
        if (length < HEADER || length > datagram.length) {
            throw new DecodeException("channeldata", "shorter than the 4-byte header");
        }
        int channel = ((datagram[0] & 0xFF) << 8) | (datagram[1] & 0xFF);
        int dataLength = ((datagram[2] & 0xFF) << 8) | (datagram[3] & 0xFF);
        if (channel < MIN_CHANNEL || channel > MAX_CHANNEL) {
            throw new DecodeException("channeldata", String.format("channel 0x%04x is not in 0x4000..0x4FFF", channel));
        }
        if (HEADER + dataLength > length) {
            throw new DecodeException("channeldata", "length " + dataLength + " runs past the datagram");
        }
        if (length - HEADER - dataLength > 3) {
            throw new DecodeException("channeldata", (length - HEADER - dataLength) + " bytes after the data");
        }
        return new ChannelData(channel, Arrays.copyOfRange(datagram, HEADER, HEADER + dataLength));
    }

    /** Frames {@code data[offset, offset + length)} on {@code channel}, unpadded (UDP). */
    public static byte[] encode(int channel, byte[] data, int offset, int length) {
        if (channel < MIN_CHANNEL || channel > MAX_CHANNEL || length > 0xFFFF) {
            throw new IllegalArgumentException("bad channel or length");
        }
        byte[] out = new byte[HEADER + length];
        out[0] = (byte) (channel >>> 8);
        out[1] = (byte) channel;
        out[2] = (byte) (length >>> 8);
        out[3] = (byte) length;
        System.arraycopy(data, offset, out, HEADER, length);
        return out;
    }

    /** This message's bytes. */
    public byte[] encode() {
        return encode(channel, data, 0, data.length);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ChannelData c && c.channel == channel && Arrays.equals(c.data, data);
    }

    @Override
    public int hashCode() {
        return 31 * channel + Arrays.hashCode(data);
    }

    @Override
    public String toString() {
        return String.format("ChannelData[0x%04x, %d bytes]", channel, data.length);
    }
}
