package io.p2pkit.node.cli.command.dag;

import io.p2pkit.core.multiformats.Cid;
import io.p2pkit.ipfs.path.IpfsPath;
import io.p2pkit.ipfs.path.ResolvedPath;
import io.p2pkit.ipfs.repo.Repository;
import io.p2pkit.node.cli.CliCommand;
import io.p2pkit.node.cli.ProgressBar;
import io.p2pkit.node.cli.CommandFailedException;
import io.p2pkit.node.cli.content.ContentPath;
import io.p2pkit.node.cli.content.DagTraversal;
import io.p2pkit.node.cli.content.HumanBytes;
import io.p2pkit.node.cli.options.JsonOption;
import io.p2pkit.node.cli.options.ProgressOption;
import io.p2pkit.node.cli.options.RepoOption;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

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

    /** One root's numbers. */
    private record DagStat(Cid cid, long numBlocks, long size) {
    }

    @Override
    protected int run() throws Exception {
        List<DagStat> stats = new ArrayList<>();
        Set<Cid> unique = args.size() > 1 ? new HashSet<>() : null; // one root: its walk already counts each block once
        long totalSize = 0;
        long redundantSize = 0;
        long uniqueBlocks = 0;
        try (Repository r = repo.open();
             ProgressBar bar = progress.bar(console(), "counting", -1, ProgressBar.Unit.COUNT, "blocks")) {
            for (String arg : args) {
                Cid root = root(r, arg);
                long[] n = {0, 0, 0, 0}; // blocks, size, unique blocks, unique size
                new DagTraversal(r.blocks().local(), RepoOption.codecs(true)).walk(root, block -> {
                    n[0]++;
                    n[1] += block.size();
                    if (unique == null || unique.add(block.cid())) {
                        n[2]++;
                        n[3] += block.size();
                    }
                    bar.add(1);
                });
                stats.add(new DagStat(root, n[0], n[1]));
                redundantSize += n[1];
                uniqueBlocks += n[2];
                totalSize += n[3];
            }
        }
        float ratio = totalSize == 0 ? 0 : (float) redundantSize / totalSize;
        long sharedSize = redundantSize - totalSize;
        if (output.json()) {
            Map<String, Object> o = new LinkedHashMap<>();
            putNonZero(o, "UniqueBlocks", uniqueBlocks);
            putNonZero(o, "TotalSize", totalSize);
            putNonZero(o, "SharedSize", sharedSize);
            if (ratio != 0) {
                o.put("Ratio", ratio == Math.rint(ratio) ? (Object) (long) ratio : (Object) ratio);
            }
            List<Map<String, Object>> dags = new ArrayList<>();
            for (DagStat s : stats) {
                Map<String, Object> d = new LinkedHashMap<>();
                d.put("Cid", s.cid().toString());
                putNonZero(d, "Size", s.size());
                putNonZero(d, "NumBlocks", s.numBlocks());
                dags.add(d);
            }
            o.put("DagStats", dags);
            console().json(o);
            return 0;
        }
        // Kubo's layout: a tab-separated table padded like its csv writer, then the summary.
        int cidWidth = stats.get(0).cid().toString().length();
        StringBuilder sb = new StringBuilder("\n");
        sb.append(pad("CID", cidWidth)).append('\t').append(pad("Blocks", 15)).append('\t').append("Size\n");
        for (DagStat s : stats) {
            sb.append(s.cid()).append('\t').append(pad(Long.toString(s.numBlocks()), 15)).append('\t').append(s.size())
                    .append('\n');
        }
        sb.append("\nSummary\n");
        sb.append("Total Size: ").append(totalSize).append(" (").append(HumanBytes.si(totalSize)).append(")\n");
        sb.append("Unique Blocks: ").append(uniqueBlocks).append('\n');
        sb.append("Shared Size: ").append(sharedSize).append(" (").append(HumanBytes.si(sharedSize)).append(")\n");
        sb.append("Ratio: ").append(String.format(Locale.ROOT, "%f", ratio)).append("\n\n");
        console().println(sb.toString());
        return 0;
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

    private static void putNonZero(Map<String, Object> o, String key, long value) {
        if (value != 0) {
            o.put(key, value);
        }
    }

    private static String pad(String s, int width) {
        return s.length() >= width ? s : s + " ".repeat(width - s.length());
    }
}
