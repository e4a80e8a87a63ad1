package io.p2pkit.nat.relay;

import java.io.IOException;

/**
 * A relay refused a reservation or a relayed connection, answered with a malformed message, or
 * sent a voucher that does not check out. {@link #status()} is the relay's status code, or the one
 * that describes our own verdict ({@link Status#MALFORMED_MESSAGE} for a bad answer or voucher).
 */
public class RelayException extends IOException {
    private final int status;

    /** @param status the wire code; @param message what was refused or wrong */
    public RelayException(int status, String message) {
        super(message + " (" + Status.describe(status) + ")");
        this.status = status;
    }

    /** @param status the wire code; @param message what was wrong; @param cause the decoding or signature error */
    public RelayException(int status, String message, Throwable cause) {
        super(message + " (" + Status.describe(status) + "): " + cause.getMessage(), cause);
        this.status = status;
    }

    /** The status code, as a {@link Status} when it is one of the spec's. */
    public java.util.Optional<Status> status() {
        return Status.of(status);
    }

    /** The status code as sent. */
    public int statusCode() {
        return status;
    }
}
