package io.p2pkit.node.cli;

import io.p2pkit.core.DecodeException;
import io.p2pkit.node.cli.command.DaemonCommand;
import io.p2pkit.node.cli.command.IdCommand;
import io.p2pkit.node.cli.command.PerfCommand;
import io.p2pkit.node.cli.command.PingCommand;
import io.p2pkit.node.cli.command.RoutingCommand;
import io.p2pkit.node.cli.command.PubsubCommand;
import io.p2pkit.node.cli.command.TransportInteropCommand;
import io.p2pkit.node.cli.command.VersionCommand;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Entry point of the {@code p2pkit} command. Exit status: 0 success, 1 the operation failed,
 * 2 usage error. Results go to stdout, diagnostics to stderr.
 */
public final class Main {
    /** Exit status for success. */
    public static final int OK = 0;
    /** Exit status when the operation failed. */
    public static final int FAILED = 1;
    /** Exit status for a wrong command line. */
    public static final int USAGE = 2;

    private final Map<String, Command> commands = new LinkedHashMap<>();

    /** A command table with every built-in command. */
    public Main() {
        for (Command c : List.of(new VersionCommand(), new IdCommand(), new DaemonCommand(), new PingCommand(),
                new TransportInteropCommand(), new PerfCommand(), new RoutingCommand(),
                new PubsubCommand())) {
            commands.put(c.name(), c);
        }
    }

    public static void main(String[] args) {
        PrintStream out = new PrintStream(System.out, false, StandardCharsets.UTF_8);
        PrintStream err = new PrintStream(System.err, true, StandardCharsets.UTF_8);
        int status = new Main().run(Arrays.asList(args), new Console(out, err));
        out.flush();
        System.exit(status);
    }

    /** Runs one command line and returns its exit status; never calls {@code System.exit}. */
    public int run(List<String> argv, Console console) {
        if (argv.isEmpty()) {
            console.info(usage());
            return USAGE;
        }
        if (argv.get(0).equals("--help") || argv.get(0).equals("-h")
                || argv.get(0).equals("help") && argv.size() == 1) {
            console.println(usage());
            return OK;
        }
        String name = argv.get(0);
        List<String> rest = argv.subList(1, argv.size());
        if (name.equals("help")) {
            // `p2pkit help CMD` is `p2pkit CMD --help`.
            name = rest.get(0);
            rest = List.of("--help");
        }
        if (name.equals("--version")) {
            name = "version";
        }
        Command command = commands.get(name);
        if (command == null) {
            console.info("p2pkit: unknown command '" + name + "'");
            console.info("Run 'p2pkit --help' for the list of commands.");
            return USAGE;
        }
        if (rest.contains("--help") || rest.contains("-h")) {
            console.println(command.help());
            return OK;
        }
        try {
            return command.run(rest, console);
        } catch (UsageException e) {
            console.info("p2pkit " + command.name() + ": " + e.getMessage());
            console.info("Run 'p2pkit " + command.name() + " --help' for usage.");
            return USAGE;
        } catch (DecodeException e) {
            console.info("p2pkit " + command.name() + ": invalid input: " + e.getMessage());
            return FAILED;
        } catch (Exception e) {
            String msg = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            console.info("p2pkit " + command.name() + ": error: " + msg);
            if (System.getenv("P2PKIT_DEBUG") != null) {
                e.printStackTrace(console.err());
            }
            return FAILED;
        }
    }

    private String usage() {
        StringBuilder sb = new StringBuilder();
        sb.append("p2pkit: a libp2p node and IPFS peer for the JVM\n\n");
        sb.append("Usage: p2pkit COMMAND [OPTIONS]\n\nCommands:\n");
        for (Command c : commands.values()) {
            sb.append(String.format("  %-10s %s%n", c.name(), c.summary()));
        }
        sb.append("\nEvery command takes --help. With --json, results are printed as one JSON object\n");
        sb.append("per line on stdout; diagnostics go to stderr. Exit status: 0 success, 1 failure,\n");
        sb.append("2 usage error.");
        return sb.toString();
    }
}
