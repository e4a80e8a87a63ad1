package io.p2pkit.node.cli.command.swarm;

import io.p2pkit.node.cli.CliCommand;
import io.p2pkit.node.cli.UsageException;
import io.p2pkit.node.cli.content.DaemonApi;
import io.p2pkit.node.cli.options.JsonOption;
import io.p2pkit.node.cli.options.RepoOption;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.util.List;
import java.util.Map;

/** {@code p2pkit swarm addrs local}: the running daemon's own addresses, through its RPC API. */
@Command(name = "addrs", description = {
        "List the running daemon's own addresses ('local'), as Kubo's 'ipfs swarm addrs local'.",
        "",
        "One address per line, WebRTC-direct and WebTransport ones with their /certhash parts, so they can be "
                + "handed to a browser as they are. With --id each ends in /p2p/<peer ID>. Needs 'p2pkit daemon' "
                + "running on the repository.",
        ""},
        footer = {"", "With --json: {\"Strings\":[…]}, Kubo's shape."})
final class SwarmAddrsCommand extends CliCommand {
    @Parameters(index = "0", paramLabel = "local", description = "'local': the daemon's own addresses")
    private String which;

    @Option(names = "--id", description = "end each address in /p2p/<peer ID>")
    private boolean id;

    @Mixin
    private RepoOption repo;

    @Mixin
    private JsonOption output;

    @Override
    protected int run() throws Exception {
        if (!"local".equals(which)) {
            throw new UsageException("swarm addrs: only 'local' is supported, not '" + which + "'");
        }
        DaemonApi.Answer a = DaemonApi.ask(repo.root(), "swarm/addrs/local", List.of(),
                id ? Map.of("id", "true") : Map.of());
        SwarmCommand.printStrings(console(), output, a);
        return 0;
    }
}
