package io.p2pkit.kad;

import io.p2pkit.core.identity.PeerId;
import io.p2pkit.core.logging.LazyLogger;
import io.p2pkit.core.multiformats.Multicodec;
import io.p2pkit.core.multiformats.Multihash;
import io.p2pkit.kad.query.LookupResult;
import io.p2pkit.kad.routing.KadKey;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Announces many keys with few lookups, one region of the key space at a time, as
 * go-libp2p-kad-dht's sweeping provider (Kubo 0.39's default) does.
 *
 * <p>A region is a prefix of the key space. The lookup of the first key left gives its k closest
 * peers; the region is the longest prefix they all share with the key, so it holds at least k
 * peers and the k closest to any key in it are in it. A lookup's answer is complete for a prefix
 * when one of the peers it names lies outside that prefix (every peer inside is closer); the
 * first lookup is thus complete for the key's half of the region, and the other half is explored
 * with a lookup of a point in it, halved again until each answer is complete. Then each key of
 * the batch in the region is given to its k closest peers among those found, the records for one
 * peer sent one after the other on its stream. A region that cannot be explored within
 * {@link #MAX_LOOKUPS_PER_REGION} lookups has its keys announced one by one, as before.
 */
final class RegionSweep {
    /** The longest prefix a point is searched for by hashing random peer IDs (about 2^20 hashes at worst). */
    static final int MAX_SEARCHED_PREFIX = 20;
    /** The fewest keys a worker sweeps: fewer would spend lookups on regions another worker explores too. */
    static final int MIN_SLICE = 256;
    /** Lookups that may explore one region; past it the region's keys are announced one by one. */
    static final int MAX_LOOKUPS_PER_REGION = 16;
    private static final System.Logger LOG = LazyLogger.of(RegionSweep.class);

    /** A DHT lookup of the k peers closest to a key's point. */
    @FunctionalInterface
    interface Lookups {
        LookupResult closest(byte[] key) throws IOException;
    }

    /** Sends the provider record of {@code multihash} to {@code peer}. */
    @FunctionalInterface
    interface Sender {
        void send(PeerId peer, byte[] multihash) throws IOException;
    }

    /** Announces one key on its own (a lookup of its own); returns the peers that took it. */
    @FunctionalInterface
    interface Single {
        int provide(byte[] multihash) throws IOException;
    }

    private record Key(KadKey point, byte[] bytes, byte[] multihash) {
    }

    private final int k;
    private final int connections;
    private final Lookups lookups;
    private final Sender sender;
    private final Single single;
    private final SplittableRandom random;
    private final Map<PeerId, KadKey> points = new HashMap<>();
    private int lookupCount;
    private int lookupMessages;
    /** Lookups spent exploring the region under way. */
    private int regionLookups;

    /**
     * @param k           peers given each record
     * @param connections peers sent records at once
     * @param seed        seeds the search for points in a prefix
     */
    private RegionSweep(int k, int connections, long seed, Lookups lookups, Sender sender, Single single) {
        if (k < 1 || connections < 1) {
            throw new IllegalArgumentException("k and connections must be positive");
        }
        this.k = k;
        this.connections = connections;
        this.lookups = lookups;
        this.sender = sender;
        this.single = single;
        this.random = new SplittableRandom(seed);
    }

    /**
     * Announces {@code multihashes} (each the bytes of a multihash), region by region; the sorted
     * keys are cut into at most {@code workers} runs of neighbouring keys swept at once (each at
     * least {@link #MIN_SLICE} keys), each with its own lookups.
     */
    static SweepResult run(List<byte[]> multihashes, int workers, int k, int connections, long seed, Lookups lookups,
                           Sender sender, Single single) throws IOException {
        long start = System.nanoTime();
        List<Key> keys = new ArrayList<>(multihashes.size());
        for (byte[] mh : multihashes) {
            KadKey point = KadKey.of(mh);
            keys.add(new Key(point, point.bytes(), mh));
        }
        keys.sort(Comparator.comparing(Key::bytes, Arrays::compareUnsigned));
        int slices = Math.max(1, Math.min(workers, keys.size() / MIN_SLICE));
        List<SweepResult> results = new java.util.concurrent.CopyOnWriteArrayList<>();
        List<Exception> failures = new java.util.concurrent.CopyOnWriteArrayList<>();
        List<Thread> threads = new ArrayList<>();
        for (int s = 0; s < slices; s++) {
            List<Key> slice = keys.subList(s * keys.size() / slices, (s + 1) * keys.size() / slices);
            RegionSweep sweep = new RegionSweep(k, connections, seed + s, lookups, sender, single);
            threads.add(Thread.ofVirtual().name("p2pkit-kad-sweep-slice").start(() -> {
                try {
                    results.add(sweep.sweep(slice));
                } catch (IOException | RuntimeException e) {
                    failures.add(e);
                }
            }));
        }
        joinAll(threads);
        if (!failures.isEmpty()) {
            Exception first = failures.get(0);
            throw first instanceof IOException io ? io : new IOException("sweep failed: " + first, first);
        }
        int regions = 0;
        int lookupsDone = 0;
        int messages = 0;
        long sent = 0;
        long failed = 0;
        int unplaced = 0;
        int oneByOne = 0;
        int peers = 0;
        int reachable = 0;
        for (SweepResult r : results) {
            regions += r.regions();
            lookupsDone += r.lookups();
            messages += r.lookupMessages();
            sent += r.recordsSent();
            failed += r.recordsFailed();
            unplaced += r.unplaced();
            oneByOne += r.oneByOne();
            peers += r.peers();
            reachable += r.reachable();
        }
        return new SweepResult(keys.size(), regions, lookupsDone, messages, sent, failed, unplaced, oneByOne, peers,
                reachable, Duration.ofNanos(System.nanoTime() - start));
    }

    /** Sweeps sorted keys, one region after the other. */
    private SweepResult sweep(List<Key> keys) throws IOException {
        int regions = 0;
        int oneByOne = 0;
        int unplaced = 0;
        AtomicLong sent = new AtomicLong();
        AtomicLong failed = new AtomicLong();
        int[] peers = new int[2]; // given records, took them all
        int i = 0;
        while (i < keys.size()) {
            if (Thread.currentThread().isInterrupted()) {
                throw new InterruptedIOException("sweep interrupted");
            }
            Key first = keys.get(i);
            LookupResult found = lookup(first.multihash());
            Set<PeerId> known = new LinkedHashSet<>(found.closest());
            int prefix;
            if (found.closest().size() < k && !whole(found)) {
                // a lookup cut short says nothing of where the others lie: this key goes alone
                oneByOne++;
                if (announceAlone(first.multihash()) == 0) {
                    unplaced++;
                }
                i++;
                continue;
            }
            if (found.closest().size() < k) {
                // fewer than k peers in the whole network: the lookup met them all
                prefix = 0;
            } else {
                prefix = KadKey.BITS;
                for (PeerId p : found.closest()) {
                    prefix = Math.min(prefix, first.point().commonPrefixLength(point(p)));
                }
            }
            int end = i + 1;
            while (end < keys.size() && first.point().commonPrefixLength(keys.get(end).point()) >= prefix) {
                end++;
            }
            List<Key> region = keys.subList(i, end);
            regions++;
            regionLookups = 1;
            boolean complete = prefix == 0 || prefix == KadKey.BITS
                    || explore(flip(first.bytes(), prefix), prefix + 1, region, known);
            if (!complete) {
                for (Key key : region) {
                    oneByOne++;
                    if (announceAlone(key.multihash()) == 0) {
                        unplaced++;
                    }
                }
            } else {
                unplaced += send(region, known, prefix, first.point(), sent, failed, peers);
            }
            i = end;
        }
        return new SweepResult(keys.size(), regions, lookupCount, lookupMessages, sent.get(), failed.get(), unplaced,
                oneByOne, peers[0], peers[1], Duration.ZERO);
    }

    /**
     * Finds every peer whose point starts with the first {@code length} bits of {@code ref},
     * adding them to {@code known}.
     *
     * @return whether they were all found within {@link #MAX_LOOKUPS_PER_REGION} lookups
     */
    private boolean explore(byte[] ref, int length, List<Key> region, Set<PeerId> known) throws IOException {
        if (regionLookups >= MAX_LOOKUPS_PER_REGION) {
            return false;
        }
        byte[] target = pointIn(ref, length, region);
        if (target == null) {
            return false;
        }
        regionLookups++;
        LookupResult found = lookup(target);
        known.addAll(found.closest());
        if (found.closest().size() < k) {
            return whole(found);
        }
        KadKey refKey = KadKey.ofRaw(ref);
        for (PeerId p : found.closest()) {
            if (refKey.commonPrefixLength(point(p)) < length) {
                return true;
            }
        }
        // every answer lies inside: there may be more, so each half is explored
        return length < KadKey.BITS && explore(withBit(ref, length, false), length + 1, region, known)
                && explore(withBit(ref, length, true), length + 1, region, known);
    }

    /**
     * Key bytes whose point starts with the first {@code length} bits of {@code ref}: a key of the
     * region's when one lies there, otherwise a random peer ID's; null when the prefix is too long
     * to search for.
     */
    private byte[] pointIn(byte[] ref, int length, List<Key> region) {
        KadKey refKey = KadKey.ofRaw(ref);
        for (Key key : region) {
            if (refKey.commonPrefixLength(key.point()) >= length) {
                return key.multihash();
            }
        }
        if (length > MAX_SEARCHED_PREFIX) {
            return null;
        }
        byte[] digest = new byte[32];
        while (true) {
            random.nextBytes(digest);
            byte[] id = Multihash.of(Multicodec.SHA2_256, digest).bytes();
            if (refKey.commonPrefixLength(KadKey.of(id)) >= length) {
                return id;
            }
        }
    }

    /**
     * Gives each key of the region to its k closest peers among {@code known} (those inside the
     * region), each peer's records one after the other, {@link #connections} peers at once.
     *
     * @param peers adds the peers given records ([0]) and those that took them all ([1])
     * @return the keys no peer took
     */
    private int send(List<Key> region, Set<PeerId> known, int prefix, KadKey ref, AtomicLong sent, AtomicLong failed,
                     int[] peers) throws IOException {
        List<PeerId> inside = new ArrayList<>();
        for (PeerId p : known) {
            if (ref.commonPrefixLength(point(p)) >= prefix) {
                inside.add(p);
            }
        }
        Map<PeerId, List<Integer>> byPeer = new LinkedHashMap<>();
        for (int j = 0; j < region.size(); j++) {
            KadKey point = region.get(j).point();
            List<PeerId> closest = new ArrayList<>(inside);
            closest.sort((a, b) -> point.compareDistance(point(a), point(b)));
            for (PeerId p : closest.subList(0, Math.min(k, closest.size()))) {
                byPeer.computeIfAbsent(p, x -> new ArrayList<>()).add(j);
            }
        }
        AtomicIntegerArray took = new AtomicIntegerArray(region.size());
        java.util.concurrent.atomic.AtomicInteger whole = new java.util.concurrent.atomic.AtomicInteger();
        Semaphore slots = new Semaphore(connections);
        List<Thread> threads = new ArrayList<>();
        try {
            for (Map.Entry<PeerId, List<Integer>> e : byPeer.entrySet()) {
                slots.acquire();
                threads.add(Thread.ofVirtual().name("p2pkit-kad-sweep").start(() -> {
                    boolean all = true;
                    try {
                        for (int j : e.getValue()) {
                            try {
                                sender.send(e.getKey(), region.get(j).multihash());
                                took.incrementAndGet(j);
                                sent.incrementAndGet();
                            } catch (IOException | RuntimeException ex) {
                                all = false;
                                failed.incrementAndGet();
                                LOG.log(System.Logger.Level.DEBUG, () -> "sweep: provider record to " + e.getKey()
                                        + " failed: " + ex);
                            }
                        }
                        if (all) {
                            whole.incrementAndGet();
                        }
                    } finally {
                        slots.release();
                    }
                }));
            }
        } catch (InterruptedException e) {
            threads.forEach(Thread::interrupt);
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("sweep interrupted");
        }
        joinAll(threads);
        peers[0] += byPeer.size();
        peers[1] += whole.get();
        int unplaced = 0;
        for (int j = 0; j < region.size(); j++) {
            if (took.get(j) == 0) {
                unplaced++;
            }
        }
        return unplaced;
    }

    /** Waits for {@code threads}; interrupted, interrupts them and says so. */
    private static void joinAll(List<Thread> threads) throws InterruptedIOException {
        try {
            for (Thread t : threads) {
                t.join();
            }
        } catch (InterruptedException e) {
            threads.forEach(Thread::interrupt);
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("sweep interrupted");
        }
    }

    private int announceAlone(byte[] multihash) {
        try {
            return single.provide(multihash);
        } catch (IOException | RuntimeException e) {
            LOG.log(System.Logger.Level.DEBUG, () -> "sweep: providing a key alone failed: " + e);
            return 0;
        }
    }

    /**
     * Whether a lookup that found fewer than k peers met every peer there is: it ended by itself,
     * with no request failing on the way.
     */
    private static boolean whole(LookupResult r) {
        return !r.timedOut() && !r.stoppedEarly() && r.failures() == 0;
    }

    private LookupResult lookup(byte[] key) throws IOException {
        LookupResult r = lookups.closest(key);
        lookupCount++;
        lookupMessages += r.messages();
        return r;
    }

    private KadKey point(PeerId p) {
        return points.computeIfAbsent(p, KadKey::of);
    }

    /** {@code bytes} with bit {@code index} (0 the first, most significant) flipped. */
    static byte[] flip(byte[] bytes, int index) {
        byte[] out = bytes.clone();
        out[index / 8] ^= (byte) (0x80 >>> (index % 8));
        return out;
    }

    /** {@code bytes} with bit {@code index} set to {@code one}. */
    static byte[] withBit(byte[] bytes, int index, boolean one) {
        byte[] out = bytes.clone();
        int mask = 0x80 >>> (index % 8);
        out[index / 8] = (byte) (one ? out[index / 8] | mask : out[index / 8] & ~mask);
        return out;
    }
}
