package io.p2pkit.node.cli.options;

import picocli.CommandLine.Option;

/** {@code -h}, {@code --help}: every command's usage, generated from its declarations. */
public final class HelpOption {
    @Option(names = {"-h", "--help"}, usageHelp = true, description = "show this help and exit")
    private boolean help;
}
