package io.p2pkit.node.cli.command.repo;

import io.p2pkit.ipfs.repo.RepoStat;
import io.p2pkit.ipfs.repo.Repository;
import io.p2pkit.node.cli.CliCommand;
import io.p2pkit.node.cli.content.HumanBytes;
import io.p2pkit.node.cli.options.JsonOption;
import io.p2pkit.node.cli.options.RepoOption;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.LinkedHashMap;
import java.util.Map;

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
        RepoStat s;
        try (Repository r = repo.open()) {
            s = r.stat();
        }
        String version = "p2pkit-repo@" + s.version();
        if (output.json()) {
            Map<String, Object> o = new LinkedHashMap<>();
            o.put("RepoSize", s.repoSize());
            o.put("StorageMax", s.storageMax());
            if (!sizeOnly) {
                o.put("NumObjects", s.numObjects());
                o.put("RepoPath", s.root().toString());
                o.put("Version", version);
            }
            console().json(o);
            return 0;
        }
        // Kubo aligns the values with a tab writer: the longest name plus one space.
        StringBuilder sb = new StringBuilder();
        if (!sizeOnly) {
            sb.append("NumObjects: ").append(s.numObjects()).append('\n');
        }
        sb.append("RepoSize:   ").append(size(s.repoSize())).append('\n');
        sb.append("StorageMax: ").append(size(s.storageMax()));
        if (!sizeOnly) {
            sb.append("\nRepoPath:   ").append(s.root());
            sb.append("\nVersion:    ").append(version);
        }
        console().println(sb.toString());
        return 0;
    }

    private String size(long bytes) {
        return human ? HumanBytes.si(bytes) : Long.toString(bytes);
    }
}
