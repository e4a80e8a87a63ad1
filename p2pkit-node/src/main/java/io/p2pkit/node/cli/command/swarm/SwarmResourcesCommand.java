package io.p2pkit.node.cli.command.swarm;

import io.p2pkit.node.cli.CliCommand;
import io.p2pkit.node.cli.content.DaemonApi;
import io.p2pkit.node.cli.options.JsonOption;
import io.p2pkit.node.cli.options.RepoOption;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/** {@code p2pkit swarm resources}: the running daemon's resource limits and usage, through {@code swarm/resources}. */
@Command(name = "resources", description = {
        "Print the running daemon's resource manager limits and usage per scope, as Kubo's 'ipfs swarm resources'.",
        "",
        "A row per scope (system, transient, svc:<service>, proto:<protocol>, peer:<id>) and limit (Memory, FD, "
                + "Conns, ConnsInbound, ConnsOutbound, Streams, StreamsInbound, StreamsOutbound) with its value, "
                + "the amount in use and the percentage; unlimited limits are left out, a limit of 0 reads "
                + "'blockAll'. Needs 'p2pkit daemon' running on the repository.",
        ""},
        footer = {"", "With --json: Kubo's {\"System\":{\"Memory\":…,\"MemoryUsage\":…,…},\"Transient\":…,\"Services\":…,"
                + "\"Protocols\":…,\"Peers\":…} as the daemon sends it."})
final class SwarmResourcesCommand extends CliCommand {
    @Mixin
    private RepoOption repo;

    @Mixin
    private JsonOption output;

    @Override
    protected int run() throws Exception {
        if (output.json()) {
            console().println(DaemonApi.ask(repo.root(), "swarm/resources", List.of(), Map.of()).json());
            return 0;
        }
        // the daemon's table as it is: its lines end in tabs, as Kubo's
        byte[] table = DaemonApi.answerBytes(repo.root(), "swarm/resources", List.of(), Map.of("enc", "text"));
        console().out().print(new String(table, StandardCharsets.UTF_8));
        console().out().flush();
        return 0;
    }
}
