package io.p2pkit.node.cli.command;

import io.p2pkit.node.cli.Args;
import io.p2pkit.node.cli.Command;
import io.p2pkit.node.cli.Console;
import io.p2pkit.node.NodeVersion;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@code p2pkit version}: the version of p2pkit and of the Java runtime it runs on. */
public final class VersionCommand implements Command {
    @Override
    public String name() {
        return "version";
    }

    @Override
    public String summary() {
        return "Show the p2pkit version";
    }

    @Override
    public String help() {
        return """
                Usage: p2pkit version [--json]

                Prints the p2pkit version and the Java runtime.

                Options:
                  --json   print {"version":…,"java":…,"os":…,"arch":…}""";
    }

    @Override
    public int run(List<String> argv, Console console) {
        Args args = Args.parse(argv, List.of("json"), List.of()).requirePositional(0, 0, "");
        String java = System.getProperty("java.runtime.version", System.getProperty("java.version"));
        if (args.flag("json")) {
            Map<String, Object> o = new LinkedHashMap<>();
            o.put("version", NodeVersion.get());
            o.put("java", java);
            o.put("os", System.getProperty("os.name"));
            o.put("arch", System.getProperty("os.arch"));
            console.json(o);
        } else {
            console.println("p2pkit version " + NodeVersion.get());
            console.println("java " + java + " on " + System.getProperty("os.name") + "/" + System.getProperty("os.arch"));
        }
        return 0;
    }
}
