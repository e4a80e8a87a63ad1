package io.p2pkit.node.rpc;

import io.p2pkit.ipfs.block.Block;
import io.p2pkit.ipfs.blockstore.MemoryBlockstore;
import io.p2pkit.ipfs.codec.dagpb.PBLink;
import io.p2pkit.ipfs.codec.dagpb.PBNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.util.List;

import static io.p2pkit.node.rpc.DagDiff.Type.ADD;
import static io.p2pkit.node.rpc.DagDiff.Type.MOD;
import static io.p2pkit.node.rpc.DagDiff.Type.REMOVE;
import static io.p2pkit.node.rpc.DagPbPatchTest.ALPHA;
import static io.p2pkit.node.rpc.DagPbPatchTest.EMPTY_DIR;
import static io.p2pkit.node.rpc.DagPbPatchTest.RAW;
import static io.p2pkit.node.rpc.DagPbPatchTest.v0;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** {@link DagDiff}: boxo's {@code dagutils.Diff}, its order and paths, and p2pkit's caps. */
@Timeout(30)
class DagDiffTest {
    private final MemoryBlockstore store = new MemoryBlockstore(MemoryBlockstore.Limits.defaults());

    private Block dir(PBLink... links) {
        Block b = v0(PBNode.of(new byte[]{0x08, 0x01}, List.of(links)));
        store.put(b);
        return b;
    }

    private static PBLink link(String name, Block to) {
        return PBLink.of(to.cid(), name, to.size());
    }

    private static DagDiff.Change change(DagDiff.Type type, String path, Block before, Block after) {
        return new DagDiff.Change(type, path, before == null ? null : before.cid(), after == null ? null : after.cid());
    }

    @Test
    void theSameRootHasNoChanges() throws IOException {
        Block d = dir(link("a", ALPHA));
        assertEquals(List.of(), new DagDiff(store).diff(d, d));
    }

    @Test
    void twoLeavesAreOneChangeAtTheRoot() throws IOException {
        assertEquals(List.of(change(MOD, "", RAW, ALPHA)), new DagDiff(store).diff(RAW, ALPHA));
        assertEquals(List.of(change(MOD, "", EMPTY_DIR, ALPHA)), new DagDiff(store).diff(EMPTY_DIR, ALPHA),
                "two DAG-PB nodes without links");
        Block d = dir(link("a", ALPHA));
        assertEquals(List.of(change(MOD, "", RAW, d)), new DagDiff(store).diff(RAW, d), "one side not DAG-PB");
    }

    @Test
    void sameNamesAreComparedBelowThenRemovedThenAdded() throws IOException {
        store.put(RAW);
        store.put(ALPHA);
        Block innerA = dir(link("x", ALPHA), link("y", RAW));
        Block innerB = dir(link("x", RAW), link("z", ALPHA));
        Block a = dir(link("gone", RAW), link("in", innerA), link("same", ALPHA), link("w", RAW));
        Block b = dir(link("in", innerB), link("new", ALPHA), link("same", ALPHA), link("w", ALPHA));
        assertEquals(List.of(change(MOD, "in/x", ALPHA, RAW), change(REMOVE, "in/y", RAW, null),
                        change(ADD, "in/z", null, ALPHA), change(MOD, "w", RAW, ALPHA), change(REMOVE, "gone", RAW, null),
                        change(ADD, "new", null, ALPHA)),
                new DagDiff(store).diff(a, b));
    }

    @Test
    void theFirstLinkOfANameAnswersAndNamelessLinksJoinAsGoDoes() throws IOException {
        store.put(RAW);
        store.put(ALPHA);
        Block a = dir(link("", RAW), link("d", RAW));
        Block b = dir(link("", ALPHA), link("d", ALPHA), link("d", RAW));
        assertEquals(List.of(change(MOD, "", RAW, ALPHA), change(MOD, "d", RAW, ALPHA)), new DagDiff(store).diff(a, b));
        assertEquals("a", DagDiff.goJoin("a", ""));
        assertEquals("x", DagDiff.goJoin("", "x"));
        assertEquals("", DagDiff.goJoin("", ""));
        assertEquals("a/b/c", DagDiff.goJoin("a/./b", "c"));
        assertEquals(".", DagDiff.goJoin("a", ".."));
        assertEquals("../x", DagDiff.goJoin("..", "x"));
        assertEquals("/a/b", DagDiff.goJoin("//a", "b"));
        assertEquals("/", DagDiff.goClean("/.."));
    }

    @Test
    void aMissingBlockFailsWithKubosWords() {
        Block gone = v0(PBNode.of(new byte[]{0x08, 0x01}, List.of(link("x", RAW))));
        Block a = dir(link("d", gone));
        Block b = dir(link("d", ALPHA));
        assertEquals("block was not found locally (offline): ipld: could not find " + gone.cid(),
                assertThrows(RpcError.class, () -> new DagDiff(store).diff(a, b)).getMessage());
    }

    @Test
    void theCapsHoldAndSaySo() {
        store.put(RAW);
        store.put(ALPHA);
        Block a = dir(link("1", RAW), link("2", RAW), link("3", RAW));
        Block b = dir(link("1", ALPHA), link("2", ALPHA), link("3", ALPHA));
        assertEquals("object diff: more than 5 blocks to compare, more than p2pkit reads",
                assertThrows(RpcError.class, () -> new DagDiff(store, 5, 10, 10).diff(a, b)).getMessage());
        assertEquals("object diff: more than 2 changes, more than p2pkit lists",
                assertThrows(RpcError.class, () -> new DagDiff(store, 10, 2, 10).diff(a, b)).getMessage());
        Block deepA = dir(link("in", a));
        Block deepB = dir(link("in", b));
        assertEquals("object diff: the DAGs differ deeper than 1 levels, more than p2pkit compares",
                assertThrows(RpcError.class, () -> new DagDiff(store, 10, 10, 1).diff(deepA, deepB)).getMessage());
    }
}
