package io.p2pkit.node.cli.command.pin;

import io.p2pkit.node.cli.CliCommand;
import io.p2pkit.node.cli.UsageException;
import picocli.CommandLine.Command;

/** {@code p2pkit pin}: keep content from garbage collection, Kubo's {@code ipfs pin}. */
@Command(name = "pin", description = {
        "Pin content so that garbage collection keeps it; list, remove, update and verify pins.",
        "",
        "Works on the local repository ($P2PKIT_HOME or --repo-dir). Pins are recursive (a block and everything "
                + "below it), direct (the block alone) or indirect (below a recursive pin), as in Kubo.",
        ""},
        subcommands = {PinAddCommand.class, PinLsCommand.class, PinRmCommand.class, PinUpdateCommand.class,
                PinVerifyCommand.class, PinRemoteCommand.class})
public final class PinCommand extends CliCommand {
    @Override
    protected int run() {
        throw new UsageException("missing subcommand: add, ls, rm, update, verify or remote");
    }
}
