package io.p2pkit.ipfs.graphsync;

import io.p2pkit.core.identity.PeerId;
import io.p2pkit.core.multiformats.Cid;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * {@code graphsync/dedup-by-key} on the responder, as go-graphsync's peer link tracker does it:
 * requests of one peer that carry the same key share a set of blocks; a block that another of
 * them still in progress has sent (or held back) is not sent again, only named present. A block
 * counts while a request that sent it is in progress. Requests without a key are not deduplicated
 * against each other here (go-graphsync shares a default set among them too; see the docs).
 */
final class DedupBuckets {
    private record BucketKey(PeerId peer, String key) {
    }

    /** How many requests use it and, per block, how many of them sent it; changed only in map computes. */
    private static final class Bucket {
        final Map<Cid, Integer> refs = new ConcurrentHashMap<>();
        volatile int users; // written only in map computes; read by members()
    }

    /** One request's membership: the blocks it recorded, released when it ends. */
    final class Member {
        private final BucketKey key;
        private final Bucket bucket;
        private final List<Cid> recorded = new ArrayList<>();

        private Member(BucketKey key, Bucket bucket) {
            this.key = key;
            this.bucket = bucket;
        }

        /** @return whether another request of the bucket in progress sent (or held back) {@code cid} */
        boolean sentByOther(Cid cid) {
            return bucket.refs.containsKey(cid); // this request reaches each block once (its own set of sent ones)
        }

        /** Records that this request sends (or holds back) {@code cid}; @return whether no other request of the bucket did */
        boolean first(Cid cid) {
            recorded.add(cid);
            return bucket.refs.merge(cid, 1, Integer::sum) == 1;
        }

        /** The request ended: its blocks no longer count; the bucket goes with its last request. */
        void leave() {
            for (Cid c : recorded) {
                bucket.refs.computeIfPresent(c, (k, n) -> n == 1 ? null : n - 1);
            }
            recorded.clear();
            buckets.computeIfPresent(key, (k, b) -> --b.users == 0 ? null : b);
        }
    }

    private final Map<BucketKey, Bucket> buckets = new ConcurrentHashMap<>();

    /** @return the membership of a request of {@code peer} with {@code key} */
    Member join(PeerId peer, String key) {
        BucketKey k = new BucketKey(peer, key);
        Bucket b = buckets.compute(k, (kk, existing) -> {
            Bucket out = existing == null ? new Bucket() : existing;
            out.users++;
            return out;
        });
        return new Member(k, b);
    }

    /** @return how many requests are members of a bucket (for tests) */
    int members() {
        return buckets.values().stream().mapToInt(b -> b.users).sum();
    }

    /** @return how many buckets are open (for tests) */
    int open() {
        return buckets.size();
    }
}
