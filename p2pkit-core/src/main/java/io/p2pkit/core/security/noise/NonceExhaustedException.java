package io.p2pkit.core.security.noise;

import java.io.IOException;

/**
 * A Noise cipher state has used every nonce it may: the Noise spec reserves 2^64-1, so after
 * 2^64-1 messages in one direction the connection must end rather than reuse a nonce.
 */
public class NonceExhaustedException extends IOException {
    /** @param message which direction ran out */
    public NonceExhaustedException(String message) {
        super(message);
    }
}
