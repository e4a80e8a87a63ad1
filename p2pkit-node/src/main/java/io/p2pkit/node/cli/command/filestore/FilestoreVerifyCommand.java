package io.p2pkit.node.cli.command.filestore;

import io.p2pkit.ipfs.filestore.FilestoreStatus;
import io.p2pkit.node.cli.CliCommand;
import io.p2pkit.node.cli.options.JsonOption;
import io.p2pkit.node.cli.options.RepoOption;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.util.ArrayList;
import java.util.List;

/** {@code p2pkit filestore verify}: Kubo's {@code ipfs filestore verify}. */
@Command(name = "verify", description = {
        "Read every block kept as a reference back from its file and check it.",
        "",
        "One line per block: <status> <cid> <size> <path> <offset> [<action>], where status is ok, changed "
                + "(the file's bytes changed), no-file (it is gone), error (it cannot be read), missing (the CID "
                + "given is not in the filestore) or ERROR (a damaged reference, also told on stderr). With "
                + "--remove-bad-blocks the references of changed, no-file, error and missing blocks are removed "
                + "(action remove) and the others kept (keep); files are never touched.",
        ""},
        footer = {"", "With --json, boxo's ListRes: {\"Status\",\"ErrorMsg\",\"Key\",\"FilePath\",\"Offset\",\"Size\"}."})
final class FilestoreVerifyCommand extends CliCommand {
    @Mixin
    private RepoOption repo;

    @Mixin
    private JsonOption output;

    @Option(names = "--file-order", description = "verify in the order of the files and offsets")
    private boolean fileOrder;

    @Option(names = "--remove-bad-blocks", description = "remove the references of bad blocks (pinned ones too: "
            + "run 'p2pkit pin verify' after)")
    private boolean removeBad;

    @Parameters(paramLabel = "CID", arity = "0..*", description = "the blocks to verify (default: all)")
    private List<String> cids = new ArrayList<>();

    @Override
    protected int run() throws Exception {
        FilestoreLines.run(console(), repo, output, "verify", cids, fileOrder, removeBad, e -> {
            String line = String.format("%-7s %s", e.status().word(), FilestoreLines.formatLong(e));
            if (removeBad) {
                line += e.status().removable() ? " remove" : " keep";
            }
            console().println(line);
            return e.status() == FilestoreStatus.OTHER_ERROR ? e.errorMsg() : null;
        });
        return 0;
    }
}
