package io.p2pkit.core.muxer;

import java.io.IOException;

/** The stream was reset, by the remote or locally; {@link #byRemote()} says which. */
public class StreamResetException extends IOException {
    private final boolean byRemote;

    public StreamResetException(String message, boolean byRemote) {
        super(message);
        this.byRemote = byRemote;
    }

    /** True when the remote reset the stream, false when this side did (or the connection died). */
    public boolean byRemote() {
        return byRemote;
    }
}
