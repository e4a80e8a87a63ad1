package io.p2pkit.core.network;

import java.io.IOException;

/** The {@link ConnectionGater} refused a dial or connection at the step the message names. */
public class ConnectionGatedException extends IOException {
    /** @param message which step refused, and what */
    public ConnectionGatedException(String message) {
        super(message);
    }
}
