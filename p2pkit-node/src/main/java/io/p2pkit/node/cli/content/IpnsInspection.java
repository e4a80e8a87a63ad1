package io.p2pkit.node.cli.content;

import io.p2pkit.core.DecodeException;
import io.p2pkit.core.crypto.PublicKey;
import io.p2pkit.core.identity.PeerId;
import io.p2pkit.core.multiformats.Cid;
import io.p2pkit.core.multiformats.Multibase;
import io.p2pkit.core.protobuf.ProtobufReader;
import io.p2pkit.kad.record.CborReader;
import io.p2pkit.kad.record.IpnsRecord;
import io.p2pkit.node.config.GoDurations;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * What Kubo's {@code name inspect} shows of an IPNS record: the fields of its signed data, read
 * best effort (a field that is missing or of the wrong type is left out, the rest shown), the
 * protobuf's size, which signatures it carries, a hex dump, and with a name to check it against
 * whether it is valid and why not, in boxo's words. {@link #json} is Kubo's JSON,
 * {@link #text(Map)} its text.
 *
 * <p>Records come from users and from the network ({@code routing get}): over
 * {@link IpnsRecord#MAX_BYTES} they are refused, and malformed ones fail with Kubo's
 * {@code record is malformed} before anything is shown.
 */
public final class IpnsInspection {
    private static final byte[] SIGNATURE_PREFIX = "ipns-signature:".getBytes(StandardCharsets.US_ASCII);
    private static final String NOOP_VALUE = "/ipfs/bafkqaaa";

    /**
     * The check against a name.
     *
     * @param valid  whether the record is the name's and in force
     * @param reason why not (boxo's error), empty when valid
     * @param name   the name, as a base36 {@code k51…} CID
     */
    public record Validation(boolean valid, String reason, String name) {
    }

    /** The protobuf's fields, the last of each kept (as protobuf merges them). */
    private static final class Fields {
        byte[] value;
        byte[] signatureV1;
        Long validityType;
        byte[] validity;
        Long sequence;
        Long ttl;
        byte[] publicKey;
        byte[] signatureV2;
        byte[] data;
        long unknownBytes;
    }

    private final byte[] raw;
    private final Fields pb;
    private final Map<String, Object> data;
    private final Validation validation;
    private final boolean dump;

    private IpnsInspection(byte[] raw, Fields pb, Map<String, Object> data, Validation validation, boolean dump) {
        this.raw = raw;
        this.pb = pb;
        this.data = data;
        this.validation = validation;
        this.dump = dump;
    }

    /**
     * Inspects a record, as {@code name inspect [--verify NAME] [--dump]}.
     *
     * @param record the record's bytes
     * @param verify a name ({@code k51…}, a peer ID, with or without {@code /ipns/}) to check it against
     * @param dump   whether to include the hex dump
     * @param now    the time expiry is judged at
     * @throws IllegalArgumentException with Kubo's message when the record cannot be read, or the
     *                                  name is not one
     */
    public static IpnsInspection inspect(byte[] record, Optional<String> verify, boolean dump, Instant now) {
        if (record.length > IpnsRecord.MAX_BYTES) {
            throw new IllegalArgumentException("record exceeds allowed size limit");
        }
        Fields pb = fields(record);
        if (pb.data == null || pb.data.length == 0) {
            throw malformed("record is missing the dag-cbor data field");
        }
        Object decoded;
        try {
            decoded = CborReader.read(pb.data);
        } catch (DecodeException e) {
            throw malformed(e.getMessage());
        }
        if (!(decoded instanceof Map<?, ?> m)) {
            throw malformed("the record's data is not a map");
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> data = (Map<String, Object>) m;
        Validation validation = null;
        if (verify.isPresent()) {
            PeerId name = name(verify.get());
            String reason = reason(pb, data, name, now);
            validation = new Validation(reason.isEmpty(), reason, name.toString(Multibase.Encoding.BASE36));
        }
        return new IpnsInspection(record, pb, data, validation, dump);
    }

    private static IllegalArgumentException malformed(String why) {
        return new IllegalArgumentException("record is malformed\n" + why);
    }

    /** boxo's {@code NameFromString}: an optional {@code /ipns/} and a peer ID in either form. */
    private static PeerId name(String text) {
        String t = text.startsWith("/ipns/") ? text.substring("/ipns/".length()) : text;
        try {
            return PeerId.parse(t);
        } catch (IllegalArgumentException e) { // DecodeException too
            throw new IllegalArgumentException("failed to parse peer ID: " + e.getMessage());
        }
    }

    private static Fields fields(byte[] record) {
        Fields f = new Fields();
        try {
            ProtobufReader r = new ProtobufReader(record, "IpnsEntry");
            while (r.next()) {
                int wire = r.wireType();
                switch (r.field()) {
                    case 1 -> f.value = bytes(r, wire);
                    case 2 -> f.signatureV1 = bytes(r, wire);
                    case 3 -> f.validityType = varint(r, wire);
                    case 4 -> f.validity = bytes(r, wire);
                    case 5 -> f.sequence = varint(r, wire);
                    case 6 -> f.ttl = varint(r, wire);
                    case 7 -> f.publicKey = bytes(r, wire);
                    case 8 -> f.signatureV2 = bytes(r, wire);
                    case 9 -> f.data = bytes(r, wire);
                    default -> f.unknownBytes += unknown(r, wire);
                }
            }
        } catch (DecodeException e) {
            throw malformed("proto: cannot parse invalid wire-format data");
        }
        return f;
    }

    private static byte[] bytes(ProtobufReader r, int wire) {
        if (wire != 2) {
            throw new DecodeException("IpnsEntry", "wrong wire type " + wire);
        }
        return r.bytes();
    }

    private static long varint(ProtobufReader r, int wire) {
        if (wire != 0) {
            throw new DecodeException("IpnsEntry", "wrong wire type " + wire);
        }
        return r.varint();
    }

    /** The bytes an unknown field takes when protobuf writes it back (it keeps unknown fields). */
    private static long unknown(ProtobufReader r, int wire) {
        long tag = varintSize(((long) r.field() << 3) | wire);
        return tag + switch (wire) {
            case 0 -> varintSize(r.varint());
            case 1 -> {
                r.fixed64();
                yield 8;
            }
            case 5 -> {
                r.fixed32();
                yield 4;
            }
            case 2 -> {
                int n = r.bytes().length;
                yield varintSize(n) + n;
            }
            default -> throw new DecodeException("IpnsEntry", "wire type " + wire + " is not supported");
        };
    }

    private static int varintSize(long v) {
        int n = 1;
        while ((v & ~0x7FL) != 0) {
            v >>>= 7;
            n++;
        }
        return n;
    }

    /** The record's protobuf size as Go's {@code proto.Size} counts it: the fields it holds, written canonically. */
    private long pbSize() {
        long n = pb.unknownBytes;
        for (byte[] b : Arrays.asList(pb.value, pb.signatureV1, pb.validity, pb.publicKey, pb.signatureV2, pb.data)) {
            if (b != null) {
                n += 1 + varintSize(b.length) + b.length;
            }
        }
        for (Long v : Arrays.asList(pb.validityType, pb.sequence, pb.ttl)) {
            if (v != null) {
                n += 1 + varintSize(v);
            }
        }
        return n;
    }

    private String signatureType() {
        if (pb.signatureV1 != null && pb.signatureV1.length > 0 || pb.value != null && pb.value.length > 0) {
            return "V1+V2";
        }
        return pb.data != null ? "V2" : "Unknown";
    }

    // ---------------------------------------------------------------- the signed data, best effort

    private static Optional<byte[]> bytesField(Map<String, Object> data, String key) {
        return data.get(key) instanceof byte[] b ? Optional.of(b) : Optional.empty();
    }

    private static Optional<Long> intField(Map<String, Object> data, String key) {
        return data.get(key) instanceof Long l ? Optional.of(l) : Optional.empty();
    }

    /** boxo's {@code Record.Value}: a path, a binary CID as {@code /ipfs/…}, nothing as the no-op value. */
    private static Optional<String> value(Map<String, Object> data) {
        Optional<byte[]> bytes = bytesField(data, "Value");
        if (bytes.isEmpty()) {
            return Optional.empty();
        }
        byte[] v = bytes.get();
        if (v.length == 0) {
            return Optional.of(NOOP_VALUE);
        }
        if (v[0] == '/') {
            return path(new String(v, StandardCharsets.UTF_8));
        }
        try {
            return Optional.of("/ipfs/" + Cid.decode(v));
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }

    /** boxo's {@code path.NewPath}: the path cleaned, when its namespace and (immutable) root are valid. */
    private static Optional<String> path(String text) {
        java.util.ArrayDeque<String> segments = new java.util.ArrayDeque<>();
        for (String s : text.split("/")) {
            if (s.equals("..")) {
                segments.pollLast();
            } else if (!s.isEmpty() && !s.equals(".")) {
                segments.add(s);
            }
        }
        if (segments.size() < 2) {
            return Optional.empty();
        }
        String[] parts = segments.toArray(String[]::new);
        switch (parts[0]) {
            case "ipfs", "ipld" -> {
                try {
                    Cid.parse(parts[1]);
                } catch (RuntimeException e) {
                    return Optional.empty();
                }
            }
            case "ipns" -> {
            }
            default -> {
                return Optional.empty();
            }
        }
        return Optional.of("/" + String.join("/", parts) + (text.endsWith("/") ? "/" : ""));
    }

    /** The end of validity, when the type is EOL and the time is RFC 3339. */
    private static Optional<Instant> validity(Map<String, Object> data) {
        if (intField(data, "ValidityType").filter(t -> t == 0).isEmpty()) {
            return Optional.empty();
        }
        return bytesField(data, "Validity").flatMap(v -> {
            try {
                return Optional.of(OffsetDateTime.parse(new String(v, StandardCharsets.UTF_8)).toInstant());
            } catch (DateTimeParseException e) {
                return Optional.empty();
            }
        });
    }

    // ---------------------------------------------------------------- validation, in boxo's order and words

    private static String reason(Fields pb, Map<String, Object> data, PeerId name, Instant now) {
        PublicKey key;
        if (pb.publicKey != null && pb.publicKey.length > 0) {
            try {
                key = PublicKey.unmarshal(pb.publicKey);
            } catch (IllegalArgumentException e) { // DecodeException too
                return "public key invalid\n" + e.getMessage();
            }
            if (!key.toPeerId().equals(name)) {
                return "record public key does not match the expected public key";
            }
        } else {
            Optional<PublicKey> inline = PublicKey.fromPeerId(name);
            if (inline.isEmpty()) {
                return "public key is not embedded in peer ID";
            }
            key = inline.get();
        }
        if (pb.signatureV2 == null || pb.signatureV2.length == 0) {
            return "signature verification failed";
        }
        byte[] signed = new byte[SIGNATURE_PREFIX.length + pb.data.length];
        System.arraycopy(SIGNATURE_PREFIX, 0, signed, 0, SIGNATURE_PREFIX.length);
        System.arraycopy(pb.data, 0, signed, SIGNATURE_PREFIX.length, pb.data.length);
        if (!key.verify(signed, pb.signatureV2)) {
            return "signature verification failed";
        }
        if (pb.signatureV1 != null && pb.signatureV1.length > 0 || pb.value != null && pb.value.length > 0) {
            String mismatch = v1Mismatch(pb, data);
            if (!mismatch.isEmpty()) {
                return mismatch;
            }
        }
        Optional<Long> type = intField(data, "ValidityType");
        if (type.isEmpty()) {
            return "record is malformed\nthe signed data has no integer ValidityType";
        }
        if (type.get() != 0) {
            return "record contains an unrecognized validity type";
        }
        if (bytesField(data, "Validity").isEmpty()) {
            return "record is malformed\nthe signed data has no byte string Validity";
        }
        Optional<Instant> eol = validity(data);
        if (eol.isEmpty()) {
            return "record contains an invalid validity\nnot an RFC 3339 time";
        }
        return now.isAfter(eol.get()) ? "record is expired" : "";
    }

    /** boxo's check that the V1 protobuf fields repeat the signed data, field by field. */
    private static String v1Mismatch(Fields pb, Map<String, Object> data) {
        String[] keys = {"Value", "Validity", "ValidityType", "Sequence", "TTL"};
        for (String key : keys) {
            Object signed = data.get(key);
            boolean same = switch (key) {
                case "Value" -> signed instanceof byte[] b && Arrays.equals(orEmpty(pb.value), b);
                case "Validity" -> signed instanceof byte[] b && Arrays.equals(orEmpty(pb.validity), b);
                case "ValidityType" -> signed instanceof Long l && l == (pb.validityType == null ? 0 : pb.validityType);
                case "Sequence" -> signed instanceof Long l && l == (pb.sequence == null ? 0 : pb.sequence);
                default -> signed instanceof Long l && l == (pb.ttl == null ? 0 : pb.ttl);
            };
            if (signed == null) {
                return "key not found: \"" + key + "\"";
            }
            if (!same) {
                return "field \"" + key + "\" did not match between protobuf and CBOR";
            }
        }
        return "";
    }

    private static byte[] orEmpty(byte[] b) {
        return b == null ? new byte[0] : b;
    }

    // ---------------------------------------------------------------- output

    /** The check against a name, when one was given. */
    public Optional<Validation> validation() {
        return Optional.ofNullable(validation);
    }

    /** Kubo's JSON: {@code {"Entry":{…},"PbSize","SignatureType","HexDump","Validation"}}. */
    public Map<String, Object> json() {
        Map<String, Object> entry = new LinkedHashMap<>();
        entry.put("Value", value(data).orElse(""));
        entry.put("ValidityType", intField(data, "ValidityType").orElse(null));
        entry.put("Validity", validity(data).map(IpnsInspection::rfc3339Nano).orElse(null));
        entry.put("Sequence", intField(data, "Sequence").map(Long::toUnsignedString).map(java.math.BigInteger::new).orElse(null));
        entry.put("TTL", intField(data, "TTL").orElse(null));
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("Entry", entry);
        o.put("PbSize", pbSize());
        o.put("SignatureType", signatureType());
        o.put("HexDump", dump ? hexDump(raw) : "");
        if (validation == null) {
            o.put("Validation", null);
        } else {
            Map<String, Object> v = new LinkedHashMap<>();
            v.put("Valid", validation.valid());
            v.put("Reason", validation.reason());
            v.put("Name", validation.name());
            o.put("Validation", v);
        }
        return o;
    }

    /**
     * Kubo's text of an inspection's {@link #json}: the fields in aligned lines, the validation,
     * the hex dump.
     */
    public static String text(Map<?, ?> json) {
        Map<?, ?> entry = json.get("Entry") instanceof Map<?, ?> e ? e : Map.of();
        TabTable table = new TabTable(0, 1);
        if (entry.get("Value") instanceof String v && !v.isEmpty()) {
            table.line("Value:\t" + GoQuote.quote(v));
        }
        if (entry.get("ValidityType") instanceof Number t) {
            table.line("Validity Type:\t" + GoQuote.quoteRune(t.longValue()));
        }
        if (entry.get("Validity") instanceof String t) {
            table.line("Validity:\t" + GoQuote.quote(t));
        }
        if (entry.get("Sequence") instanceof Number n) {
            table.line("Sequence:\t" + n);
        }
        if (entry.get("TTL") instanceof Number t) {
            table.line("TTL:\t" + GoDurations.format(Duration.ofNanos(t.longValue())));
        }
        table.line("Protobuf Size:\t" + json.get("PbSize"));
        table.line("Signature Type:\t" + json.get("SignatureType"));
        StringBuilder out = new StringBuilder(table.flush());
        if (!(json.get("Validation") instanceof Map<?, ?> v)) {
            out.append("\nThis record was not verified. Pass '--verify k51...' to verify.\n");
        } else {
            out.append("\nValidation results:\n");
            table.line("\tValid:\t" + v.get("Valid"));
            if (v.get("Reason") instanceof String r && !r.isEmpty()) {
                table.line("\tReason:\t" + r);
            }
            table.line("\tName:\t" + v.get("Name"));
            out.append(table.flush());
        }
        if (json.get("HexDump") instanceof String dump && !dump.isEmpty()) {
            out.append("\nHex Dump:\n").append(dump);
        }
        return out.toString();
    }

    /** Go's {@code time.RFC3339Nano} in UTC: the fraction's trailing zeros left out. */
    static String rfc3339Nano(Instant t) {
        OffsetDateTime utc = t.atOffset(ZoneOffset.UTC);
        String base = String.format("%04d-%02d-%02dT%02d:%02d:%02d", utc.getYear(), utc.getMonthValue(),
                utc.getDayOfMonth(), utc.getHour(), utc.getMinute(), utc.getSecond());
        String nanos = String.format("%09d", utc.getNano()).replaceFirst("0+$", "");
        return base + (nanos.isEmpty() ? "" : "." + nanos) + "Z";
    }

    /** Go's {@code hex.Dump}: offset, 16 bytes in two groups of 8, the printable ASCII between bars. */
    static String hexDump(byte[] bytes) {
        StringBuilder out = new StringBuilder(bytes.length * 4 + 80);
        for (int line = 0; line < bytes.length; line += 16) {
            out.append(String.format("%08x  ", line));
            StringBuilder ascii = new StringBuilder(16);
            for (int i = 0; i < 16; i++) {
                if (line + i < bytes.length) {
                    int b = bytes[line + i] & 0xFF;
                    out.append(String.format("%02x ", b));
                    ascii.append(b >= 32 && b <= 126 ? (char) b : '.');
                } else {
                    out.append("   ");
                }
                if (i == 7) {
                    out.append(' ');
                }
            }
            out.append(" |").append(ascii).append("|\n");
        }
        return out.toString();
    }
}
