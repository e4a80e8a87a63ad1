package io.p2pkit.node.exchange;

import io.p2pkit.core.multiformats.Cid;
import io.p2pkit.core.multiformats.Multihash;
import io.p2pkit.ipfs.codec.Codecs;
import io.p2pkit.ipfs.repo.OpenOptions;
import io.p2pkit.ipfs.repo.RepoConfig;
import io.p2pkit.ipfs.repo.Repository;
import io.p2pkit.testing.Await;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The provide queue ({@code provide clear}): keys of new blocks wait there for a free slot;
 * clearing drops those and counts them, while announcements under way finish.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ProvideQueueTest {
    @TempDir
    Path dir;

    /** {@code n} raw CIDs named by {@code tag} and a number. */
    static List<Cid> cids(int n, String tag) {
        List<Cid> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(Cid.v1(0x55, Multihash.digest(0x12, (tag + i).getBytes(StandardCharsets.UTF_8))));
        }
        return out;
    }

    /** With the default slots, and with three (Kubo's Provide.DHT.MaxWorkers): no more run at once. */
    @ParameterizedTest
    @ValueSource(ints = {Reprovider.PARALLELISM, 3})
    void clearDropsTheWaitingKeysAndCountsThem(int slots) throws Exception {
        Repository.init(dir, RepoConfig.defaults());
        CountDownLatch held = new CountDownLatch(1);
        Set<Multihash> announced = ConcurrentHashMap.newKeySet();
        Set<Multihash> started = ConcurrentHashMap.newKeySet();
        try (Repository repo = Repository.open(dir, OpenOptions.of(Codecs.standard()))) {
            Reprovider r = new Reprovider(key -> {
                started.add(key);
                try {
                    assertTrue(held.await(30, TimeUnit.SECONDS), "released");
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                announced.add(key);
                return 1;
            }, repo, Codecs.standard(), ReprovideStrategy.ALL, slots);
            List<Cid> blocks = cids(slots + 8, "block");
            r.provide(blocks);
            Await.until("every slot announces", () -> started.size() == slots, Duration.ofSeconds(20));
            Await.until("the rest wait in the queue", () -> r.queued() == 8, Duration.ofSeconds(20));
            assertEquals(8, r.clear(), "the waiting keys");
            assertEquals(0, r.queued());
            assertEquals(0, r.clear(), "an empty queue clears nothing");
            held.countDown();
            assertEquals(slots, started.size(), "no more than the slots at once");
            Await.until("the announcements under way finish", () -> announced.size() == slots,
                    Duration.ofSeconds(20));
            assertEquals(started, announced);
            // new keys after a clear are announced as before
            List<Cid> later = cids(3, "later");
            r.provide(later);
            Await.until("new keys are announced", () -> announced.containsAll(later.stream().map(Cid::multihash).toList()),
                    Duration.ofSeconds(20));
            assertEquals(slots + 3, announced.size());
            // the workers of the dropped keys found nothing: no key was started beyond these
            assertEquals(slots + 3, started.size());
            r.close();
        }
    }

    @Test
    void strategiesThatDoNotCoverABlockQueueNothing() throws Exception {
        Repository.init(dir, RepoConfig.defaults());
        try (Repository repo = Repository.open(dir, OpenOptions.of(Codecs.standard()))) {
            Reprovider r = new Reprovider(key -> 1, repo, Codecs.standard(), ReprovideStrategy.PINNED);
            r.provide(cids(5, "fetched"));
            assertEquals(0, r.queued());
            assertEquals(0, r.clear());
            assertFalse(r.queued() > 0);
            r.close();
        }
    }
}
