package io.p2pkit.node.cli.command.filestore;

import io.p2pkit.core.multiformats.Cid;
import io.p2pkit.ipfs.filestore.Filestore;
import io.p2pkit.ipfs.ipld.MapNode;
import io.p2pkit.ipfs.repo.Repository;
import io.p2pkit.node.cli.CliCommand;
import io.p2pkit.node.cli.CommandFailedException;
import io.p2pkit.node.cli.content.DaemonApi;
import io.p2pkit.node.cli.content.KuboJson;
import io.p2pkit.node.cli.options.JsonOption;
import io.p2pkit.node.cli.options.RepoOption;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

import java.io.BufferedInputStream;
import java.io.InputStream;
import java.util.List;
import java.util.Map;

/** {@code p2pkit filestore dups}: Kubo's {@code ipfs filestore dups}. */
@Command(name = "dups", description = {
        "List the blocks that are both referenced in files and copied into the repository.",
        "",
        "One CID a line (v1, raw codec).",
        ""},
        footer = {"", "With --json, one line per block: {\"Ref\":…,\"Err\":\"\"} (Kubo's shape)."})
final class FilestoreDupsCommand extends CliCommand {
    @Mixin
    private RepoOption repo;

    @Mixin
    private JsonOption output;

    @Override
    protected int run() throws Exception {
        boolean daemon = DaemonApi.use(repo.root(), api -> {
            try (InputStream in = new BufferedInputStream(api.post("filestore/dups", List.of(), Map.of()))) {
                for (MapNode m; (m = DaemonApi.nextObject(in)) != null; ) {
                    String error = DaemonApi.text(m, "Err");
                    if (!error.isEmpty()) {
                        throw new CommandFailedException(error);
                    }
                    print(DaemonApi.text(m, "Ref"));
                }
            }
        });
        if (daemon) {
            return 0;
        }
        try (Repository r = repo.open()) {
            Filestore fs = r.filestore().orElseThrow(() -> new CommandFailedException(Filestore.NOT_ENABLED));
            for (Cid cid : fs.duplicates()) {
                print(cid.toString());
            }
        }
        return 0;
    }

    private void print(String ref) {
        output.print(console(), KuboJson.ref(ref, ""), ref);
    }
}
