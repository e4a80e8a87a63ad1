package io.p2pkit.ipfs.ipld;

import java.util.Objects;

/**
 * A string of Unicode text. Every codec writes it as UTF-8, so a Java string holding an unpaired
 * surrogate (which has no UTF-8 form) is refused rather than silently changed.
 *
 * @param value the text
 */
public record StringNode(String value) implements Node {
    /** The empty string. */
    public static final StringNode EMPTY = new StringNode("");

    /**
     * @throws IllegalArgumentException if {@code value} holds an unpaired surrogate
     */
    public StringNode {
        Objects.requireNonNull(value, "value");
        int bad = firstUnpairedSurrogate(value);
        if (bad >= 0) {
            throw new IllegalArgumentException("string has an unpaired surrogate at index " + bad + ", which is not Unicode text");
        }
    }

    /** @return the index of the first unpaired surrogate in {@code s}, or -1 when it is valid Unicode */
    static int firstUnpairedSurrogate(String s) {
        for (int i = 0, n = s.length(); i < n; i++) {
            char c = s.charAt(i);
            if (Character.isSurrogate(c)) {
                if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
                    i++;
                } else {
                    return i;
                }
            }
        }
        return -1;
    }

    @Override
    public Kind kind() {
        return Kind.STRING;
    }

    @Override
    public String toString() {
        return '"' + value + '"';
    }
}
