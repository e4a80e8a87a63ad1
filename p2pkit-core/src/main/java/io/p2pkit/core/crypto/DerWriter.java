package io.p2pkit.core.crypto;

import java.io.ByteArrayOutputStream;
import java.math.BigInteger;

/** Writes ASN.1 DER elements; the counterpart of {@link DerReader}. */
final class DerWriter {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    DerWriter integer(BigInteger v) {
        return element(DerReader.INTEGER, v.toByteArray());
    }

    DerWriter integer(long v) {
        return integer(BigInteger.valueOf(v));
    }

    DerWriter octetString(byte[] v) {
        return element(DerReader.OCTET_STRING, v);
    }

    DerWriter bitString(byte[] v) {
        byte[] content = new byte[v.length + 1];
        System.arraycopy(v, 0, content, 1, v.length);
        return element(DerReader.BIT_STRING, content);
    }

    DerWriter nullValue() {
        return element(DerReader.NULL, new byte[0]);
    }

    /** Writes an OBJECT IDENTIFIER from its encoded content bytes. */
    DerWriter oid(byte[] content) {
        return element(DerReader.OID, content);
    }

    DerWriter sequence(DerWriter inner) {
        return element(DerReader.SEQUENCE, inner.toByteArray());
    }

    /** Writes a constructed element with any tag, e.g. 0xA0 for {@code [0] EXPLICIT}. */
    DerWriter constructed(int tag, DerWriter inner) {
        return element(tag, inner.toByteArray());
    }

    DerWriter element(int tag, byte[] content) {
        out.write(tag);
        int len = content.length;
        if (len < 0x80) {
            out.write(len);
        } else if (len < 0x100) {
            out.write(0x81);
            out.write(len);
        } else if (len < 0x10000) {
            out.write(0x82);
            out.write(len >>> 8);
            out.write(len);
        } else {
            out.write(0x83);
            out.write(len >>> 16);
            out.write(len >>> 8);
            out.write(len);
        }
        out.writeBytes(content);
        return this;
    }

    byte[] toByteArray() {
        return out.toByteArray();
    }
}
