package io.p2pkit.node.cli.command;

import io.p2pkit.ipfs.ipld.MapNode;
import io.p2pkit.ipfs.ipld.StringNode;
import io.p2pkit.node.cli.CliCommand;
import io.p2pkit.node.cli.UsageException;
import io.p2pkit.node.cli.content.DaemonApi;
import io.p2pkit.node.cli.options.JsonOption;
import io.p2pkit.node.cli.options.RepoOption;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** {@code p2pkit log ls|level|tail}: the running daemon's loggers, their levels and records, Kubo's {@code ipfs log}. */
@Command(name = "log", description = {
        "List the running daemon's loggers, get or set their levels and follow their records, as Kubo's 'ipfs log'.",
        "",
        "A subsystem is a logger's name: a class (io.p2pkit.kad.KadDht) or a prefix its classes follow "
                + "(io.p2pkit.kad). Levels are Kubo's: debug, info, warn, error, dpanic, panic, fatal. These ask "
                + "the daemon that holds the repository ($P2PKIT_HOME or --repo-dir).",
        ""},
        subcommands = {LogCommand.Ls.class, LogCommand.Level.class, LogCommand.Tail.class})
public final class LogCommand extends CliCommand {
    @Override
    protected int run() {
        throw new UsageException("missing subcommand: ls, level or tail");
    }

    @Command(name = "ls", description = {"List the daemon's loggers.", "", "One name a line, sorted.", ""},
            footer = {"", "With --json: {\"Strings\":[…]}"})
    static final class Ls extends CliCommand {
        @Mixin
        private RepoOption repo;

        @Mixin
        private JsonOption output;

        @Override
        protected int run() throws Exception {
            DaemonApi.Answer a = DaemonApi.ask(repo.root(), "log/ls", List.of(), Map.of());
            output.print(console(), a, a.strings("Strings"));
            return 0;
        }
    }

    @Command(name = "level", description = {"Get or set the level of a logger, or of all.", "",
            "Without arguments prints the default level; with a subsystem (or 'all') its level (all levels, "
                    + "'name: level', for 'all'); with a level too, sets it ('default': the default level's) and "
                    + "prints Kubo's 'Changed log level of ...'. 'all' (or '*') sets every logger and the default.", ""},
            footer = {"", "With --json: {\"Message\":…} when set, {\"Levels\":{…}} when asked"})
    static final class Level extends CliCommand {
        @Parameters(arity = "0..2", paramLabel = "SUBSYSTEM [LEVEL]", description = "a logger's name or all, then the level")
        private List<String> args = new ArrayList<>();

        @Mixin
        private RepoOption repo;

        @Mixin
        private JsonOption output;

        @Override
        protected int run() throws Exception {
            DaemonApi.Answer a = DaemonApi.ask(repo.root(), "log/level", args, Map.of());
            List<String> lines = new ArrayList<>();
            if (!DaemonApi.text(a.map(), "Message").isEmpty()) {
                lines.add(DaemonApi.text(a.map(), "Message").stripTrailing());
            } else if (a.map().get("Levels").orElse(null) instanceof MapNode levels) {
                // as Kubo's CLI: the level alone for one logger, 'name: level' for several
                levels.forEach((name, level) -> lines.add((levels.size() > 1 ? name + ": " : "")
                        + (level instanceof StringNode s ? s.value() : level.toString())));
                lines.sort(null);
            }
            output.print(console(), a, lines);
            return 0;
        }
    }

    @Command(name = "tail", description = {"Print the daemon's log records as they are written.", "",
            "One JSON object a line, as Kubo's: level, ts, logger, caller, msg (and error for a record with an "
                    + "exception). Every record the loggers' levels let through ('log level'), or those at --log-level "
                    + "and above. Runs until stopped (Ctrl-C) or the daemon stops.", ""},
            footer = {"", "With --json: the same lines."})
    static final class Tail extends CliCommand {
        @Option(names = "--log-level", paramLabel = "LEVEL", description = "only records at this level or above: "
                + "debug, info, warn, error, dpanic, panic, fatal")
        private String level = "";

        @Mixin
        private RepoOption repo;

        @Mixin
        private JsonOption output;

        @Override
        protected int run() throws Exception {
            DaemonApi api = DaemonApi.require(repo.root());
            try (api; BufferedReader lines = new BufferedReader(new InputStreamReader(
                    api.post("log/tail", List.of(), Map.of("log-level", level)), StandardCharsets.UTF_8))) {
                for (String line; (line = lines.readLine()) != null; ) {
                    console().println(line); // the daemon's JSON line as it is, in either mode
                }
            }
            return 0;
        }
    }
}
