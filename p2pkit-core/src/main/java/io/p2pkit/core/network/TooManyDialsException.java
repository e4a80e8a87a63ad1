package io.p2pkit.core.network;

import java.io.IOException;

/**
 * This node's cap on dials in progress stayed full for the whole dial timeout: the dial was never
 * tried, which says nothing about the peer.
 */
public class TooManyDialsException extends IOException {
    /** @param message the cap and what waited for it */
    public TooManyDialsException(String message) {
        super(message);
    }
}
