package io.p2pkit.ipfs.filestore;

import java.io.IOException;

/**
 * A filestore block could not be read back from its file: the file is gone, unreadable, or its
 * bytes changed. The message names the file (boxo's texts).
 */
public final class FilestoreException extends IOException {
    private static final long serialVersionUID = 1L;

    private final FilestoreStatus status;

    FilestoreException(FilestoreStatus status, String message) {
        super(message);
        this.status = status;
    }

    /** @return what is wrong, as {@code filestore verify} reports it */
    public FilestoreStatus status() {
        return status;
    }
}
