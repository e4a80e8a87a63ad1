package io.p2pkit.discovery.mdns;

import io.p2pkit.core.DecodeException;

import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Reads and writes DNS messages (RFC 1035 section 4) for mDNS. Reading follows name compression
 * pointers, but only backwards, so a pointer loop cannot be built; writing never compresses (our
 * messages are small and every reader accepts uncompressed names).
 */
final class DnsCodec {
    /** The largest packet read or written: RFC 6762 section 17 allows 9000 bytes on the wire. */
    static final int MAX_PACKET = 9000;
    /** RFC 1035: a label is at most 63 bytes, a name at most 255 on the wire. */
    static final int MAX_LABEL = 63;
    static final int MAX_NAME = 255;
    private static final int HEADER = 12;

    private DnsCodec() {
    }

    /** Decodes the first {@code length} bytes of {@code packet}. */
    static DnsMessage decode(byte[] packet, int length) {
        if (length > MAX_PACKET) {
            throw new DecodeException("dns", "packet of " + length + " bytes is over the limit of " + MAX_PACKET);
        }
        if (length > packet.length) {
            throw new IllegalArgumentException("length " + length + " > " + packet.length);
        }
        if (length < HEADER) {
            throw new DecodeException("dns header", "packet of " + length + " bytes is shorter than the 12-byte header");
        }
        Reader r = new Reader(packet, length);
        int id = r.u16("id");
        int flags = r.u16("flags");
        int qd = r.u16("qdcount");
        int an = r.u16("ancount");
        int ns = r.u16("nscount");
        int ar = r.u16("arcount");
        List<DnsQuestion> questions = new ArrayList<>();
        for (int i = 0; i < qd; i++) {
            String name = r.name("question name");
            int type = r.u16("question type");
            int cls = r.u16("question class");
            questions.add(new DnsQuestion(name, type, cls & 0x7fff, (cls & 0x8000) != 0));
        }
        List<DnsRecord> answers = records(r, an, "answer");
        List<DnsRecord> authorities = records(r, ns, "authority");
        List<DnsRecord> additionals = records(r, ar, "additional");
        return new DnsMessage(id, flags, questions, answers, authorities, additionals);
    }

