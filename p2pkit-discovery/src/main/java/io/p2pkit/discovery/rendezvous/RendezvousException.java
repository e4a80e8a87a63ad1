package io.p2pkit.discovery.rendezvous;

import java.io.IOException;

/** A rendezvous point refused a request with a status other than {@link Status#OK}. */
public final class RendezvousException extends IOException {
    private static final long serialVersionUID = 1L;

    /** The status, not OK. */
    private final Status status;

    /**
     * @param status the point's status
     * @param text   the point's status text, may be null or empty
     */
    public RendezvousException(Status status, String text) {
        super(status + (text == null || text.isEmpty() ? "" : ": " + text));
        this.status = status;
    }

    /** The status the point answered. */
    public Status status() {
        return status;
    }
}
