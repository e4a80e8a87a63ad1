package io.p2pkit.core.multiformats;

import io.p2pkit.core.DecodeException;

import java.util.Arrays;

/**
 * Encodings that read the bytes as one big-endian number written in base 10, 36 or 58, with
 * each leading zero byte written as the alphabet's first character (the Bitcoin base58 rule).
 * The conversion works on 32-bit limbs and moves several digits per step (58<sup>5</sup>,
 * 36<sup>6</sup>, 10<sup>9</sup>), which avoids {@code BigInteger} and is some ten times faster
 * than the digit-by-digit loop. It is still quadratic, which is why callers cap the size.
 */
final class BaseX {
    private final String field;
    private final char[] alphabet;
    private final int base;
    private final byte[] values = new byte[128];
    /** Digits moved per limb operation, and base to that power (below 2^31). */
    private final int digitsPerStep;
    private final long stepBase;
    /** Characters per input byte, times 1000, rounded up: sizes the output buffer. */
    private final int charsPerByteMilli;
    private final double bitsPerDigit;

    BaseX(String field, String alphabet, boolean caseInsensitive) {
        this.field = field;
        this.alphabet = alphabet.toCharArray();
        this.base = alphabet.length();
        Arrays.fill(values, (byte) -1);
        for (int i = 0; i < base; i++) {
            char c = this.alphabet[i];
            values[c] = (byte) i;
            if (caseInsensitive) {
                values[Character.toLowerCase(c)] = (byte) i;
                values[Character.toUpperCase(c)] = (byte) i;
            }
        }
        int k = 0;
        long p = 1;
        // Below 2^31 so that (remainder << 32 | limb) still fits in a signed long.
        while (p * base <= Integer.MAX_VALUE) {
            p *= base;
            k++;
        }
        this.digitsPerStep = k;
        this.stepBase = p;
        this.bitsPerDigit = Math.log(base) / Math.log(2);
        this.charsPerByteMilli = (int) Math.ceil(8000 / bitsPerDigit);
    }

    String encode(byte[] data) {
        int zeros = 0;
        while (zeros < data.length && data[zeros] == 0) {
            zeros++;
        }
        // Big-endian 32-bit limbs of the number after the leading zeros.
        int len = data.length - zeros;
        int limbCount = (len + 3) / 4;
        int[] limbs = new int[limbCount];
        for (int i = 0; i < len; i++) {
            int fromEnd = len - 1 - i;
            limbs[limbCount - 1 - fromEnd / 4] |= (data[zeros + i] & 0xFF) << (8 * (fromEnd % 4));
        }
        int maxDigits = (int) ((long) len * charsPerByteMilli / 1000) + 1 + digitsPerStep;
        char[] digits = new char[maxDigits];
        int d = maxDigits;
        int first = 0;
        while (first < limbCount) {
            long rem = 0;
            for (int i = first; i < limbCount; i++) {
                long cur = (rem << 32) | (limbs[i] & 0xFFFF_FFFFL);
                limbs[i] = (int) (cur / stepBase);
                rem = cur % stepBase;
            }
            while (first < limbCount && limbs[first] == 0) {
                first++;
            }
            // Emit the remainder as a fixed run of digits, least significant first.
            for (int j = 0; j < digitsPerStep; j++) {
                digits[--d] = alphabet[(int) (rem % base)];
                rem /= base;
            }
        }
        // The last step may have produced zero digits at the top: drop them.
        while (d < maxDigits && digits[d] == alphabet[0]) {
            d++;
        }
        StringBuilder out = new StringBuilder(zeros + maxDigits - d);
        for (int i = 0; i < zeros; i++) {
            out.append(alphabet[0]);
        }
        return out.append(digits, d, maxDigits - d).toString();
    }

    /** Decodes {@code text[from..)}. */
    byte[] decode(String text, int from) {
        int end = text.length();
        int zeros = 0;
        int i = from;
        while (i < end && value(text, i) == 0) {
            zeros++;
            i++;
        }
        int digitCount = end - i;
        // Little-endian 32-bit limbs; enough for digitCount digits of this base.
        int maxLimbs = (int) (digitCount * bitsPerDigit / 32) + 2;
        int[] limbs = new int[maxLimbs];
        int used = 0;
        while (i < end) {
            int n = Math.min(digitsPerStep, end - i);
            // The first group is shortened so the rest align; it doesn't matter for correctness.
            if (i == end - digitCount && digitCount % digitsPerStep != 0) {
                n = digitCount % digitsPerStep;
            }
            long chunk = 0;
            long mul = 1;
            for (int j = 0; j < n; j++) {
                chunk = chunk * base + value(text, i + j);
                mul *= base;
            }
            i += n;
            long carry = chunk;
            for (int k = 0; k < used; k++) {
                long cur = (limbs[k] & 0xFFFF_FFFFL) * mul + carry;
                limbs[k] = (int) cur;
                carry = cur >>> 32;
            }
            if (carry != 0) {
                limbs[used++] = (int) carry;
            }
        }
        int byteLen = used * 4;
        byte[] tmp = new byte[byteLen];
        for (int k = 0; k < used; k++) {
            int limb = limbs[k];
            int at = byteLen - 4 * k;
            tmp[at - 1] = (byte) limb;
            tmp[at - 2] = (byte) (limb >>> 8);
            tmp[at - 3] = (byte) (limb >>> 16);
            tmp[at - 4] = (byte) (limb >>> 24);
        }
        int skip = 0;
        while (skip < byteLen && tmp[skip] == 0) {
            skip++;
        }
        byte[] out = new byte[zeros + byteLen - skip];
        System.arraycopy(tmp, skip, out, zeros, byteLen - skip);
        return out;
    }

    private int value(String text, int i) {
        char c = text.charAt(i);
        int v = c < 128 ? values[c] : -1;
        if (v < 0) {
            throw new DecodeException(field, "invalid character " + BitGroupCodec.describe(c) + " at " + i);
        }
        return v;
    }
}
