package io.p2pkit.node.cli.command.swarm;

import io.p2pkit.node.cli.CliCommand;
import io.p2pkit.node.cli.content.DaemonApi;
import io.p2pkit.node.cli.options.JsonOption;
import io.p2pkit.node.cli.options.RepoOption;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

import java.util.List;
import java.util.Map;

/** {@code p2pkit swarm filters [add|rm]}: the networks the running daemon refuses, Kubo's {@code ipfs swarm filters}. */
@Command(name = "filters", description = {
        "List the networks the running daemon neither dials nor accepts, as Kubo's 'ipfs swarm filters'.",
        "",
        "A filter is a go-multiaddr mask such as /ip4/192.168.0.0/ipcidr/16. 'add' and 'rm' change the running "
                + "daemon at once and the repository's config (Swarm.AddrFilters), which the next start reads; "
                + "connections already open stay. Needs 'p2pkit daemon' running on the repository.",
        ""},
        footer = {"", "With --json: {\"Strings\":[…]}, Kubo's shape."},
        subcommands = {SwarmFiltersCommand.Add.class, SwarmFiltersCommand.Rm.class})
final class SwarmFiltersCommand extends CliCommand {
    @Mixin
    private RepoOption repo;

    @Mixin
    private JsonOption output;

    @Override
    protected int run() throws Exception {
        SwarmCommand.printStrings(console(), output, DaemonApi.ask(repo.root(), "swarm/filters", List.of(), Map.of()));
        return 0;
    }

    @Command(name = "add", description = {"Add filters to the running daemon and its config.", "",
            "Prints the masks added, one a line.", ""},
            footer = {"", "With --json: {\"Strings\":[…]}"})
    static final class Add extends CliCommand {
        @Parameters(arity = "1..*", paramLabel = "MASK", description = "/ip4|ip6/<ip>/ipcidr/<bits>")
        private List<String> masks;

        @Mixin
        private RepoOption repo;

        @Mixin
        private JsonOption output;

        @Override
        protected int run() throws Exception {
            SwarmCommand.printStrings(console(), output, DaemonApi.ask(repo.root(), "swarm/filters/add", masks, Map.of()));
            return 0;
        }
    }

    @Command(name = "rm", description = {"Remove filters from the running daemon and its config.", "",
            "'all' (or '*') removes every one. Prints the masks the config held that were removed.", ""},
            footer = {"", "With --json: {\"Strings\":[…]}"})
    static final class Rm extends CliCommand {
        @Parameters(arity = "1..*", paramLabel = "MASK", description = "/ip4|ip6/<ip>/ipcidr/<bits>, or all")
        private List<String> masks;

        @Mixin
        private RepoOption repo;

        @Mixin
        private JsonOption output;

        @Override
        protected int run() throws Exception {
            SwarmCommand.printStrings(console(), output, DaemonApi.ask(repo.root(), "swarm/filters/rm", masks, Map.of()));
            return 0;
        }
    }
}
