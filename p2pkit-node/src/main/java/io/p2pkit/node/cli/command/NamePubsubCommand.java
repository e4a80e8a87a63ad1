package io.p2pkit.node.cli.command;

import io.p2pkit.node.cli.CliCommand;
import io.p2pkit.node.cli.Console;
import io.p2pkit.node.cli.UsageException;
import io.p2pkit.node.cli.content.DaemonApi;
import io.p2pkit.node.cli.options.JsonOption;
import io.p2pkit.node.cli.options.RepoOption;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@code p2pkit name pubsub state|subs|cancel}: the running daemon's IPNS over pubsub, Kubo's {@code ipfs name pubsub}. */
@Command(name = "pubsub", description = {
        "Manage IPNS over pubsub in the running daemon, as Kubo's 'ipfs name pubsub'.",
        "",
        "These ask the daemon that holds the repository ($P2PKIT_HOME or --repo-dir); it runs IPNS over pubsub when "
                + "started with --enable-namesys-pubsub (or Ipns.UsePubsub in its config).",
        ""},
        subcommands = {NamePubsubCommand.State.class, NamePubsubCommand.Subs.class, NamePubsubCommand.Cancel.class})
public final class NamePubsubCommand extends CliCommand {
    @Override
    protected int run() {
        throw new UsageException("missing subcommand: state, subs or cancel");
    }

    /** Prints the daemon's answer: Kubo's text, or the JSON object with {@code --json}. */
    private static void print(Console console, Path root, JsonOption output, String command, List<String> args,
                              Map<String, String> given) throws Exception {
        Map<String, String> options = new LinkedHashMap<>(given);
        if (!output.json()) {
            options.put("encoding", "text"); // the daemon writes Kubo's text itself
        }
        byte[] answer = DaemonApi.answerBytes(root, "name/pubsub/" + command, args, options);
        console.out().print(new String(answer, StandardCharsets.UTF_8));
        console.out().flush();
    }

    @Command(name = "state", description = {"Show whether IPNS over pubsub is on.", ""},
            footer = {"", "Prints 'enabled' or 'disabled'; with --json {\"Enabled\":true|false}."})
    static final class State extends CliCommand {
        @Mixin
        private RepoOption repo;

        @Mixin
        private JsonOption output;

        @Override
        protected int run() throws Exception {
            print(console(), repo.root(), output, "state", List.of(), Map.of());
            return 0;
        }
    }

    @Command(name = "subs", description = {"Show the names whose pubsub topics the daemon is subscribed to.", ""},
            footer = {"", "One /ipns/<name> a line; with --json {\"Strings\":[…]} (null when there are none, as Kubo)."})
    static final class Subs extends CliCommand {
        @Option(names = "--ipns-base", paramLabel = "BASE", description = "how names are written: base36 (default), "
                + "base32 or b58mh")
        private String ipnsBase;

        @Mixin
        private RepoOption repo;

        @Mixin
        private JsonOption output;

        @Override
        protected int run() throws Exception {
            print(console(), repo.root(), output, "subs", List.of(),
                    ipnsBase == null ? Map.of() : Map.of("ipns-base", ipnsBase));
            return 0;
        }
    }

    @Command(name = "cancel", description = {"Cancel the subscription to a name's pubsub topic.", ""},
            footer = {"", "Prints 'canceled' or 'no subscription'; with --json {\"Canceled\":true|false}."})
    static final class Cancel extends CliCommand {
        @Parameters(index = "0", paramLabel = "NAME", description = "the name, /ipns/<key> or <key>")
        private String name;

        @Mixin
        private RepoOption repo;

        @Mixin
        private JsonOption output;

        @Override
        protected int run() throws Exception {
            print(console(), repo.root(), output, "cancel", List.of(name), Map.of());
            return 0;
        }
    }
}
