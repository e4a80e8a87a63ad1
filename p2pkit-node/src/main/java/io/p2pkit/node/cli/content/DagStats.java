package io.p2pkit.node.cli.content;

import io.p2pkit.core.multiformats.Cid;
import io.p2pkit.ipfs.repo.Repository;
import io.p2pkit.node.cli.options.RepoOption;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Kubo's {@code dag stat} numbers over one or more DAGs: per root its blocks and bytes, and over
 * all of them the distinct blocks, their size, the size shared between roots and the ratio.
 */
public final class DagStats {
    /**
     * One root's numbers.
     *
     * @param cid       the root
     * @param numBlocks its distinct blocks
     * @param size      their bytes
     */
    public record Dag(Cid cid, long numBlocks, long size) {
    }

    private final List<Dag> dags = new ArrayList<>();
    private final Set<Cid> seen = new HashSet<>();
    private long totalSize;
    private long redundantSize;
    private long uniqueBlocks;

    /**
     * The numbers another node counted (a daemon's {@code dag/stat}), to print as these are.
     *
     * @param dags         each root's numbers
     * @param totalSize    the bytes of the distinct blocks of every DAG
     * @param uniqueBlocks the distinct blocks of every DAG
     * @param sharedSize   the bytes counted more than once
     */
    public static DagStats of(List<Dag> dags, long totalSize, long uniqueBlocks, long sharedSize) {
        DagStats s = new DagStats();
        s.dags.addAll(dags);
        s.totalSize = totalSize;
        s.uniqueBlocks = uniqueBlocks;
        s.redundantSize = sharedSize + totalSize;
        return s;
    }

    /**
     * Walks one more DAG over the repository's local blocks.
     *
     * @param repo    the repository
     * @param root    the DAG's root
     * @param onBlock told of each block as it is counted (for progress)
     * @throws IOException when a block is missing or cannot be read
     */
    public void add(Repository repo, Cid root, Runnable onBlock) throws IOException {
        long[] n = {0, 0};
        new DagTraversal(repo.blocks().local(), RepoOption.codecs(true)).walk(root, block -> {
            n[0]++;
            n[1] += block.size();
            redundantSize += block.size(); // counted as it goes, so a running summary is consistent
            if (seen.add(block.cid())) {
                uniqueBlocks++;
                totalSize += block.size();
            }
            onBlock.run();
        });
        dags.add(new Dag(root, n[0], n[1]));
    }

    /** Each root's numbers, in the order added. */
    public List<Dag> dags() {
        return List.copyOf(dags);
    }

    /** The bytes of the distinct blocks of every DAG. */
    public long totalSize() {
        return totalSize;
    }

    /** The distinct blocks of every DAG. */
    public long uniqueBlocks() {
        return uniqueBlocks;
    }

    /** The bytes counted more than once (blocks in several DAGs). */
    public long sharedSize() {
        return redundantSize - totalSize;
    }

    /** The sum of the DAGs' sizes over {@link #totalSize()} (0 when empty), a float32 as Kubo's. */
    public float ratio() {
        return totalSize == 0 ? 0 : (float) redundantSize / totalSize;
    }

    /**
     * @return Kubo's JSON: {@code {"UniqueBlocks","TotalSize","SharedSize","Ratio","DagStats":[{"Cid","Size","NumBlocks"}]}},
     *         zero values left out as its omitempty does
     */
    public Map<String, Object> json() {
        Map<String, Object> o = new LinkedHashMap<>();
        putNonZero(o, "UniqueBlocks", uniqueBlocks);
        putNonZero(o, "TotalSize", totalSize);
        putNonZero(o, "SharedSize", sharedSize());
        float ratio = ratio();
        if (ratio != 0) {
            o.put("Ratio", ratio == Math.rint(ratio) ? (Object) (long) ratio : (Object) ratio);
        }
        List<Map<String, Object>> list = new ArrayList<>();
        for (Dag s : dags) {
            Map<String, Object> d = new LinkedHashMap<>();
            d.put("Cid", s.cid().toString());
            putNonZero(d, "Size", s.size());
            putNonZero(d, "NumBlocks", s.numBlocks());
            list.add(d);
        }
        o.put("DagStats", list);
        return o;
    }

    private static void putNonZero(Map<String, Object> o, String key, long value) {
        if (value != 0) {
            o.put(key, value);
        }
    }
}
