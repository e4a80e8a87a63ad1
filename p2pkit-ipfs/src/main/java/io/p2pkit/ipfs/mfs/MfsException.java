package io.p2pkit.ipfs.mfs;

import java.io.IOException;

/** An MFS operation that cannot be done; the message is Kubo's text for the same case. */
public final class MfsException extends IOException {
    private static final long serialVersionUID = 1L;

    /** Kubo's (Go's {@code os.ErrNotExist}) text for a path that is not there. */
    public static final String NOT_EXIST = "file does not exist";
    /** Go's {@code os.ErrExist} text. */
    public static final String EXIST = "file already exists";

    /** @param message what went wrong, in Kubo's words */
    public MfsException(String message) {
        super(message);
    }

    /** @return whether this is the "file does not exist" error */
    public boolean notFound() {
        return NOT_EXIST.equals(getMessage());
    }
}
