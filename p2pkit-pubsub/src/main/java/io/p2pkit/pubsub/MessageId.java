package io.p2pkit.pubsub;

import java.util.Arrays;
import java.util.HexFormat;

/** A message ID: opaque bytes computed by the {@link MessageIdFunction}, compared by value. */
public final class MessageId {
    private final byte[] bytes;
    private final int hash;

    private MessageId(byte[] bytes) {
        this.bytes = bytes;
        this.hash = Arrays.hashCode(bytes);
    }

    /** An ID holding a copy of {@code bytes}. */
    public static MessageId of(byte[] bytes) {
        return new MessageId(bytes.clone());
    }

    /** An ID over {@code bytes}, which nobody else holds (no copy). */
    static MessageId wrap(byte[] bytes) {
        return new MessageId(bytes);
    }

    /** The ID's bytes (a copy). */
    public byte[] bytes() {
        return bytes.clone();
    }

    /** The number of bytes in the ID. */
    public int length() {
        return bytes.length;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof MessageId m && hash == m.hash && Arrays.equals(bytes, m.bytes);
    }

    @Override
    public int hashCode() {
        return hash;
    }

    @Override
    public String toString() {
        return HexFormat.of().formatHex(bytes);
    }
}
