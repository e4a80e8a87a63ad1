package io.p2pkit.node.cli.command.swarm;

import io.p2pkit.ipfs.ipld.ListNode;
import io.p2pkit.ipfs.ipld.MapNode;
import io.p2pkit.ipfs.ipld.Node;
import io.p2pkit.ipfs.ipld.StringNode;
import io.p2pkit.node.cli.CliCommand;
import io.p2pkit.node.cli.UsageException;
import io.p2pkit.node.cli.content.DaemonApi;
import io.p2pkit.node.cli.options.JsonOption;
import io.p2pkit.node.cli.options.RepoOption;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

import java.util.List;
import java.util.Map;

/** {@code p2pkit swarm peering add|ls|rm}: the peers the running daemon keeps connected, Kubo's {@code ipfs swarm peering}. */
@Command(name = "peering", description = {
        "Keep the running daemon connected to peers, as Kubo's 'ipfs swarm peering'.",
        "",
        "A peer added is dialed at once, protected from the connection manager, and redialed with back-off "
                + "(5 s growing to 10 min) whenever its connection drops. As in Kubo the list lasts until the daemon "
                + "stops. Needs 'p2pkit daemon' running on the repository.",
        ""},
        subcommands = {SwarmPeeringCommand.Add.class, SwarmPeeringCommand.Ls.class, SwarmPeeringCommand.Rm.class})
final class SwarmPeeringCommand extends CliCommand {
    @Override
    protected int run() {
        throw new UsageException("missing subcommand: add, ls or rm");
    }

    private static String text(MapNode m, String field) {
        return m.get(field).orElse(null) instanceof StringNode s ? s.value() : "";
    }

    /** Prints each answer as Kubo's text ({@code <verb> <peer> success}), or with --json as the daemon sent it. */
    private static void results(io.p2pkit.node.cli.Console console, JsonOption output, List<DaemonApi.Answer> answers,
                                String verb) {
        for (DaemonApi.Answer a : answers) {
            console.println(output.json() ? a.json() : verb + " " + text(a.map(), "ID") + " " + text(a.map(), "Status"));
        }
    }

    @Command(name = "add", description = {"Keep peers connected.", "",
            "Each ADDRESS ends in /p2p/<peer ID>; a peer's addresses are merged. Prints 'add <peer> success' per peer.", ""},
            footer = {"", "With --json: {\"ID\":…,\"Status\":\"success\"} per peer"})
    static final class Add extends CliCommand {
        @Parameters(arity = "1..*", paramLabel = "ADDRESS", description = "multiaddrs ending in /p2p/<peer ID>")
        private List<String> addresses;

        @Mixin
        private RepoOption repo;

        @Mixin
        private JsonOption output;

        @Override
        protected int run() throws Exception {
            results(console(), output, DaemonApi.askAll(repo.root(), "swarm/peering/add", addresses, Map.of()), "add");
            return 0;
        }
    }

    @Command(name = "ls", description = {"List the peers kept connected.", "",
            "Prints each peer's ID, then its addresses indented, as Kubo.", ""},
            footer = {"", "With --json: {\"Peers\":[{\"ID\":…,\"Addrs\":[…]}…]}"})
    static final class Ls extends CliCommand {
        @Mixin
        private RepoOption repo;

        @Mixin
        private JsonOption output;

        @Override
        protected int run() throws Exception {
            DaemonApi.Answer a = DaemonApi.ask(repo.root(), "swarm/peering/ls", List.of(), Map.of());
            if (output.json()) {
                console().println(a.json());
                return 0;
            }
            if (a.map().get("Peers").orElse(null) instanceof ListNode peers) {
                for (Node p : peers.values()) {
                    if (p instanceof MapNode m) {
                        console().println(text(m, "ID"));
                        if (m.get("Addrs").orElse(null) instanceof ListNode addrs) {
                            addrs.values().forEach(x -> console().println("\t" + (x instanceof StringNode s ? s.value() : x)));
                        }
                    }
                }
            }
            return 0;
        }
    }

    @Command(name = "rm", description = {"Stop keeping peers connected.", "",
            "Their connections stay open, no longer protected. Prints 'remove <peer> success' per peer.", ""},
            footer = {"", "With --json: {\"ID\":…,\"Status\":\"success\"} per peer"})
    static final class Rm extends CliCommand {
        @Parameters(arity = "1..*", paramLabel = "ID", description = "peer IDs")
        private List<String> peers;

        @Mixin
        private RepoOption repo;

        @Mixin
        private JsonOption output;

        @Override
        protected int run() throws Exception {
            results(console(), output, DaemonApi.askAll(repo.root(), "swarm/peering/rm", peers, Map.of()), "remove");
            return 0;
        }
    }
}
