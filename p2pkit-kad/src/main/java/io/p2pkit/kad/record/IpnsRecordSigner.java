package io.p2pkit.kad.record;

import io.p2pkit.core.crypto.PrivateKey;
import io.p2pkit.core.crypto.PublicKey;
import io.p2pkit.core.protobuf.ProtobufWriter;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * Creates IPNS records: V2 (signed DAG-CBOR {@code data}) with the V1 fields repeated, as Kubo
 * and js write them. The V1 signature field is left out (V1 signatures are no longer checked and
 * a V1 signature over other bytes would be a second thing to get right); the public key is
 * embedded only when the peer ID does not inline it.
 */
public final class IpnsRecordSigner {
    private static final DateTimeFormatter RFC3339_NANOS =
            DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSSSSSSS'Z'").withZone(ZoneOffset.UTC);
    private static final byte[] SIGNATURE_PREFIX = "ipns-signature:".getBytes(StandardCharsets.US_ASCII);

    private IpnsRecordSigner() {
    }

    /**
     * A record of {@code key}'s name pointing at {@code value} (e.g. {@code /ipfs/<cid>}).
     *
     * @param sequence  the sequence number (higher wins)
     * @param validUntil the end of validity
     * @param ttl       how long resolvers may cache it
     */
    public static byte[] sign(PrivateKey key, String value, long sequence, Instant validUntil, Duration ttl) {
        byte[] v = value.getBytes(StandardCharsets.UTF_8);
        byte[] validity = RFC3339_NANOS.format(validUntil).getBytes(StandardCharsets.US_ASCII);
        long ttlNanos = ttl.toNanos();
        // DAG-CBOR orders map keys by length, then bytes: TTL, Value, Sequence, Validity, ValidityType.
        ByteArrayOutputStream d = new ByteArrayOutputStream();
        d.write(0xa5);
        text(d, "TTL");
        head(d, 0, ttlNanos);
        text(d, "Value");
        head(d, 2, v.length);
        d.writeBytes(v);
        text(d, "Sequence");
        head(d, 0, sequence);
        text(d, "Validity");
        head(d, 2, validity.length);
        d.writeBytes(validity);
        text(d, "ValidityType");
        head(d, 0, 0);
        byte[] data = d.toByteArray();
        byte[] signed = new byte[SIGNATURE_PREFIX.length + data.length];
        System.arraycopy(SIGNATURE_PREFIX, 0, signed, 0, SIGNATURE_PREFIX.length);
        System.arraycopy(data, 0, signed, SIGNATURE_PREFIX.length, data.length);
        PublicKey pub = key.publicKey();
        ProtobufWriter w = new ProtobufWriter()
                .bytes(1, v)
                .varint(3, 0)
                .bytes(4, validity)
                .varint(5, sequence)
                .varint(6, ttlNanos);
        if (pub.toPeerId().publicKeyBytes().isEmpty()) {
            w.bytes(7, pub.marshal());
        }
        return w.bytes(8, key.sign(signed)).bytes(9, data).toByteArray();
    }

    private static void text(ByteArrayOutputStream out, String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        head(out, 3, b.length);
        out.writeBytes(b);
    }

    /** A CBOR head in its shortest form, as DAG-CBOR requires. */
    private static void head(ByteArrayOutputStream out, int major, long v) {
        int m = major << 5;
        if (v >= 0 && v < 24) {
            out.write(m | (int) v);
            return;
        }
        int bytes;
        if (v >= 0 && v < 0x100) {
            out.write(m | 24);
            bytes = 1;
        } else if (v >= 0 && v < 0x10000) {
            out.write(m | 25);
            bytes = 2;
        } else if (v >= 0 && v < 0x100000000L) {
            out.write(m | 26);
            bytes = 4;
        } else {
            out.write(m | 27);
            bytes = 8;
        }
        for (int i = bytes - 1; i >= 0; i--) {
            out.write((int) (v >>> (8 * i)));
        }
    }
}
