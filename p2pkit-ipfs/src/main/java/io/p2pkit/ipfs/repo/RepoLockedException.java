package io.p2pkit.ipfs.repo;

import java.nio.file.Path;
import java.util.OptionalLong;

/** Another process (or this one, elsewhere) has the repository open. */
public final class RepoLockedException extends RepoException {
    private static final long serialVersionUID = 1L;

    /** The holder's PID, when its lock file says. */
    private final transient OptionalLong holderPid;

    /**
     * @param root      the repository's directory
     * @param holderPid the process holding it, when its lock file says
     * @param detail    more about the holder, or empty
     */
    public RepoLockedException(Path root, OptionalLong holderPid, String detail) {
        super(root, "repository " + root + " is locked by "
                + (holderPid.isPresent() ? "process " + holderPid.getAsLong() : "another process (its PID is unknown)")
                + (detail.isEmpty() ? "" : " (" + detail + ")")
                + ": only one p2pkit may use a repository at a time");
        this.holderPid = holderPid;
    }

    /** @return the PID of the process holding the lock, when known */
    public OptionalLong holderPid() {
        return holderPid;
    }
}
