package io.p2pkit.node.cli.command;

import io.p2pkit.node.NodeVersion;
import io.p2pkit.node.cli.CliCommand;
import io.p2pkit.node.cli.content.RuntimeDependencies;
import io.p2pkit.node.cli.content.DaemonApi;
import io.p2pkit.node.cli.options.JsonOption;
import io.p2pkit.node.cli.options.RepoOption;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@code p2pkit version}: the version of p2pkit and of the Java runtime it runs on. */
@Command(name = "version", description = {"Show the p2pkit version.", "", "Prints the p2pkit version and the Java runtime.", ""},
        footer = {"", "With --json: {\"version\":…,\"java\":…,\"os\":…,\"arch\":…}"},
        subcommands = {VersionCommand.Deps.class, VersionCommand.Check.class})
public final class VersionCommand extends CliCommand {
    @Mixin
    private JsonOption output;

    @Override
    public int run() {
        String java = System.getProperty("java.runtime.version", System.getProperty("java.version"));
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("version", NodeVersion.get());
        o.put("java", java);
        o.put("os", System.getProperty("os.name"));
        o.put("arch", System.getProperty("os.arch"));
        output.print(console(), o, "p2pkit version " + NodeVersion.get() + "\njava " + java + " on "
                + System.getProperty("os.name") + "/" + System.getProperty("os.arch"));
        return 0;
    }

    /** {@code p2pkit version deps}: the libraries this p2pkit runs with, as Kubo's {@code ipfs version deps} lists Go modules. */
    @Command(name = "deps", description = {"List the libraries p2pkit runs with.", "",
            "p2pkit first, then each library on the class path by its Maven coordinates, 'groupId:artifactId@version', "
                    + "as Kubo lists its Go modules ('path@version').", ""},
            footer = {"", "With --json: {\"Path\",\"Version\",\"ReplacedBy\",\"Sum\"} per library, Kubo's shape "
                    + "(ReplacedBy and Sum empty)."})
    static final class Deps extends CliCommand {
        @Mixin
        private JsonOption output;

        @Override
        protected int run() {
            for (RuntimeDependencies.Dependency d : RuntimeDependencies.list()) {
                output.print(console(), d.json(), d.line());
            }
            return 0;
        }
    }

    /**
     * {@code p2pkit version check}: the running daemon's version against its peers', Kubo's
     * {@code ipfs version check}.
     */
    @Command(name = "check", description = {"Check the daemon's version against its peers'.", "",
            "Asks the daemon that holds the repository ($P2PKIT_HOME or --repo-dir) to compare its release with "
                    + "the p2pkit releases its DHT routing table's peers announce (their identify agent, "
                    + "'p2pkit/<version>'; other agents, pre-releases and builds are not counted; the daemon counts "
                    + "itself). An update is available when at least --min-percent of those sampled run a newer "
                    + "release. Printed as Kubo's CLI prints it: its JSON object.", ""},
            footer = {"", "With --json: the same {\"UpdateAvailable\",\"RunningVersion\",\"GreatestVersion\","
                    + "\"PeersSampled\",\"WithGreaterVersion\"}."})
    static final class Check extends CliCommand {
        @Option(names = {"-t", "--min-percent"}, paramLabel = "PERCENT", defaultValue = "5",
                description = "the share (1-100) of sampled peers with a newer release that makes an update available "
                        + "(default: ${DEFAULT-VALUE})")
        private int minPercent;

        @Mixin
        private RepoOption repo;

        @Mixin
        private JsonOption output;

        @Override
        protected int run() throws Exception {
            DaemonApi.Answer a = DaemonApi.ask(repo.root(), "version/check", List.of(),
                    Map.of("min-percent", Integer.toString(minPercent)));
            output.print(console(), a, List.of(a.json()));
            return 0;
        }
    }
}
