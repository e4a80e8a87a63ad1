package io.p2pkit.node.cli.command.repo;

import io.p2pkit.ipfs.repo.Repository;
import io.p2pkit.node.cli.CliCommand;
import io.p2pkit.node.cli.options.JsonOption;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.Map;

/** {@code p2pkit repo version}: the repository layout this p2pkit reads and writes, Kubo's {@code ipfs repo version}. */
@Command(name = "version", description = {
        "Show the repository version this p2pkit reads and writes.",
        "",
        "p2pkit-repo@N: p2pkit's layout, not Kubo's fs-repo. Needs no repository.",
        ""},
        footer = {"", "With --json: {\"Version\":\"N\"}, Kubo's shape."})
final class RepoVersionCommand extends CliCommand {
    @Option(names = {"-q", "--quiet"}, description = "print p2pkit-repo@N alone")
    private boolean quiet;

    @Mixin
    private JsonOption output;

    @Override
    protected int run() {
        String version = "p2pkit-repo@" + Repository.VERSION;
        output.print(console(), Map.of("Version", Integer.toString(Repository.VERSION)),
                quiet ? version : "p2pkit repo version " + version);
        return 0;
    }
}
