package io.p2pkit.kad.record;

import io.p2pkit.core.crypto.PrivateKey;
import io.p2pkit.core.identity.PeerId;
import io.p2pkit.core.protobuf.ProtobufWriter;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/** Makes signed V1+V2 IPNS records for tests (a minimal DAG-CBOR writer for the five fields). */
public final class IpnsRecordsForTests {
    private IpnsRecordsForTests() {
    }

    /** A key that signs records for its own name. */
    public static final class Signer {
        private final PrivateKey key = PrivateKey.generateEd25519();

        /** The name. */
        public PeerId peerId() {
            return key.publicKey().toPeerId();
        }

        /** A record pointing at {@code value}. */
        public byte[] record(String value, long sequence, String validity) {
            byte[] v = value.getBytes(StandardCharsets.UTF_8);
            byte[] val = validity.getBytes(StandardCharsets.UTF_8);
            long ttl = 3_600_000_000_000L;
            // DAG-CBOR map keys sorted by length then bytes: TTL, Value, Sequence, Validity, ValidityType.
            ByteArrayOutputStream d = new ByteArrayOutputStream();
            d.write(0xa5);
            text(d, "TTL");
            head(d, 0, ttl);
            text(d, "Value");
            head(d, 2, v.length);
            d.writeBytes(v);
            text(d, "Sequence");
            head(d, 0, sequence);
            text(d, "Validity");
            head(d, 2, val.length);
            d.writeBytes(val);
            text(d, "ValidityType");
            head(d, 0, 0);
            byte[] data = d.toByteArray();
            byte[] prefix = "ipns-signature:".getBytes(StandardCharsets.US_ASCII);
            byte[] signed = new byte[prefix.length + data.length];
            System.arraycopy(prefix, 0, signed, 0, prefix.length);
            System.arraycopy(data, 0, signed, prefix.length, data.length);
            return new ProtobufWriter()
                    .bytes(1, v)
                    .bytes(2, key.sign(signed)) // not a real V1 signature: V1 signatures are not checked
                    .varint(3, 0)
                    .bytes(4, val)
                    .varint(5, sequence)
                    .varint(6, ttl)
                    .bytes(8, key.sign(signed))
                    .bytes(9, data)
                    .toByteArray();
        }

        private static void text(ByteArrayOutputStream out, String s) {
            byte[] b = s.getBytes(StandardCharsets.UTF_8);
            head(out, 3, b.length);
            out.writeBytes(b);
        }

        private static void head(ByteArrayOutputStream out, int major, long v) {
            int m = major << 5;
            if (v < 24) {
                out.write(m | (int) v);
            } else if (v < 0x100) {
                out.write(m | 24);
                out.write((int) v);
            } else if (v < 0x10000) {
                out.write(m | 25);
                out.write((int) (v >> 8));
                out.write((int) v);
            } else if (v < 0x100000000L) {
                out.write(m | 26);
                for (int i = 3; i >= 0; i--) {
                    out.write((int) (v >> (8 * i)));
                }
            } else {
                out.write(m | 27);
                for (int i = 7; i >= 0; i--) {
                    out.write((int) (v >> (8 * i)));
                }
            }
        }
    }
}
