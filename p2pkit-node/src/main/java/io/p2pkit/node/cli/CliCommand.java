package io.p2pkit.node.cli;

import io.p2pkit.node.cli.options.HelpOption;
import picocli.CommandLine.Mixin;

import java.util.concurrent.Callable;

/**
 * One command of {@code p2pkit}. To add one: subclass this, annotate the class with picocli's
 * {@code @Command(name = …, description = …)}, declare its own options with {@code @Option} and
 * {@code @Parameters} and the common ones ({@code --json}, {@code --identity}, {@code --timeout},
 * {@code --bootstrap}, {@code --listen}, {@code --security}/{@code --muxer}) with {@code @Mixin}
 * fields of the classes in {@link io.p2pkit.node.cli.options}, implement {@link #run()}, and list
 * an instance in {@link Main#commands()}. Its {@code --help} is generated from those declarations.
 *
 * <p>Exit status: {@link #run()} returns 0 or 1; a {@link UsageException} (or a wrong command
 * line, found by the parser) gives 2; any other exception is reported on stderr with 1. Results go
 * to {@link #console()}'s stdout, diagnostics to its stderr.
 */
public abstract class CliCommand implements Callable<Integer> {
    @Mixin
    private HelpOption help;

    private Console console;

    /** Where to print; set by {@link Main} before the command runs. */
    final void console(Console console) {
        this.console = console;
    }

    /** Where to print: results on stdout, diagnostics on stderr. */
    protected final Console console() {
        if (console == null) {
            throw new IllegalStateException("the command runs without a console: run it through Main");
        }
        return console;
    }

    /**
     * Runs the command once its options are parsed.
     *
     * @return 0 on success, 1 if the operation failed
     * @throws UsageException for a wrong command line (exit status 2)
     * @throws Exception      for a failure, reported on stderr with exit status 1
     */
    protected abstract int run() throws Exception;

    @Override
    public final Integer call() throws Exception {
        return run();
    }
}
