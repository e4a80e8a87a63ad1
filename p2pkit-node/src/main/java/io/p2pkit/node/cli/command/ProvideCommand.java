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
import picocli.CommandLine.Parameters;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/** {@code p2pkit provide clear|stat}: the running daemon's provide queue and statistics, Kubo's {@code ipfs provide}. */
@Command(name = "provide", description = {"Control the running daemon's providing, as Kubo's 'ipfs provide'.", "",
        "These ask the daemon that holds the repository ($P2PKIT_HOME or --repo-dir).", ""},
        subcommands = {ProvideCommand.Once.class, ProvideCommand.Clear.class, ProvideCommand.Stat.class})
public final class ProvideCommand extends CliCommand {
    @Override
    protected int run() {
        throw new UsageException("missing subcommand: once, clear or stat");
    }

    @Command(name = "once", description = {"Announce CIDs to the DHT now.", "",
            "Has the running daemon announce each CID once, outside its reprovide schedule (which it leaves as it "
                    + "is), as Kubo 0.42's 'ipfs provide once': the arguments, or stdin's lines streamed to the "
                    + "daemon as they are read, so a list of any length ('p2pkit refs -r ROOT | p2pkit provide "
                    + "once') does not grow its memory. Each CID must be in the repository; with -r every block of "
                    + "its DAG is announced too. Each key is announced once over all the CIDs given. Prints 'queued "
                    + "N CID(s) for immediate provide' (on a terminal, a running count on stderr).", ""},
            footer = {"", "With --json: {\"Queued\":<cid>} per CID, as each is queued."})
    static final class Once extends CliCommand {
        @Parameters(paramLabel = "CID", arity = "0..*", description = "the CIDs (default: stdin's lines)")
        private List<String> cids = new java.util.ArrayList<>();

        @Option(names = {"-r", "--recursive"}, description = "announce every block of each CID's DAG too")
        private boolean recursive;

        @Mixin
        private RepoOption repo;

        @Mixin
        private JsonOption json;

        @Override
        protected int run() throws Exception {
            DaemonApi api = DaemonApi.require(repo.root());
            boolean terminal = !json.json() && io.p2pkit.node.cli.Terminal.stderrIsTerminal();
            long count = 0;
            Map<String, String> options = Map.of("recursive", Boolean.toString(recursive));
            try (api; java.io.InputStream in = new java.io.BufferedInputStream(cids.isEmpty()
                    ? upload(api, options) : api.post("provide/once", cids, options))) {
                for (io.p2pkit.ipfs.ipld.MapNode m; (m = DaemonApi.nextObject(in)) != null; ) {
                    count++;
                    if (json.json()) {
                        console().json(Map.of("Queued", DaemonApi.text(m, "Queued")));
                    } else if (terminal) {
                        console().err().print("\rqueued " + count + " CID(s) for immediate provide");
                        console().err().flush();
                    }
                }
            } finally {
                if (terminal && count > 0) {
                    console().err().println();
                }
            }
            if (!json.json() && !terminal) {
                console().println("queued " + count + " CID(s) for immediate provide");
            }
            return 0;
        }

        private java.io.InputStream upload(DaemonApi api, Map<String, String> options)
                throws java.io.IOException {
            io.p2pkit.node.cli.content.MultipartUpload stdin = io.p2pkit.node.cli.content.MultipartUpload.stdin(console().in());
            return api.upload("provide/once", List.of(), options, stdin.contentType(), stdin.body());
        }
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

    @Command(name = "stat", description = {"Show statistics about the daemon's provider system.", "",
            "Kubo 0.39's sweeping provider statistics: a brief summary (queues, keys and slices scheduled, average "
                    + "record holders, provides under way and done), or the sections asked for: connectivity, "
                    + "queues, schedule, timings, network, operations and workers (--all for every one, --compact "
                    + "for two columns). p2pkit's regions of the schedule are its 256 slices of the key space. "
                    + "With Provide.DHT.SweepEnabled false, Kubo's legacy statistics: keys announced, the average "
                    + "and last run's duration, the last run's time (no flags).", ""},
            footer = {"", "Prints Kubo's text; with --json {\"Sweep\":{…},\"Legacy\":null,\"FullRT\":false} "
                    + "(the legacy statistics under \"Legacy\" when the sweep is off). docs/BITSWAP.md says what "
                    + "each figure counts."})
    static final class Stat extends CliCommand {
        @Option(names = "--lan", description = "the LAN DHT's statistics (Kubo's dual DHT only: refused, as p2pkit "
                + "runs one DHT)")
        private boolean lan;

        @Option(names = {"-a", "--all"}, description = "every section")
        private boolean all;

        @Option(names = "--compact", description = "two columns side by side (with --all)")
        private boolean compact;

        @Option(names = "--connectivity", description = "whether the DHT has peers, since when")
        private boolean connectivity;

        @Option(names = "--network", description = "the peers the last cycle reached, region size, replication")
        private boolean network;

        @Option(names = "--schedule", description = "keys and slices scheduled, the next slice and its time")
        private boolean schedule;

        @Option(names = "--timings", description = "uptime, the cycle's start and offset, the interval")
        private boolean timings;

        @Option(names = "--workers", description = "the sweepers, active and available")
        private boolean workers;

        @Option(names = "--operations", description = "provides under way and done, rates, errors")
        private boolean operations;

        @Option(names = "--queues", description = "keys waiting for their first announcement, slices overdue")
        private boolean queues;

        @Mixin
        private RepoOption repo;

        @Mixin
        private JsonOption json;

        @Override
        protected int run() throws Exception {
            String[] names = {"lan", "all", "compact", "connectivity", "network", "schedule", "timings", "workers",
                    "operations", "queues"};
            boolean[] set = {lan, all, compact, connectivity, network, schedule, timings, workers, operations, queues};
            Map<String, String> options = new java.util.LinkedHashMap<>();
            for (int i = 0; i < names.length; i++) {
                options.put(names[i], Boolean.toString(set[i]));
            }
            options.put("encoding", json.json() ? "json" : "text");
            console().out().print(new String(DaemonApi.answerBytes(repo.root(), "provide/stat", List.of(), options),
                    StandardCharsets.UTF_8));
            console().out().flush();
            return 0;
        }
    }
}