    private static List<DnsRecord> records(Reader r, int count, String section) {
        List<DnsRecord> out = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            String name = r.name(section + " name");
            int type = r.u16(section + " type");
            int cls = r.u16(section + " class");
            long ttl = r.u32(section + " ttl");
            int rdLength = r.u16(section + " rdlength");
            int start = r.pos;
            int end = start + rdLength;
            if (end > r.limit) {
                throw new DecodeException(section + " rdata", "record data of " + rdLength + " bytes runs past the packet end");
            }
            DnsRecord.Data data = switch (type) {
                case DnsRecord.PTR -> new DnsRecord.Ptr(r.name(section + " ptr"));
                case DnsRecord.SRV -> new DnsRecord.Srv(r.u16("srv priority"), r.u16("srv weight"), r.u16("srv port"),
                        r.name("srv target"));
                case DnsRecord.TXT -> txt(r, end);
                case DnsRecord.A, DnsRecord.AAAA -> address(r, type, rdLength);
                default -> new DnsRecord.Other(r.bytes(rdLength, section + " rdata"));
            };
            if (r.pos != end) {
                throw new DecodeException(section + " rdata", "record of type " + type + " has " + (r.pos - start)
                        + " bytes of data but rdlength says " + rdLength);
            }
            out.add(new DnsRecord(name, type, cls & 0x7fff, (cls & 0x8000) != 0, ttl, data));
        }
        return out;
    }

    private static DnsRecord.Txt txt(Reader r, int end) {
        List<byte[]> strings = new ArrayList<>();
        while (r.pos < end) {
            int len = r.u8("txt length");
            if (r.pos + len > end) {
                throw new DecodeException("txt", "character string of " + len + " bytes runs past the record end");
            }
            strings.add(r.bytes(len, "txt"));
        }
        return new DnsRecord.Txt(strings);
    }

    private static DnsRecord.Address address(Reader r, int type, int rdLength) {
        int want = type == DnsRecord.A ? 4 : 16;
        if (rdLength != want) {
            throw new DecodeException(type == DnsRecord.A ? "a" : "aaaa", "address of " + rdLength + " bytes, want " + want);
        }
        try {
            return new DnsRecord.Address(InetAddress.getByAddress(r.bytes(want, "address")));
        } catch (UnknownHostException e) {
            throw new IllegalStateException("4 or 16 bytes are always an address", e);
        }
    }

    /** A cursor over the packet. */
    private static final class Reader {
        final byte[] b;
        final int limit;
        int pos;

        Reader(byte[] b, int limit) {
            this.b = b;
            this.limit = limit;
        }

        int u8(String field) {
            need(1, field);
            return b[pos++] & 0xff;
        }

        int u16(String field) {
            need(2, field);
            int v = ((b[pos] & 0xff) << 8) | (b[pos + 1] & 0xff);
            pos += 2;
            return v;
        }

        long u32(String field) {
            need(4, field);
            long v = ((long) (b[pos] & 0xff) << 24) | ((b[pos + 1] & 0xff) << 16) | ((b[pos + 2] & 0xff) << 8)
                    | (b[pos + 3] & 0xff);
            pos += 4;
            return v;
        }

        byte[] bytes(int n, String field) {
            need(n, field);
            byte[] out = Arrays.copyOfRange(b, pos, pos + n);
            pos += n;
            return out;
        }

        private void need(int n, String field) {
            if (pos + n > limit) {
                throw new DecodeException(field, "packet ends " + (pos + n - limit) + " bytes too early");
            }
        }

        /**
         * Reads a name at the cursor. A compression pointer must point before the start of the
         * labels read since the last jump, so jump targets strictly decrease and no loop can form.
         */
        String name(String field) {
            StringBuilder out = new StringBuilder();
            int wire = 1; // the final zero byte
            int at = pos;
            int segment = pos;
            boolean jumped = false;
            while (true) {
                if (at >= limit) {
                    throw new DecodeException(field, "name runs past the packet end");
                }
                int len = b[at] & 0xff;
                if ((len & 0xc0) == 0xc0) {
                    if (at + 1 >= limit) {
                        throw new DecodeException(field, "compression pointer cut short");
                    }
                    int target = ((len & 0x3f) << 8) | (b[at + 1] & 0xff);
                    if (target >= segment) {
                        throw new DecodeException(field, "compression pointer at " + at + " to " + target
                                + " does not point backwards");
                    }
                    segment = target;
                    if (!jumped) {
                        pos = at + 2;
                        jumped = true;
                    }
                    at = target;
                    continue;
                }
                if ((len & 0xc0) != 0) {
                    throw new DecodeException(field, "label type 0x" + Integer.toHexString(len & 0xc0) + " is not supported");
                }
                if (len == 0) {
                    if (!jumped) {
                        pos = at + 1;
                    }
                    return out.toString();
                }
                if (at + 1 + len > limit) {
                    throw new DecodeException(field, "label runs past the packet end");
                }
                wire += len + 1;
                if (wire > MAX_NAME) {
                    throw new DecodeException(field, "name longer than " + MAX_NAME + " bytes");
                }
                if (!out.isEmpty()) {
                    out.append('.');
                }
                // a dot or backslash inside a label is escaped so that labels stay apart
                String label = new String(b, at + 1, len, StandardCharsets.UTF_8);
                out.append(label.replace("\\", "\\\\").replace(".", "\\."));
                at += 1 + len;
            }
        }
    }

    /** Encodes {@code m}; names are written whole, labels split at dots. */
    static byte[] encode(DnsMessage m) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(512);
        u16(out, m.id());
        u16(out, m.flags());
        u16(out, m.questions().size());
        u16(out, m.answers().size());
        u16(out, m.authorities().size());
        u16(out, m.additionals().size());
        for (DnsQuestion q : m.questions()) {
            name(out, q.name());
            u16(out, q.type());
            u16(out, q.dnsClass() | (q.unicast() ? 0x8000 : 0));
        }
        for (List<DnsRecord> section : List.of(m.answers(), m.authorities(), m.additionals())) {
            for (DnsRecord rec : section) {
                record(out, rec);
            }
        }
        if (out.size() > MAX_PACKET) {
            throw new IllegalArgumentException("message of " + out.size() + " bytes is over " + MAX_PACKET);
        }
        return out.toByteArray();
    }

    private static void record(ByteArrayOutputStream out, DnsRecord rec) {
        name(out, rec.name());
        u16(out, rec.type());
        u16(out, rec.dnsClass() | (rec.flush() ? 0x8000 : 0));
        u32(out, rec.ttl());
        ByteArrayOutputStream data = new ByteArrayOutputStream();
        switch (rec.data()) {
            case DnsRecord.Ptr p -> name(data, p.target());
            case DnsRecord.Srv s -> {
                u16(data, s.priority());
                u16(data, s.weight());
                u16(data, s.port());
                name(data, s.target());
            }
            case DnsRecord.Txt t -> {
                for (byte[] s : t.strings()) {
                    if (s.length > 255) {
                        throw new IllegalArgumentException("TXT string of " + s.length + " bytes is over 255");
                    }
                    data.write(s.length);
                    data.writeBytes(s);
                }
            }
            case DnsRecord.Address a -> data.writeBytes(a.address().getAddress());
            case DnsRecord.Other o -> data.writeBytes(o.bytes());
        }
        u16(out, data.size());
        out.writeBytes(data.toByteArray());
    }

    private static void name(ByteArrayOutputStream out, String name) {
        int wire = 1;
        if (!name.isEmpty()) {
            for (String label : name.split("\\.", -1)) {
                byte[] l = label.getBytes(StandardCharsets.UTF_8);
                if (l.length == 0 || l.length > MAX_LABEL) {
                    throw new IllegalArgumentException("label of " + l.length + " bytes in " + name);
                }
                wire += l.length + 1;
                out.write(l.length);
                out.writeBytes(l);
            }
        }
        if (wire > MAX_NAME) {
            throw new IllegalArgumentException("name of " + wire + " bytes: " + name);
        }
        out.write(0);
    }

    private static void u16(ByteArrayOutputStream out, int v) {
        out.write(v >>> 8);
        out.write(v);
    }

    private static void u32(ByteArrayOutputStream out, long v) {
        u16(out, (int) (v >>> 16) & 0xffff);
        u16(out, (int) v & 0xffff);
    }
}
