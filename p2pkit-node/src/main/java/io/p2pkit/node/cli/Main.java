package io.p2pkit.node.cli;

import io.p2pkit.core.DecodeException;
import io.p2pkit.node.cli.command.BitswapCommand;
import io.p2pkit.node.cli.command.BootstrapCommand;
import io.p2pkit.node.cli.command.CommandsCommand;
import io.p2pkit.node.cli.command.ConfigCommand;
import io.p2pkit.node.cli.command.DaemonCommand;
import io.p2pkit.node.cli.command.DiagCommand;
import io.p2pkit.node.cli.command.ObjectCommand;
import io.p2pkit.node.cli.command.P2pCommand;
import io.p2pkit.node.cli.command.IdCommand;
import io.p2pkit.node.cli.command.InitCommand;
import io.p2pkit.node.cli.command.KeyCommand;
import io.p2pkit.node.cli.command.LogCommand;
import io.p2pkit.node.cli.command.NameCommand;
import io.p2pkit.node.cli.command.PerfCommand;
import io.p2pkit.node.cli.command.PingCommand;
import io.p2pkit.node.cli.command.ProvideCommand;
import io.p2pkit.node.cli.command.PubsubCommand;
import io.p2pkit.node.cli.command.RefsCommand;
import io.p2pkit.node.cli.command.filestore.FilestoreCommand;
import io.p2pkit.node.cli.command.ResolveCommand;
import io.p2pkit.node.cli.command.RoutingCommand;
import io.p2pkit.node.cli.command.MountCommand;
import io.p2pkit.node.cli.command.ShutdownCommand;
import io.p2pkit.node.cli.command.TransportInteropCommand;
import io.p2pkit.node.cli.command.VersionCommand;
import io.p2pkit.node.cli.command.block.BlockCommand;
import io.p2pkit.node.cli.command.cid.CidCommand;
import io.p2pkit.node.cli.command.multibase.MultibaseCommand;
import io.p2pkit.node.cli.command.dag.DagCommand;
import io.p2pkit.node.cli.command.files.AddCommand;
import io.p2pkit.node.cli.command.files.CatCommand;
import io.p2pkit.node.cli.command.files.GetCommand;
import io.p2pkit.node.cli.command.files.LsCommand;
import io.p2pkit.node.cli.command.files.MfsCommand;
import io.p2pkit.node.cli.command.pin.PinCommand;
import io.p2pkit.node.cli.command.repo.RepoCommand;
import io.p2pkit.node.cli.command.swarm.SwarmCommand;
import io.p2pkit.node.cli.model.CommandModelReader;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.channels.WritableByteChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Entry point of the {@code p2pkit} command, parsed by picocli. Exit status: 0 success, 1 the
 * operation failed, 2 usage error. Results go to stdout, diagnostics to stderr.
 */
public final class Main {
    /** Exit status for success. */
    public static final int OK = 0;
    /** Exit status when the operation failed. */
    public static final int FAILED = 1;
    /** Exit status for a wrong command line. */
    public static final int USAGE = 2;

    /** The system property that sets Netty's buffer leak detection (read when Netty first allocates). */
    private static final String NETTY_LEAK_DETECTION = "io.netty.leakDetection.level";

    /** The system property that lets Netty record JFR events (read when Netty's platform class loads). */
    private static final String NETTY_JFR = "io.netty.jfr.enabled";

    /**
     * picocli's property that stops its default factory from looking for Groovy's closure class:
     * a class that is not there makes the class loader open every jar of the class path.
     */
    private static final String PICOCLI_NO_CLOSURES = "picocli.disable.closures";

    /**
     * Every command, in the order {@code p2pkit --help} lists them: the one place a new command
     * is added.
     */
    public static List<CliCommand> commands() {
        return List.of(new VersionCommand(), new IdCommand(), new DaemonCommand(), new PingCommand(),
                new TransportInteropCommand(), new PerfCommand(), new RoutingCommand(), new PubsubCommand(),
                new InitCommand(), new ConfigCommand(), new AddCommand(), new CatCommand(), new GetCommand(), new LsCommand(),
                new MfsCommand(), new BlockCommand(), new DagCommand(), new ObjectCommand(), new RefsCommand(), new ResolveCommand(),
                new PinCommand(), new RepoCommand(), new CidCommand(), new MultibaseCommand(), new KeyCommand(), new NameCommand(),
                new BitswapCommand(), new SwarmCommand(), new FilestoreCommand(),
                new BootstrapCommand(), new LogCommand(), new DiagCommand(), new ProvideCommand(), new P2pCommand(),
                new MountCommand(), new ShutdownCommand(), new CommandsCommand());
    }

