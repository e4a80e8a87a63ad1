package io.p2pkit.ipfs.repo;

import java.io.IOException;
import java.nio.file.Path;

/** A repository cannot be created, opened or used; the message names the repository and says why. */
public class RepoException extends IOException {
    private static final long serialVersionUID = 1L;

    private final transient Path root;

    /**
     * @param root    the repository's directory
     * @param message what is wrong
     */
    public RepoException(Path root, String message) {
        super(message);
        this.root = root;
    }

    /**
     * @param root    the repository's directory
     * @param message what is wrong
     * @param cause   the underlying error
     */
    public RepoException(Path root, String message, Throwable cause) {
        super(message, cause);
        this.root = root;
    }

    /** @return the repository's directory */
    public Path root() {
        return root;
    }
}
