package io.p2pkit.node.cli.command.cid;

import io.p2pkit.node.cli.CliCommand;
import io.p2pkit.node.cli.UsageException;
import picocli.CommandLine.Command;

/** {@code p2pkit cid}: converts CIDs, Kubo's {@code ipfs cid}. Needs no repository. */
@Command(name = "cid", description = {
        "Convert and format CIDs; list the bases, codecs and hash functions they may use.",
        "",
        "Needs no repository.",
        ""},
        subcommands = {CidFormatCommand.class, CidBase32Command.class, CidInspectCommand.class, CidBasesCommand.class,
                CidCodecsCommand.class, CidHashesCommand.class})
public final class CidCommand extends CliCommand {
    @Override
    protected int run() {
        throw new UsageException("missing subcommand: format, base32, inspect, bases, codecs or hashes");
    }
}
