package io.p2pkit.node.rpc;

import io.p2pkit.core.multiformats.Cid;
import io.p2pkit.core.multiformats.Multicodec;
import io.p2pkit.ipfs.block.Block;
import io.p2pkit.ipfs.blockstore.MemoryBlockstore;
import io.p2pkit.ipfs.codec.dagpb.PBLink;
import io.p2pkit.ipfs.codec.dagpb.PBNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** {@link DagPbPatch}: boxo's editor, down to the bytes of the nodes it writes again (the CIDs are Kubo's). */
@Timeout(30)
class DagPbPatchTest {
    /** UnixFS's empty directory, Kubo's QmUNLL…. */
    static final Block EMPTY_DIR = v0(PBNode.of(new byte[]{0x08, 0x01}));
    /** Kubo's {@code ipfs add} of "alpha\n": a UnixFS file of one block. */
    static final Block ALPHA = v0(PBNode.of(new byte[]{0x08, 0x02, 0x12, 0x06, 'a', 'l', 'p', 'h', 'a', '\n', 0x18, 0x06}));
    static final Block RAW = Block.create(Multicodec.RAW, Multicodec.SHA2_256, "raw\n".getBytes(StandardCharsets.UTF_8));

    private final MemoryBlockstore store = new MemoryBlockstore(MemoryBlockstore.Limits.defaults());

    static Block v0(PBNode node) {
        byte[] bytes = node.encode();
        return Block.of(Cid.v0(io.p2pkit.core.multiformats.Multihash.digest(Multicodec.SHA2_256, bytes)), bytes);
    }

    private Block stored(Block b) {
        store.put(b);
        return b;
    }

    @Test
    void createdDirectoriesGiveKubosCids() throws IOException {
        assertEquals("QmUNLLsPACCz1vLxQVkXqqLX5R1X345qqfHbsf67hvA3Nn", EMPTY_DIR.cid().toString());
        assertEquals("QmV4STRyo1dygxGhZcr877TQ1M9AZuXhfm6HrXjxW1TYNP", ALPHA.cid().toString());
        DagPbPatch patch = new DagPbPatch(store);
        Block root = patch.addLink(EMPTY_DIR, "a/b/c", ALPHA, true);
        // ipfs object patch add-link -p QmUNLL… a/b/c QmV4ST… on Kubo 0.39
        assertEquals("QmPsveKjatwtLFWQgLqU7wJAf5qBC9rWR7H44SdVDE8ohd", root.cid().toString());
        assertEquals(3, patch.written().size(), "b, a and the root are new");
        assertEquals(root, patch.written().getLast());
        PBNode a = PBNode.decode(patch.written().get(1).data());
        PBNode b = PBNode.decode(patch.written().get(0).data());
        assertEquals(PBLink.of(patch.written().get(0).cid(), "b", b.encode().length + 14L), a.links().getFirst(),
                "a link's size is the cumulative size of what it points to");
    }

    @Test
    void changedNodesSortTheirLinksAndNameAndSizeEach() throws IOException {
        Block root = v0(PBNode.of(new byte[]{0x08, 0x01}, List.of(new PBLink(RAW.cid(), "z", null),
                new PBLink(RAW.cid(), null, 7L), PBLink.of(RAW.cid(), "b", 4))));
        Block out = new DagPbPatch(store).addLink(root, "b", ALPHA, false);
        PBNode node = PBNode.decode(out.data());
        assertEquals(List.of(PBLink.of(RAW.cid(), "", 7), PBLink.of(ALPHA.cid(), "b", 14), PBLink.of(RAW.cid(), "z", 0)),
                node.links(), "sorted by name, the old \"b\" replaced, every link named and sized");
    }

    @Test
    void aCidV1RootStaysCidV1AndACreatedDirectoryIsCidV0() throws IOException {
        byte[] bytes = PBNode.of(new byte[]{0x08, 0x01}).encode();
        Block root = Block.create(Multicodec.DAG_PB, Multicodec.SHA2_256, bytes);
        DagPbPatch patch = new DagPbPatch(store);
        Block out = patch.addLink(root, "d/x", RAW, true);
        assertEquals(1, out.cid().version());
        assertEquals(0, patch.written().getFirst().cid().version());
        assertEquals(RAW.size(), PBNode.decode(patch.written().getFirst().data()).links().getFirst().tsize(),
                "a raw block's size is its length");
    }

    @Test
    void anEmptyDataGoesFromTheRootAsInBoxosCopy() throws IOException {
        Block root = v0(PBNode.of(new byte[0], List.of(PBLink.of(RAW.cid(), "x", 4))));
        assertNull(PBNode.decode(new DagPbPatch(store).rmLink(root, "x").data()).data());
    }

    @Test
    void rmLinkWritesTheWayDown() throws IOException {
        Block inner = stored(v0(PBNode.of(new byte[]{0x08, 0x01}, List.of(PBLink.of(ALPHA.cid(), "a", 14),
                PBLink.of(RAW.cid(), "r", 4)))));
        Block root = v0(PBNode.of(new byte[]{0x08, 0x01}, List.of(PBLink.of(inner.cid(), "in", inner.size() + 18))));
        DagPbPatch patch = new DagPbPatch(store);
        Block out = patch.rmLink(root, "in/r");
        Block newInner = patch.written().getFirst();
        assertEquals(List.of(PBLink.of(ALPHA.cid(), "a", 14)), PBNode.decode(newInner.data()).links());
        assertEquals(List.of(PBLink.of(newInner.cid(), "in", newInner.size() + 14)), PBNode.decode(out.data()).links());
        // adding it back (over the new nodes, stored) gives the first root again
        patch.written().forEach(store::put);
        assertEquals(root.cid(), new DagPbPatch(store).addLink(out, "in/r", RAW, false).cid());
    }

    @Test
    void errorsAreBoxos() {
        Block root = stored(v0(PBNode.of(new byte[]{0x08, 0x01}, List.of(PBLink.of(RAW.cid(), "raw", 4),
                PBLink.of(Cid.v0(io.p2pkit.core.multiformats.Multihash.digest(Multicodec.SHA2_256, new byte[]{1})),
                        "gone", 1)))));
        store.put(RAW);
        assertEquals("no link by that name", fails(() -> new DagPbPatch(store).addLink(root, "no/x", RAW, false)));
        assertEquals("cannot create link with no name", fails(() -> new DagPbPatch(store).addLink(root, "", RAW, false)));
        assertEquals("cannot create link with no name", fails(() -> new DagPbPatch(store).addLink(root, "d/", RAW, true)));
        assertEquals("expected protobuf dag node", fails(() -> new DagPbPatch(store).addLink(RAW, "x", RAW, false)));
        assertEquals("expected protobuf dag node", fails(() -> new DagPbPatch(store).addLink(root, "raw/x", RAW, true)));
        assertEquals("no link by that name", fails(() -> new DagPbPatch(store).rmLink(root, "nope")));
        assertEquals("no link by that name", fails(() -> new DagPbPatch(store).rmLink(root, "nope/x")));
        assertEquals("expected protobuf dag node", fails(() -> new DagPbPatch(store).rmLink(root, "raw/x")));
        String gone = PBNode.decode(root.data()).links().get(1).hash().toString();
        assertEquals("block was not found locally (offline): ipld: could not find " + gone,
                fails(() -> new DagPbPatch(store).rmLink(root, "gone/x")));
    }

    private static String fails(org.junit.jupiter.api.function.Executable e) {
        return assertThrows(RpcError.class, e).getMessage();
    }
}
