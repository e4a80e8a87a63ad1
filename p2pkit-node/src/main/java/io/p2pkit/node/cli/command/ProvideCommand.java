package io.p2pkit.node.cli.command;

import io.p2pkit.node.cli.CliCommand;
import io.p2pkit.node.cli.CommandFailedException;
import io.p2pkit.node.cli.UsageException;
import io.p2pkit.node.cli.content.DaemonApi;
import io.p2pkit.node.cli.options.JsonOption;
import io.p2pkit.node.cli.options.RepoOption;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/** {@code p2pkit provide clear|stat}: the running daemon's provide queue and statistics, Kubo's {@code ipfs provide}. */
@Command(name = "provide", description = {"Control the running daemon's providing, as Kubo's 'ipfs provide'.", "",
        "These ask the daemon that holds the repository ($P2PKIT_HOME or --repo-dir).", ""},
        subcommands = {ProvideCommand.Clear.class, ProvideCommand.Stat.class})
public final class ProvideCommand extends CliCommand {
    @Override
    protected int run() {
        throw new UsageException("missing subcommand: clear or stat");
    }

    @Command(name = "clear", description = {"Drop the keys waiting for their first announcement.", "",
            "New blocks' keys wait in a queue (at most 10,000) for one of 32 announcement slots; this empties it. "
                    + "Announcements under way finish, and the blocks stay: the next reprovide run announces them "
                    + "if the strategy names them.", ""},
            footer = {"", "Prints 'removed N items from provide queue', as Kubo; with --json N; with -q nothing."})
    static final class Clear extends CliCommand {
        @Option(names = {"-q", "--quiet"}, description = "do not write output")
        private boolean quiet;

        @Mixin
        private RepoOption repo;

        @Mixin
        private JsonOption json;

        @Override
        protected int run() throws Exception {
            String answer = new String(DaemonApi.answerBytes(repo.root(), "provide/clear", List.of(),
                    Map.of("quiet", Boolean.toString(quiet))), StandardCharsets.UTF_8).strip();
            if (quiet) {
                return 0;
            }
            if (!answer.matches("\\d+")) {
                throw new CommandFailedException("the daemon's answer to provide/clear is not a count: " + answer);
            }
            if (json.json()) {
                console().println(answer);
            } else {
                console().println("removed " + answer + " items from provide queue");
            }
            return 0;
        }
    }

    @Command(name = "stat", description = {"Show what the daemon's reprovider did.", "",
            "Kubo's legacy provider statistics (p2pkit announces every key once per interval, each its own DHT "
                    + "lookup): keys announced, the average and last run's duration, the last run's time and size, "
                    + "the interval.", ""},
            footer = {"", "Prints Kubo's table; with --json {\"Sweep\":null,\"Legacy\":{…},\"FullRT\":false}."})
    static final class Stat extends CliCommand {
        @Option(names = "--lan", description = "the LAN DHT's statistics (Kubo's sweep provider only: refused, as Kubo)")
        private boolean lan;

        @Mixin
        private RepoOption repo;

        @Mixin
        private JsonOption json;

        @Override
        protected int run() throws Exception {
            console().out().print(new String(DaemonApi.answerBytes(repo.root(), "provide/stat", List.of(),
                    Map.of("lan", Boolean.toString(lan), "encoding", json.json() ? "json" : "text")),
                    StandardCharsets.UTF_8));
            console().out().flush();
            return 0;
        }
    }
}
