package io.p2pkit.node.cli.command.cid;

import io.p2pkit.node.cli.CliCommand;
import io.p2pkit.node.cli.UsageException;
import picocli.CommandLine.Command;

/** {@code p2pkit cid}: converts CIDs, Kubo's {@code ipfs cid}. Needs no repository. */
@Command(name = "cid", description = {
        "Convert and format CIDs.",
        "",
        "Works on the CIDs given (or read from stdin, one a line); needs no repository.",
        ""},
        subcommands = {CidFormatCommand.class, CidBase32Command.class})
public final class CidCommand extends CliCommand {
    @Override
    protected int run() {
        throw new UsageException("missing subcommand: format or base32");
    }
}
