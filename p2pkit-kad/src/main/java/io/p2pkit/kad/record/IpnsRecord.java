package io.p2pkit.kad.record;

import io.p2pkit.core.DecodeException;
import io.p2pkit.core.protobuf.ProtobufReader;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * An IPNS record ({@code IpnsEntry} protobuf) with its V2 {@code data} (DAG-CBOR) decoded.
 * Decoding checks the shape only; {@link IpnsValidator} checks signatures, names and validity.
 */
public final class IpnsRecord {
    /** Records larger than this are invalid (IPNS spec: 10 KiB). */
    public static final int MAX_BYTES = 10 * 1024;

    private final byte[] v1Value;
    private final byte[] signatureV1;
    private final Long v1ValidityType;
    private final byte[] v1Validity;
    private final Long v1Sequence;
    private final Long v1Ttl;
    private final byte[] publicKey;
    private final byte[] signatureV2;
    private final byte[] data;
    private final byte[] value;
    private final byte[] validity;
    private final long validityType;
    private final long sequence;
    private final long ttl;

    private IpnsRecord(byte[] v1Value, byte[] signatureV1, Long v1ValidityType, byte[] v1Validity, Long v1Sequence,
                       Long v1Ttl, byte[] publicKey, byte[] signatureV2, byte[] data) {
        this.v1Value = v1Value;
        this.signatureV1 = signatureV1;
        this.v1ValidityType = v1ValidityType;
        this.v1Validity = v1Validity;
        this.v1Sequence = v1Sequence;
        this.v1Ttl = v1Ttl;
        this.publicKey = publicKey;
        this.signatureV2 = signatureV2;
        this.data = data;
        if (data == null) {
            throw new DecodeException("IpnsEntry.data", "missing: V1-only records are no longer valid");
        }
        Map<String, Object> m = CborReader.readMap(data);
        this.value = field(m, "Value", byte[].class);
        this.validity = field(m, "Validity", byte[].class);
        this.validityType = field(m, "ValidityType", Long.class);
        this.sequence = field(m, "Sequence", Long.class);
        this.ttl = field(m, "TTL", Long.class);
    }

    private static <T> T field(Map<String, Object> m, String name, Class<T> type) {
        Object v = m.get(name);
        if (!type.isInstance(v)) {
            throw new DecodeException("IpnsEntry.data." + name, v == null ? "missing" : "has the wrong CBOR type");
        }
        return type.cast(v);
    }

    /**
     * Decodes a record.
     *
     * @throws DecodeException if it is over {@link #MAX_BYTES}, malformed, or lacks V2 {@code data}
     */
    public static IpnsRecord decode(byte[] bytes) {
        if (bytes.length > MAX_BYTES) {
            throw new DecodeException("IpnsEntry", "record of " + bytes.length + " bytes is over the limit of " + MAX_BYTES);
        }
        ProtobufReader r = new ProtobufReader(bytes, "IpnsEntry");
        byte[] value = null;
        byte[] sig1 = null;
        Long vtype = null;
        byte[] validity = null;
        Long seq = null;
        Long ttl = null;
        byte[] pub = null;
        byte[] sig2 = null;
        byte[] data = null;
        while (r.next()) {
            switch (r.field()) {
                case 1 -> value = r.bytes();
                case 2 -> sig1 = r.bytes();
                case 3 -> vtype = r.varint();
                case 4 -> validity = r.bytes();
                case 5 -> seq = r.varint();
                case 6 -> ttl = r.varint();
                case 7 -> pub = r.bytes();
                case 8 -> sig2 = r.bytes();
                case 9 -> data = r.bytes();
                default -> r.skip();
            }
        }
        return new IpnsRecord(value, sig1, vtype, validity, seq, ttl, pub, sig2, data);
    }

    /** The path the name points to, from the signed data (a copy). */
    public byte[] value() {
        return value.clone();
    }

    /** The path as text. */
    public String valueText() {
        return new String(value, StandardCharsets.UTF_8);
    }

    /** The signed data's validity (an RFC 3339 end-of-life), as bytes. */
    public byte[] validityBytes() {
        return validity.clone();
    }

    /** The end of validity; an unparsable one is a {@link DecodeException}. */
    public Instant validUntil() {
        try {
            return OffsetDateTime.parse(new String(validity, StandardCharsets.UTF_8)).toInstant();
        } catch (DateTimeParseException e) {
            throw new DecodeException("IpnsEntry.data.Validity", "not an RFC 3339 time", e);
        }
    }

    /** 0 (EOL) is the only type defined. */
    public long validityType() {
        return validityType;
    }

    /** The sequence number (unsigned). */
    public long sequence() {
        return sequence;
    }

    /** The cache TTL in nanoseconds (unsigned). */
    public long ttlNanos() {
        return ttl;
    }

    /** The embedded public key (protobuf), if present. */
    public Optional<byte[]> publicKey() {
        return Optional.ofNullable(publicKey).map(byte[]::clone);
    }

    /** The V2 signature, if present. */
    public Optional<byte[]> signatureV2() {
        return Optional.ofNullable(signatureV2).map(byte[]::clone);
    }

    /** The signed DAG-CBOR data. */
    public byte[] data() {
        return data.clone();
    }

    /** Whether the record carries V1 fields (a V1 signature or value). */
    public boolean hasV1Fields() {
        return signatureV1 != null || v1Value != null;
    }

    /** Whether the V1 protobuf fields repeat the signed data exactly (they must when present). */
    public boolean v1FieldsMatchData() {
        return Arrays.equals(v1Value, value) && Arrays.equals(v1Validity, validity)
                && Objects.equals(v1ValidityType == null ? 0L : v1ValidityType, validityType)
                && Objects.equals(v1Sequence, sequence) && Objects.equals(v1Ttl, ttl);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof IpnsRecord r && Arrays.equals(data, r.data) && Arrays.equals(signatureV2, r.signatureV2)
                && Arrays.equals(publicKey, r.publicKey) && Arrays.equals(signatureV1, r.signatureV1)
                && Arrays.equals(v1Value, r.v1Value);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(data) * 31 + Arrays.hashCode(signatureV2);
    }

    @Override
    public String toString() {
        return "IpnsRecord[" + valueText() + " seq=" + Long.toUnsignedString(sequence) + " validity="
                + new String(validity, StandardCharsets.UTF_8) + "]";
    }
}
