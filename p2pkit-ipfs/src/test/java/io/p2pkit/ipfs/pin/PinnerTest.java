package io.p2pkit.ipfs.pin;

import io.p2pkit.core.multiformats.Cid;
import io.p2pkit.core.multiformats.Multicodec;
import io.p2pkit.core.multiformats.Multihash;
import io.p2pkit.ipfs.block.Block;
import io.p2pkit.ipfs.blockstore.FlatfsBlockstore;
import io.p2pkit.ipfs.blockstore.RemoteTier;
import io.p2pkit.ipfs.blockstore.TieredBlockstore;
import io.p2pkit.ipfs.testing.TestDag;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class PinnerTest {
    @TempDir
    Path dir;

    private final SplittableRandom random = new SplittableRandom(21);
    private final MemoryPinStore pinStore = new MemoryPinStore();
    private final Map<Multihash, byte[]> network = new HashMap<>();
    private TieredBlockstore store;
    private Pinner pinner;

    @BeforeEach
    void open() throws IOException {
        store = TieredBlockstore.builder(FlatfsBlockstore.open(dir, FlatfsBlockstore.Options.defaults().withSyncWrites(false)))
                .remote(new RemoteTier((cid, timeout) -> Optional.ofNullable(network.get(cid.multihash())),
                        Duration.ofSeconds(1), false))
                .pinned(pinStore::isPinned)
                .build();
        pinner = new Pinner(store, store.local(), pinStore, TestDag.LINKS, new GcLock(), 1000);
    }

    @AfterEach
    void close() throws IOException {
        store.close();
    }

    private List<Block> storeTree(String name) throws IOException {
        List<Block> tree = TestDag.tree(random, 3, 50, name);
        for (Block b : tree) {
            store.put(b);
        }
        return tree;
    }

    private static Set<Cid> cids(List<Pin> pins) {
        return pins.stream().map(Pin::cid).collect(Collectors.toSet());
    }

    @Test
    void aRecursivePinMakesEverythingBelowItIndirect() throws Exception {
        List<Block> tree = storeTree("a");
        Cid root = tree.get(0).cid();
        pinner.pin(root, PinType.RECURSIVE, "my tree");
        assertEquals(List.of(new Pin(root, PinType.RECURSIVE, "my tree")), pinner.ls(Set.of(PinType.RECURSIVE)));
        List<Pin> indirect = pinner.ls(Set.of(PinType.INDIRECT));
        assertEquals(tree.size() - 1, indirect.size());
        assertEquals(tree.subList(1, tree.size()).stream().map(Block::cid).collect(Collectors.toSet()), cids(indirect));
        assertEquals(tree.size(), pinner.ls(PinType.ALL).size());
        assertEquals(PinType.RECURSIVE, pinner.pinOf(root).orElseThrow().type());
        assertEquals(PinType.INDIRECT, pinner.pinOf(tree.get(5).cid()).orElseThrow().type());
        assertTrue(pinner.pinOf(TestDag.leaf(random, 5).cid()).isEmpty());
        assertTrue(pinner.isPinnedRoot(root.multihash()));
    }

    @Test
    void anIndirectPinSaysThroughWhichRecursivePin() throws Exception {
        List<Block> tree = storeTree("c");
        Cid root = tree.get(0).cid();
        Cid inside = tree.get(3).cid();
        pinner.pin(root, PinType.RECURSIVE, "");
        PinStatus indirect = pinner.status(inside).orElseThrow();
        assertEquals(new Pin(inside, PinType.INDIRECT, ""), indirect.pin());
        assertEquals(java.util.Optional.of(root), indirect.via());
        assertEquals("indirect through " + root, indirect.kuboType(Cid::toString));
        assertEquals("pinned via " + root, indirect.kuboRemovalError());
        PinStatus recursive = pinner.status(root).orElseThrow();
        assertTrue(recursive.via().isEmpty());
        assertEquals("recursive", recursive.kuboType(Cid::toString));
        assertEquals("pinned: recursive", recursive.kuboRemovalError());
        pinner.pin(inside, PinType.DIRECT, "");
        assertEquals("direct", pinner.status(inside).orElseThrow().kuboType(Cid::toString), "direct wins over indirect");
        assertThrows(IllegalArgumentException.class,
                () -> new PinStatus(new Pin(inside, PinType.DIRECT, ""), java.util.Optional.of(root)));
    }

    @Test
    void aDirectPinWithinARecursiveDagIsListedOnceAsDirect() throws Exception {
        List<Block> tree = storeTree("b");
        pinner.pin(tree.get(0).cid(), PinType.RECURSIVE, "");
        pinner.pin(tree.get(2).cid(), PinType.DIRECT, "");
        List<Pin> all = pinner.ls(PinType.ALL);
        assertEquals(tree.size(), all.size());
        assertEquals(1, all.stream().filter(p -> p.cid().equals(tree.get(2).cid())).count());
        assertEquals(PinType.DIRECT, pinner.pinOf(tree.get(2).cid()).orElseThrow().type());
    }

    @Test
    void aMissingBlockStopsTheRecursivePin() throws Exception {
        List<Block> tree = storeTree("c");
        Block lost = tree.get(4);
        store.delete(lost.cid().multihash());
        Cid root = tree.get(0).cid();
        MissingBlockException e = assertThrows(MissingBlockException.class, () -> pinner.pin(root, PinType.RECURSIVE, ""));
        assertEquals(lost.cid(), e.cid());
        assertEquals(root, e.root());
        assertTrue(e.getMessage().contains(lost.cid().toString()), e.getMessage());
        assertTrue(pinner.ls(PinType.ALL).isEmpty(), "no pin recorded");
    }

    @Test
    void pinningFetchesFromTheNetworkAndWritesEverythingDown() throws Exception {
        List<Block> tree = TestDag.tree(random, 3, 50, "d");
        tree.forEach(b -> network.put(b.cid().multihash(), b.data()));
        Cid root = tree.get(0).cid();
        pinner.pin(root, PinType.RECURSIVE, "");
        for (Block b : tree) {
            assertTrue(store.disk().has(b.cid().multihash()), "on disk: " + b.cid());
        }
        assertEquals(0, store.stats().unsavedBlocks());
    }

    /** A fetch over {@link #network}: each block of the DAG handed over once, nothing stored. */
    private Pinner.DagSource networkSource(List<Cid> handed) {
        return (root, links, each) -> {
            java.util.ArrayDeque<Cid> todo = new java.util.ArrayDeque<>(List.of(root));
            java.util.Set<Multihash> seen = new java.util.HashSet<>();
            while (!todo.isEmpty()) {
                Cid c = todo.pop();
                if (!seen.add(c.multihash())) {
                    continue;
                }
                byte[] data = network.get(c.multihash());
                if (data == null) {
                    throw new IOException("no peer has " + c);
                }
                Block b = Block.of(c, data);
                handed.add(c);
                each.block(b);
                todo.addAll(links.links(b));
            }
        };
    }

    @Test
    void aSourceTakesTheWalksPlaceAndWhatItHandsOverIsStoredAndPinned() throws Exception {
        List<Block> tree = TestDag.tree(random, 3, 50, "s");
        tree.forEach(b -> network.put(b.cid().multihash(), b.data()));
        Cid root = tree.get(0).cid();
        List<Cid> handed = new java.util.ArrayList<>();
        List<Long> counts = new java.util.ArrayList<>();
        pinner.pin(root, PinType.RECURSIVE, "fetched", counts::add, networkSource(handed));
        assertEquals(tree.size(), handed.size(), "each block once");
        assertEquals(tree.size(), counts.size());
        assertEquals((long) tree.size(), counts.getLast());
        for (Block b : tree) {
            assertTrue(store.disk().has(b.cid().multihash()), "on disk: " + b.cid());
        }
        assertEquals(List.of(new Pin(root, PinType.RECURSIVE, "fetched")), pinner.ls(Set.of(PinType.RECURSIVE)));
        assertEquals(tree.size() - 1, pinner.ls(Set.of(PinType.INDIRECT)).size());
        assertEquals(0, store.stats().remoteHits(), "the store fetched nothing: the source did");
    }

    @Test
    void aSourceThatFailsOrGoesOverTheBoundRecordsNoPin() throws Exception {
        List<Block> tree = TestDag.tree(random, 3, 50, "t"); // 13 blocks
        tree.forEach(b -> network.put(b.cid().multihash(), b.data()));
        Cid root = tree.get(0).cid();
        Pinner small = new Pinner(store, store.local(), pinStore, TestDag.LINKS, new GcLock(), 10);
        PinException over = assertThrows(PinException.class,
                () -> small.pin(root, PinType.RECURSIVE, "", n -> { }, networkSource(new java.util.ArrayList<>())));
        assertEquals("cannot pin " + root + ": more than 10 blocks are reachable; raise the limit (pins.maxDagBlocks)"
                + " to walk this many", over.getMessage());
        assertTrue(pinner.ls(PinType.ALL).isEmpty(), "no pin recorded");

        network.remove(tree.get(7).cid().multihash());
        IOException lost = assertThrows(IOException.class,
                () -> pinner.pin(root, PinType.RECURSIVE, "", n -> { }, networkSource(new java.util.ArrayList<>())));
        assertEquals("no peer has " + tree.get(7).cid(), lost.getMessage());
        assertTrue(pinner.ls(PinType.ALL).isEmpty(), "no pin recorded");
    }

    @Test
    void aDirectPinTakesNothingFromTheSource() throws Exception {
        List<Block> tree = storeTree("u");
        Pinner.DagSource never = (root, links, each) -> {
            throw new AssertionError("a direct pin walks no DAG");
        };
        pinner.pin(tree.get(0).cid(), PinType.DIRECT, "", n -> { }, never);
        assertEquals(PinType.DIRECT, pinner.pinOf(tree.get(0).cid()).orElseThrow().type());
    }

    @Test
    void directThenRecursiveBecomesRecursive() throws Exception {
        List<Block> tree = storeTree("e");
        Cid root = tree.get(0).cid();
        pinner.pin(root, PinType.DIRECT, "x");
        assertEquals(PinType.DIRECT, pinner.pinOf(root).orElseThrow().type());
        assertTrue(pinner.ls(Set.of(PinType.INDIRECT)).isEmpty());
        pinner.pin(root, PinType.RECURSIVE, "x");
        assertEquals(List.of(new Pin(root, PinType.RECURSIVE, "x")), pinner.ls(Set.of(PinType.RECURSIVE, PinType.DIRECT)));
        PinException e = assertThrows(PinException.class, () -> pinner.pin(root, PinType.DIRECT, ""));
        assertTrue(e.getMessage().contains("already pinned recursively"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> pinner.pin(root, PinType.INDIRECT, ""));
    }

    @Test
    void unpinFollowsKubo() throws Exception {
        List<Block> tree = storeTree("f");
        Cid root = tree.get(0).cid();
        pinner.pin(root, PinType.RECURSIVE, "");
        assertThrows(PinException.class, () -> pinner.unpin(root, false));
        PinException e = assertThrows(PinException.class, () -> pinner.unpin(tree.get(1).cid(), true));
        assertTrue(e.getMessage().contains("not pinned or pinned indirectly"), e.getMessage());
        pinner.unpin(root, true);
        assertTrue(pinner.ls(PinType.ALL).isEmpty());
        pinner.pin(tree.get(1).cid(), PinType.DIRECT, "");
        pinner.unpin(tree.get(1).cid(), false);
        assertTrue(pinner.ls(PinType.ALL).isEmpty());
    }

    @Test
    void verifyFindsMissingAndDamagedBlocks() throws Exception {
        List<Block> tree = storeTree("g");
        Cid root = tree.get(0).cid();
        pinner.pin(root, PinType.RECURSIVE, "");
        assertTrue(pinner.verify().get(0).ok());
        Block gone = tree.get(2);
        Block damaged = tree.get(3);
        store.delete(gone.cid().multihash());
        Path file = ((FlatfsBlockstore) store.disk()).pathOf(damaged.cid().multihash());
        byte[] bytes = Files.readAllBytes(file);
        bytes[0] ^= 1;
        Files.write(file, bytes);
        PinVerifyResult r = pinner.verify().get(0);
        assertFalse(r.ok());
        Map<Cid, String> bad = r.badNodes().stream().collect(Collectors.toMap(PinVerifyResult.BadNode::cid,
                PinVerifyResult.BadNode::error));
        assertEquals(Set.of(gone.cid(), damaged.cid()), bad.keySet());
        assertEquals("missing", bad.get(gone.cid()));
        assertTrue(bad.get(damaged.cid()).startsWith("damaged"), bad.get(damaged.cid()));
    }

    @Test
    void aDagOverTheBoundIsRefused() throws Exception {
        List<Block> tree = storeTree("h"); // 13 blocks
        Pinner small = new Pinner(store, store.local(), pinStore, TestDag.LINKS, new GcLock(), 10);
        PinException e = assertThrows(PinException.class, () -> small.pin(tree.get(0).cid(), PinType.RECURSIVE, ""));
        assertTrue(e.getMessage().contains("more than 10 blocks"), e.getMessage());
    }

    @Test
    void identityLinksNeedNoStoredBlock() throws Exception {
        Cid inline = Cid.v1(Multicodec.RAW, Multihash.identity(new byte[] {1, 2, 3}));
        Block root = TestDag.node(List.of(inline), "with an inline leaf");
        store.put(root);
        pinner.pin(root.cid(), PinType.RECURSIVE, "");
        assertEquals(Set.of(inline), cids(pinner.ls(Set.of(PinType.INDIRECT))));
    }

    /** A new version of {@code tree}: its first subtree kept, a new subtree of fresh leaves beside it. */
    private List<Block> nextVersion(List<Block> tree, String name) {
        Block kept = tree.get(4); // the first middle node, over leaves 1 to 3
        Block leaf = TestDag.leaf(random, 50);
        Block fresh = TestDag.node(List.of(leaf.cid()), name + "/fresh");
        return List.of(TestDag.node(List.of(kept.cid(), fresh.cid()), name), fresh, leaf);
    }

    @Test
    void updateMovesTheRecursivePinAndItsNameFetchingOnlyWhatIsNew() throws Exception {
        List<Block> tree = storeTree("u");
        Cid from = tree.get(0).cid();
        pinner.pin(from, PinType.RECURSIVE, "site");
        List<Block> next = nextVersion(tree, "u2");
        next.forEach(b -> network.put(b.cid().multihash(), b.data()));
        Cid to = next.get(0).cid();
        // the source is asked for nothing the old DAG has here (the network lacks it: asking would fail)
        List<Cid> handed = new java.util.ArrayList<>();
        pinner.update(from, to, true, networkSource(handed));
        assertEquals(next.stream().map(Block::cid).toList(), handed, "the new blocks, each once, the shared subtree passed over");
        assertEquals(0, store.stats().remoteHits(), "the store fetched nothing: the source did");
        assertEquals(List.of(new Pin(to, PinType.RECURSIVE, "site")), pinner.ls(Set.of(PinType.RECURSIVE, PinType.DIRECT)));
        for (Block b : next) {
            assertTrue(store.disk().has(b.cid().multihash()), "fetched and written down: " + b.cid());
        }
        assertEquals(PinType.INDIRECT, pinner.pinOf(tree.get(1).cid()).orElseThrow().type(), "kept through the new pin");
        assertTrue(pinner.pinOf(tree.get(8).cid()).isEmpty(), "what only the old DAG had is no longer pinned");
    }

    @Test
    void updateWithoutUnpinKeepsBothAndPassesOverTheSharedPart() throws Exception {
        List<Block> tree = storeTree("k");
        Cid from = tree.get(0).cid();
        pinner.pin(from, PinType.RECURSIVE, "");
        List<Block> next = nextVersion(tree, "k2");
        for (Block b : next) {
            store.put(b);
        }
        // a raw leaf of the old DAG is taken as present, not read again: gone, the update still works
        store.delete(tree.get(1).cid().multihash());
        pinner.pin(next.get(0).cid(), PinType.DIRECT, "");
        pinner.update(from, next.get(0).cid(), false, null);
        assertEquals(Set.of(from, next.get(0).cid()), cids(pinner.ls(Set.of(PinType.RECURSIVE))));
        assertTrue(pinner.ls(Set.of(PinType.DIRECT)).isEmpty(), "the direct pin became the recursive one");
    }

    @Test
    void updateRefusesAsKubo() throws Exception {
        List<Block> tree = storeTree("r");
        Cid from = tree.get(0).cid();
        Cid inside = tree.get(4).cid();
        Pinner.DagSource never = (root, links, each) -> {
            throw new AssertionError("nothing is fetched before the checks pass");
        };
        PinException notPinned = assertThrows(PinException.class, () -> pinner.update(from, inside, true, never));
        assertEquals("'from' cid was not recursively pinned already", notPinned.getMessage());
        pinner.pin(from, PinType.RECURSIVE, "");
        pinner.pin(inside, PinType.RECURSIVE, "");
        PinException already = assertThrows(PinException.class, () -> pinner.update(from, inside, true, never));
        assertEquals("'to' cid was already recursively pinned", already.getMessage());
        pinner.update(from, from, true, never); // the same: nothing to do, the pin stays
        assertEquals(Set.of(from, inside), cids(pinner.ls(Set.of(PinType.RECURSIVE))));

        List<Block> next = nextVersion(tree, "r2"); // neither here nor on the network
        MissingBlockException missing = assertThrows(MissingBlockException.class,
                () -> pinner.update(from, next.get(0).cid(), true, null));
        assertEquals(next.get(0).cid(), missing.cid());
        assertEquals(Set.of(from, inside), cids(pinner.ls(Set.of(PinType.RECURSIVE))), "nothing changed");

        // the bound counts both DAGs: the old one's blocks here, and what the source hands over
        next.forEach(b -> network.put(b.cid().multihash(), b.data()));
        Pinner small = new Pinner(store, store.local(), pinStore, TestDag.LINKS, new GcLock(), tree.size() + 2);
        PinException over = assertThrows(PinException.class,
                () -> small.update(from, next.get(0).cid(), true, networkSource(new java.util.ArrayList<>())));
        assertEquals("cannot pin " + next.get(0).cid() + ": more than " + (tree.size() + 2) + " blocks are reachable;"
                + " raise the limit (pins.maxDagBlocks) to walk this many", over.getMessage());
        assertEquals(Set.of(from, inside), cids(pinner.ls(Set.of(PinType.RECURSIVE))), "nothing changed");
    }

    @Test
    void pinTypesParseAsKuboNamesThem() {
        assertEquals(PinType.ALL, PinType.select("all"));
        assertEquals(Set.of(PinType.INDIRECT), PinType.select("indirect"));
        assertEquals("recursive", PinType.RECURSIVE.kuboName());
        assertThrows(IllegalArgumentException.class, () -> PinType.select("everything"));
    }
}
