package io.p2pkit.ipfs.repo;

import io.p2pkit.core.multiformats.Cid;
import io.p2pkit.core.multiformats.Multihash;
import io.p2pkit.ipfs.block.Block;
import io.p2pkit.ipfs.blockstore.FlatfsBlockstore;
import io.p2pkit.ipfs.blockstore.VerifyReport;
import io.p2pkit.ipfs.pin.GcResult;
import io.p2pkit.ipfs.pin.PinType;
import io.p2pkit.ipfs.testing.ManualClock;
import io.p2pkit.ipfs.testing.TestDag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RepositoryTest {
    @TempDir
    Path dir;

    private final SplittableRandom random = new SplittableRandom(41);

    private Repository open() throws Exception {
        return Repository.open(dir, OpenOptions.of(TestDag.LINKS));
    }

    @Test
    void theConfigOnDiskIsParsedAgainOnlyWhenTheFileChanged() throws Exception {
        Repository.init(dir, RepoConfig.defaults());
        try (Repository repo = open()) {
            RepoConfig first = repo.configOnDisk();
            assertSame(first, repo.configOnDisk(), "the same file: not parsed again");
            Repository.writeConfig(dir, first.with("import.cidVersion", "1")); // what 'config' does while a node runs
            assertEquals("1", repo.configOnDisk().get("import.cidVersion").orElseThrow());
            assertEquals(RepoConfig.defaults(), repo.config(), "the settings in force stay those it opened with");
        }
    }

    @Test
    void initLaysOutTheRepository() throws Exception {
        Repository.init(dir, RepoConfig.defaults());
        assertEquals("1\n", Files.readString(dir.resolve("version")));
        assertEquals(RepoConfig.defaults(), RepoConfig.parse(Files.readAllBytes(dir.resolve("config"))));
        assertEquals("/repo/flatfs/shard/v1/next-to-last/2\n", Files.readString(dir.resolve("blocks/SHARDING")));
        assertTrue(Files.exists(dir.resolve("blocks/_README")));
        assertTrue(Files.exists(dir.resolve("datastore/metadata.mv")));
        assertTrue(Files.exists(dir.resolve("repo.lock")));
        RepoException again = assertThrows(RepoException.class, () -> Repository.init(dir, RepoConfig.defaults()));
        assertTrue(again.getMessage().contains("already exists"), again.getMessage());
    }

    @Test
    void theConfigIsReplacedWholeWhileTheRepositoryIsOpen() throws Exception {
        Repository.init(dir, RepoConfig.defaults());
        RepoConfig changed = RepoConfig.defaults().with("addresses.api", "/ip4/127.0.0.1/tcp/5002");
        // what a process killed between writing the temporary file and moving it leaves
        Files.writeString(dir.resolve("put-crashed"), "addresses.api = /ip4/127.0.0.1/tcp/50");
        assertEquals(RepoConfig.defaults(), Repository.readConfig(dir), "a half-written temporary file is not the config");
        try (Repository open = open()) {
            Repository.writeConfig(dir, changed); // the daemon holds the repository; the file is read when it starts
            assertEquals(RepoConfig.defaults(), open.config());
        }
        assertEquals(changed, Repository.readConfig(dir));
        try (var files = Files.list(dir)) {
            assertEquals(List.of("put-crashed"), files.map(p -> p.getFileName().toString())
                    .filter(n -> n.startsWith("put-")).toList(), "the write left no temporary file of its own");
        }
        assertThrows(RepoException.class, () -> Repository.writeConfig(dir.resolve("none"), changed));
    }

    @Test
    void openingWhereThereIsNoRepositorySaysSo() {
        RepoException e = assertThrows(RepoException.class, this::open);
        assertTrue(e.getMessage().contains("p2pkit init"), e.getMessage());
    }

    @Test
    void aRepositoryOfAnotherVersionIsRefused() throws Exception {
        Repository.init(dir, RepoConfig.defaults());
        Files.writeString(dir.resolve("version"), "2\n");
        RepoVersionException e = assertThrows(RepoVersionException.class, this::open);
        assertEquals(2, e.found());
        assertTrue(e.getMessage().contains("newer p2pkit"), e.getMessage());
        Files.writeString(dir.resolve("version"), "one");
        assertThrows(RepoException.class, this::open);
        Files.writeString(dir.resolve("version"), "1");
        open().close(); // and the failed opens released the lock
    }

    @Test
    void aBadConfigNamesItsKeyAndReleasesTheLock() throws Exception {
        Repository.init(dir, RepoConfig.defaults());
        Files.writeString(dir.resolve("config"), "heat.halfLife = soon\n");
        RepoConfigException e = assertThrows(RepoConfigException.class, this::open);
        assertEquals("heat.halfLife", e.field());
        Files.writeString(dir.resolve("config"), "");
        open().close();
    }

    @Test
    void statCountsBlocksAndBytes() throws Exception {
        Repository.init(dir, RepoConfig.defaults());
        try (Repository repo = open()) {
            for (int i = 0; i < 10; i++) {
                repo.blocks().put(TestDag.leaf(random, 1000));
            }
            RepoStat stat = repo.stat();
            assertEquals(10, stat.numObjects());
            assertEquals(10_000, stat.blocksSize());
            assertTrue(stat.repoSize() > 10_000);
            assertEquals(Repository.VERSION, stat.version());
            assertEquals(dir.toAbsolutePath(), stat.root());
            assertEquals(10_000_000_000L, stat.storageMax());
        }
    }

    @Test
    void verifyReportsTheDamagedBlocks() throws Exception {
        Repository.init(dir, RepoConfig.defaults());
        Block good = TestDag.leaf(random, 1000);
        Block bad = TestDag.leaf(random, 1000);
        try (Repository repo = open()) {
            repo.blocks().put(good);
            repo.blocks().put(bad);
            Path file = ((FlatfsBlockstore) repo.blocks().disk()).pathOf(bad.cid().multihash());
            Files.write(file, new byte[10]);
            VerifyReport report = repo.verify();
            assertEquals(1, report.bad());
            assertEquals(Optional.of(bad.cid().multihash()), report.badBlocks().get(0).key());
        }
    }

    @Test
    void pinsAndGcWorkAcrossReopening() throws Exception {
        Repository.init(dir, RepoConfig.defaults());
        List<Block> kept = TestDag.tree(random, 3, 100, "kept");
        List<Block> dropped = TestDag.tree(random, 3, 100, "dropped");
        try (Repository repo = open()) {
            for (Block b : kept) {
                repo.blocks().put(b);
            }
            for (Block b : dropped) {
                repo.blocks().put(b);
            }
            repo.pinner().pin(kept.get(0).cid(), PinType.RECURSIVE, "kept");
        }
        try (Repository repo = open()) {
            assertEquals(PinType.RECURSIVE, repo.pinner().pinOf(kept.get(0).cid()).orElseThrow().type());
            GcResult r = repo.gc(List.of());
            assertEquals(dropped.size(), r.removed());
            assertEquals(kept.size(), repo.stat().numObjects());
            assertTrue(repo.pinner().verify().get(0).ok());
        }
    }

    @Test
    void gcTellsEachRemovedKeyAndVerifyCountsAsItGoes() throws Exception {
        Repository.init(dir, RepoConfig.defaults());
        List<Block> kept = TestDag.tree(random, 2, 100, "kept");
        List<Block> dropped = TestDag.tree(random, 2, 100, "dropped");
        try (Repository repo = open()) {
            for (Block b : kept) {
                repo.blocks().put(b);
            }
            for (Block b : dropped) {
                repo.blocks().put(b);
            }
            repo.pinner().pin(kept.get(0).cid(), PinType.RECURSIVE, "");
            java.util.Set<Multihash> removed = new java.util.HashSet<>();
            GcResult r = repo.gc(List.of(), removed::add);
            assertEquals(dropped.size(), r.removed());
            assertEquals(dropped.stream().map(b -> b.cid().multihash()).collect(java.util.stream.Collectors.toSet()), removed);

            List<Long> seen = new java.util.ArrayList<>();
            assertTrue(repo.verify(seen::add).ok());
            assertEquals(kept.size(), seen.size());
            assertEquals(kept.size(), seen.get(seen.size() - 1));
        }
    }

    @Test
    void anOpeningMayAllowBigBlocksWhateverTheConfigSays() throws Exception {
        Repository.init(dir, RepoConfig.defaults());
        Block big = Block.create(io.p2pkit.core.multiformats.Multicodec.RAW, io.p2pkit.core.multiformats.Multicodec.SHA2_256,
                new byte[Block.MAX_SIZE + 1]);
        try (Repository repo = open()) {
            assertThrows(io.p2pkit.ipfs.blockstore.BlockTooLargeException.class, () -> repo.blocks().put(big));
        }
        try (Repository repo = Repository.open(dir, OpenOptions.of(TestDag.LINKS).allowBigBlocks(true))) {
            assertTrue(repo.config().disk().allowBigBlocks());
            repo.blocks().put(big);
            assertEquals(big.size(), repo.blocks().get(big.cid()).orElseThrow().size());
        }
        assertFalse(RepoConfig.parse(Files.readAllBytes(dir.resolve("config"))).disk().allowBigBlocks(),
                "the config file is not changed");
    }

    @Test
    void heatSurvivesReopening() throws Exception {
        Repository.init(dir, RepoConfig.defaults());
        ManualClock clock = new ManualClock();
        Block b = TestDag.leaf(random, 100);
        Multihash key = b.cid().multihash();
        try (Repository repo = Repository.open(dir, OpenOptions.of(TestDag.LINKS).clock(clock))) {
            repo.blocks().put(b);
            repo.blocks().get(b.cid());
            repo.blocks().get(b.cid());
        }
        clock.advance(Duration.ofMinutes(10));
        try (Repository repo = Repository.open(dir, OpenOptions.of(TestDag.LINKS).clock(clock))) {
            assertEquals(1.0, repo.blocks().heatOf(key), 1e-9);
        }
    }

    @Test
    void aPinsWalkOverStoredBlocksLeavesThemCold() throws Exception {
        Repository.init(dir, RepoConfig.defaults());
        List<Block> tree = TestDag.tree(random, 3, 100, "walked");
        Block read = tree.get(tree.size() - 1);
        try (Repository repo = open()) {
            for (Block b : tree) {
                repo.blocks().put(b);
            }
            repo.blocks().get(read.cid());
            repo.pinner().pin(tree.get(0).cid(), PinType.RECURSIVE, "");
            repo.pinner().pin(tree.get(1).cid(), PinType.DIRECT, "");
            // only the read counts: the walk is a scan, which must not push hot blocks out
            for (Block b : tree) {
                assertEquals(b == read ? 1.0 : 0.0, repo.blocks().heatOf(b.cid().multihash()), 1e-3, b.cid().toString());
            }
        }
    }

    @Test
    void aRepositoryWithANetworkFetchesAndAPinnedFetchIsWrittenDown() throws Exception {
        Repository.init(dir, RepoConfig.defaults());
        List<Block> tree = TestDag.tree(random, 2, 100, "remote");
        Map<Cid, Block> network = new java.util.HashMap<>();
        tree.forEach(b -> network.put(b.cid(), b));
        OpenOptions options = OpenOptions.of(TestDag.LINKS)
                .fetcher((cid, timeout) -> Optional.ofNullable(network.get(cid)).map(Block::data));
        try (Repository repo = Repository.open(dir, options)) {
            repo.pinner().pin(tree.get(0).cid(), PinType.RECURSIVE, "");
            assertEquals(tree.size(), repo.stat().numObjects());
        }
        network.clear();
        try (Repository repo = open()) {
            assertTrue(repo.pinner().verify().get(0).ok());
        }
    }

    @Test
    void theRootIsP2pkitHomeOrDotP2pkit() {
        assertEquals(Path.of("/data/p2p"), Repository.defaultRoot(Map.of("P2PKIT_HOME", "/data/p2p"), "/home/u"));
        assertEquals(Path.of("/home/u/.p2pkit"), Repository.defaultRoot(Map.of(), "/home/u"));
        assertEquals(Path.of("/home/u/.p2pkit"), Repository.defaultRoot(Map.of("P2PKIT_HOME", " "), "/home/u"));
    }

    @Test
    void theConfigFileIsWhatInitWasGiven() throws Exception {
        RepoConfig custom = RepoConfig.parse("blockstore.hashOnRead = false\nGateway.Port = 8080\n"
                .getBytes(StandardCharsets.UTF_8));
        Repository.init(dir, custom);
        try (Repository repo = open()) {
            assertEquals(custom, repo.config());
            assertFalse(repo.config().disk().verifyOnRead());
            assertEquals("8080", repo.config().other().get("Gateway.Port"));
        }
    }
}
