package io.p2pkit.node.cli.command.swarm;

import io.p2pkit.ipfs.ipld.FloatNode;
import io.p2pkit.ipfs.ipld.IntNode;
import io.p2pkit.ipfs.ipld.ListNode;
import io.p2pkit.ipfs.ipld.MapNode;
import io.p2pkit.ipfs.ipld.Node;
import io.p2pkit.ipfs.ipld.StringNode;
import io.p2pkit.node.cli.CliCommand;
import io.p2pkit.node.cli.content.DaemonApi;
import io.p2pkit.node.cli.options.JsonOption;
import io.p2pkit.node.cli.options.RepoOption;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@code p2pkit swarm peers}: the daemon's connected peers, through its RPC API ({@code swarm/peers}). */
@Command(name = "peers", description = {
        "List the peers the running daemon is connected to.",
        "",
        "Prints '<address>/p2p/<peer>' per connection, as Kubo's 'ipfs swarm peers'. With --verbose also the "
                + "direction, the muxer and the peer's reputation score (in (-1, 1): 0 unknown, above 0 mostly "
                + "good outcomes, below 0 failed dials, timeouts or protocol errors). Needs 'p2pkit daemon' running "
                + "on the repository.",
        ""},
        footer = {"", "With --json: one {\"Addr\":…,\"Peer\":…[,\"Direction\":…,\"Muxer\":…,\"Score\":…]} per connection."})
final class SwarmPeersCommand extends CliCommand {
    @Option(names = {"-v", "--verbose"}, description = "also print direction, muxer and reputation score")
    private boolean verbose;

    @Mixin
    private RepoOption repo;

    @Mixin
    private JsonOption output;

    @Override
    protected int run() throws Exception {
        MapNode m = DaemonApi.ask(repo.root(), "swarm/peers", List.of(),
                verbose ? Map.of("verbose", "true") : Map.of()).map();
        if (!(m.get("Peers").orElse(null) instanceof ListNode peers)) {
            return 0; // Kubo's null: no peers
        }
        for (Node n : peers.values()) {
            if (!(n instanceof MapNode p)) {
                continue;
            }
            Map<String, Object> o = new LinkedHashMap<>();
            for (String field : List.of("Addr", "Peer", "Direction", "Muxer", "Score")) {
                p.get(field).ifPresent(v -> o.put(field, value(v)));
            }
            String addr = String.valueOf(o.get("Addr"));
            String suffix = "/p2p/" + o.get("Peer");
            StringBuilder line = new StringBuilder(addr.endsWith(suffix) ? addr : addr + suffix);
            if (verbose) {
                Object d = o.get("Direction");
                line.append(' ').append("1".equals(String.valueOf(d)) ? "inbound" : "outbound")
                        .append(' ').append(o.getOrDefault("Muxer", "-"))
                        .append(" score ").append(o.getOrDefault("Score", "-"));
            }
            output.print(console(), o, line.toString());
        }
        return 0;
    }

    private static Object value(Node n) {
        return switch (n) {
            case StringNode s -> s.value();
            case FloatNode f -> f.value();
            case IntNode i -> i.fitsLong() ? i.longValue() : i.bigIntegerValue();
            default -> n.toString();
        };
    }
}
