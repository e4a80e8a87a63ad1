package io.p2pkit.core.crypto;

import io.p2pkit.core.DecodeException;

import java.math.BigInteger;
import java.util.Arrays;

/**
 * A strict reader of ASN.1 DER, just the part that key encodings need: definite minimal lengths,
 * minimal INTEGERs, OIDs, OCTET and BIT STRINGs, NULL, SEQUENCEs and context tags. Strict DER
 * means an accepted encoding re-encodes to the same bytes, which key round trips rely on.
 */
final class DerReader {
    static final int INTEGER = 0x02;
    static final int BIT_STRING = 0x03;
    static final int OCTET_STRING = 0x04;
    static final int NULL = 0x05;
    static final int OID = 0x06;
    static final int SEQUENCE = 0x30;

    private final byte[] buf;
    private final int end;
    private final String what;
    private int pos;

    DerReader(byte[] data, String what) {
        this(data, 0, data.length, what);
    }

    private DerReader(byte[] data, int offset, int end, String what) {
        this.buf = data;
        this.pos = offset;
        this.end = end;
        this.what = what;
    }

    boolean hasMore() {
        return pos < end;
    }

    /** The tag of the next element without consuming it, or -1 at the end. */
    int peekTag() {
        return pos < end ? buf[pos] & 0xFF : -1;
    }

    /** Reads a constructed element with {@code tag} and returns a reader over its contents. */
    DerReader sequence(int tag) {
        int len = header(tag);
        DerReader inner = new DerReader(buf, pos, pos + len, what);
        pos += len;
        return inner;
    }

    DerReader sequence() {
        return sequence(SEQUENCE);
    }

    /** Reads a non-negative INTEGER. */
    BigInteger positiveInteger() {
        BigInteger v = integer();
        if (v.signum() < 0) {
            throw error("negative integer");
        }
        return v;
    }

    /** Reads an INTEGER, rejecting non-minimal encodings. */
    BigInteger integer() {
        byte[] v = content(INTEGER);
        if (v.length == 0) {
            throw error("empty integer");
        }
        if (v.length > 1 && ((v[0] == 0 && v[1] >= 0) || (v[0] == -1 && v[1] < 0))) {
            throw error("integer is not minimally encoded");
        }
        return new BigInteger(v);
    }

    /** Reads a small INTEGER and checks it equals {@code expected}. */
    void expectInteger(int expected, String name) {
        BigInteger v = integer();
        if (!v.equals(BigInteger.valueOf(expected))) {
            throw error(name + " is " + v + ", expected " + expected);
        }
    }

    byte[] octetString() {
        return content(OCTET_STRING);
    }

    /** Reads a BIT STRING whose length is a whole number of bytes and returns those bytes. */
    byte[] bitString() {
        byte[] v = content(BIT_STRING);
        if (v.length == 0 || v[0] != 0) {
            throw error("bit string with unused bits");
        }
        return Arrays.copyOfRange(v, 1, v.length);
    }

    void nullValue() {
        if (content(NULL).length != 0) {
            throw error("NULL with content");
        }
    }

    /** Reads an OBJECT IDENTIFIER and returns its encoded content bytes, for comparison with constants. */
    byte[] oid() {
        byte[] v = content(OID);
        if (v.length == 0 || (v[v.length - 1] & 0x80) != 0) {
            throw error("malformed object identifier");
        }
        return v;
    }

    /** Fails unless every byte was read: trailing data is an error in every structure here. */
    void end() {
        if (pos != end) {
            throw error((end - pos) + " unexpected trailing bytes");
        }
    }

    private byte[] content(int tag) {
        int len = header(tag);
        byte[] v = Arrays.copyOfRange(buf, pos, pos + len);
        pos += len;
        return v;
    }

    private int header(int tag) {
        if (pos >= end) {
            throw error("expected tag 0x" + Integer.toHexString(tag) + " but the input ended");
        }
        int actual = buf[pos++] & 0xFF;
        if (actual != tag) {
            throw error("expected tag 0x" + Integer.toHexString(tag) + ", found 0x" + Integer.toHexString(actual));
        }
        if (pos >= end) {
            throw error("truncated length");
        }
        int first = buf[pos++] & 0xFF;
        int len;
        if (first < 0x80) {
            len = first;
        } else {
            int n = first & 0x7F;
            if (n == 0 || n > 3) {
                throw error(n == 0 ? "indefinite length is not DER" : "length too large");
            }
            if (end - pos < n) {
                throw error("truncated length");
            }
            len = 0;
            for (int i = 0; i < n; i++) {
                len = (len << 8) | (buf[pos++] & 0xFF);
            }
            if (len < 0x80 || (n > 1 && len < (1 << (8 * (n - 1))))) {
                throw error("length is not minimally encoded");
            }
        }
        if (len > end - pos) {
            throw error("element claims " + len + " bytes but " + (end - pos) + " remain");
        }
        return len;
    }

    private DecodeException error(String message) {
        return new DecodeException(what, "bad DER: " + message);
    }
}
