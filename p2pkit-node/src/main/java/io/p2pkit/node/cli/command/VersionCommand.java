package io.p2pkit.node.cli.command;

import io.p2pkit.node.NodeVersion;
import io.p2pkit.node.cli.CliCommand;
import io.p2pkit.node.cli.content.RuntimeDependencies;
import io.p2pkit.node.cli.options.JsonOption;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

import java.util.LinkedHashMap;
import java.util.Map;

/** {@code p2pkit version}: the version of p2pkit and of the Java runtime it runs on. */
@Command(name = "version", description = {"Show the p2pkit version.", "", "Prints the p2pkit version and the Java runtime.", ""},
        footer = {"", "With --json: {\"version\":…,\"java\":…,\"os\":…,\"arch\":…}"},
        subcommands = VersionCommand.Deps.class)
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
}
