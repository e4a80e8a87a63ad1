package io.p2pkit.node.cli.command.multibase;

import io.p2pkit.node.cli.CliCommand;
import io.p2pkit.node.cli.UsageException;
import picocli.CommandLine.Command;

/** {@code p2pkit multibase}: Kubo's {@code ipfs multibase}. Needs no repository. */
@Command(name = "multibase", description = {
        "Encode and decode data in multibase text.",
        "",
        "Reads a file (or stdin) and writes to stdout, without a newline, as Kubo does; needs no repository. "
                + "At most 1 MiB of input; base10, base36 and base58 encode at most 4 KiB (their cost grows with the square).",
        ""},
        subcommands = {MultibaseEncodeCommand.class, MultibaseDecodeCommand.class, MultibaseTranscodeCommand.class,
                MultibaseListCommand.class})
public final class MultibaseCommand extends CliCommand {
    @Override
    protected int run() {
        throw new UsageException("missing subcommand: encode, decode, transcode or list");
    }
}
