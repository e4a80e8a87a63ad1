package io.p2pkit.node.cli.command;

import io.p2pkit.node.NodeVersion;
import io.p2pkit.node.cli.CliCommand;
import io.p2pkit.node.cli.options.JsonOption;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

import java.util.LinkedHashMap;
import java.util.Map;

/** {@code p2pkit version}: the version of p2pkit and of the Java runtime it runs on. */
@Command(name = "version", description = {"Show the p2pkit version.", "", "Prints the p2pkit version and the Java runtime.", ""},
        footer = {"", "With --json: {\"version\":…,\"java\":…,\"os\":…,\"arch\":…}"})
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
}
