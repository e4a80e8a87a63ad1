package io.p2pkit.node.exchange;

import io.p2pkit.core.multiformats.Multicodec;
import io.p2pkit.ipfs.block.Block;
import io.p2pkit.ipfs.codec.Codecs;
import io.p2pkit.ipfs.pin.GcResult;
import io.p2pkit.ipfs.pin.PinType;
import io.p2pkit.ipfs.repo.OpenOptions;
import io.p2pkit.ipfs.repo.RepoConfig;
import io.p2pkit.ipfs.repo.Repository;
import io.p2pkit.node.NodeConfig;
import io.p2pkit.testing.Await;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Kubo's daemon --enable-gc: garbage is collected when the repository is past the watermark, and only then. */
@Timeout(30)
class PeriodicGcTest {
    private static final int BLOCK = 64 * 1024;

    @TempDir
    Path dir;

    /** A repository of {@code storageMax} holding one pinned block and {@code unpinned} blocks of 64 KiB nobody keeps. */
    private Repository repo(String storageMax, int unpinned, List<Block> garbage) throws Exception {
        Path root = dir.resolve("repo-" + storageMax);
        Repository.init(root, RepoConfig.defaults().with("blockstore.storageMax", storageMax));
        Repository repo = Repository.open(root, OpenOptions.of(Codecs.standard()));
        Random random = new Random(7);
        byte[] kept = new byte[BLOCK];
        random.nextBytes(kept);
        Block pinned = Block.create(Multicodec.RAW, Multicodec.SHA2_256, kept);
        repo.blocks().put(pinned);
        repo.pinner().pin(pinned.cid(), PinType.DIRECT, "kept");
        for (int i = 0; i < unpinned; i++) {
            byte[] data = new byte[BLOCK];
            random.nextBytes(data);
            Block b = Block.create(Multicodec.RAW, Multicodec.SHA2_256, data);
            repo.blocks().put(b);
            garbage.add(b);
        }
        return repo;
    }

    @Test
    void pastTheWatermarkTheUnpinnedBlocksGoAndBelowItNothingDoes() throws Exception {
        List<Block> garbage = new ArrayList<>();
        try (Repository full = repo("1MB", 20, garbage)) { // 1.3 MB of blocks: past 90 % of 1 MB
            GcResult r = new PeriodicGc(full, NodeConfig.Gc.DEFAULT).collectIfPastWatermark().orElseThrow();
            assertEquals(20, r.removed());
            assertEquals(1, full.stat().numObjects(), "the pinned block stays");
        }
        try (Repository roomy = repo("1GB", 20, new ArrayList<>())) {
            assertEquals(Optional.empty(), new PeriodicGc(roomy, NodeConfig.Gc.DEFAULT).collectIfPastWatermark());
            assertEquals(21, roomy.stat().numObjects());
        }
        try (Repository high = repo("2MB", 20, new ArrayList<>())) { // 1.3 MB: under 90 % of 2 MB, past 50 %
            assertEquals(Optional.empty(), new PeriodicGc(high, NodeConfig.Gc.DEFAULT).collectIfPastWatermark());
            assertTrue(new PeriodicGc(high, new NodeConfig.Gc(Duration.ofHours(1), 50)).collectIfPastWatermark().isPresent());
        }
    }

    @Test
    void theRoundsRunEveryPeriodOnTheirOwnAndStopAtClose() throws Exception {
        ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
        try (Repository repo = repo("1MB", 20, new ArrayList<>());
             PeriodicGc gc = new PeriodicGc(repo, new NodeConfig.Gc(Duration.ofMillis(100), 90)).start(scheduler)) {
            Await.until("the periodic round collects the unpinned blocks", () -> objects(repo) == 1, Duration.ofSeconds(10));
        } finally {
            scheduler.shutdownNow();
        }
    }

    @Test
    void aNodeWithGcCollectsItsRepository() throws Exception {
        Path root;
        try (Repository repo = repo("1MB", 20, new ArrayList<>())) {
            root = dir.resolve("repo-1MB");
        }
        try (io.p2pkit.node.Node node = io.p2pkit.node.Node.start(NodeConfig.builder().listen("/ip4/127.0.0.1/tcp/0")
                .content(NodeConfig.Content.of(root).withGc(new NodeConfig.Gc(Duration.ofMillis(100), 90))).build())) {
            Repository repo = node.content().orElseThrow().repository();
            Await.until("the node's periodic round collects the unpinned blocks", () -> objects(repo) == 1,
                    Duration.ofSeconds(10));
        }
    }

    private static long objects(Repository repo) {
        try {
            return repo.stat().numObjects();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
