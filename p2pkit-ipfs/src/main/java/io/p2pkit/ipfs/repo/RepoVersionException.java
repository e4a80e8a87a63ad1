package io.p2pkit.ipfs.repo;

import java.nio.file.Path;

/** The repository was written by a p2pkit whose repository layout differs from this one's. */
public final class RepoVersionException extends RepoException {
    private static final long serialVersionUID = 1L;

    /** The version the repository's version file holds. */
    private final int found;

    /**
     * @param root  the repository's directory
     * @param found the version its {@code version} file holds
     */
    public RepoVersionException(Path root, int found) {
        super(root, "repository " + root + " has version " + found + ", this p2pkit reads version " + Repository.VERSION
                + (found > Repository.VERSION ? ": it was made by a newer p2pkit" : ": it needs a migration"));
        this.found = found;
    }

    /** @return the version found */
    public int found() {
        return found;
    }
}
