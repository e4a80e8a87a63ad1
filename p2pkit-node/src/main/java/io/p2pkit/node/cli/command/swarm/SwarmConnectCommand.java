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

/** {@code p2pkit swarm connect ADDRESS…}: the running daemon dials, through its RPC API. */
@Command(name = "connect", description = {
        "Make the running daemon connect to peers, as Kubo's 'ipfs swarm connect'.",
        "",
        "Each ADDRESS is a multiaddr ending in /p2p/<peer ID>: TCP, QUIC, WebSocket, WebRTC-direct "
                + "(/udp/…/webrtc-direct/certhash/…) or WebTransport (/udp/…/quic-v1/webtransport/certhash/…). "
                + "Prints 'connect <peer> success' per address; the first failure ends the command with exit "
                + "status 1. Needs 'p2pkit daemon' running on the repository.",
        ""},
        footer = {"", "With --json: {\"Strings\":[…]}, Kubo's shape."})
final class SwarmConnectCommand extends CliCommand {
    @Parameters(arity = "1..*", paramLabel = "ADDRESS", description = "multiaddrs ending in /p2p/<peer ID>")
    private List<String> addresses;

    @Mixin
    private RepoOption repo;

    @Mixin
    private JsonOption output;

    @Override
    protected int run() throws Exception {
        DaemonApi.Answer a = DaemonApi.ask(repo.root(), "swarm/connect", addresses, Map.of());
        SwarmCommand.printStrings(console(), output, a);
        return 0;
    }
}
