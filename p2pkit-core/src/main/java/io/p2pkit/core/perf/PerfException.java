package io.p2pkit.core.perf;

import java.io.IOException;

/** The other side broke the perf protocol: a short request, or more or fewer bytes than asked for. */
public final class PerfException extends IOException {
    /** An exception with a message that says what was expected and what arrived. */
    public PerfException(String message) {
        super(message);
    }
}
