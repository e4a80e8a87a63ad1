package io.p2pkit.node.rpc;

import io.p2pkit.core.multiformats.Cid;
import io.p2pkit.core.multiformats.Multicodec;
import io.p2pkit.ipfs.block.Block;
import io.p2pkit.ipfs.block.BlockSource;
import io.p2pkit.ipfs.codec.dagpb.PBLink;
import io.p2pkit.ipfs.codec.dagpb.PBNode;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;

/**
 * {@code object diff}: the changes that turn one DAG into another, as boxo's
 * {@code dagutils.Diff} finds them. Two DAG-PB nodes with links are compared link by link: a
 * name on both sides with different targets is compared below (the first link of that name on
 * the second side answers), then the names only the first has are removed and those only the
 * second has are added (by name). Any other pair of different blocks is one change at that path.
 *
 * <p>Bounded where boxo is not: at most {@link #MAX_NODES} blocks read, {@link #MAX_CHANGES}
 * changes and {@link #MAX_DEPTH} levels; past one, the diff fails saying which.
 */
final class DagDiff {
    /** The most blocks one diff reads below its two roots. */
    static final int MAX_NODES = 100_000;
    /** The most changes one diff lists. */
    static final int MAX_CHANGES = 100_000;
    /** The most levels one diff descends. */
    static final int MAX_DEPTH = 4096;

    /** What a change is, with dagutils' numbers. */
    enum Type { ADD, REMOVE, MOD }

    /**
     * One change.
     *
     * @param type   added, removed or changed
     * @param path   where, below the roots ({@code ""} for the roots themselves)
     * @param before what was there, or null when it is added
     * @param after  what is there now, or null when it is removed
     */
    record Change(Type type, String path, Cid before, Cid after) {
        Change under(String name) {
            return new Change(type, goJoin(name, path), before, after);
        }
    }

    private final BlockSource blocks;
    private final int maxNodes;
    private final int maxChanges;
    private final int maxDepth;
    private int read;
    private int changes;

    /** A diff that reads the blocks below its roots from {@code blocks}, within the caps above. */
    DagDiff(BlockSource blocks) {
        this(blocks, MAX_NODES, MAX_CHANGES, MAX_DEPTH);
    }

    /** The same with other caps (a test's small ones). */
    DagDiff(BlockSource blocks, int maxNodes, int maxChanges, int maxDepth) {
        this.blocks = blocks;
        this.maxNodes = maxNodes;
        this.maxChanges = maxChanges;
        this.maxDepth = maxDepth;
    }

    /** The changes from {@code a} to {@code b}, in boxo's order. */
    List<Change> diff(Block a, Block b) throws IOException {
        return diff(a, b, 0);
    }

    private List<Change> diff(Block a, Block b, int depth) throws IOException {
        List<Change> out = new ArrayList<>();
        if (a.cid().equals(b.cid())) {
            return out;
        }
        PBNode nodeA = a.cid().codec() == Multicodec.DAG_PB ? PBNode.decode(a.data()) : null;
        PBNode nodeB = b.cid().codec() == Multicodec.DAG_PB ? PBNode.decode(b.data()) : null;
        if (nodeA == null || nodeB == null || (nodeA.links().isEmpty() && nodeB.links().isEmpty())) {
            out.add(count(new Change(Type.MOD, "", a.cid(), b.cid())));
            return out;
        }
        if (depth >= maxDepth) {
            throw RpcError.failed("object diff: the DAGs differ deeper than " + maxDepth + " levels, more than p2pkit compares");
        }
        List<PBLink> onlyA = sortedByName(nodeA.links());
        List<PBLink> onlyB = sortedByName(nodeB.links());
        for (PBLink linkA : nodeA.links()) {
            String name = linkA.nameOrEmpty();
            PBLink linkB = first(nodeB.links(), name);
            if (linkB == null) {
                continue;
            }
            onlyA.removeIf(l -> l.nameOrEmpty().equals(name));
            onlyB.removeIf(l -> l.nameOrEmpty().equals(name));
            if (linkA.hash().equals(linkB.hash())) {
                continue;
            }
            Block childA = read(linkA.hash());
            Block childB = read(linkB.hash());
            for (Change c : diff(childA, childB, depth + 1)) {
                out.add(c.under(name));
            }
        }
        for (PBLink l : onlyA) {
            out.add(count(new Change(Type.REMOVE, l.nameOrEmpty(), l.hash(), null)));
        }
        for (PBLink l : onlyB) {
            out.add(count(new Change(Type.ADD, l.nameOrEmpty(), null, l.hash())));
        }
        return out;
    }

    private Change count(Change c) {
        if (++changes > maxChanges) {
            throw RpcError.failed("object diff: more than " + maxChanges + " changes, more than p2pkit lists");
        }
        return c;
    }

    private Block read(Cid cid) throws IOException {
        if (++read > maxNodes) {
            throw RpcError.failed("object diff: more than " + maxNodes + " blocks to compare, more than p2pkit reads");
        }
        return blocks.get(cid).orElseThrow(() -> KuboPaths.notFound(cid));
    }

    private static PBLink first(List<PBLink> links, String name) {
        for (PBLink l : links) {
            if (l.nameOrEmpty().equals(name)) {
                return l;
            }
        }
        return null;
    }

    /** The links sorted (stably) by name bytes, as boxo's copy of a node has them. */
    private static List<PBLink> sortedByName(List<PBLink> links) {
        List<PBLink> sorted = new ArrayList<>(links);
        sorted.sort((x, y) -> Arrays.compareUnsigned(x.nameOrEmpty().getBytes(StandardCharsets.UTF_8),
                y.nameOrEmpty().getBytes(StandardCharsets.UTF_8)));
        return sorted;
    }

    /** Go's {@code path.Join(a, b)}: the non-empty ones joined with {@code /}, then cleaned. */
    static String goJoin(String a, String b) {
        if (a.isEmpty() && b.isEmpty()) {
            return "";
        }
        return goClean(a.isEmpty() ? b : b.isEmpty() ? a : a + "/" + b);
    }

    /** Go's {@code path.Clean}: no empty or {@code .} names, {@code ..} taking the name before it. */
    static String goClean(String p) {
        boolean rooted = p.startsWith("/");
        Deque<String> names = new ArrayDeque<>();
        for (String name : p.split("/")) {
            if (name.isEmpty() || name.equals(".")) {
                continue;
            }
            if (name.equals("..")) {
                if (!names.isEmpty() && !names.peekLast().equals("..")) {
                    names.pollLast();
                } else if (!rooted) {
                    names.addLast(name);
                }
            } else {
                names.addLast(name);
            }
        }
        String joined = String.join("/", names);
        if (rooted) {
            return "/" + joined;
        }
        return joined.isEmpty() ? "." : joined;
    }
}
