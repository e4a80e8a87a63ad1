package io.p2pkit.ipfs.ipld;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Objects;

/** A byte string. Immutable: {@link #of} copies in, {@link #toByteArray()} copies out. */
public final class BytesNode implements Node {
    /** The empty byte string. */
    public static final BytesNode EMPTY = new BytesNode(new byte[0]);

    private final byte[] bytes;

    private BytesNode(byte[] bytes) {
        this.bytes = bytes;
    }

    /** @return a node holding a copy of {@code bytes} */
    public static BytesNode of(byte[] bytes) {
        return wrap(bytes.clone());
    }

    /**
     * A node over {@code bytes} without copying them, for decoders that have just made the array:
     * whoever calls this gives the array away and must never change it again.
     *
     * @param bytes the bytes, not copied
     * @return the node
     */
    public static BytesNode wrap(byte[] bytes) {
        Objects.requireNonNull(bytes, "bytes");
        return bytes.length == 0 ? EMPTY : new BytesNode(bytes);
    }

    /** @return the number of bytes */
    public int length() {
        return bytes.length;
    }

    /** @return a copy of the bytes */
    public byte[] toByteArray() {
        return bytes.clone();
    }

    /** @return a read-only view of the bytes, without copying */
    public ByteBuffer asReadOnlyBuffer() {
        return ByteBuffer.wrap(bytes).asReadOnlyBuffer();
    }

    /**
     * Copies the bytes into {@code dst} at {@code offset}.
     *
     * @return the number of bytes copied
     */
    public int copyTo(byte[] dst, int offset) {
        System.arraycopy(bytes, 0, dst, offset, bytes.length);
        return bytes.length;
    }

    /** Writes the bytes to {@code out}. */
    public void writeTo(OutputStream out) throws IOException {
        out.write(bytes);
    }

    @Override
    public Kind kind() {
        return Kind.BYTES;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof BytesNode other && Arrays.equals(bytes, other.bytes);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(bytes);
    }

    /** @return the bytes in hex (the first 64 of them, for long ones) */
    @Override
    public String toString() {
        if (bytes.length <= 64) {
            return "bytes(" + HexFormat.of().formatHex(bytes) + ")";
        }
        return "bytes(" + HexFormat.of().formatHex(bytes, 0, 64) + "…, " + bytes.length + " bytes)";
    }
}
