package io.p2pkit.node.cli.command.dag;

import io.p2pkit.node.cli.CliCommand;
import io.p2pkit.node.cli.UsageException;
import picocli.CommandLine.Command;

/** {@code p2pkit dag}: IPLD nodes and whole DAGs, Kubo's {@code ipfs dag}. */
@Command(name = "dag", description = {
        "Put and get IPLD nodes; export, import and measure whole DAGs as CAR files.",
        "",
        "Works on the local repository ($P2PKIT_HOME or --repo-dir; create it with 'p2pkit init'). Codecs: "
                + "dag-cbor, dag-json, dag-pb and raw.",
        ""},
        subcommands = {DagGetCommand.class, DagPutCommand.class, DagExportCommand.class, DagImportCommand.class,
                DagStatCommand.class})
public final class DagCommand extends CliCommand {
    @Override
    protected int run() {
        throw new UsageException("missing subcommand: get, put, export, import or stat");
    }
}
