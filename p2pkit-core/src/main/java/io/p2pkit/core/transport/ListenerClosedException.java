package io.p2pkit.core.transport;

import java.io.IOException;

/**
 * Thrown by {@link Listener#accept()} of a listener closed on its own (not by the network), for
 * example a relay listener given up: the network then stops accepting from it and forgets it.
 */
public class ListenerClosedException extends IOException {
    /** @param message which listener, and why it closed */
    public ListenerClosedException(String message) {
        super(message);
    }
}
