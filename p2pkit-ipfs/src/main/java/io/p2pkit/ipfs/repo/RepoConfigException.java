package io.p2pkit.ipfs.repo;

import io.p2pkit.core.DecodeException;

/** A repository's {@code config} file is malformed; {@link #field()} names the offending key (or {@code config}). */
public final class RepoConfigException extends DecodeException {
    private static final long serialVersionUID = 1L;

    /**
     * @param key     the offending key, or {@code config} for the file as a whole
     * @param message what is wrong
     */
    public RepoConfigException(String key, String message) {
        super(key, message);
    }

    /**
     * @param key     the offending key
     * @param message what is wrong
     * @param cause   the underlying error
     */
    public RepoConfigException(String key, String message, Throwable cause) {
        super(key, message, cause);
    }
}
