package io.p2pkit.core;

/**
 * Bytes or text received from outside were malformed. The message names what was wrong and,
 * where it applies, {@link #field()} names the offending field, so that a peer sending bad
 * input can be told apart from a bug.
 *
 * <p>Unchecked, like {@link IllegalArgumentException} which it extends: decoders are called
 * with untrusted input everywhere and every caller must be prepared for this.
 */
public class DecodeException extends IllegalArgumentException {
    private final String field;

    public DecodeException(String field, String message) {
        super(field == null ? message : field + ": " + message);
        this.field = field;
    }

    public DecodeException(String field, String message, Throwable cause) {
        super(field == null ? message : field + ": " + message, cause);
        this.field = field;
    }

    /** The field or format that was malformed, for example {@code "varint"} or {@code "multiaddr"}; may be null. */
    public String field() {
        return field;
    }
}
