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

/** {@code p2pkit swarm addrs local|listen|autonat}: the running daemon's own addresses, through its RPC API. */
@Command(name = "addrs", description = {
        "List the running daemon's own addresses ('local'), the addresses it listens on ('listen'), or what AutoNAT "
                + "found of their reachability ('autonat'), as Kubo's 'ipfs swarm addrs local|listen|autonat'.",
        "",
        "One address per line. 'local': the addresses announced, WebRTC-direct and WebTransport ones with their "
                + "/certhash parts, so they can be handed to a browser as they are; with --id each ends in "
                + "/p2p/<peer ID>. 'listen': the addresses listened on, 0.0.0.0 and :: expanded to each interface's "
                + "address, sorted. 'autonat' (Kubo 0.40's): the node's reachability (Unknown, Public or Private) and "
                + "the addresses AutoNAT v2 checks, as reachable, unreachable or unknown. Needs 'p2pkit daemon' "
                + "running on the repository.",
        ""},
        footer = {"", "With --json: {\"Strings\":[…]}, Kubo's shape ('listen': null when the daemon listens nowhere); "
                + "'autonat': {\"reachability\",\"reachable\",\"unreachable\",\"unknown\"}, empty lists left out."})
final class SwarmAddrsCommand extends CliCommand {
    @Parameters(index = "0", paramLabel = "local|listen|autonat", description = "'local': the daemon's own addresses; "
            + "'listen': where it listens; 'autonat': their reachability")
    private String which;

    @Option(names = "--id", description = "with 'local': end each address in /p2p/<peer ID>")
    private boolean id;

    @Mixin
    private RepoOption repo;

    @Mixin
    private JsonOption output;

    @Override
    protected int run() throws Exception {
        if (!List.of("local", "listen", "autonat").contains(which)) {
            throw new UsageException("swarm addrs: 'local', 'listen' or 'autonat', not '" + which + "'");
        }
        if (id && !which.equals("local")) {
            throw new UsageException("swarm addrs: --id goes with 'local'");
        }
        if (which.equals("autonat")) {
            if (output.json()) {
                console().println(DaemonApi.ask(repo.root(), "swarm/addrs/autonat", List.of(), Map.of()).json());
            } else { // Kubo's text, as the daemon writes it
                console().out().print(new String(DaemonApi.answerBytes(repo.root(), "swarm/addrs/autonat", List.of(),
                        Map.of("enc", "text")), java.nio.charset.StandardCharsets.UTF_8));
            }
            return 0;
        }
        DaemonApi.Answer a = DaemonApi.ask(repo.root(), "swarm/addrs/" + which, List.of(),
                id ? Map.of("id", "true") : Map.of());
        SwarmCommand.printStrings(console(), output, a);
        return 0;
    }
}
