package io.p2pkit.node.dnslink;

import io.p2pkit.core.DecodeException;

import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A DNS query for the TXT, A or AAAA records of one name and the decoding of its reply (RFC 1035
 * §4.1, RFC 3596), bounded: replies over the caller's cap ({@link #MAX_REPLY_BYTES} over UDP,
 * {@link #MAX_DOH_REPLY_BYTES} over HTTPS), more than {@link #MAX_RECORDS} records, names over 255
 * bytes or compression loops are refused with a {@link DecodeException}.
 */
final class DnsMessage {
    /** The largest reply read (RFC 6891's common EDNS buffer is smaller; UDP without EDNS is 512). */
    static final int MAX_REPLY_BYTES = 4096;
    /** The largest reply read over DNS over HTTPS: a DNS message's own limit (RFC 8484 §6). */
    static final int MAX_DOH_REPLY_BYTES = 65535;
    /** The most records of a reply looked at. */
    static final int MAX_RECORDS = 64;
    static final int TYPE_TXT = 16;
    static final int TYPE_A = 1;
    static final int TYPE_AAAA = 28;
    private static final int CLASS_IN = 1;
    private static final int MAX_NAME_BYTES = 255;
    private static final int MAX_POINTERS = 32;

    /** RCODE 3: the name does not exist. */
    static final int NXDOMAIN = 3;

    /**
     * A decoded reply.
     *
     * @param rcode      the response code (0 no error, 3 no such name…)
     * @param truncated  whether the server set TC (the answer did not fit in UDP)
     * @param texts      each TXT record of the asked name, its character-strings joined
     * @param addresses  each A or AAAA record of the asked name
     * @param ttlSeconds the smallest TTL of those records (0 when there are none)
     */
    record Reply(int rcode, boolean truncated, List<String> texts, List<InetAddress> addresses, long ttlSeconds) {
    }

    private DnsMessage() {
    }

    /** A recursive query (RD set) for the TXT records of {@code name}, with id {@code id}. */
    static byte[] query(int id, String name) {
        return query(id, name, TYPE_TXT);
    }

    /** A recursive query (RD set) for the records of {@code type} of {@code name}, with id {@code id}. */
    static byte[] query(int id, String name, int type) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(32 + name.length());
        out.write(id >> 8);
        out.write(id);
        out.write(0x01); // RD
        out.write(0);
        out.writeBytes(new byte[]{0, 1, 0, 0, 0, 0, 0, 0});
        String n = name.endsWith(".") ? name.substring(0, name.length() - 1) : name;
        if (n.length() > 253) {
            throw new IllegalArgumentException("DNS name longer than 253 characters");
        }
        for (String label : n.split("\\.")) {
            byte[] b = label.getBytes(StandardCharsets.US_ASCII);
            if (b.length == 0 || b.length > 63) {
                throw new IllegalArgumentException("DNS label \"" + label + "\" is empty or longer than 63 bytes");
            }
            out.write(b.length);
            out.writeBytes(b);
        }
        out.write(0);
        out.writeBytes(new byte[]{(byte) (type >> 8), (byte) type, 0, CLASS_IN});
        return out.toByteArray();
    }

    /**
     * Decodes a reply to {@link #query(int, String)} received over UDP.
     *
     * @throws DecodeException when it is malformed, over a cap, or not the reply to that query
     */
    static Reply decode(byte[] msg, int length, int id, String name) {
        return decode(msg, length, id, name, TYPE_TXT, MAX_REPLY_BYTES);
    }

    /**
     * Decodes a reply to {@link #query(int, String, int)}.
     *
     * @param cap the largest reply taken
     * @throws DecodeException when it is malformed, over a cap, or not the reply to that query
     */
    static Reply decode(byte[] msg, int length, int id, String name, int type, int cap) {
        if (length > cap || length > msg.length) {
            throw new DecodeException("dns", "reply of " + length + " bytes is over the cap");
        }
        Reader r = new Reader(msg, length);
        if (r.u16() != id) {
            throw new DecodeException("dns", "reply id does not match the query");
        }
        int flags = r.u16();
        if ((flags & 0x8000) == 0) {
            throw new DecodeException("dns", "not a reply");
        }
        boolean truncated = (flags & 0x0200) != 0;
        int rcode = flags & 0xf;
        int questions = r.u16();
        int answers = r.u16();
        r.u16();
        r.u16();
        if (questions > 1 || answers > MAX_RECORDS) {
            throw new DecodeException("dns", questions + " questions, " + answers + " answers: over the cap");
        }
        String wanted = canonical(name);
        if (questions == 1) {
            String asked = r.name();
            if (!asked.equals(wanted) || r.u16() != type) {
                throw new DecodeException("dns", "reply is for another question");
            }
            r.u16();
        }
        List<String> texts = new ArrayList<>();
        List<InetAddress> addresses = new ArrayList<>();
        long ttl = Long.MAX_VALUE;
        for (int i = 0; i < answers; i++) {
            String owner = r.name();
            int recordType = r.u16();
            int cls = r.u16();
            long recordTtl = r.u32();
            int rdLength = r.u16();
            int end = r.pos + rdLength;
            if (end > r.limit) {
                throw new DecodeException("dns", "record data runs past the reply");
            }
            boolean ours = cls == CLASS_IN && owner.equals(wanted) && recordType == type;
            if (ours && type == TYPE_TXT) {
                StringBuilder text = new StringBuilder();
                while (r.pos < end) {
                    int n = r.u8();
                    if (r.pos + n > end) {
                        throw new DecodeException("dns", "TXT string runs past its record");
                    }
                    text.append(new String(msg, r.pos, n, StandardCharsets.UTF_8));
                    r.pos += n;
                }
                texts.add(text.toString());
                ttl = Math.min(ttl, recordTtl);
            } else if (ours) { // A or AAAA: 4 or 16 bytes of address
                if (rdLength != (type == TYPE_A ? 4 : 16)) {
                    throw new DecodeException("dns", "an address record of " + rdLength + " bytes");
                }
                try {
                    addresses.add(InetAddress.getByAddress(java.util.Arrays.copyOfRange(msg, r.pos, end)));
                } catch (java.net.UnknownHostException e) {
                    throw new DecodeException("dns", "bad address record");
                }
                ttl = Math.min(ttl, recordTtl);
            }
            r.pos = end;
        }
        boolean none = texts.isEmpty() && addresses.isEmpty();
        return new Reply(rcode, truncated, List.copyOf(texts), List.copyOf(addresses), none ? 0 : ttl);
    }

    private static String canonical(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        return n.endsWith(".") ? n.substring(0, n.length() - 1) : n;
    }

    /** Bounds-checked reads over the reply. */
    private static final class Reader {
        private final byte[] msg;
        private final int limit;
        int pos;

        Reader(byte[] msg, int limit) {
            this.msg = msg;
            this.limit = limit;
        }

        int u8() {
            if (pos >= limit) {
                throw new DecodeException("dns", "reply ends early");
            }
            return msg[pos++] & 0xff;
        }

        int u16() {
            return u8() << 8 | u8();
        }

        long u32() {
            return (long) u16() << 16 | u16();
        }

        /** A possibly compressed name, lower-cased, without the final dot; {@link #pos} moves past it. */
        String name() {
            StringBuilder b = new StringBuilder();
            int at = pos;
            int resume = -1;
            int pointers = 0;
            int bytes = 0;
            while (true) {
                if (at >= limit) {
                    throw new DecodeException("dns", "name runs past the reply");
                }
                int len = msg[at] & 0xff;
                if ((len & 0xc0) == 0xc0) {
                    if (at + 1 >= limit || ++pointers > MAX_POINTERS) {
                        throw new DecodeException("dns", "bad compression pointer");
                    }
                    if (resume < 0) {
                        resume = at + 2;
                    }
                    at = (len & 0x3f) << 8 | (msg[at + 1] & 0xff);
                    continue;
                }
                if ((len & 0xc0) != 0) {
                    throw new DecodeException("dns", "unknown label type");
                }
                at++;
                if (len == 0) {
                    break;
                }
                bytes += len + 1;
                if (bytes > MAX_NAME_BYTES || at + len > limit) {
                    throw new DecodeException("dns", "name over 255 bytes or past the reply");
                }
                if (!b.isEmpty()) {
                    b.append('.');
                }
                b.append(new String(msg, at, len, StandardCharsets.ISO_8859_1).toLowerCase(Locale.ROOT));
                at += len;
            }
            pos = resume >= 0 ? resume : at;
            return b.toString();
        }
    }
}
