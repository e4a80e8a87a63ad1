package io.p2pkit.node.cli;

/** The command line was wrong: unknown command or option, missing or bad value. Exit status 2. */
public class UsageException extends RuntimeException {
    public UsageException(String message) {
        super(message);
    }
}
