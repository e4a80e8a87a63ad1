package io.p2pkit.node.cli;

import java.util.List;

/** One subcommand of {@code p2pkit}, such as {@code id} or {@code daemon}. */
public interface Command {
    /** The word that selects it on the command line. */
    String name();

    /** One line for the list of commands. */
    String summary();

    /** The full help text printed by {@code --help}: usage line, options, what it prints. */
    String help();

    /**
     * Runs the command.
     *
     * @return the exit status: 0 on success, 1 if the operation failed
     * @throws UsageException for a wrong command line (exit status 2)
     * @throws Exception      for a failure, reported on stderr with exit status 1
     */
    int run(List<String> args, Console console) throws Exception;
}
