package io.p2pkit.node.cli;

/**
 * The command could not do what was asked, for a reason its message gives in full (exit status
 * 1, the message on stderr, no stack trace). For a wrong command line use {@link UsageException}.
 */
public class CommandFailedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** @param message what failed and why, naming the CID, path segment or file */
    public CommandFailedException(String message) {
        super(message);
    }

    /**
     * @param message what failed and why
     * @param cause   the underlying error
     */
    public CommandFailedException(String message, Throwable cause) {
        super(message, cause);
    }
}
