package io.p2pkit.core.multiaddr;

import java.util.Arrays;
import java.util.Objects;

/**
 * One component of a {@link Multiaddr}: a protocol and its raw value (empty for protocols
 * without value). Immutable; equal when protocol and value bytes are equal.
 */
public final class Component {
    private static final byte[] NO_VALUE = new byte[0];

    private final Protocol protocol;
    private final byte[] value;
    private String valueString;

    Component(Protocol protocol, byte[] src, int offset, int length) {
        this.protocol = protocol;
        this.value = length == 0 ? NO_VALUE : Arrays.copyOfRange(src, offset, offset + length);
    }

    /** The protocol. */
    public Protocol protocol() {
        return protocol;
    }

    /** A copy of the raw value bytes, as carried in the binary form (without length prefix). */
    public byte[] value() {
        return value.clone();
    }

    /** The value in its canonical text form; empty for protocols without value. */
    public String valueString() {
        String s = valueString;
        if (s == null) {
            s = protocol.hasValue() ? protocol.codec().format(value, 0, value.length) : "";
            valueString = s;
        }
        return s;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Component c && c.protocol == protocol && Arrays.equals(c.value, value);
    }

    @Override
    public int hashCode() {
        return Objects.hash(protocol.code(), Arrays.hashCode(value));
    }

    /** The text form of this component alone, e.g. {@code /tcp/443}. */
    @Override
    public String toString() {
        StringBuilder b = new StringBuilder().append('/').append(protocol.name());
        if (protocol.hasValue()) {
            String v = valueString();
            if (!(protocol.isPath() && v.startsWith("/"))) {
                b.append('/');
            }
            b.append(v);
        }
        return b.toString();
    }
}
