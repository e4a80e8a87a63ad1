package io.p2pkit.node.cli.command;

import io.p2pkit.node.cli.CliCommand;
import io.p2pkit.node.cli.CommandFailedException;
import io.p2pkit.node.cli.UsageException;
import io.p2pkit.node.cli.content.DaemonApi;
import io.p2pkit.node.cli.options.JsonOption;
import io.p2pkit.node.cli.options.RepoOption;
import io.p2pkit.node.config.KuboConfig;
import io.p2pkit.node.json.Json;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@code p2pkit diag sys|cmds}: the running daemon's diagnostics, Kubo's {@code ipfs diag}. */
@Command(name = "diag", description = {
        "Show the running daemon's diagnostics, as Kubo's 'ipfs diag'.",
        "",
        "These ask the daemon that holds the repository ($P2PKIT_HOME or --repo-dir).",
        ""},
        subcommands = {DiagCommand.Sys.class, DiagCommand.Cmds.class})
public final class DiagCommand extends CliCommand {
    @Override
    protected int run() {
        throw new UsageException("missing subcommand: sys or cmds");
    }

    @Command(name = "sys", description = {"Show the daemon's system information.", "",
            "Kubo's map, which Kubo's CLI prints as JSON: the runtime (the JVM's), the environment, the disk "
                    + "of the repository, the process's memory, the network interfaces' addresses and the version.", ""},
            footer = {"", "With --json: the same object."})
    static final class Sys extends CliCommand {
        @Mixin
        private RepoOption repo;

        @Mixin
        private JsonOption output;

        @Override
        protected int run() throws Exception {
            DaemonApi.Answer a = DaemonApi.ask(repo.root(), "diag/sys", List.of(), Map.of());
            output.print(console(), a, List.of(a.json()));
            return 0;
        }
    }

    @Command(name = "cmds", description = {"List the requests the daemon runs and recently ran.", "",
            "Kubo's table: Command, Active, StartTime and RunTime (with -v the ID, the arguments and the options "
                    + "too). A finished request is listed for as long as 'diag cmds set-time' says (none by default).", ""},
            footer = {"", "With --json: one {\"StartTime\",\"EndTime\",\"Active\",\"Command\",\"Options\",\"Args\",\"ID\"} "
                    + "a line."},
            subcommands = {Cmds.Clear.class, Cmds.SetTime.class})
    static final class Cmds extends CliCommand {
        @Option(names = {"-v", "--verbose"}, description = "show the ID, the arguments and the options too")
        private boolean verbose;

        @Mixin
        private RepoOption repo;

        @Mixin
        private JsonOption output;

        @Override
        protected int run() throws Exception {
            if (!output.json()) {
                // the daemon writes Kubo's table itself
                Map<String, String> options = new LinkedHashMap<>();
                options.put("encoding", "text");
                options.put("verbose", Boolean.toString(verbose));
                byte[] table = DaemonApi.answerBytes(repo.root(), "diag/cmds", List.of(), options);
                console().out().print(new String(table, StandardCharsets.UTF_8));
                console().out().flush();
                return 0;
            }
            byte[] answer = DaemonApi.answerBytes(repo.root(), "diag/cmds", List.of(), Map.of());
            String json = new String(answer, StandardCharsets.UTF_8);
            if (!(KuboConfig.parseJson(json) instanceof List<?> entries)) {
                throw new CommandFailedException("the daemon's answer to diag/cmds is not a list: " + json.strip());
            }
            for (Object entry : entries) {
                console().println(Json.write(entry)); // the daemon's fields, in its order
            }
            return 0;
        }

        @Command(name = "clear", description = {"Forget the requests that have finished.", ""},
                footer = {"", "Prints nothing, as Kubo; with --json nothing either."})
        static final class Clear extends CliCommand {
            @Mixin
            private RepoOption repo;

            @Mixin
            private JsonOption output;

            @Override
            protected int run() throws Exception {
                DaemonApi.answerBytes(repo.root(), "diag/cmds/clear", List.of(), Map.of());
                return 0;
            }
        }

        @Command(name = "set-time", description = {"Set how long finished requests are listed.", "",
                "A Go duration: 30s, 5m, 1h30m.", ""},
                footer = {"", "Prints nothing, as Kubo; with --json nothing either."})
        static final class SetTime extends CliCommand {
            @Parameters(index = "0", paramLabel = "TIME", description = "how long, as a Go duration (1m)")
            private String time;

            @Mixin
            private RepoOption repo;

            @Mixin
            private JsonOption output;

            @Override
            protected int run() throws Exception {
                DaemonApi.answerBytes(repo.root(), "diag/cmds/set-time", List.of(time), Map.of());
                return 0;
            }
        }
    }
}
