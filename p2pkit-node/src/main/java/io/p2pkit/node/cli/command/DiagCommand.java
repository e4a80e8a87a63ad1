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

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@code p2pkit diag sys|cmds|profile|healthy}: the running daemon's diagnostics, Kubo's {@code ipfs diag}. */
@Command(name = "diag", description = {
        "Show the running daemon's diagnostics, as Kubo's 'ipfs diag'.",
        "",
        "These ask the daemon that holds the repository ($P2PKIT_HOME or --repo-dir).",
        ""},
        subcommands = {DiagCommand.Sys.class, DiagCommand.Cmds.class, DiagCommand.Profile.class, DiagCommand.Healthy.class})
public final class DiagCommand extends CliCommand {
    @Override
    protected int run() {
        throw new UsageException("missing subcommand: sys, cmds, profile or healthy");
    }

    @Command(name = "healthy", description = {"Report whether the running daemon is operational.", "",
            "Kubo 0.42's, for container health checks: prints 'ok' and exits 0 when the daemon answers, is not "
                    + "shutting down and reads the empty directory from its repository; exits 1 otherwise (no daemon "
                    + "included).", ""},
            footer = {"", "With --json: \"ok\"."})
    static final class Healthy extends CliCommand {
        @Mixin
        private RepoOption repo;

        @Mixin
        private JsonOption output;

        @Override
        protected int run() throws Exception {
            byte[] answer = DaemonApi.answerBytes(repo.root(), "diag/healthy", List.of(),
                    output.json() ? Map.of() : Map.of("encoding", "text"));
            console().out().print(new String(answer, java.nio.charset.StandardCharsets.UTF_8));
            return 0;
        }
    }

    @Command(name = "profile", description = {"Collect a profile of the running daemon into a zip file.", "",
            "Kubo's 'ipfs diag profile' for the JVM: thread stacks (threads.stacks), a thread dump with the virtual "
                    + "threads (threads.json), version.json, a class histogram (heap.histogram), the JVM and its jars "
                    + "(jvm.json) and, for the profile time, one Flight Recorder recording (profile.jfr) for cpu, "
                    + "allocs, mutex, block and trace. 'heap-dump' (heap.hprof, the whole heap: keys and content "
                    + "included) only when named. One profile at a time; at most 10m.", ""},
            footer = {"", "Prints 'Wrote profiles to: FILE'; with --json {\"File\":FILE}."})
    static final class Profile extends CliCommand {
        @Option(names = {"-o", "--output"}, paramLabel = "FILE",
                description = "where the zip goes (default: ./p2pkit-profile-<time>.zip)")
        private Path output;

        @Option(names = "--collectors", split = ",", paramLabel = "NAME",
                description = "what to collect (default: Kubo's list: goroutines-stack, goroutines-pprof, version, "
                        + "heap, allocs, bin, cpu, mutex, block, trace)")
        private List<String> collectors;

        @Option(names = "--profile-time", paramLabel = "DURATION",
                description = "how long the sampling collectors record, a Go duration (default 30s; 0 skips them)")
        private String profileTime;

        @Option(names = "--mutex-profile-fraction", paramLabel = "N",
                description = "Kubo's mutex fraction: 0 or less skips mutex (default 4)")
        private Integer mutexFraction;

        @Option(names = "--block-profile-rate", paramLabel = "DURATION",
                description = "the shortest blocking recorded for block (default 1ms; 0 skips block)")
        private String blockRate;

        @Mixin
        private RepoOption repo;

        @Mixin
        private JsonOption json;

        @Override
        protected int run() throws Exception {
            List<Map.Entry<String, String>> options = new ArrayList<>();
            for (String c : collectors == null ? List.<String>of() : collectors) {
                options.add(Map.entry("collectors", c));
            }
            if (profileTime != null) {
                options.add(Map.entry("profile-time", profileTime));
            }
            if (mutexFraction != null) {
                options.add(Map.entry("mutex-profile-fraction", mutexFraction.toString()));
            }
            if (blockRate != null) {
                options.add(Map.entry("block-profile-rate", blockRate));
            }
            Path file = output != null ? output : Path.of("p2pkit-profile-" + DateTimeFormatter
                    .ofPattern("yyyy-MM-dd'T'HH_mm_ssXXX").format(OffsetDateTime.now()).replace(':', '_') + ".zip");
            DaemonApi api = DaemonApi.require(repo.root());
            try (api; InputStream in = api.post("diag/profile", List.of(), options)) {
                try (OutputStream out = Files.newOutputStream(file)) {
                    in.transferTo(out);
                } catch (IOException | RuntimeException e) {
                    Files.deleteIfExists(file); // no half a zip
                    throw e;
                }
            }
            json.print(console(), Map.of("File", file.toString()), "Wrote profiles to: " + file);
            return 0;
        }
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
