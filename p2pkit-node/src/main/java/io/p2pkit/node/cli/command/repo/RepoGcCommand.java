package io.p2pkit.node.cli.command.repo;

import io.p2pkit.core.multiformats.Cid;
import io.p2pkit.core.multiformats.Multicodec;
import io.p2pkit.ipfs.ipld.MapNode;
import io.p2pkit.ipfs.repo.Repository;
import io.p2pkit.node.cli.CliCommand;
import io.p2pkit.node.cli.ProgressBar;
import io.p2pkit.node.cli.UsageException;
import io.p2pkit.node.cli.content.DaemonApi;
import io.p2pkit.node.cli.content.KuboJson;
import io.p2pkit.node.cli.options.JsonOption;
import io.p2pkit.node.cli.options.ProgressOption;
import io.p2pkit.node.cli.options.RepoOption;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.BufferedInputStream;
import java.io.InputStream;
import java.util.List;
import java.util.Map;

/** {@code p2pkit repo gc}: removes every block no pin keeps, listing each as Kubo does. */
@Command(name = "gc", description = {
        "Remove every block that no pin keeps.",
        "",
        "Keeps the blocks of recursive pins (and everything below them) and of direct pins, and removes the rest, "
                + "printing 'removed <cid>' for each (as Kubo, the CID is a CIDv1 with the raw codec: blocks are "
                + "stored by multihash). If a block below a recursive pin is missing, nothing is removed and the "
                + "error names it (run 'p2pkit pin verify').",
        ""},
        footer = {"", "With --json: one {\"Key\":{\"/\":<cid>}} per removed block (Kubo's shape)."})
final class RepoGcCommand extends CliCommand {
    @Option(names = {"-q", "--quiet"}, description = "print only the CIDs of removed blocks")
    private boolean quiet;

    @Option(names = "--silent", description = "print nothing")
    private boolean silent;

    @Mixin
    private ProgressOption progress;

    @Mixin
    private RepoOption repo;

    @Mixin
    private JsonOption output;

    @Override
    protected int run() throws Exception {
        if (quiet && silent) {
            throw new UsageException("--quiet and --silent cannot be used together");
        }
        try (ProgressBar bar = progress.bar(console(), "collecting", -1, ProgressBar.Unit.COUNT, "blocks removed")) {
            boolean daemon = DaemonApi.use(repo.root(), api -> {
                try (InputStream in = new BufferedInputStream(api.post("repo/gc", List.of(), Map.of()))) {
                    for (MapNode e; (e = DaemonApi.nextObject(in)) != null; ) {
                        removed(bar, DaemonApi.cid(e, "Key"));
                    }
                }
            });
            if (!daemon) {
                try (Repository r = repo.open()) {
                    r.gc(List.of(), key -> removed(bar, Cid.v1(Multicodec.RAW, key)));
                }
            }
        }
        return 0;
    }

    private void removed(ProgressBar bar, Cid cid) {
        bar.add(1);
        if (silent) {
            return;
        }
        if (output.json()) {
            console().json(Map.of("Key", KuboJson.link(cid)));
        } else {
            console().println(quiet ? cid.toString() : "removed " + cid);
        }
    }
}