    public static void main(String[] args) {
        setDefaultProperties();
        PrintStream out = new PrintStream(System.out, false, StandardCharsets.UTF_8);
        PrintStream err = new PrintStream(System.err, true, StandardCharsets.UTF_8);
        // a file's bytes go to stdout from the buffers they were read into (CatCommand)
        WritableByteChannel stdout = new FileOutputStream(FileDescriptor.out).getChannel();
        int status = new Main().run(Arrays.asList(args), new Console(System.in, out, err, stdout));
        out.flush();
        if (status == OK && !othersKeepTheJvm()) {
            // Returning ends the JVM as System.exit(0) would, shutdown hooks included, without
            // Runtime.exit's logger, whose lookup opens every jar of the class path (PERFORMANCE.md)
            return;
        }
        System.exit(status);
    }

    /**
     * The system properties every p2pkit process starts with unless the command line sets them;
     * the AOT training sets them too, so that it loads what a command loads.
     */
    static void setDefaultProperties() {
        if (System.getProperty(NETTY_LEAK_DETECTION) == null) {
            // Netty records a stack trace for 1 in 128 buffers it allocates (7 % of a QUIC receiver's
            // CPU, docs/QUIC.md); a library user keeps Netty's default, and -D…=simple brings it back here
            System.setProperty(NETTY_LEAK_DETECTION, "disabled");
        }
        if (System.getProperty(NETTY_JFR) == null) {
            // Netty's pooled allocator initialises its JFR event class at its first chunk, which
            // loads JFR's metadata whether or not a recording runs: about 50 ms of a fresh process's
            // first QUIC connection (docs/PERFORMANCE.md, "Netty's JFR events off"); -D…=true brings
            // the events back
            System.setProperty(NETTY_JFR, "false");
        }
        if (System.getProperty(PICOCLI_NO_CLOSURES) == null) {
            System.setProperty(PICOCLI_NO_CLOSURES, "true");
        }
    }

    /** Whether a live thread other than this one is not a daemon, so would keep the JVM running. */
    static boolean othersKeepTheJvm() {
        ThreadGroup root = Thread.currentThread().getThreadGroup();
        while (root.getParent() != null) {
            root = root.getParent();
        }
        Thread[] threads = new Thread[root.activeCount() + 16];
        int n = root.enumerate(threads, true);
        if (n == threads.length) {
            return true; // more than were counted a moment ago: do not guess
        }
        for (int i = 0; i < n; i++) {
            Thread t = threads[i];
            if (t != Thread.currentThread() && t.isAlive() && !t.isDaemon()) {
                return true;
            }
        }
        return false;
    }

    /** Runs one command line and returns its exit status; never calls {@code System.exit}. */
    public int run(List<String> argv, Console console) {
        // no command objects made up front: the model makes the one the command line names
        return configure(tree(List.of(), argv), console)
                .execute(argv.toArray(new String[0]));
    }

    /**
     * The command tree for the command line {@code argv}: only the commands it names, or all of
     * them at a level where it names none (help, a usage error; all of the tree for an empty
     * {@code argv}), over the {@code given} command objects (new ones for the commands it does
     * not hold; all of {@link #commands()} when it is empty). The model comes from the one the
     * build wrote (io.p2pkit.node.cli.model), which is built without reading annotations; from
     * the annotations themselves when there is none or it does not fit.
     */
    static CommandLine tree(List<CliCommand> given, List<String> argv) {
        byte[] model = BundledModel.BYTES;
        if (model != null) {
            try {
                return CommandModelReader.read(model, given, argv);
            } catch (IOException e) {
                if (System.getenv("P2PKIT_DEBUG") != null) {
                    System.err.println("p2pkit: the bundled command model is not used: " + e.getMessage());
                }
            }
        }
        List<CliCommand> commands = given.isEmpty() ? commands() : given;
        return annotatedTree(named(commands, argv));
    }

    /** The bundled command model, read once (null when the build wrote none). */
    private static final class BundledModel {
        static final byte[] BYTES = read();

        private static byte[] read() {
            try {
                return CommandModelReader.bundled();
            } catch (IOException e) {
                return null;
            }
        }
    }

    /**
     * The command that {@code argv} names, alone, or all commands when it names none (help, a
     * usage error): picocli reads the annotations of every command it is given, which costs a
     * fresh process more time than a short command's own work.
     */
    static List<CliCommand> named(List<CliCommand> commands, List<String> argv) {
        if (!argv.isEmpty()) {
            for (CliCommand c : commands) {
                Command command = c.getClass().getAnnotation(Command.class);
                if (command != null && (command.name().equals(argv.get(0))
                        || Arrays.asList(command.aliases()).contains(argv.get(0)))) {
                    return List.of(c);
                }
            }
        }
        return commands;
    }

    /** The whole command tree over {@code commands}, printing to {@code console}. */
    public static CommandLine commandLine(List<CliCommand> commands, Console console) {
        return configure(tree(commands, List.of()), console);
    }

