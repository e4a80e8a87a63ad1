package io.p2pkit.node.cli.command.swarm;

import io.p2pkit.node.cli.CliCommand;
import io.p2pkit.node.cli.Console;
import io.p2pkit.node.cli.content.DaemonApi;
import io.p2pkit.node.cli.options.JsonOption;
import io.p2pkit.node.cli.UsageException;
import picocli.CommandLine.Command;

/** {@code p2pkit swarm}: the running daemon's connections, Kubo's {@code ipfs swarm}. */
@Command(name = "swarm", description = {
        "Inspect and make the connections of the daemon running on the repository, and list its addresses.",
        ""},
        subcommands = {SwarmPeersCommand.class, SwarmAddrsCommand.class, SwarmConnectCommand.class,
                SwarmFiltersCommand.class, SwarmPeeringCommand.class, SwarmResourcesCommand.class})
public final class SwarmCommand extends CliCommand {
    @Override
    protected int run() {
        throw new UsageException("missing subcommand: peers, addrs, connect, filters, peering or resources");
    }

    /** Prints an answer's {@code Strings}, one per line, or with --json the answer as the daemon sent it. */
    static void printStrings(Console console, JsonOption output, DaemonApi.Answer answer) {
        output.print(console, answer, answer.strings("Strings"));
    }
}
