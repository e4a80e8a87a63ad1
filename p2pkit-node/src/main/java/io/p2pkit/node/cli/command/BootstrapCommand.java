package io.p2pkit.node.cli.command;

import io.p2pkit.node.cli.CliCommand;
import io.p2pkit.node.cli.CommandFailedException;
import io.p2pkit.node.cli.Console;
import io.p2pkit.node.cli.content.BootstrapList;
import io.p2pkit.node.cli.options.JsonOption;
import io.p2pkit.node.cli.options.RepoOption;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code p2pkit bootstrap [list|add|rm]}: the repository's bootstrap list, as Kubo's
 * {@code ipfs bootstrap}, edited in the config file offline; the daemon reads it when it starts.
 */
@Command(name = "bootstrap", description = {
        "Show or edit the repository's bootstrap list, as Kubo's 'ipfs bootstrap'.",
        "",
        "The bootstrap list (the config's Bootstrap) names the trusted peers the daemon joins the network "
                + "through: each '<multiaddr>/p2p/<peer ID>'. Without a subcommand, lists it. Works on the "
                + "repository's config file ($P2PKIT_HOME/config or --repo-dir), with or without a running daemon; "
                + "a daemon takes a change when it starts again, and its --bootstrap option wins over the list. "
                + "p2pkit has no default list: 'add default' (or --default) is refused.",
        ""},
        footer = {"", "With --json: {\"Peers\":[…]}"},
        subcommands = {BootstrapCommand.ListPeers.class, BootstrapCommand.Add.class, BootstrapCommand.Rm.class})
public final class BootstrapCommand extends CliCommand {
    @Mixin
    private RepoOption repo;

    @Mixin
    private JsonOption output;

    @Override
    protected int run() throws Exception {
        print(console(), output, "", BootstrapList.read(repo.root()));
        return 0;
    }

    /** An edit of the list; Kubo's refusals fail the command with its text. */
    private interface Edit {
        List<String> run() throws IOException;
    }

    private static void edit(Console console, RepoOption repo, JsonOption output, String prefix, Edit edit)
            throws IOException {
        List<String> changed;
        try {
            changed = edit.run();
        } catch (BootstrapList.BootstrapException | io.p2pkit.node.config.KuboConfig.EditException e) {
            throw new CommandFailedException(e.getMessage());
        }
        print(console, output, prefix, changed);
        ConfigCommand.noteRunningDaemon(console, repo.root(), "p2pkit bootstrap");
    }

    /** Kubo's text (the peers sorted, one a line, after {@code prefix}), or {@code {"Peers":[…]}}. */
    private static void print(Console console, JsonOption output, String prefix, List<String> peers) {
        if (output.json()) {
            console.json(Map.of("Peers", peers));
            return;
        }
        List<String> sorted = new ArrayList<>(peers);
        sorted.sort(null);
        sorted.forEach(p -> console.println(prefix + p));
    }

    @Command(name = "list", description = {"Show the bootstrap list.", "", "One '<multiaddr>/p2p/<peer ID>' a line.", ""},
            footer = {"", "With --json: {\"Peers\":[…]}"})
    static final class ListPeers extends CliCommand {
        @Mixin
        private RepoOption repo;

        @Mixin
        private JsonOption output;

        @picocli.CommandLine.Option(names = "--expand-auto", description = "list \"auto\" replaced by the kept AutoConf "
                + "document's peers (nothing is fetched; none without AutoConf.URL)")
        private boolean expandAuto;

        @Override
        protected int run() throws Exception {
            print(console(), output, "", expandAuto ? BootstrapList.expanded(repo.root()) : BootstrapList.read(repo.root()));
            return 0;
        }
    }

    @Command(name = "add", description = {"Add peers to the bootstrap list.", "",
            "Prints 'added <peer>' for each one given (also one the list held: it moves to the front). Each must "
                    + "be a multiaddr ending in /p2p/<peer ID> after a transport. 'default' (Kubo's public list) is "
                    + "refused: p2pkit joins only the peers it is given.", ""},
            footer = {"", "With --json: {\"Peers\":[…]}, the peers added"})
    static final class Add extends CliCommand {
        @Parameters(arity = "0..*", paramLabel = "PEER", description = "<multiaddr>/p2p/<peer ID>")
        private List<String> peers = new ArrayList<>();

        @Option(names = "--default", description = "add Kubo's default list: refused, p2pkit has none")
        private boolean defaults;

        @Mixin
        private RepoOption repo;

        @Mixin
        private JsonOption output;

        @Override
        protected int run() throws Exception {
            List<String> given = defaults ? List.of("default") : peers;
            edit(console(), repo, output, "added ", () -> BootstrapList.add(repo.root(), given));
            return 0;
        }
    }

    @Command(name = "rm", description = {"Remove peers from the bootstrap list.", "",
            "Prints 'removed <peer>' for each address removed: /p2p/<peer ID> alone removes every address of the "
                    + "peer. 'rm all' (or --all) empties the list.", ""},
            footer = {"", "With --json: {\"Peers\":[…]}, the addresses removed"})
    static final class Rm extends CliCommand {
        @Parameters(arity = "0..*", paramLabel = "PEER", description = "<multiaddr>/p2p/<peer ID>, /p2p/<peer ID>, or all")
        private List<String> peers = new ArrayList<>();

        @Option(names = "--all", description = "remove every peer")
        private boolean all;

        @Mixin
        private RepoOption repo;

        @Mixin
        private JsonOption output;

        @Override
        protected int run() throws Exception {
            boolean everything = all || peers.equals(List.of("all"));
            edit(console(), repo, output, "removed ", () -> everything ? BootstrapList.removeAll(repo.root())
                    : BootstrapList.remove(repo.root(), peers));
            return 0;
        }
    }
}