    /**
     * The command tree over {@code commands} as picocli builds it from their annotations, before
     * {@link #configure}: what the build's command model is written from.
     */
    public static CommandLine annotatedTree(List<CliCommand> commands) {
        CommandLine cl = new CommandLine(new Root());
        cl.addSubcommand(new CommandLine.HelpCommand());
        for (CliCommand c : commands) {
            cl.addSubcommand(c);
        }
        return cl;
    }

    /** The tree's settings, printing to {@code console}. */
    static CommandLine configure(CommandLine cl, Console console) {
        cl.setColorScheme(CommandLine.Help.defaultColorScheme(CommandLine.Help.Ansi.OFF));
        cl.setUsageHelpWidth(100);
        cl.setOverwrittenOptionsAllowed(true); // the last --name value wins, as with Go's flag package
        cl.setOut(new PrintWriter(console.out(), true, StandardCharsets.UTF_8));
        cl.setErr(new PrintWriter(console.err(), true, StandardCharsets.UTF_8));
        // handlers as classes, not lambdas: a fresh JVM spins a class for each lambda it first runs
        cl.setParameterExceptionHandler(new UsageErrors());
        cl.setExecutionExceptionHandler(new Failures(console));
        for (CommandLine c : all(cl)) {
            if (c.getCommand() instanceof CliCommand command) {
                command.console(console);
            }
        }
        return cl;
    }

    private static List<CommandLine> all(CommandLine cl) {
        List<CommandLine> out = new ArrayList<>(List.of(cl));
        for (CommandLine sub : cl.getSubcommands().values()) {
            if (!out.contains(sub)) {
                out.addAll(all(sub));
            }
        }
        return out;
    }

    /** {@code p2pkit} itself: lists the commands. */
    @Command(name = "p2pkit", description = "p2pkit: a libp2p node and IPFS peer for the JVM%n",
            customSynopsis = "p2pkit COMMAND [OPTIONS]",
            commandListHeading = "%nCommands:%n",
            footer = {"", "Every command takes --help (or: p2pkit help COMMAND). With --json, results are printed as "
                    + "one JSON object per line on stdout; diagnostics go to stderr. Exit status: 0 success, 1 failure, "
                    + "2 usage error."})
    static final class Root extends CliCommand {
        @Option(names = "--version", description = "the same as p2pkit version")
        private boolean version;

        @CommandLine.Spec
        private CommandLine.Model.CommandSpec spec;

        @Override
        protected int run() throws Exception {
            if (version) {
                return spec.commandLine().getSubcommands().get("version").execute();
            }
            spec.commandLine().usage(console().err(), CommandLine.Help.Ansi.OFF);
            return USAGE;
        }
    }

    /** Wrong command lines, answered by {@link #usageError}. */
    private static final class UsageErrors implements CommandLine.IParameterExceptionHandler {
        @Override
        public int handleParseException(CommandLine.ParameterException e, String[] args) {
            return usageError(e, args);
        }
    }

    /** Commands that threw, answered by {@link #failure}. */
    private record Failures(Console console) implements CommandLine.IExecutionExceptionHandler {
        @Override
        public int handleExecutionException(Exception e, CommandLine command, CommandLine.ParseResult parsed) {
            return failure(e, command, console);
        }
    }

    /** A wrong command line: one line saying what, one saying where to look. Exit status 2. */
    private static int usageError(CommandLine.ParameterException e, String[] args) {
        CommandLine cl = e.getCommandLine();
        PrintWriter err = cl.getErr();
        String name = cl.getCommandSpec().qualifiedName();
        if (e instanceof CommandLine.UnmatchedArgumentException u && !u.getUnmatched().isEmpty()) {
            String first = u.getUnmatched().get(0);
            if (cl.getCommand() instanceof Root && !first.startsWith("-")) {
                err.println("p2pkit: unknown command '" + first + "'");
                CommandLine.UnmatchedArgumentException.printSuggestions(u, err);
                err.println("Run 'p2pkit --help' for the list of commands.");
                return USAGE;
            }
            err.println(name + ": " + (first.startsWith("-") ? "unknown option " : "unexpected argument ") + first);
            CommandLine.UnmatchedArgumentException.printSuggestions(u, err);
        } else {
            err.println(name + ": " + e.getMessage());
        }
        err.println("Run '" + name + " --help' for usage.");
        err.flush();
        return USAGE;
    }

    /** A command threw: a usage error (2), bad input (1) or a failure (1), said on stderr. */
    private static int failure(Exception e, CommandLine cl, Console console) {
        String name = cl.getCommandSpec().qualifiedName();
        String msg = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        if (e instanceof UsageException) {
            console.info(name + ": " + msg);
            console.info("Run '" + name + " --help' for usage.");
            return USAGE;
        }
        if (e instanceof DecodeException) {
            console.info(name + ": invalid input: " + msg);
            return FAILED;
        }
        console.info(name + ": error: " + msg);
        if (System.getenv("P2PKIT_DEBUG") != null) {
            e.printStackTrace(console.err());
        }
        return FAILED;
    }
}
