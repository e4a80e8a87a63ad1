package io.p2pkit.webrtc.sctp;

import io.p2pkit.core.DecodeException;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * One SCTP packet: the common header (ports, verification tag, CRC32c checksum) and its chunks.
 * Decoding checks the checksum and every length against the bytes present and caps the packet
 * at {@link #MAX_PACKET}; a malformed packet is a {@link DecodeException} naming the field.
 */
record SctpPacket(int sourcePort, int destinationPort, long verificationTag, List<Chunk> chunks) {
    /** The largest packet decoded: bigger than any datagram a DTLS record carries. */
    static final int MAX_PACKET = 65_536;
    static final int HEADER = 12;
    static final int DATA_HEADER = 16;

    private static final int PARAM_HEARTBEAT_INFO = 1;
    private static final int PARAM_STATE_COOKIE = 7;
    private static final int PARAM_RESET_REQUEST = 13;
    private static final int PARAM_RECONFIG_RESPONSE = 16;
    private static final int PARAM_SUPPORTED_EXTENSIONS = 0x8008;
    private static final int CAUSE_USER_ABORT = 12;

    /** Decodes {@code length} bytes of {@code data} from {@code offset}, checking the CRC32c. */
    static SctpPacket decode(byte[] data, int offset, int length) {
        if (length < HEADER) {
            throw new DecodeException("sctp.header", "packet of " + length + " bytes is shorter than the common header");
        }
        if (length > MAX_PACKET) {
            throw new DecodeException("sctp.packet", "packet of " + length + " bytes is over the " + MAX_PACKET + " byte cap");
        }
        ByteBuffer b = ByteBuffer.wrap(data, offset, length).slice();
        long sent = Integer.toUnsignedLong(b.order(ByteOrder.LITTLE_ENDIAN).getInt(8));
        b.order(ByteOrder.BIG_ENDIAN);
        if (sent != checksum(data, offset, length)) {
            throw new DecodeException("sctp.checksum", "CRC32c mismatch");
        }
        int src = Short.toUnsignedInt(b.getShort(0));
        int dst = Short.toUnsignedInt(b.getShort(2));
        long tag = Integer.toUnsignedLong(b.getInt(4));
        List<Chunk> chunks = new ArrayList<>();
        int pos = HEADER;
        while (pos < length) {
            if (length - pos < 4) {
                throw new DecodeException("sctp.chunk", "trailing " + (length - pos) + " bytes are not a chunk");
            }
            int type = Byte.toUnsignedInt(b.get(pos));
            int flags = Byte.toUnsignedInt(b.get(pos + 1));
            int chunkLength = Short.toUnsignedInt(b.getShort(pos + 2));
            if (chunkLength < 4 || chunkLength > length - pos) {
                throw new DecodeException("sctp.chunk.length", "chunk type " + type + " claims " + chunkLength
                        + " bytes, " + (length - pos) + " remain");
            }
            ByteBuffer value = b.slice(pos + 4, chunkLength - 4);
            try {
                chunks.add(decodeChunk(type, flags, value));
            } catch (BufferUnderflowException | IndexOutOfBoundsException e) {
                throw new DecodeException("sctp.chunk", "chunk type " + type + " is truncated", e);
            }
            pos += (chunkLength + 3) & ~3;
        }
        return new SctpPacket(src, dst, tag, List.copyOf(chunks));
    }

    private static Chunk decodeChunk(int type, int flags, ByteBuffer v) {
        return switch (type) {
            case Chunk.DATA -> {
                if (v.remaining() < DATA_HEADER - 4 + 1) {
                    throw new DecodeException("sctp.data", "DATA chunk without user data");
                }
                long tsn = Integer.toUnsignedLong(v.getInt());
                int stream = Short.toUnsignedInt(v.getShort());
                int ssn = Short.toUnsignedInt(v.getShort());
                long ppid = Integer.toUnsignedLong(v.getInt());
                byte[] payload = new byte[v.remaining()];
                v.get(payload);
                yield new Chunk.Data((flags & 4) != 0, (flags & 2) != 0, (flags & 1) != 0, tsn, stream, ssn, ppid, payload);
            }
            case Chunk.INIT, Chunk.INIT_ACK -> decodeInit(type == Chunk.INIT_ACK, v);
            case Chunk.SACK -> {
                long cum = Integer.toUnsignedLong(v.getInt());
                long window = Integer.toUnsignedLong(v.getInt());
                int gapCount = Short.toUnsignedInt(v.getShort());
                int dupCount = Short.toUnsignedInt(v.getShort());
                if ((long) gapCount * 4 + (long) dupCount * 4 > v.remaining()) {
                    throw new DecodeException("sctp.sack", gapCount + " gaps and " + dupCount + " duplicates do not fit");
                }
                List<Chunk.Gap> gaps = new ArrayList<>(gapCount);
                for (int i = 0; i < gapCount; i++) {
                    int start = Short.toUnsignedInt(v.getShort());
                    int end = Short.toUnsignedInt(v.getShort());
                    if (start == 0 || end < start) {
                        throw new DecodeException("sctp.sack.gap", "gap block " + start + "-" + end + " is invalid");
                    }
                    gaps.add(new Chunk.Gap(start, end));
                }
                List<Long> dups = new ArrayList<>(dupCount);
                for (int i = 0; i < dupCount; i++) {
                    dups.add(Integer.toUnsignedLong(v.getInt()));
                }
                yield new Chunk.Sack(cum, window, List.copyOf(gaps), List.copyOf(dups));
            }
            case Chunk.HEARTBEAT, Chunk.HEARTBEAT_ACK -> {
                byte[] info = null;
                while (v.remaining() >= 4) {
                    int pType = Short.toUnsignedInt(v.getShort());
                    byte[] value = paramValue(v, pType);
                    if (pType == PARAM_HEARTBEAT_INFO) {
                        info = value;
                    }
                }
                if (info == null) {
                    throw new DecodeException("sctp.heartbeat", "no heartbeat information parameter");
                }
                yield new Chunk.Heartbeat(type == Chunk.HEARTBEAT_ACK, info);
            }
            case Chunk.ABORT, Chunk.ERROR -> {
                int cause = 0;
                String reason = "";
                if (v.remaining() >= 4) {
                    cause = Short.toUnsignedInt(v.getShort());
                    byte[] info = paramValue(v, cause);
                    reason = new String(info, StandardCharsets.UTF_8);
                }
                yield new Chunk.Abort(type == Chunk.ABORT, (flags & 1) != 0, cause, reason);
            }
            case Chunk.SHUTDOWN -> new Chunk.Shutdown(Integer.toUnsignedLong(v.getInt()));
            case Chunk.COOKIE_ECHO -> {
                byte[] cookie = new byte[v.remaining()];
                v.get(cookie);
                yield new Chunk.CookieEcho(cookie);
            }
            case Chunk.COOKIE_ACK, Chunk.SHUTDOWN_ACK, Chunk.SHUTDOWN_COMPLETE -> new Chunk.Bare(type, (flags & 1) != 0);
            case Chunk.RECONFIG -> decodeReconfig(v);
            default -> new Chunk.Unknown(type);
        };
    }

    private static Chunk.Init decodeInit(boolean ack, ByteBuffer v) {
        long tag = Integer.toUnsignedLong(v.getInt());
        long window = Integer.toUnsignedLong(v.getInt());
        int out = Short.toUnsignedInt(v.getShort());
        int in = Short.toUnsignedInt(v.getShort());
        long tsn = Integer.toUnsignedLong(v.getInt());
        if (tag == 0 || out == 0 || in == 0) {
            throw new DecodeException("sctp.init", "zero initiate tag or stream count");
        }
        boolean reconfig = false;
        byte[] cookie = null;
        while (v.remaining() >= 4) {
            int pType = Short.toUnsignedInt(v.getShort());
            byte[] value = paramValue(v, pType);
            if (pType == PARAM_STATE_COOKIE) {
                cookie = value;
            } else if (pType == PARAM_SUPPORTED_EXTENSIONS) {
                for (byte t : value) {
                    reconfig |= Byte.toUnsignedInt(t) == Chunk.RECONFIG;
                }
            }
        }
        if (ack && cookie == null) {
            throw new DecodeException("sctp.init_ack", "INIT ACK without a state cookie");
        }
        return new Chunk.Init(ack, tag, window, out, in, tsn, reconfig, cookie);
    }

    private static Chunk.Reconfig decodeReconfig(ByteBuffer v) {
        Chunk.ResetRequest request = null;
        Chunk.ReconfigResponse response = null;
        while (v.remaining() >= 4) {
            int pType = Short.toUnsignedInt(v.getShort());
            ByteBuffer p = ByteBuffer.wrap(paramValue(v, pType));
            if (pType == PARAM_RESET_REQUEST) {
                long req = Integer.toUnsignedLong(p.getInt());
                long resp = Integer.toUnsignedLong(p.getInt());
                long last = Integer.toUnsignedLong(p.getInt());
                List<Integer> streams = new ArrayList<>(p.remaining() / 2);
                while (p.remaining() >= 2) {
                    streams.add(Short.toUnsignedInt(p.getShort()));
                }
                request = new Chunk.ResetRequest(req, resp, last, List.copyOf(streams));
            } else if (pType == PARAM_RECONFIG_RESPONSE) {
                response = new Chunk.ReconfigResponse(Integer.toUnsignedLong(p.getInt()), Integer.toUnsignedLong(p.getInt()));
            }
        }
        return new Chunk.Reconfig(request, response);
    }

    /** Reads a parameter's length and value (after its type) and skips its padding. */
    private static byte[] paramValue(ByteBuffer v, int type) {
        int len = Short.toUnsignedInt(v.getShort());
        if (len < 4 || len - 4 > v.remaining()) {
            throw new DecodeException("sctp.parameter", "parameter type " + type + " claims " + len + " bytes");
        }
        byte[] value = new byte[len - 4];
        v.get(value);
        v.position(Math.min(v.limit(), v.position() + ((4 - len % 4) % 4)));
        return value;
    }

    /** The encoded size of {@code chunk}, padding included. */
    static int size(Chunk chunk) {
        return (4 + valueSize(chunk) + 3) & ~3;
    }

    private static int valueSize(Chunk c) {
        return switch (c) {
            case Chunk.Data d -> DATA_HEADER - 4 + d.payload().length;
            case Chunk.Init i -> 16 + 8 + (i.cookie() == null ? 0 : 4 + pad(i.cookie().length));
            case Chunk.Sack s -> 12 + 4 * s.gaps().size() + 4 * s.duplicates().size();
            case Chunk.Heartbeat h -> 4 + pad(h.info().length);
            case Chunk.Abort a -> a.causeCode() == 0 ? 0 : 4 + pad(a.reason().getBytes(StandardCharsets.UTF_8).length);
            case Chunk.Shutdown s -> 4;
            case Chunk.CookieEcho e -> e.cookie().length;
            case Chunk.Bare b -> 0;
            case Chunk.Reconfig r -> (r.request() == null ? 0 : 16 + pad(2 * r.request().streams().size()))
                    + (r.response() == null ? 0 : 12);
            case Chunk.Unknown u -> throw new IllegalArgumentException("cannot encode unknown chunk " + u.type());
        };
    }

    private static int pad(int n) {
        return (n + 3) & ~3;
    }

    /** Encodes the packet with its checksum. */
    byte[] encode() {
        int total = HEADER;
        for (Chunk c : chunks) {
            total += size(c);
        }
        ByteBuffer b = ByteBuffer.allocate(total);
        b.putShort((short) sourcePort).putShort((short) destinationPort).putInt((int) verificationTag).putInt(0);
        for (Chunk c : chunks) {
            int start = b.position();
            b.put((byte) c.type()).put((byte) flags(c)).putShort((short) (4 + unpaddedValueSize(c)));
            writeValue(b, c);
            b.position(start + size(c));
        }
        byte[] out = b.array();
        ByteBuffer.wrap(out).order(ByteOrder.LITTLE_ENDIAN).putInt(8, (int) checksum(out, 0, out.length));
        return out;
    }

    private static int unpaddedValueSize(Chunk c) {
        return switch (c) {
            // the chunk length leaves out the padding after the last parameter or the user data
            case Chunk.Data d -> DATA_HEADER - 4 + d.payload().length;
            case Chunk.CookieEcho e -> e.cookie().length;
            case Chunk.Init i -> valueSize(c) - (i.cookie() == null ? 3 : pad(i.cookie().length) - i.cookie().length);
            case Chunk.Heartbeat h -> 4 + h.info().length;
            case Chunk.Abort a -> a.causeCode() == 0 ? 0 : 4 + a.reason().getBytes(StandardCharsets.UTF_8).length;
            case Chunk.Reconfig r -> r.response() != null || r.request() == null ? valueSize(c)
                    : 16 + 2 * r.request().streams().size();
            default -> valueSize(c);
        };
    }

    private static int flags(Chunk c) {
        return switch (c) {
            case Chunk.Data d -> (d.unordered() ? 4 : 0) | (d.beginning() ? 2 : 0) | (d.ending() ? 1 : 0);
            case Chunk.Abort a -> a.tagReflected() ? 1 : 0;
            case Chunk.Bare bare -> bare.tagReflected() ? 1 : 0;
            default -> 0;
        };
    }

    private static void writeValue(ByteBuffer b, Chunk c) {
        switch (c) {
            case Chunk.Data d -> b.putInt((int) d.tsn()).putShort((short) d.streamId()).putShort((short) d.ssn())
                    .putInt((int) d.ppid()).put(d.payload());
            case Chunk.Init i -> {
                b.putInt((int) i.initiateTag()).putInt((int) i.advertisedWindow()).putShort((short) i.outboundStreams())
                        .putShort((short) i.inboundStreams()).putInt((int) i.initialTsn());
                // supported extensions: RE-CONFIG (one byte, padded)
                b.putShort((short) PARAM_SUPPORTED_EXTENSIONS).putShort((short) 5).put((byte) Chunk.RECONFIG).put(new byte[3]);
                if (i.cookie() != null) {
                    putParam(b, PARAM_STATE_COOKIE, i.cookie());
                }
            }
            case Chunk.Sack s -> {
                b.putInt((int) s.cumulativeTsn()).putInt((int) s.advertisedWindow())
                        .putShort((short) s.gaps().size()).putShort((short) s.duplicates().size());
                for (Chunk.Gap g : s.gaps()) {
                    b.putShort((short) g.start()).putShort((short) g.end());
                }
                for (long d : s.duplicates()) {
                    b.putInt((int) d);
                }
            }
            case Chunk.Heartbeat h -> putParam(b, PARAM_HEARTBEAT_INFO, h.info());
            case Chunk.Abort a -> {
                if (a.causeCode() != 0) {
                    putParam(b, a.causeCode(), a.reason().getBytes(StandardCharsets.UTF_8));
                }
            }
            case Chunk.Shutdown s -> b.putInt((int) s.cumulativeTsn());
            case Chunk.CookieEcho e -> b.put(e.cookie());
            case Chunk.Bare bare -> {
                // no value
            }
            case Chunk.Reconfig r -> {
                if (r.request() != null) {
                    Chunk.ResetRequest q = r.request();
                    b.putShort((short) PARAM_RESET_REQUEST).putShort((short) (16 + 2 * q.streams().size()))
                            .putInt((int) q.requestSeq()).putInt((int) q.responseSeq()).putInt((int) q.lastTsn());
                    for (int s : q.streams()) {
                        b.putShort((short) s);
                    }
                    b.position(b.position() + (pad(2 * q.streams().size()) - 2 * q.streams().size()));
                }
                if (r.response() != null) {
                    b.putShort((short) PARAM_RECONFIG_RESPONSE).putShort((short) 12)
                            .putInt((int) r.response().responseSeq()).putInt((int) r.response().result());
                }
            }
            case Chunk.Unknown u -> throw new IllegalArgumentException("cannot encode unknown chunk " + u.type());
        }
    }

    private static void putParam(ByteBuffer b, int type, byte[] value) {
        b.putShort((short) type).putShort((short) (4 + value.length)).put(value);
        b.position(b.position() + (pad(value.length) - value.length));
    }

    /** A user-initiated ABORT carrying {@code reason}. */
    static Chunk.Abort userAbort(String reason) {
        return new Chunk.Abort(true, false, CAUSE_USER_ABORT, reason);
    }

    /** CRC32c over the packet with its checksum field taken as zero (RFC 9260 appendix A). */
    static long checksum(byte[] data, int offset, int length) {
        CRC32C crc = new CRC32C();
        crc.update(data, offset, 8);
        crc.update(new byte[4]);
        crc.update(data, offset + HEADER, length - HEADER);
        return crc.getValue();
    }
}
