package io.p2pkit.node.exchange;

import io.p2pkit.core.multiformats.Cid;
import io.p2pkit.core.multiformats.Multicodec;
import io.p2pkit.core.multiformats.Multihash;
import io.p2pkit.ipfs.block.Block;
import io.p2pkit.ipfs.codec.Codecs;
import io.p2pkit.ipfs.repo.OpenOptions;
import io.p2pkit.ipfs.repo.RepoConfig;
import io.p2pkit.ipfs.repo.Repository;
import io.p2pkit.testing.Await;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The sweeping reprovider (Kubo 0.39's default): a run sweeps the keys in batches, the provide
 * queue is swept in batches of what waits, and with resume on a restart neither announces
 * everything again nor loses the queue.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SweepingReproviderTest {
    @TempDir
    Path dir;

    private static List<Cid> cids(int n, String tag) {
        return ProvideQueueTest.cids(n, tag);
    }

    /** Waits for {@code latch} inside an announcer, which may only throw IOException. */
    private static void await(CountDownLatch latch) throws java.io.InterruptedIOException {
        try {
            latch.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException("interrupted");
        }
    }

    private Repository repoWith(int blocks) throws Exception {
        Repository.init(dir, RepoConfig.defaults());
        Repository repo = Repository.open(dir, OpenOptions.of(Codecs.standard()));
        for (int i = 0; i < blocks; i++) {
            repo.blocks().put(Block.create(Multicodec.RAW, Multicodec.SHA2_256,
                    ("block " + i).getBytes(StandardCharsets.UTF_8)));
        }
        return repo;
    }

    @Test
    void aRunSweepsItsKeysInBatchesAndCountsWhatNoServerTook() throws Exception {
        try (Repository repo = repoWith(5)) {
            List<List<Multihash>> sweeps = new CopyOnWriteArrayList<>();
            List<Multihash> alone = new CopyOnWriteArrayList<>();
            Reprovider r = new Reprovider(key -> {
                alone.add(key);
                return 0; // no server took the key announced alone
            }, keys -> {
                sweeps.add(keys);
                return 1; // one key of each sweep found no server
            }, 2, repo, Codecs.standard(), ReprovideStrategy.ALL, 4);
            assertTrue(r.sweeps());
            Reprovider.Run run = r.reprovide();
            assertEquals(5, run.keys());
            assertEquals(List.of(2, 2), sweeps.stream().map(List::size).toList());
            assertEquals(1, alone.size(), "the last key, alone, goes with a lookup of its own");
            assertEquals(3, run.failures());
            Set<Multihash> all = new HashSet<>(alone);
            sweeps.forEach(all::addAll);
            assertEquals(5, all.size(), "every key once");
        }
    }

    @Test
    void theProvideQueueIsSweptInBatchesOfWhatWaits() throws Exception {
        try (Repository repo = repoWith(0)) {
            CountDownLatch firstHeld = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            List<Integer> sizes = new CopyOnWriteArrayList<>();
            Set<Multihash> swept = ConcurrentHashMap.newKeySet();
            Set<Multihash> alone = ConcurrentHashMap.newKeySet();
            Reprovider r = new Reprovider(key -> {
                alone.add(key);
                firstHeld.countDown();
                await(release);
                return 1;
            }, keys -> {
                sizes.add(keys.size());
                swept.addAll(keys);
                return 0;
            }, 1000, repo, Codecs.standard(), ReprovideStrategy.ALL, 4);
            List<Cid> first = cids(1, "first ");
            r.provide(first);
            assertTrue(firstHeld.await(30, TimeUnit.SECONDS), "the first key is being announced");
            List<Cid> more = cids(300, "more ");
            r.provide(more);
            assertEquals(300, r.queued(), "the keys wait while the sweep of the queue is busy");
            release.countDown();
            Await.until("the waiting keys swept", () -> swept.size() == 300, Duration.ofSeconds(30));
            assertEquals(List.of(300), sizes, "in one sweep");
            assertEquals(Set.of(first.get(0).multihash()), alone);
            assertEquals(0, r.queued());
        }
    }

    @Test
    void aRestartResumesTheScheduleAndTheQueue() throws Exception {
        ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
        try (Repository repo = repoWith(3)) {
            Duration interval = Duration.ofHours(22);
            CountDownLatch held = new CountDownLatch(1);
            Set<Multihash> announced = ConcurrentHashMap.newKeySet();
            Reprovider before = new Reprovider(key -> {
                announced.add(key);
                return 1;
            }, keys -> 0, 100, repo, Codecs.standard(), ReprovideStrategy.ALL, 4);
            Instant began = Instant.now();
            before.start(scheduler, Duration.ofMillis(1), interval, Optional.of(dir));
            Await.until("the first run", () -> before.lastRun().isPresent(), Duration.ofSeconds(30));
            assertEquals(3, before.lastRun().orElseThrow().keys(), "with nothing kept, every slice at once");
            assertTrue(Files.isRegularFile(dir.resolve(ProvideState.DIR).resolve("last-run")));
            before.close();
            // keys queued while announcing is held back stay in the queue when the node stops
            Reprovider.Sweeper stuck = keys -> {
                await(held);
                return 0;
            };
            Reprovider busy = new Reprovider(key -> 1, stuck, 100, repo, Codecs.standard(), ReprovideStrategy.ALL, 4);
            busy.start(scheduler, interval, interval, Optional.of(dir));
            busy.provide(cids(2, "being swept "));
            Await.until("the first two taken by the sweep", () -> busy.queued() == 0, Duration.ofSeconds(30));
            List<Cid> waiting = cids(5, "waiting ");
            busy.provide(waiting);
            assertEquals(5, busy.queued());
            busy.close();
            held.countDown();

            Set<Multihash> afterwards = ConcurrentHashMap.newKeySet();
            Reprovider after = new Reprovider(key -> {
                afterwards.add(key);
                return 1;
            }, keys -> {
                afterwards.addAll(keys);
                return 0;
            }, 100, repo, Codecs.standard(), ReprovideStrategy.ALL, 4);
            Instant started = Instant.now();
            after.start(scheduler, Duration.ofMillis(1), interval, Optional.of(dir));
            Instant first = after.firstRun().orElseThrow();
            // the next cycle begins one slice after the one that swept everything at once, so that no
            // slice waits more than an interval; then slice i an i-th of the interval later
            Duration slice = interval.dividedBy(SweepKeystore.SLICES);
            assertTrue(first.isAfter(began.plus(slice).minusSeconds(1)) && first.isBefore(started.plus(slice).plusSeconds(30)),
                    "the next cycle a slice after the first, not now: " + first + ", began " + began);
            Await.until("the kept queue announced", () -> afterwards.containsAll(waiting.stream().map(Cid::multihash).toList()), Duration.ofSeconds(30));
            assertFalse(Files.exists(dir.resolve(ProvideState.DIR).resolve("queue")), "taken once");
            after.close();

            // without resume, a start announces everything again soon
            Reprovider fresh = new Reprovider(key -> 1, keys -> 0, 100, repo, Codecs.standard(), ReprovideStrategy.ALL, 4);
            Instant now = Instant.now();
            fresh.start(scheduler, Duration.ofSeconds(1), interval, Optional.empty());
            assertTrue(fresh.firstRun().orElseThrow().isBefore(now.plusSeconds(60)));
            fresh.close();
        } finally {
            scheduler.shutdownNow();
        }
    }

    /** A sweep the announcer saw: when, and which keys. */
    private record Swept(Instant at, List<Multihash> keys) {
    }

    @Test
    void aCycleSpreadsItsSlicesOverTheInterval() throws Exception {
        ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
        try (Repository repo = repoWith(1500)) {
            Duration interval = Duration.ofMillis(10_240); // a slice every 40 ms
            Duration slice = interval.dividedBy(SweepKeystore.SLICES);
            List<Swept> sweeps = new CopyOnWriteArrayList<>();
            Reprovider r = new Reprovider(key -> {
                sweeps.add(new Swept(Instant.now(), List.of(key))); // a slice's key alone
                return 1;
            }, keys -> {
                sweeps.add(new Swept(Instant.now(), keys));
                return 0;
            }, 100_000, repo, Codecs.standard(), ReprovideStrategy.ALL, 4);
            r.start(scheduler, Duration.ofMillis(1), interval, Optional.of(dir));
            Await.until("the first cycle", () -> r.lastRun().isPresent(), Duration.ofSeconds(30));
            assertEquals(1500, r.lastRun().orElseThrow().keys());
            assertEquals(1, sweeps.size(), "with nothing kept, every slice at once, together");
            Instant second = new ProvideState(dir).cycle().orElseThrow().start().plus(interval);
            Await.until("the second cycle", () -> r.stats().totalKeys() == 3000, Duration.ofSeconds(45));
            r.close();
            List<Swept> cycle = sweeps.subList(1, sweeps.size());
            Set<Multihash> once = new HashSet<>();
            int lastSlice = -1;
            for (Swept w : cycle) {
                for (Multihash k : w.keys()) {
                    assertTrue(once.add(k), "each key once a cycle");
                    int s = SweepKeystore.slice(k);
                    assertTrue(s >= lastSlice, "in key-space order");
                    lastSlice = s;
                    assertFalse(w.at().isBefore(second.plus(slice.multipliedBy(s))),
                            "slice " + s + " swept at " + w.at() + ", before its time in the cycle begun at " + second);
                }
            }
            assertEquals(1500, once.size());
            Duration spread = Duration.between(cycle.get(0).at(), cycle.get(cycle.size() - 1).at());
            assertTrue(spread.compareTo(interval.dividedBy(2)) > 0, "spread over the interval, not at once: " + spread);
        } finally {
            scheduler.shutdownNow();
        }
    }

    @Test
    void aRestartGoesOnWithTheCycleWhereItWas() throws Exception {
        ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
        try (Repository repo = repoWith(2000)) {
            Duration interval = Duration.ofHours(22);
            Duration slice = interval.dividedBy(SweepKeystore.SLICES);
            // a cycle that swept slices 0 to 99 before the node stopped, slice 100 due now
            Path providerDir = dir.resolve(ProvideState.DIR);
            List<Multihash> all;
            try (var keys = repo.blocks().local().keys()) {
                all = keys.toList();
            }
            new SweepKeystore(providerDir).replace(all.iterator(), () -> false);
            Instant start = Instant.now().minus(slice.multipliedBy(100)).minusSeconds(1);
            new ProvideState(dir).keepCycle(start, 100);
            List<Swept> sweeps = new CopyOnWriteArrayList<>();
            Reprovider r = new Reprovider(key -> {
                sweeps.add(new Swept(Instant.now(), List.of(key)));
                return 1;
            }, keys -> {
                sweeps.add(new Swept(Instant.now(), keys));
                return 0;
            }, 100_000, repo, Codecs.standard(), ReprovideStrategy.ALL, 4);
            Instant now = Instant.now();
            r.start(scheduler, Duration.ofMillis(1), interval, Optional.of(dir));
            assertTrue(r.firstRun().orElseThrow().isBefore(now.plusSeconds(30)), "slice 100 is due now");
            Await.until("slice 100 swept", () -> !sweeps.isEmpty(), Duration.ofSeconds(30));
            Set<Multihash> expected = new HashSet<>();
            all.stream().filter(k -> SweepKeystore.slice(k) == 100).forEach(expected::add);
            assertFalse(expected.isEmpty());
            Await.until("slice 100's keys swept", () -> sweeps.stream().mapToInt(w -> w.keys().size()).sum()
                    >= expected.size(), Duration.ofSeconds(30));
            Set<Multihash> got = new HashSet<>();
            sweeps.forEach(w -> got.addAll(w.keys()));
            assertEquals(expected, got, "slice 100 only: 0 to 99 were swept before the restart, 101 on is not due");
            Await.until("the cycle kept at slice 101", () -> new ProvideState(dir).cycle()
                    .equals(Optional.of(new SweepCycles.Cycle(start, 101, true))), Duration.ofSeconds(30));

            // keys announced for the first time now join the slices still to come in this cycle, not
            // those already swept; keys announced once join none
            List<Cid> fresh = cids(600, "fresh ");
            Multihash onceKey = fresh.get(0).multihash();
            r.provideOnce(onceKey, Duration.ofSeconds(5));
            r.provide(fresh.subList(1, fresh.size()));
            Await.until("the fresh keys swept", () -> {
                Set<Multihash> seen = new HashSet<>();
                sweeps.forEach(w -> seen.addAll(w.keys()));
                return seen.containsAll(fresh.stream().map(Cid::multihash).toList());
            }, Duration.ofSeconds(30));
            r.close();
            Set<Multihash> kept = new HashSet<>();
            new SweepKeystore(providerDir).read(0, SweepKeystore.SLICES, 100_000, () -> false, kept::addAll);
            for (Cid c : fresh.subList(1, fresh.size())) {
                boolean ahead = SweepKeystore.slice(c.multihash()) >= 101;
                assertEquals(ahead, kept.contains(c.multihash()), "slice " + SweepKeystore.slice(c.multihash()));
            }
            assertFalse(kept.contains(onceKey));
        } finally {
            scheduler.shutdownNow();
        }
    }

    /** A sweeper that reports what it met, as the DHT's does, and can be held. */
    private static final class Reporting implements Reprovider.Sweeper {
        final java.util.concurrent.atomic.AtomicReference<CountDownLatch> hold = new java.util.concurrent.atomic.AtomicReference<>();

        @Override
        public int sweep(List<Multihash> keys) throws java.io.IOException {
            return swept(keys).unplaced();
        }

        @Override
        public Reprovider.Swept swept(List<Multihash> keys) throws java.io.IOException {
            CountDownLatch h = hold.get();
            if (h != null) {
                await(h);
            }
            return new Reprovider.Swept(0, keys.size() * 20L, 3, 60, 58);
        }
    }

    @Test
    void theSweepStatisticsTellTheScheduleAndWhatWasDone() throws Exception {
        ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
        try (Repository repo = repoWith(1500)) {
            Duration interval = Duration.ofHours(22);
            Duration slice = interval.dividedBy(SweepKeystore.SLICES);
            java.util.concurrent.atomic.AtomicInteger peers = new java.util.concurrent.atomic.AtomicInteger(5);
            Reporting sweeper = new Reporting();
            Reprovider r = new Reprovider(key -> 20, sweeper, 100_000, repo, Codecs.standard(), ReprovideStrategy.ALL,
                    4, new Reprovider.Network(peers::get, 20, 8, Duration.ofHours(2)));
            assertTrue(r.sweepStats().isEmpty(), "nothing before the start");
            r.start(scheduler, Duration.ofMillis(1), interval, Optional.of(dir));
            Await.until("the first cycle", () -> r.lastRun().isPresent(), Duration.ofSeconds(30));
            int[] perSlice = new int[SweepKeystore.SLICES];
            try (var keys = repo.blocks().local().keys()) {
                keys.forEach(k -> perSlice[SweepKeystore.slice(k)]++);
            }
            int first = 0;
            while (perSlice[first] == 0) {
                first++;
            }
            long regions = java.util.Arrays.stream(perSlice).filter(n -> n > 0).count();
            Instant began = new ProvideState(dir).cycle().orElseThrow().start();

            SweepStats s = r.sweepStats().orElseThrow();
            assertFalse(s.closed());
            assertEquals("online", s.connectivity().status());
            assertTrue(s.connectivity().since().isPresent());
            assertEquals(new SweepStats.Queues(0, 0, 0), s.queues());
            assertEquals(new SweepStats.Schedule(1500, regions, 8, Optional.of(began.plus(interval)
                    .plus(slice.multipliedBy(first))), String.format("%8s", Integer.toBinaryString(first))
                    .replace(' ', '0')), s.schedule(), "the next cycle's first slice holding keys");
            assertEquals(new SweepStats.Workers(4, 0, 0, 0, 1, 1, 0, 0, 8), s.workers());
            assertEquals(began, s.timing().cycleStart(), "the cycle swept at once is the current one");
            assertEquals(interval, s.timing().reprovidesInterval());
            assertTrue(s.timing().currentTimeOffset().compareTo(interval.minus(slice.multipliedBy(2))) > 0,
                    "every slice was due: the cycle began nearly an interval ago");
            SweepStats.Operations o = s.operations();
            assertEquals(List.of(0L, 0L, 0L, 0L), List.of(o.ongoingRegionProvides(), o.ongoingKeyProvides(),
                    o.ongoingRegionReprovides(), o.ongoingKeyReprovides()));
            assertEquals(1500, o.keysProvided());
            assertEquals(0, o.keysFailed());
            assertEquals(1500 * 20L, o.recordsProvided());
            assertEquals(256, o.regionsReprovidedLastCycle());
            assertEquals(1500.0 / 256, o.avgKeysPerReprovide(), 1e-9);
            assertTrue(o.keysReprovidedPerMinute() > 0 && !o.regionReprovideDuration().isZero(), o.toString());
            assertEquals(0, o.keysProvidedPerMinute(), "no key announced for the first time yet");
            assertEquals(new SweepStats.Network(60, 58, true, 20.0, 20.0, 20), s.network());

            // the provide queue's sweep under way, then done
            CountDownLatch release = new CountDownLatch(1);
            sweeper.hold.set(release);
            List<Cid> fresh = cids(300, "fresh ");
            r.provide(fresh);
            long freshSlices = fresh.stream().map(c -> SweepKeystore.slice(c.multihash())).distinct().count();
            Await.until("the queue's sweep under way", () -> r.sweepStats().orElseThrow().workers().activeBurst() == 1,
                    Duration.ofSeconds(30));
            SweepStats.Operations busy = r.sweepStats().orElseThrow().operations();
            assertEquals(List.of(freshSlices, 300L), List.of(busy.ongoingRegionProvides(), busy.ongoingKeyProvides()));
            release.countDown();
            Await.until("the fresh keys counted", () -> r.sweepStats().orElseThrow().operations().keysProvided() == 1800,
                    Duration.ofSeconds(30));
            SweepStats after = r.sweepStats().orElseThrow();
            assertTrue(after.operations().keysProvidedPerMinute() > 0);
            assertEquals(0, after.operations().ongoingKeyProvides());
            assertEquals(1500, after.schedule().keys(), "keys announced after the last slice wait for the next cycle's keystore");

            peers.set(0);
            assertEquals("disconnected", r.sweepStats().orElseThrow().connectivity().status());
            r.close();
            assertTrue(r.sweepStats().orElseThrow().closed());
        } finally {
            scheduler.shutdownNow();
        }
    }

    @Test
    void withoutADhtPeerTheKeysWaitAndGoOutWhenOneIsBack() throws Exception {
        java.util.concurrent.ScheduledThreadPoolExecutor scheduler = new java.util.concurrent.ScheduledThreadPoolExecutor(1);
        try (Repository repo = repoWith(300)) {
            java.util.concurrent.atomic.AtomicInteger peers = new java.util.concurrent.atomic.AtomicInteger();
            Set<Multihash> swept = ConcurrentHashMap.newKeySet();
            Set<Multihash> locally = ConcurrentHashMap.newKeySet();
            Reprovider r = new Reprovider(key -> {
                swept.add(key);
                return 1;
            }, keys -> {
                swept.addAll(keys);
                return 0;
            }, 100_000, repo, Codecs.standard(), ReprovideStrategy.ALL, 4,
                    new Reprovider.Network(peers::get, 20, 8, Duration.ofHours(2), locally::add));
            r.start(scheduler, Duration.ofMillis(1), Duration.ofHours(22), Optional.of(dir));
            long regions;
            try (var keys = repo.blocks().local().keys()) {
                regions = keys.map(SweepKeystore::slice).distinct().count();
            }
            // the first cycle's slices are all due, and wait: Kubo's reprovide queue
            Await.until("the due slices wait", () -> r.sweepStats().orElseThrow().queues().pendingRegionReprovides()
                    == regions, Duration.ofSeconds(30));
            List<Cid> fresh = cids(50, "fresh ");
            for (Cid c : fresh) {
                r.provide(List.of(c)); // each a look at the network, which finds none
            }
            Await.until("the fresh keys wait", () -> r.sweepStats().orElseThrow().queues().pendingKeyProvides() == 50,
                    Duration.ofSeconds(30));
            assertTrue(scheduler.getQueue().size() <= 2, "one look again for the queue, one for the cycle: "
                    + scheduler.getQueue().size());
            assertTrue(swept.isEmpty(), "nothing announced without a peer");
            Await.until("every key waiting in the node's own provider store", () -> locally.size() == 350,
                    Duration.ofSeconds(30));
            assertEquals("offline", r.sweepStats().orElseThrow().connectivity().status(), "never online yet");

            peers.set(2);
            Await.until("everything announced once a peer is back", () -> swept.size() == 350, Duration.ofSeconds(30));
            Await.until("the cycle ended", () -> r.lastRun().isPresent(), Duration.ofSeconds(30));
            SweepStats s = r.sweepStats().orElseThrow();
            assertEquals(new SweepStats.Queues(0, 0, 0), s.queues());
            assertEquals("online", s.connectivity().status());
            r.close();
        } finally {
            scheduler.shutdownNow();
        }
    }

    @Test
    void offlinePastTheDelayTheQueueJoinsTheKeystoreAndProvideRequestsAreRefused() throws Exception {
        ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
        try (Repository repo = repoWith(0)) {
            Set<Multihash> swept = ConcurrentHashMap.newKeySet();
            Reprovider r = new Reprovider(key -> {
                swept.add(key);
                return 1;
            }, keys -> {
                swept.addAll(keys);
                return 0;
            }, 100_000, repo, Codecs.standard(), ReprovideStrategy.ALL, 4,
                    new Reprovider.Network(() -> 0, 20, 8, Duration.ofMillis(300)));
            r.start(scheduler, Duration.ofMillis(1), Duration.ofHours(22), Optional.of(dir));
            Await.until("the cycle's keystore written", () -> Files.isDirectory(dir.resolve(ProvideState.DIR)
                    .resolve(SweepKeystore.DIR)), Duration.ofSeconds(30));
            List<Cid> fresh = cids(20, "fresh ");
            r.provide(fresh);
            Await.until("the queue dropped into the keystore once offline", () -> {
                SweepStats s = r.sweepStats().orElseThrow();
                return s.queues().pendingKeyProvides() == 0 && s.schedule().keys() == 20;
            }, Duration.ofSeconds(30));
            assertTrue(swept.isEmpty());
            assertEquals("offline", r.sweepStats().orElseThrow().connectivity().status());
            java.io.IOException refused = org.junit.jupiter.api.Assertions.assertThrows(java.io.IOException.class,
                    () -> r.provideOnce(fresh.get(0).multihash(), Duration.ofSeconds(1)));
            assertEquals("the provider is offline: no DHT peer for 300ms (Provide.DHT.OfflineDelay); nothing is "
                    + "announced until one is back", refused.getMessage());
            r.close();
        } finally {
            scheduler.shutdownNow();
        }
    }

    @Test
    void aStateThatDoesNotReadIsIgnored() throws Exception {
        Files.createDirectories(dir.resolve(ProvideState.DIR));
        Files.writeString(dir.resolve(ProvideState.DIR).resolve("last-run"), "yesterday, roughly");
        Files.writeString(dir.resolve(ProvideState.DIR).resolve("queue"), "zz not hex\n"
                + java.util.HexFormat.of().formatHex(cids(1, "kept ").get(0).multihash().bytes()) + "\n");
        ProvideState state = new ProvideState(dir);
        assertTrue(state.lastRun().isEmpty());
        assertEquals(List.of(cids(1, "kept ").get(0).multihash()), state.takeQueue(10));
        assertTrue(state.takeQueue(10).isEmpty());
    }
}
