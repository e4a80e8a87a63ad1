package io.p2pkit.core.multiaddr;

import io.p2pkit.core.DecodeException;

/** Strict unsigned decimal parsing without {@link NumberFormatException}s or regexes. */
final class Decimal {
    private Decimal() {
    }

    /**
     * Parses ASCII digits (leading zeros allowed, as go-multiaddr does; no sign, no spaces)
     * into a value no greater than {@code max}.
     */
    static long parse(String text, long max, String field) {
        int n = text.length();
        if (n == 0) {
            throw new DecodeException(field, "empty number");
        }
        long value = 0;
        for (int i = 0; i < n; i++) {
            char c = text.charAt(i);
            if (c < '0' || c > '9') {
                throw new DecodeException(field, "not a decimal number: " + Printable.quote(text));
            }
            value = value * 10 + (c - '0');
            if (value > max) {
                throw new DecodeException(field, "number out of range 0.." + max + ": " + Printable.quote(text));
            }
        }
        return value;
    }

    /** Like {@link #parse} but for the full unsigned 64-bit range; the result is a raw u64. */
    static long parseUnsigned64(String text, String field) {
        int n = text.length();
        if (n == 0) {
            throw new DecodeException(field, "empty number");
        }
        long value = 0;
        for (int i = 0; i < n; i++) {
            char c = text.charAt(i);
            if (c < '0' || c > '9') {
                throw new DecodeException(field, "not a decimal number: " + Printable.quote(text));
            }
            // value * 10 + d must stay below 2^64: compare against (2^64 - 1 - d) / 10 unsigned.
            int d = c - '0';
            long limit = Long.divideUnsigned(-1L - d, 10);
            if (Long.compareUnsigned(value, limit) > 0) {
                throw new DecodeException(field, "number does not fit in 64 bits: " + Printable.quote(text));
            }
            value = value * 10 + d;
        }
        return value;
    }
}
