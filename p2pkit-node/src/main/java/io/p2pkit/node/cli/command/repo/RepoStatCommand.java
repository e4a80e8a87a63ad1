package io.p2pkit.node.cli.command.repo;

import io.p2pkit.ipfs.ipld.MapNode;
import io.p2pkit.ipfs.repo.RepoStat;
import io.p2pkit.ipfs.repo.Repository;
import io.p2pkit.node.cli.CliCommand;
import io.p2pkit.node.cli.content.DaemonApi;
import io.p2pkit.node.cli.content.HumanBytes;
import io.p2pkit.node.cli.options.JsonOption;
import io.p2pkit.node.cli.options.RepoOption;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

/** {@code p2pkit repo stat}: Kubo's numbers for the repository. */
@Command(name = "stat", description = {
        "Show the repository's size, block count, path and version.",
        "",
        "As Kubo: NumObjects (blocks stored), RepoSize (bytes of the whole repository), StorageMax (the config's "
                + "blockstore.storageMax), RepoPath and Version (p2pkit-repo@N: p2pkit's layout, not Kubo's fs-repo).",
        ""},
        footer = {"", "With --json: {\"RepoSize\":…,\"StorageMax\":…,\"NumObjects\":…,\"RepoPath\":…,\"Version\":…} (Kubo's "
                + "shape; only the first two with --size-only)."})
final class RepoStatCommand extends CliCommand {
    @Option(names = {"-s", "--size-only"}, description = "only RepoSize and StorageMax")
    private boolean sizeOnly;

    @Option(names = {"-H", "--human"}, description = "sizes as 1.2 MB, 10 GB (powers of 1000, as Kubo)")
    private boolean human;

    @Mixin
    private RepoOption repo;

    @Mixin
    private JsonOption output;

    @Override
    protected int run() throws Exception {
        AtomicReference<MapNode> answer = new AtomicReference<>();
        if (DaemonApi.use(repo.root(), api -> answer.set(api.object("repo/stat", List.of(),
                Map.of("size-only", Boolean.toString(sizeOnly)))))) {
            MapNode m = answer.get();
            print(DaemonApi.number(m, "RepoSize"), DaemonApi.number(m, "StorageMax"), DaemonApi.number(m, "NumObjects"),
                    DaemonApi.text(m, "RepoPath"), DaemonApi.text(m, "Version"));
            return 0;
        }
        RepoStat s;
        try (Repository r = repo.open()) {
            s = r.stat();
        }
        print(s.repoSize(), s.storageMax(), s.numObjects(), s.root().toString(), "p2pkit-repo@" + s.version());
        return 0;
    }

    private void print(long repoSize, long storageMax, long numObjects, String root, String version) {
        if (output.json()) {
            Map<String, Object> o = new LinkedHashMap<>();
            o.put("RepoSize", repoSize);
            o.put("StorageMax", storageMax);
            if (!sizeOnly) {
                o.put("NumObjects", numObjects);
                o.put("RepoPath", root);
                o.put("Version", version);
            }
            console().json(o);
            return;
        }
        // Kubo aligns the values with a tab writer: the longest name plus one space.
        StringBuilder sb = new StringBuilder();
        if (!sizeOnly) {
            sb.append("NumObjects: ").append(numObjects).append('\n');
        }
        sb.append("RepoSize:   ").append(size(repoSize)).append('\n');
        sb.append("StorageMax: ").append(size(storageMax));
        if (!sizeOnly) {
            sb.append("\nRepoPath:   ").append(root);
            sb.append("\nVersion:    ").append(version);
        }
        console().println(sb.toString());
    }

    private String size(long bytes) {
        return human ? HumanBytes.si(bytes) : Long.toString(bytes);
    }
}
