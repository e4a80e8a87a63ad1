package io.p2pkit.core.security.noise;

import java.io.IOException;

/**
 * A Noise message failed authentication: the ciphertext or its tag was altered, or it was
 * encrypted under another key or nonce. The connection that received it cannot be used further.
 */
public class BadTagException extends IOException {
    /** @param message what was being decrypted */
    public BadTagException(String message) {
        super(message);
    }

    /** @param message what was being decrypted; {@code cause} the cipher's own error */
    public BadTagException(String message, Throwable cause) {
        super(message, cause);
    }
}
