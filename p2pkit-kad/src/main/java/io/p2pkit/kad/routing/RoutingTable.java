package io.p2pkit.kad.routing;

import io.p2pkit.core.identity.PeerId;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.ToDoubleFunction;

/**
 * Kademlia k-buckets around the local key. Bucket {@code i} holds peers whose key shares exactly
 * {@code i} leading bits with ours (the last bucket also takes longer prefixes). Each bucket keeps
 * at most k peers, least recently seen first.
 *
 * <p>When a bucket is full a newcomer is not added at once: {@link #offer} returns the bucket's
 * oldest peer, the caller checks that peer's liveness, and then calls {@link #resolve}: the
 * newcomer replaces the oldest only if the oldest failed the check. A diversity limit caps how
 * many peers of one {@link IpGroup} a bucket and the table may hold.
 *
 * <p>With {@linkplain #setScores peer scores} (the host's reputation, in (-1, 1)) a full bucket
 * keeps the better peers: the peer {@link #offer} names for the liveness check is the one with the
 * lowest score, the least recently seen among equals (so without scores, or with equal ones, it is
 * the least recently seen, as in Kademlia); and when that peer's score is below
 * {@value #REPLACE_BELOW} and the newcomer's is higher, the newcomer replaces it at once, without a
 * check.
 *
 * <p>All methods take one short lock and never block inside it.
 */
public final class RoutingTable {
    /** How {@link #offer} went. */
    public enum Outcome {
        /** The peer was added. */
        ADDED,
        /** The peer was already present and is now the most recently seen. */
        REFRESHED,
        /** The bucket is full: check the liveness of {@link Offer#oldest()} and call {@link #resolve}. */
        BUCKET_FULL,
        /** The diversity limit of its IP group is reached. */
        REJECTED_DIVERSITY,
        /** It is the local peer. */
        REJECTED_SELF
    }

    /**
     * The result of {@link #offer}.
     *
     * @param outcome what happened
     * @param oldest  for {@link Outcome#BUCKET_FULL}, the peer whose liveness decides
     */
    public record Offer(Outcome outcome, Optional<PeerId> oldest) {
    }

    /** One peer of the table and when it was last seen. */
    public record Entry(PeerId peer, KadKey key, Optional<String> group, Instant added, Instant lastSeen) {
    }

    private final KadKey local;
    private final PeerId localPeer;
    private final int k;
    private final int maxPerGroupPerBucket;
    private final int maxPerGroupTotal;
    private final Clock clock;
    private final List<LinkedList<Entry>> buckets = new ArrayList<>();
    private final Map<PeerId, Integer> index = new HashMap<>();
    private final Map<String, Integer> groupCounts = new HashMap<>();
    private final ReentrantLock lock = new ReentrantLock();
    /** A peer scored below this is replaced in a full bucket by a better-scored newcomer without a liveness check. */
    public static final double REPLACE_BELOW = -0.5;
    private volatile ToDoubleFunction<PeerId> scores = p -> 0;

    /**
     * A table around {@code localPeer}.
     *
     * @param k                    bucket size
     * @param maxPerGroupPerBucket most peers of one IP group per bucket
     * @param maxPerGroupTotal     most peers of one IP group in the table
     */
    public RoutingTable(PeerId localPeer, int k, int maxPerGroupPerBucket, int maxPerGroupTotal, Clock clock) {
        if (k < 1) {
            throw new IllegalArgumentException("k must be positive");
        }
        this.localPeer = localPeer;
        this.local = KadKey.of(localPeer);
        this.k = k;
        this.maxPerGroupPerBucket = maxPerGroupPerBucket;
        this.maxPerGroupTotal = maxPerGroupTotal;
        this.clock = clock;
        for (int i = 0; i < KadKey.BITS; i++) {
            buckets.add(new LinkedList<>());
        }
    }

    /**
     * Where the table reads peers' scores, in (-1, 1) (usually the host's reputation) to choose whom
     * a full bucket keeps; see the class comment. Default: 0 for everyone.
     */
    public void setScores(ToDoubleFunction<PeerId> scores) {
        this.scores = java.util.Objects.requireNonNull(scores, "scores");
    }

    /** The local key. */
    public KadKey localKey() {
        return local;
    }

    /** The bucket index of {@code key}. */
    public int bucketOf(KadKey key) {
        return Math.min(local.commonPrefixLength(key), KadKey.BITS - 1);
    }

