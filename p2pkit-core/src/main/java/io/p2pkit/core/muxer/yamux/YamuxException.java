package io.p2pkit.core.muxer.yamux;

import java.io.IOException;

/** A yamux session failed or refused an operation; {@link #reason()} says why. */
public class YamuxException extends IOException {
    /** Why the session failed or refused. */
    public enum Reason {
        /** This side closed the session. */
        CLOSED_LOCALLY,
        /** The remote sent GoAway: it accepts no new streams (or, with an error code, it closed). */
        REMOTE_GO_AWAY,
        /** The remote broke the protocol (bad frame, window violation, unknown stream…). */
        PROTOCOL_ERROR,
        /** The remote did not answer a keep-alive ping in time. */
        KEEPALIVE_TIMEOUT,
        /** The underlying connection ended or failed. */
        CONNECTION_LOST,
        /** A limit on streams was reached. */
        STREAM_LIMIT,
        /** This side could not keep up (for example, its control-frame backlog overflowed). */
        INTERNAL_ERROR
    }

    private final Reason reason;

    /** Creates the exception. */
    public YamuxException(Reason reason, String message) {
        this(reason, message, null);
    }

    /** Creates the exception with a cause. */
    public YamuxException(Reason reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = reason;
    }

    /** Why the session failed or refused. */
    public Reason reason() {
        return reason;
    }
}
