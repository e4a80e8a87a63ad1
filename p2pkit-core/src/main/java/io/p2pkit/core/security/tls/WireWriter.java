package io.p2pkit.core.security.tls;

import java.util.Arrays;

/** Builds handshake messages: big-endian integers and vectors whose length is filled in at their end. */
final class WireWriter {
    private byte[] bytes = new byte[256];
    private int size;
    /** Where the open vectors' length fields are, innermost last, with their widths. */
    private final int[] openAt = new int[8];
    private final int[] openWidth = new int[8];
    private int open;

    private void room(int n) {
        if (size + n > bytes.length) {
            bytes = Arrays.copyOf(bytes, Math.max(2 * bytes.length, size + n));
        }
    }

    WireWriter u8(int v) {
        room(1);
        bytes[size++] = (byte) v;
        return this;
    }

    WireWriter u16(int v) {
        room(2);
        bytes[size++] = (byte) (v >>> 8);
        bytes[size++] = (byte) v;
        return this;
    }

    WireWriter u24(int v) {
        room(3);
        bytes[size++] = (byte) (v >>> 16);
        bytes[size++] = (byte) (v >>> 8);
        bytes[size++] = (byte) v;
        return this;
    }

    WireWriter bytes(byte[] b) {
        room(b.length);
        System.arraycopy(b, 0, bytes, size, b.length);
        size += b.length;
        return this;
    }

    /** Starts a vector with a length field of {@code width} bytes; {@link #close} fills it in. */
    WireWriter open(int width) {
        openAt[open] = size;
        openWidth[open++] = width;
        room(width);
        size += width;
        return this;
    }

    WireWriter close() {
        open--;
        int at = openAt[open];
        int width = openWidth[open];
        int length = size - at - width;
        if (length >= 1L << (8 * width)) {
            throw new IllegalStateException("vector of " + length + " bytes for a " + width + "-byte length");
        }
        for (int i = width - 1; i >= 0; i--) {
            bytes[at + i] = (byte) (length >>> (8 * (width - 1 - i)));
        }
        return this;
    }

    /** A vector with a length field of {@code width} bytes. */
    WireWriter vector(int width, byte[] b) {
        return open(width).bytes(b).close();
    }

    byte[] toByteArray() {
        if (open != 0) {
            throw new IllegalStateException(open + " vectors left open");
        }
        return Arrays.copyOf(bytes, size);
    }
}