    /**
     * Offers a peer that was seen alive (identified as a DHT server, or answered us).
     *
     * @param group its IP group, if its address has one
     */
    public Offer offer(PeerId peer, Optional<String> group) {
        if (peer.equals(localPeer)) {
            return new Offer(Outcome.REJECTED_SELF, Optional.empty());
        }
        KadKey key = KadKey.of(peer);
        int b = bucketOf(key);
        Instant now = clock.instant();
        lock.lock();
        try {
            LinkedList<Entry> bucket = buckets.get(b);
            Integer present = index.get(peer);
            if (present != null) {
                Entry old = remove(bucket, peer);
                bucket.addLast(new Entry(peer, key, old.group(), old.added(), now));
                return new Offer(Outcome.REFRESHED, Optional.empty());
            }
            if (group.isPresent()) {
                String g = group.get();
                long inBucket = bucket.stream().filter(e -> e.group().equals(group)).count();
                if (inBucket >= maxPerGroupPerBucket || groupCounts.getOrDefault(g, 0) >= maxPerGroupTotal) {
                    return new Offer(Outcome.REJECTED_DIVERSITY, Optional.empty());
                }
            }
            if (bucket.size() >= k) {
                ToDoubleFunction<PeerId> score = scores;
                Entry worst = bucket.getFirst();
                double worstScore = score.applyAsDouble(worst.peer());
                for (Entry e : bucket) {
                    double sc = score.applyAsDouble(e.peer());
                    if (sc < worstScore) {
                        worst = e;
                        worstScore = sc;
                    }
                }
                if (worstScore < REPLACE_BELOW && score.applyAsDouble(peer) > worstScore) {
                    index.remove(worst.peer());
                    bucket.remove(worst);
                    worst.group().ifPresent(g -> groupCounts.computeIfPresent(g, (x, n) -> n <= 1 ? null : n - 1));
                    insert(bucket, b, new Entry(peer, key, group, now, now));
                    return new Offer(Outcome.ADDED, Optional.empty());
                }
                return new Offer(Outcome.BUCKET_FULL, Optional.of(worst.peer()));
            }
            insert(bucket, b, new Entry(peer, key, group, now, now));
            return new Offer(Outcome.ADDED, Optional.empty());
        } finally {
            lock.unlock();
        }
    }

    /**
     * Settles a {@link Outcome#BUCKET_FULL} offer after checking {@code oldest}: if it is alive it
     * becomes the most recently seen and the newcomer is dropped, otherwise it is evicted and the
     * newcomer added (if there is still room and it passes the diversity limit).
     *
     * @return whether the newcomer was added
     */
    public boolean resolve(PeerId oldest, boolean oldestAlive, PeerId newcomer, Optional<String> group) {
        if (oldestAlive) {
            markSeen(oldest);
            return false;
        }
        remove(oldest);
        return offer(newcomer, group).outcome() == Outcome.ADDED;
    }

    /** Marks {@code peer} as just seen (it answered), if present. */
    public void markSeen(PeerId peer) {
        lock.lock();
        try {
            Integer b = index.get(peer);
            if (b != null) {
                LinkedList<Entry> bucket = buckets.get(b);
                Entry old = remove(bucket, peer);
                bucket.addLast(new Entry(peer, old.key(), old.group(), old.added(), clock.instant()));
            }
        } finally {
            lock.unlock();
        }
    }

    /** Removes {@code peer}; true if it was present. */
    public boolean remove(PeerId peer) {
        lock.lock();
        try {
            Integer b = index.remove(peer);
            if (b == null) {
                return false;
            }
            Entry e = remove(buckets.get(b), peer);
            e.group().ifPresent(g -> groupCounts.computeIfPresent(g, (x, n) -> n <= 1 ? null : n - 1));
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** Whether {@code peer} is in the table. */
    public boolean contains(PeerId peer) {
        lock.lock();
        try {
            return index.containsKey(peer);
        } finally {
            lock.unlock();
        }
    }

    /** The bucket size: how many peers a bucket holds, and how many closest peers a record goes to. */
    public int k() {
        return k;
    }

    /** The number of peers. */
    public int size() {
        lock.lock();
        try {
            return index.size();
        } finally {
            lock.unlock();
        }
    }

    /** Every peer, bucket by bucket. */
    public List<Entry> entries() {
        lock.lock();
        try {
            List<Entry> out = new ArrayList<>();
            for (LinkedList<Entry> b : buckets) {
                out.addAll(b);
            }
            return out;
        } finally {
            lock.unlock();
        }
    }

    /** The peers of bucket {@code i}, least recently seen first. */
    public List<Entry> bucket(int i) {
        lock.lock();
        try {
            return List.copyOf(buckets.get(i));
        } finally {
            lock.unlock();
        }
    }

    /** The indexes of the non-empty buckets. */
    public List<Integer> nonEmptyBuckets() {
        lock.lock();
        try {
            List<Integer> out = new ArrayList<>();
            for (int i = 0; i < buckets.size(); i++) {
                if (!buckets.get(i).isEmpty()) {
                    out.add(i);
                }
            }
            return out;
        } finally {
            lock.unlock();
        }
    }

    /** The longest prefix any peer of the table shares with the local key, or -1 when it is empty. */
    public int maxCommonPrefix() {
        int max = -1;
        for (Entry e : entries()) {
            max = Math.max(max, local.commonPrefixLength(e.key()));
        }
        return max;
    }

    /** Up to {@code count} peers closest to {@code target}, closest first. */
    public List<PeerId> nearest(KadKey target, int count) {
        List<Entry> all = entries();
        all.sort(Comparator.comparing(Entry::key, target::compareDistance));
        List<PeerId> out = new ArrayList<>(Math.min(count, all.size()));
        for (int i = 0; i < all.size() && i < count; i++) {
            out.add(all.get(i).peer());
        }
        return out;
    }

    private void insert(LinkedList<Entry> bucket, int b, Entry e) {
        bucket.addLast(e);
        index.put(e.peer(), b);
        e.group().ifPresent(g -> groupCounts.merge(g, 1, Integer::sum));
    }

    private static Entry remove(LinkedList<Entry> bucket, PeerId peer) {
        for (Iterator<Entry> it = bucket.iterator(); it.hasNext(); ) {
            Entry e = it.next();
            if (e.peer().equals(peer)) {
                it.remove();
                return e;
            }
        }
        throw new IllegalStateException("index and bucket disagree about " + peer);
    }

    @Override
    public String toString() {
        return "RoutingTable[" + size() + " peers in " + nonEmptyBuckets().size() + " buckets]";
    }
}
