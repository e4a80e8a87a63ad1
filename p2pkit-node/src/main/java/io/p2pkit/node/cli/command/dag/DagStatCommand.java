package io.p2pkit.node.cli.command.dag;

import io.p2pkit.core.multiformats.Cid;
import io.p2pkit.ipfs.ipld.ListNode;
import io.p2pkit.ipfs.ipld.MapNode;
import io.p2pkit.ipfs.path.IpfsPath;
import io.p2pkit.ipfs.path.ResolvedPath;
import io.p2pkit.ipfs.repo.Repository;
import io.p2pkit.node.cli.CliCommand;
import io.p2pkit.node.cli.CommandFailedException;
import io.p2pkit.node.cli.ProgressBar;
import io.p2pkit.node.cli.content.ContentPath;
import io.p2pkit.node.cli.content.DaemonApi;
import io.p2pkit.node.cli.content.DagStats;
import io.p2pkit.node.cli.content.HumanBytes;
import io.p2pkit.node.cli.options.JsonOption;
import io.p2pkit.node.cli.options.ProgressOption;
import io.p2pkit.node.cli.options.RepoOption;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

import java.io.BufferedInputStream;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

/** {@code p2pkit dag stat}: the size and number of blocks of DAGs, as Kubo reports them. */
@Command(name = "stat", description = {
        "Count the blocks and bytes of DAGs.",
        "",
        "For each root (CID or path): its distinct blocks and their total size; then a summary over all roots "
                + "(unique blocks, total size of the distinct blocks, the size shared between roots, and the ratio of "
                + "the sum of the DAGs' sizes to that total), laid out as Kubo's 'ipfs dag stat'.",
        ""},
        footer = {"", "With --json: {\"UniqueBlocks\":…,\"TotalSize\":…,\"SharedSize\":…,\"Ratio\":…,\"DagStats\":[{\"Cid\":…,"
                + "\"Size\":…,\"NumBlocks\":…}]} (Kubo's shape; zero values are left out, as Kubo's omitempty does)."})
final class DagStatCommand extends CliCommand {
    @Parameters(paramLabel = "CID|PATH", arity = "1..*", description = "the roots")
    private List<String> args;

    @Mixin
    private ProgressOption progress;

    @Mixin
    private RepoOption repo;

    @Mixin
    private JsonOption output;

    @Override
    protected int run() throws Exception {
        AtomicReference<MapNode> answer = new AtomicReference<>();
        boolean daemon = DaemonApi.use(repo.root(), api -> {
            // the daemon sends a running summary per block; the last one is the answer
            try (ProgressBar bar = progress.bar(console(), "counting", -1, ProgressBar.Unit.COUNT, "blocks");
                 InputStream in = new BufferedInputStream(api.post("dag/stat", args, Map.of("progress", "true")))) {
                for (MapNode m; (m = DaemonApi.nextObject(in)) != null; ) {
                    bar.add(1);
                    answer.set(m);
                }
            }
        });
        if (daemon) {
            MapNode m = answer.get();
            if (m == null) {
                throw new CommandFailedException("the daemon's dag/stat answered nothing");
            }
            List<DagStats.Dag> dags = new ArrayList<>();
            if (m.get("DagStats").orElse(null) instanceof ListNode list) {
                for (var n : list.values()) {
                    if (n instanceof MapNode d) {
                        dags.add(new DagStats.Dag(DaemonApi.cid(d, "Cid"), DaemonApi.number(d, "NumBlocks"),
                                DaemonApi.number(d, "Size")));
                    }
                }
            }
            print(DagStats.of(dags, DaemonApi.number(m, "TotalSize"), DaemonApi.number(m, "UniqueBlocks"),
                    DaemonApi.number(m, "SharedSize")));
            return 0;
        }
        DagStats stats = new DagStats();
        try (Repository r = repo.open();
             ProgressBar bar = progress.bar(console(), "counting", -1, ProgressBar.Unit.COUNT, "blocks")) {
            for (String arg : args) {
                stats.add(r, root(r, arg), () -> bar.add(1));
            }
        }
        print(stats);
        return 0;
    }

    /** Kubo's layout: a tab-separated table padded like its csv writer, then the summary; or the JSON. */
    private void print(DagStats stats) {
        if (output.json()) {
            console().json(stats.json());
            return;
        }
        List<DagStats.Dag> dags = stats.dags();
        long totalSize = stats.totalSize();
        long sharedSize = stats.sharedSize();
        int cidWidth = dags.get(0).cid().toString().length();
        StringBuilder sb = new StringBuilder("\n");
        sb.append(pad("CID", cidWidth)).append('\t').append(pad("Blocks", 15)).append('\t').append("Size\n");
        for (DagStats.Dag s : dags) {
            sb.append(s.cid()).append('\t').append(pad(Long.toString(s.numBlocks()), 15)).append('\t').append(s.size())
                    .append('\n');
        }
        sb.append("\nSummary\n");
        sb.append("Total Size: ").append(totalSize).append(" (").append(HumanBytes.si(totalSize)).append(")\n");
        sb.append("Unique Blocks: ").append(stats.uniqueBlocks()).append('\n');
        sb.append("Shared Size: ").append(sharedSize).append(" (").append(HumanBytes.si(sharedSize)).append(")\n");
        sb.append("Ratio: ").append(String.format(Locale.ROOT, "%f", stats.ratio())).append("\n\n");
        console().println(sb.toString());
    }

    /** The CID of a root: a path must lead to a whole block, as in Kubo. */
    private static Cid root(Repository r, String arg) throws java.io.IOException {
        IpfsPath path = ContentPath.parse(arg);
        if (path.segments().isEmpty()) {
            return path.root();
        }
        ResolvedPath resolved = ContentPath.resolve(r, path);
        if (!resolved.remainder().isEmpty()) {
            throw new CommandFailedException(arg + " leads inside block " + resolved.cid() + " (to "
                    + String.join("/", resolved.remainder()) + "): dag stat counts whole DAGs, give a CID or a path to one");
        }
        return resolved.cid();
    }

    private static String pad(String s, int width) {
        return s.length() >= width ? s : s + " ".repeat(width - s.length());
    }
}
