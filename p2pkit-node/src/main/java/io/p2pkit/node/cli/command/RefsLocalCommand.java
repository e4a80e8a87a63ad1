package io.p2pkit.node.cli.command;

import io.p2pkit.core.multiformats.Cid;
import io.p2pkit.core.multiformats.Multicodec;
import io.p2pkit.core.multiformats.Multihash;
import io.p2pkit.ipfs.repo.Repository;
import io.p2pkit.node.cli.CliCommand;
import io.p2pkit.node.cli.content.DaemonApi;
import io.p2pkit.node.cli.options.JsonOption;
import io.p2pkit.node.cli.options.RepoOption;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

import java.io.BufferedInputStream;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/** {@code p2pkit refs local}: every block in the repository, as Kubo's {@code ipfs refs local}. */
@Command(name = "local", description = {
        "List every block in the repository.",
        "",
        "One CID a line, in no particular order, each written as Kubo 0.39 writes the keys of its blockstore: "
                + "a CIDv1 of a raw block (bafk…) for the block's multihash, whatever codec it was stored under.",
        ""},
        footer = {"", "With --json, one line per block: {\"Ref\":…,\"Err\":\"\"} (Kubo's shape)."})
final class RefsLocalCommand extends CliCommand {
    @Mixin
    private RepoOption repo;

    @Mixin
    private JsonOption output;

    @Override
    protected int run() throws Exception {
        boolean daemon = DaemonApi.use(repo.root(), api -> {
            try (InputStream in = new BufferedInputStream(api.post("refs/local", List.of(), Map.of()))) {
                RefsCommand.printAll(console(), output, in);
            }
        });
        if (daemon) {
            return 0;
        }
        try (Repository r = repo.open(); Stream<Multihash> keys = r.blocks().keys()) {
            for (Iterator<Multihash> it = keys.iterator(); it.hasNext(); ) {
                RefsCommand.print(console(), output, Cid.v1(Multicodec.RAW, it.next()).toString());
            }
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
        return 0;
    }
}
