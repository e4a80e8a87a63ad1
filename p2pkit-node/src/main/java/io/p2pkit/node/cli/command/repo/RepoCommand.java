package io.p2pkit.node.cli.command.repo;

import io.p2pkit.node.cli.CliCommand;
import io.p2pkit.node.cli.UsageException;
import picocli.CommandLine.Command;

/** {@code p2pkit repo}: the repository itself, Kubo's {@code ipfs repo}. */
@Command(name = "repo", description = {
        "Collect garbage, show numbers, verify the repository's blocks, show its version.",
        "",
        "Works on the local repository ($P2PKIT_HOME or --repo-dir; create it with 'p2pkit init').",
        ""},
        subcommands = {RepoGcCommand.class, RepoStatCommand.class, RepoVerifyCommand.class, RepoVersionCommand.class})
public final class RepoCommand extends CliCommand {
    @Override
    protected int run() {
        throw new UsageException("missing subcommand: gc, stat, verify or version");
    }
}
