package io.p2pkit.kad.record;

import io.p2pkit.core.DecodeException;

/** A DHT record failed validation: malformed, badly signed, expired, or under the wrong key. */
public final class InvalidRecordException extends DecodeException {
    /** A record rejected for {@code message}; {@code field} names what was wrong. */
    public InvalidRecordException(String field, String message) {
        super(field, message);
    }

    /** A record rejected because of a decode error underneath. */
    public InvalidRecordException(String field, String message, Throwable cause) {
        super(field, message, cause);
    }
}
