package io.p2pkit.node.cli.command.filestore;

import io.p2pkit.node.cli.CliCommand;
import io.p2pkit.node.cli.options.JsonOption;
import io.p2pkit.node.cli.options.RepoOption;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.util.ArrayList;
import java.util.List;

/** {@code p2pkit filestore ls}: Kubo's {@code ipfs filestore ls}. */
@Command(name = "ls", description = {
        "List the blocks kept as references to files.",
        "",
        "One line per block: <cid> <size> <path> <offset>, by CID, or by file and offset with --file-order. "
                + "With CIDs given, only those (read back from their files); one not in the filestore is an error.",
        ""},
        footer = {"", "With --json, boxo's ListRes: {\"Status\",\"ErrorMsg\",\"Key\",\"FilePath\",\"Offset\",\"Size\"}."})
final class FilestoreLsCommand extends CliCommand {
    @Mixin
    private RepoOption repo;

    @Mixin
    private JsonOption output;

    @Option(names = "--file-order", description = "sort by the path of the file, then the offset")
    private boolean fileOrder;

    @Parameters(paramLabel = "CID", arity = "0..*", description = "the blocks to list (default: all)")
    private List<String> cids = new ArrayList<>();

    @Override
    protected int run() throws Exception {
        FilestoreLines.run(console(), repo, output, "ls", cids, fileOrder, false, e -> {
            if (!e.errorMsg().isEmpty()) {
                return e.errorMsg();
            }
            console().println(FilestoreLines.formatLong(e));
            return null;
        });
        return 0;
    }
}
