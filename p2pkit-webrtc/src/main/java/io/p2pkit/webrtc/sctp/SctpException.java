package io.p2pkit.webrtc.sctp;

import java.io.IOException;

/** The SCTP association failed or was aborted; the message says why (and whether the remote aborted). */
public class SctpException extends IOException {
    /** An association failure described by {@code message}. */
    public SctpException(String message) {
        super(message);
    }

    /** An association failure described by {@code message}, caused by {@code cause}. */
    public SctpException(String message, Throwable cause) {
        super(message, cause);
    }
}
