package io.p2pkit.node.cli.command.block;

import io.p2pkit.node.cli.CliCommand;
import io.p2pkit.node.cli.UsageException;
import picocli.CommandLine.Command;

/** {@code p2pkit block}: raw blocks in the local repository, Kubo's {@code ipfs block}. */
@Command(name = "block", description = {
        "Store, read, describe and remove raw blocks.",
        "",
        "Works on the local repository ($P2PKIT_HOME or --repo-dir; create it with 'p2pkit init'). A block is "
                + "named by a CID; its multihash is what the repository looks it up by.",
        ""},
        subcommands = {BlockGetCommand.class, BlockPutCommand.class, BlockStatCommand.class, BlockRmCommand.class})
public final class BlockCommand extends CliCommand {
    @Override
    protected int run() {
        throw new UsageException("missing subcommand: get, put, stat or rm");
    }
}
