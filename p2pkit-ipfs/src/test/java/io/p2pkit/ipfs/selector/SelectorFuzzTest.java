package io.p2pkit.ipfs.selector;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.p2pkit.core.DecodeException;
import io.p2pkit.core.multiformats.Multicodec;
import io.p2pkit.ipfs.block.Block;
import io.p2pkit.ipfs.codec.Codecs;
import io.p2pkit.ipfs.ipld.MapNode;
import io.p2pkit.ipfs.ipld.Node;

import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;

class SelectorFuzzTest {
    private static final Node DATA = MapNode.of("a", Node.list(Node.of(1), Node.of("two"), MapNode.of("b", Node.of(true))),
            "c", Node.of(new byte[] {1, 2, 3}));

    /**
     * Any DAG-CBOR bytes either parse to a selector that round-trips through the data model and
     * walks a small tree within the walk's limits, or are refused with a DecodeException.
     */
    @FuzzTest(maxDuration = "30s")
    void parse(byte[] input) throws Exception {
        Selector s;
        try {
            s = SelectorParser.parseCbor(input);
        } catch (DecodeException refused) {
            return;
        }
        assertEquals(s, SelectorParser.parse(s.toNode()));
        new SelectorWalk(Codecs.standard(), new SelectorWalk.Limits(16, 10_000, 64))
                .walk(DATA, s, cid -> Optional.empty(), SelectorWalk.Visitor.NONE);
    }

    /**
     * Any bytes as a dag-pb block, every link of it leading back to itself, walk under the unixfs
     * ADL (a path lookup and an explore-all) within the walk's limits, or are refused with a
     * DecodeException or the walk's LimitException.
     */
    @FuzzTest(maxDuration = "30s")
    void unixfsView(byte[] input) throws Exception {
        Block block = Block.create(Multicodec.DAG_PB, Multicodec.SHA2_256, input);
        SelectorWalk walk = new SelectorWalk(Codecs.standard(), new SelectorWalk.Limits(32, 10_000, 64));
        for (Selector s : List.of(Selector.unixfsPath(List.of("a", "b"), Selector.exploreAll()),
                new Selector.ExploreInterpretAs("unixfs", new Selector.ExploreAll(new Selector.Matcher(Optional.empty()))))) {
            try {
                walk.walk(block.cid(), s, cid -> Optional.of(Block.of(cid, input)), SelectorWalk.Visitor.NONE);
            } catch (DecodeException | SelectorWalk.LimitException refused) {
                // malformed dag-pb or UnixFS data, or a loop of shards: refused, not a crash
            }
        }
    }
}
