package io.p2pkit.node.cli.command.filestore;

import io.p2pkit.node.cli.CliCommand;
import io.p2pkit.node.cli.UsageException;
import picocli.CommandLine.Command;

/** {@code p2pkit filestore}: the blocks added with {@code add --nocopy}, Kubo's {@code ipfs filestore}. */
@Command(name = "filestore", description = {
        "List and verify the blocks kept as references to files (add --nocopy).",
        "",
        "Needs Experimental.FilestoreEnabled in the repository's config ('p2pkit config --json "
                + "Experimental.FilestoreEnabled true'). Files must be under the repository directory's parent; "
                + "their paths are shown relative to it.",
        ""},
        subcommands = {FilestoreLsCommand.class, FilestoreVerifyCommand.class, FilestoreDupsCommand.class})
public final class FilestoreCommand extends CliCommand {
    @Override
    protected int run() {
        throw new UsageException("missing subcommand: ls, verify or dups");
    }
}
