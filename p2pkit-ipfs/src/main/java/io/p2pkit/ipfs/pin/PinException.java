package io.p2pkit.ipfs.pin;

import java.io.IOException;

/** A pin operation or a garbage collection could not be done; the message says why. */
public class PinException extends IOException {
    private static final long serialVersionUID = 1L;

    /** @param message what went wrong */
    public PinException(String message) {
        super(message);
    }

    /**
     * @param message what went wrong
     * @param cause   the underlying error
     */
    public PinException(String message, Throwable cause) {
        super(message, cause);
    }
}
