package io.p2pkit.ipfs.bitswap;

import io.p2pkit.core.identity.PeerId;
import io.p2pkit.core.multiformats.Cid;
import io.p2pkit.core.multiformats.Multihash;
import io.p2pkit.core.reputation.Outcome;
import io.p2pkit.core.reputation.PeerReputation;
import io.p2pkit.ipfs.bitswap.wire.Presence;
import io.p2pkit.ipfs.bitswap.wire.WantEntry;
import io.p2pkit.ipfs.bitswap.wire.WantType;
import io.p2pkit.ipfs.block.Block;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The client's decisions, without threads or sockets: which peer is asked for which block, and
 * how. A session with no peers yet broadcasts want-have to every Bitswap peer; the peers that
 * answer HAVE (or send a block) join the session; after that each block is asked of one peer with
 * an optimistic want-block (the session peer with the fewest blocks in flight) and of the others
 * with want-have. DONT_HAVE and a want-block unanswered for {@link BitswapConfig#blockTimeout}
 * move the want to the next peer that has it; wants nobody answers are broadcast again and, after
 * {@link BitswapConfig#providerDelay}, looked up in the DHT. A received block cancels the want at
 * every other peer asked. Broadcasts go to the peers {@link BroadcastControl} names (by default
 * those that sent a block or HAVE before, and local and peered ones), not to every peer.
 *
 * <p>Reputation: the engine tells the host's {@link PeerReputation} how each peer did (a block
 * after a want-block: a success with its latency and size; DONT_HAVE; a want-block timeout) and
 * uses it to choose. The optimistic want-block goes to the candidate with the lowest
 * {@linkplain PeerReputation#cost expected fetch time} for a {@value #TYPICAL_BLOCK}-byte block
 * times {@code 1 + blocks in flight} (so load still spreads, and with no reputation data it is the
 * fewest in flight, as before). A HAVE from a peer with a negative score is not acted on at once
 * while other peers asked have still to answer: their answer decides or, after half the block
 * timeout, the timer takes the best that said HAVE.
 *
 * <p>The environment's {@code send} must not block: it queues.
 */
final class ClientEngine {
    /** What the engine asks of the network. */
    interface Environment {
        /** Connected peers that speak Bitswap. */
        List<PeerId> peers();

        /** Whether the peer speaks 1.2.0 (want-have, DONT_HAVE). */
        boolean speaksHave(PeerId peer);

        /** Queues wantlist entries for a peer. */
        void send(PeerId peer, List<WantEntry> entries);

        /** Starts a provider lookup; found peers come back through {@link #providerFound}. */
        void findProviders(Cid cid);

        /** Whether the peer is on this machine or a local network (or has no address known). */
        default boolean local(PeerId peer) {
            return false;
        }

        /** Whether peering keeps the peer connected. */
        default boolean peered(PeerId peer) {
            return false;
        }

        /** Whether a message to the peer is queued and not yet written. */
        default boolean pending(PeerId peer) {
            return false;
        }

        /** Monotonic time. */
        long nanoTime();
    }

    /** A group of wants fetched together, sharing the peers that answered. */
    static final class SessionState {
        final Set<PeerId> peers = new LinkedHashSet<>();
        final Map<PeerId, Long> received = new HashMap<>();
    }

    private static final class Want {
        final Cid cid;
        final CompletableFuture<Block> result = new CompletableFuture<>();
        final Set<SessionState> sessions = new LinkedHashSet<>();
        final Map<PeerId, WantType> sentTo = new LinkedHashMap<>();
        final Set<PeerId> haves = new LinkedHashSet<>();
        final Set<PeerId> dontHaves = new HashSet<>();
        final long created;
        PeerId blockPeer;
        long blockSentAt;
        long lastBroadcast;
        long lastSearch = Long.MIN_VALUE;

        Want(Cid cid, long now) {
            this.cid = cid;
            this.created = now;
            this.lastBroadcast = now;
        }
    }

    /** The block size the choice of peer assumes: the usual UnixFS chunk. */
    static final long TYPICAL_BLOCK = 256 * 1024;

    private final BitswapConfig config;
    private final Environment env;
    private final PeerReputation reputation;
    private final Map<Multihash, Want> wants = new LinkedHashMap<>();
    private final Map<PeerId, Integer> inFlight = new HashMap<>();
    /** Peers that hear broadcasts under broadcast control: they sent a block or HAVE, or are local or peered. */
    private final Set<PeerId> broadcastTargets = new HashSet<>();
    private long broadcastsSkipped;
    private final ReentrantLock lock = new ReentrantLock();
    private int priority = Integer.MAX_VALUE;

    /** An engine with a reputation of its own on the environment's clock. */
    ClientEngine(BitswapConfig config, Environment env) {
        this(config, env, new PeerReputation(io.p2pkit.core.reputation.ReputationConfig.defaults(), env::nanoTime));
    }

    /** An engine that records outcomes in, and chooses peers by, {@code reputation}. */
    ClientEngine(BitswapConfig config, Environment env, PeerReputation reputation) {
        this.config = config;
        this.env = env;
        this.reputation = reputation;
    }

    /** Wants a block for a session; the future completes when it arrives. */
    CompletableFuture<Block> want(SessionState session, Cid cid) {
        lock.lock();
        try {
            Want w = wants.get(cid.multihash());
            if (w == null) {
                w = new Want(cid, env.nanoTime());
                wants.put(cid.multihash(), w);
                w.sessions.add(session);
                plan(w, nextPriority());
            } else if (w.sessions.add(session) && w.blockPeer == null) {
                plan(w, nextPriority());
            }
            Cid asked = cid;
            return w.result.thenApply(b -> b.cid().equals(asked) ? b : Block.of(asked, b.data()));
        } finally {
            lock.unlock();
        }
    }

    /** The session no longer wants the block; when no session does, every peer asked gets a cancel. */
    void cancel(SessionState session, Cid cid) {
        lock.lock();
        try {
            Want w = wants.get(cid.multihash());
            if (w == null || !w.sessions.remove(session) || !w.sessions.isEmpty()) {
                return;
            }
            wants.remove(cid.multihash());
            release(w, null);
            w.result.cancel(false);
        } finally {
            lock.unlock();
        }
    }

    /**
     * A block arrived.
     *
     * @return the block as wanted (the CID asked for, the bytes received), or empty when nobody wanted it
     */
    Optional<Block> blockReceived(PeerId from, Block block) {
        Want w;
        lock.lock();
        try {
            w = wants.remove(block.cid().multihash());
            if (w == null) {
                return Optional.empty();
            }
            broadcastTargets.add(from);
            if (from.equals(w.blockPeer)) {
                reputation.success(from, java.time.Duration.ofNanos(env.nanoTime() - w.blockSentAt), block.size());
            } else {
                reputation.record(from, Outcome.SUCCESS);
            }
            release(w, from);
            for (SessionState s : w.sessions) {
                s.peers.add(from);
                s.received.merge(from, 1L, Long::sum);
            }
        } finally {
            lock.unlock();
        }
        Block b = block.cid().equals(w.cid) ? block : Block.of(w.cid, block.data());
        w.result.complete(b); // outside the lock: completion runs the waiters' next steps
        return Optional.of(b);
    }

    /** A HAVE or DONT_HAVE arrived. */
    void presenceReceived(PeerId from, Presence p) {
        lock.lock();
        try {
            Want w = wants.get(p.cid().multihash());
            if (w == null) {
                return;
            }
            if (p.have()) {
                broadcastTargets.add(from);
                w.haves.add(from);
                w.dontHaves.remove(from);
                for (SessionState s : w.sessions) {
                    s.peers.add(from);
                }
                if (w.blockPeer == null && (reputation.score(from) >= 0 || othersAnswered(w, from))) {
                    askBlock(w, from, nextPriority());
                }
            } else {
                reputation.record(from, Outcome.DONT_HAVE);
                w.dontHaves.add(from);
                w.haves.remove(from);
                if (from.equals(w.blockPeer)) {
                    clearBlockPeer(w);
                    plan(w, nextPriority());
                } else if (w.blockPeer == null && !w.haves.isEmpty() && othersAnswered(w, null)) {
                    plan(w, nextPriority()); // the HAVEs held back: nobody better is left to answer
                }
                if (w.blockPeer == null && w.haves.isEmpty() && w.dontHaves.containsAll(w.sentTo.keySet())) {
                    search(w, env.nanoTime());
                }
            }
        } finally {
            lock.unlock();
        }
    }

    /** A peer that speaks Bitswap connected: it hears the wants nobody is fetching yet. */
    void peerConnected(PeerId peer) {
        lock.lock();
        try {
            List<WantEntry> entries = new ArrayList<>();
            for (Want w : wants.values()) {
                if (w.blockPeer == null && !w.sentTo.containsKey(peer) && !w.dontHaves.contains(peer)
                        && entries.size() < config.maxWantsPerPeer()) {
                    WantType t = env.speaksHave(peer) ? WantType.HAVE : WantType.BLOCK;
                    entries.add(new WantEntry(w.cid, nextPriority(), false, t, true));
                    w.sentTo.put(peer, t);
                    if (t == WantType.BLOCK) {
                        w.blockPeer = peer;
                        w.blockSentAt = env.nanoTime();
                        inFlight.merge(peer, 1, Integer::sum);
                    }
                }
            }
            if (!entries.isEmpty()) {
                env.send(peer, entries);
            }
        } finally {
            lock.unlock();
        }
    }

    /** A provider the DHT found is connected: it is asked like a session peer. */
    void providerFound(Cid cid, PeerId peer) {
        peerConnected(peer);
    }

    /** A peer went away: what it was asked moves on. */
    void peerDisconnected(PeerId peer) {
        lock.lock();
        try {
            inFlight.remove(peer);
            broadcastTargets.remove(peer);
            for (Want w : wants.values()) {
                w.haves.remove(peer);
                w.sentTo.remove(peer);
                for (SessionState s : w.sessions) {
                    s.peers.remove(peer);
                }
                if (peer.equals(w.blockPeer)) {
                    w.blockPeer = null;
                    plan(w, nextPriority());
                }
            }
        } finally {
            lock.unlock();
        }
    }

    /** Runs the timers: want-block timeouts, rebroadcasts and provider searches. */
    void tick() {
        lock.lock();
        try {
            long now = env.nanoTime();
            int searches = 0;
            for (Want w : List.copyOf(wants.values())) {
                if (w.blockPeer == null && !w.haves.isEmpty()
                        && now - w.lastBroadcast > config.blockTimeout().toNanos() / 2) {
                    plan(w, nextPriority()); // a HAVE held back for better peers that did not answer in time
                }
                if (w.blockPeer != null && now - w.blockSentAt > config.blockTimeout().toNanos()) {
                    reputation.record(w.blockPeer, Outcome.TIMEOUT);
                    w.dontHaves.add(w.blockPeer); // as good as a DONT_HAVE
                    w.haves.remove(w.blockPeer);
                    clearBlockPeer(w);
                    plan(w, nextPriority());
                }
                if (w.blockPeer == null && now - w.lastBroadcast > config.rebroadcastInterval().toNanos()) {
                    w.dontHaves.clear(); // peers may have fetched it meanwhile
                    w.sentTo.clear();
                    w.lastBroadcast = now;
                    plan(w, nextPriority());
                }
                if (w.blockPeer == null && w.haves.isEmpty() && now - w.created > config.providerDelay().toNanos()
                        && searches < 4 && search(w, now)) {
                    searches++;
                }
            }
        } finally {
            lock.unlock();
        }
    }

    /** Whether some session wants the block with this multihash. */
    boolean wants(Multihash key) {
        lock.lock();
        try {
            return wants.containsKey(key);
        } finally {
            lock.unlock();
        }
    }

    /** How many blocks are wanted. */
    int wanted() {
        lock.lock();
        try {
            return wants.size();
        } finally {
            lock.unlock();
        }
    }

    /** The CIDs wanted, for {@code bitswap wantlist}. */
    List<Cid> wantlist() {
        lock.lock();
        try {
            return wants.values().stream().map(w -> w.cid).toList();
        } finally {
            lock.unlock();
        }
    }

    private boolean search(Want w, long now) {
        if (w.lastSearch != Long.MIN_VALUE && now - w.lastSearch < config.rebroadcastInterval().toNanos()) {
            return false;
        }
        w.lastSearch = now;
        env.findProviders(w.cid);
        return true;
    }

    /** Asks for a want that no peer is sending: want-block to the best peer known to have it, or broadcast want-have. */
    private void plan(Want w, int prio) {
        if (w.blockPeer != null) {
            return;
        }
        PeerId best = best(w);
        if (best != null) {
            askBlock(w, best, prio);
            for (SessionState s : w.sessions) {
                for (PeerId p : s.peers) {
                    if (!p.equals(best) && !w.sentTo.containsKey(p) && !w.dontHaves.contains(p) && env.speaksHave(p)) {
                        w.sentTo.put(p, WantType.HAVE);
                        env.send(p, List.of(new WantEntry(w.cid, prio, false, WantType.HAVE, true)));
                    }
                }
            }
            return;
        }
        BroadcastControl bc = config.broadcast();
        int limit = bc.enabled() ? bc.maxPeers() : -1;
        int randoms = bc.enabled() ? bc.maxRandomPeers() : 0;
        List<PeerId> peers = env.peers();
        if (randoms > 0) {
            peers = new ArrayList<>(peers);
            java.util.Collections.shuffle(peers); // which others hear it anyway
        }
        int sent = 0;
        for (PeerId p : peers) {
            if (w.sentTo.containsKey(p) || w.dontHaves.contains(p)) {
                continue;
            }
            if (limit >= 0 && sent >= limit) {
                broadcastsSkipped++;
                continue;
            }
            if (bc.enabled() && !broadcastTarget(bc, p)) {
                if (randoms == 0) {
                    broadcastsSkipped++;
                    continue;
                }
                randoms--;
            }
            sent++;
            if (env.speaksHave(p)) {
                w.sentTo.put(p, WantType.HAVE);
                env.send(p, List.of(new WantEntry(w.cid, prio, false, WantType.HAVE, true)));
            } else if (w.blockPeer == null) {
                askBlock(w, p, prio); // before 1.2.0 the only question is the block itself
            }
        }
    }

    /** Whether broadcast control lets {@code p} hear broadcasts; local and peered peers are remembered as targets. */
    private boolean broadcastTarget(BroadcastControl bc, PeerId p) {
        if (broadcastTargets.contains(p)) {
            return true;
        }
        if (!bc.localPeers() && env.local(p) || !bc.peeredPeers() && env.peered(p)) {
            broadcastTargets.add(p); // asked once: addresses and peering rarely change while connected
            return true;
        }
        return bc.sendToPendingPeers() && env.pending(p);
    }

    /** How many times a peer was left out of a broadcast by {@link BroadcastControl}. */
    long broadcastsSkipped() {
        lock.lock();
        try {
            return broadcastsSkipped;
        } finally {
            lock.unlock();
        }
    }

    /** Peers known to have it first, then session peers; the one with the fewest blocks in flight. */
    private PeerId best(Want w) {
        PeerId best = pick(w, w.haves);
        if (best != null) {
            return best;
        }
        Set<PeerId> sessionPeers = new LinkedHashSet<>();
        for (SessionState s : w.sessions) {
            sessionPeers.addAll(s.peers);
        }
        return pick(w, sessionPeers);
    }

    /**
     * The candidate with the lowest expected fetch time times {@code 1 + blocks in flight}; among
     * equals the one that sent this session the most.
     */
    private PeerId pick(Want w, Set<PeerId> candidates) {
        PeerId best = null;
        double bestCost = Double.MAX_VALUE;
        long bestReceived = -1;
        for (PeerId p : candidates) {
            if (w.dontHaves.contains(p)) {
                continue;
            }
            double cost = reputation.cost(p, TYPICAL_BLOCK).toNanos() * (1.0 + inFlight.getOrDefault(p, 0));
            long received = 0;
            for (SessionState s : w.sessions) {
                received += s.received.getOrDefault(p, 0L);
            }
            if (cost < bestCost || (cost == bestCost && received > bestReceived)) {
                best = p;
                bestCost = cost;
                bestReceived = received;
            }
        }
        return best;
    }

    /** Whether every peer the want went to, but {@code except}, has answered HAVE or DONT_HAVE. */
    private static boolean othersAnswered(Want w, PeerId except) {
        for (PeerId p : w.sentTo.keySet()) {
            if (!p.equals(except) && !w.haves.contains(p) && !w.dontHaves.contains(p)) {
                return false;
            }
        }
        return true;
    }

    /** The peers that said they have {@code cid}, for as long as it is wanted. */
    List<PeerId> haves(Cid cid) {
        lock.lock();
        try {
            Want w = wants.get(cid.multihash());
            return w == null ? List.of() : List.copyOf(w.haves);
        } finally {
            lock.unlock();
        }
    }

    private void askBlock(Want w, PeerId p, int prio) {
        w.blockPeer = p;
        w.blockSentAt = env.nanoTime();
        w.sentTo.put(p, WantType.BLOCK);
        inFlight.merge(p, 1, Integer::sum);
        env.send(p, List.of(new WantEntry(w.cid, prio, false, WantType.BLOCK, true)));
    }

    private void clearBlockPeer(Want w) {
        inFlight.computeIfPresent(w.blockPeer, (k, v) -> v <= 1 ? null : v - 1);
        w.blockPeer = null;
    }

    /** The want is over: cancels go to every peer asked except {@code except}, which sent the block. */
    private void release(Want w, PeerId except) {
        if (w.blockPeer != null) {
            clearBlockPeer(w);
        }
        for (PeerId p : w.sentTo.keySet()) {
            if (!p.equals(except)) {
                env.send(p, List.of(WantEntry.cancel(w.cid)));
            }
        }
    }

    /** Earlier wants first: priorities count down, as boxo's do. */
    private int nextPriority() {
        if (priority == 1) {
            priority = Integer.MAX_VALUE;
        }
        return priority--;
    }
}
