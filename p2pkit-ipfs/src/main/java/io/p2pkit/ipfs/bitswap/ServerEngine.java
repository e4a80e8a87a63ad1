package io.p2pkit.ipfs.bitswap;

import io.p2pkit.core.identity.PeerId;
import io.p2pkit.core.multiformats.Cid;
import io.p2pkit.core.multiformats.Multihash;
import io.p2pkit.ipfs.bitswap.wire.WantEntry;
import io.p2pkit.ipfs.bitswap.wire.WantType;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The server's decisions, without threads or sockets: a ledger per peer, and a task queue that
 * hands out the wants of the least-served peer first (fewest bytes sent to it), skipping peers
 * whose unsent bytes are at the limit. Workers take tasks, look the blocks up, send the answer and
 * report back with {@link #answered}.
 */
final class ServerEngine {
    /**
     * One batch of a peer's wants to answer.
     *
     * @param peer  the peer
     * @param wants its wants, highest priority first
     */
    record Task(PeerId peer, List<WantEntry> wants) {
    }

    /**
     * What {@link #receive} did with a message's wantlist.
     *
     * @param accepted wants now in the ledger
     * @param refused  wants dropped because the peer's wantlist was full
     */
    record Received(int accepted, int refused) {
    }

    private final BitswapConfig config;
    private final Map<PeerId, PeerLedger> ledgers = new HashMap<>();
    /** Which peers wait for a block, by multihash, so that a stored block reaches them. */
    private final Map<Multihash, Set<PeerId>> waitingFor = new HashMap<>();
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition ready = lock.newCondition();
    private long clock;

    ServerEngine(BitswapConfig config) {
        this.config = config;
    }

    /** Applies a peer's wantlist changes; a full wantlist replaces what it wanted before. */
    Received receive(PeerId peer, List<WantEntry> wants, boolean full) {
        lock.lock();
        try {
            PeerLedger l = ledgers.computeIfAbsent(peer, p -> new PeerLedger());
            if (full) {
                for (Cid c : l.waiting.keySet()) {
                    unwait(peer, c);
                }
                l.pending.clear();
                l.waiting.clear();
            }
            int accepted = 0;
            int refused = 0;
            for (WantEntry e : wants) {
                if (e.cancel()) {
                    l.pending.remove(e.cid());
                    if (l.waiting.remove(e.cid()) != null) {
                        unwait(peer, e.cid());
                    }
                    continue;
                }
                WantEntry old = l.pending.get(e.cid());
                if (old == null) {
                    old = l.waiting.remove(e.cid());
                    if (old != null) {
                        unwait(peer, e.cid());
                    }
                } else {
                    l.pending.remove(e.cid());
                }
                if (old == null && l.wants() >= config.maxWantsPerPeer()) {
                    refused++;
                    continue;
                }
                // a want-have never downgrades a want-block for the same CID
                WantEntry merged = old != null && old.type() == WantType.BLOCK && e.type() == WantType.HAVE
                        ? new WantEntry(e.cid(), e.priority(), false, WantType.BLOCK, old.sendDontHave() || e.sendDontHave())
                        : e;
                l.pending.put(e.cid(), merged);
                accepted++;
            }
            if (!l.pending.isEmpty()) {
                l.readySince = ++clock;
                ready.signalAll();
            }
            return new Received(accepted, refused);
        } finally {
            lock.unlock();
        }
    }

    /** Takes the next task, waiting up to {@code timeoutMillis} for one. */
    Optional<Task> take(long timeoutMillis) throws InterruptedException {
        lock.lock();
        try {
            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
            while (true) {
                Optional<Task> t = next();
                if (t.isPresent()) {
                    return t;
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return Optional.empty();
                }
                ready.awaitNanos(left);
            }
        } finally {
            lock.unlock();
        }
    }

    /** The next task, if a peer has pending wants and room in its send queue. */
    Optional<Task> next() {
        lock.lock();
        try {
            PeerId best = null;
            PeerLedger bestLedger = null;
            for (Map.Entry<PeerId, PeerLedger> e : ledgers.entrySet()) {
                PeerLedger l = e.getValue();
                if (l.active || l.pending.isEmpty() || l.queuedBytes >= config.maxQueuedBytesPerPeer()) {
                    continue;
                }
                if (bestLedger == null || l.bytesSent < bestLedger.bytesSent
                        || (l.bytesSent == bestLedger.bytesSent && l.readySince < bestLedger.readySince)) {
                    best = e.getKey();
                    bestLedger = l;
                }
            }
            if (best == null) {
                return Optional.empty();
            }
            List<WantEntry> batch = new ArrayList<>(bestLedger.pending.values());
            batch.sort(Comparator.comparingInt(WantEntry::priority).reversed());
            if (batch.size() > config.serverBatch()) {
                batch = new ArrayList<>(batch.subList(0, config.serverBatch()));
            }
            for (WantEntry w : batch) {
                bestLedger.pending.remove(w.cid());
            }
            bestLedger.readySince = ++clock;
            bestLedger.active = true;
            return Optional.of(new Task(best, batch));
        } finally {
            lock.unlock();
        }
    }

    /** A worker is done with a task of {@code peer}'s, answered or failed: the peer may be served again. */
    void finished(PeerId peer) {
        lock.lock();
        try {
            PeerLedger l = ledgers.get(peer);
            if (l != null) {
                l.active = false;
                if (!l.pending.isEmpty()) {
                    ready.signalAll();
                }
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * A worker answered a task.
     *
     * @param peer      the peer
     * @param missing   wants for blocks this node lacks, kept until the block arrives or the peer cancels
     * @param bytes     bytes of blocks handed to the sender
     * @param blocks    blocks handed to the sender
     */
    void answered(PeerId peer, Collection<WantEntry> missing, long bytes, int blocks) {
        lock.lock();
        try {
            PeerLedger l = ledgers.get(peer);
            if (l == null) {
                return; // gone meanwhile
            }
            l.bytesSent += bytes;
            l.blocksSent += blocks;
            for (WantEntry w : missing) {
                if (!l.pending.containsKey(w.cid()) && l.wants() < config.maxWantsPerPeer()) {
                    l.waiting.put(w.cid(), w);
                    waitingFor.computeIfAbsent(w.cid().multihash(), k -> new HashSet<>()).add(peer);
                }
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * Puts wants back in the queue, to be answered once some of what is queued for the peer is
     * written.
     *
     * @param always put them back even when nothing is queued for the peer (they were held back only
     *               because the queue was full, which it may no longer be)
     * @return false when they were not put back: nothing is queued for the peer and not {@code always}
     *         (a resource manager that refuses even then would refuse them again at once)
     */
    boolean requeue(PeerId peer, List<WantEntry> wants, boolean always) {
        lock.lock();
        try {
            PeerLedger l = ledgers.get(peer);
            if (l == null || (l.queuedBytes == 0 && !always)) {
                return false;
            }
            for (WantEntry w : wants) {
                l.pending.putIfAbsent(w.cid(), w);
            }
            ready.signalAll(); // the queue may have drained already: nobody else would wake a worker for them
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** Bytes were queued for the peer ({@code delta} > 0) or written ({@code delta} < 0). */
    void queued(PeerId peer, long delta) {
        lock.lock();
        try {
            PeerLedger l = ledgers.get(peer);
            if (l != null) {
                l.queuedBytes = Math.max(0, l.queuedBytes + delta);
                if (delta < 0 && !l.pending.isEmpty()) {
                    ready.signalAll();
                }
            }
        } finally {
            lock.unlock();
        }
    }

    /** Bytes queued for the peer and not yet written. */
    long queuedBytes(PeerId peer) {
        lock.lock();
        try {
            PeerLedger l = ledgers.get(peer);
            return l == null ? 0 : l.queuedBytes;
        } finally {
            lock.unlock();
        }
    }

    /** A block was received from the peer (the ledger counts both directions). */
    void receivedBlock(PeerId peer, int bytes) {
        lock.lock();
        try {
            PeerLedger l = ledgers.computeIfAbsent(peer, p -> new PeerLedger());
            l.bytesReceived += bytes;
            l.blocksReceived++;
        } finally {
            lock.unlock();
        }
    }

    /** Blocks were stored: peers that wanted them get their wants back in the queue. */
    void blocksAdded(Collection<Multihash> keys) {
        lock.lock();
        try {
            boolean any = false;
            for (Multihash key : keys) {
                Set<PeerId> peers = waitingFor.remove(key);
                if (peers == null) {
                    continue;
                }
                for (PeerId p : peers) {
                    PeerLedger l = ledgers.get(p);
                    if (l == null) {
                        continue;
                    }
                    for (Iterator<Map.Entry<Cid, WantEntry>> it = l.waiting.entrySet().iterator(); it.hasNext(); ) {
                        Map.Entry<Cid, WantEntry> e = it.next();
                        if (e.getKey().multihash().equals(key)) {
                            it.remove();
                            l.pending.put(e.getKey(), e.getValue());
                            any = true;
                        }
                    }
                }
            }
            if (any) {
                ready.signalAll();
            }
        } finally {
            lock.unlock();
        }
    }

    /** The peer disconnected: its ledger goes. */
    void peerGone(PeerId peer) {
        lock.lock();
        try {
            PeerLedger l = ledgers.remove(peer);
            if (l != null) {
                for (Cid c : l.waiting.keySet()) {
                    Set<PeerId> s = waitingFor.get(c.multihash());
                    if (s != null) {
                        s.remove(peer);
                        if (s.isEmpty()) {
                            waitingFor.remove(c.multihash());
                        }
                    }
                }
            }
        } finally {
            lock.unlock();
        }
    }

    /** A copy of one peer's ledger figures, for {@code bitswap ledger}-style reports and tests. */
    Optional<LedgerView> ledger(PeerId peer) {
        lock.lock();
        try {
            PeerLedger l = ledgers.get(peer);
            return l == null ? Optional.empty() : Optional.of(new LedgerView(peer, l.bytesSent, l.blocksSent,
                    l.bytesReceived, l.blocksReceived, l.wants(), l.queuedBytes));
        } finally {
            lock.unlock();
        }
    }

    /** The blocks {@code peer} wants of this node now: its wants not yet answered, and those waiting for a block. */
    List<Cid> wantsOf(PeerId peer) {
        lock.lock();
        try {
            PeerLedger l = ledgers.get(peer);
            if (l == null) {
                return List.of();
            }
            List<Cid> out = new java.util.ArrayList<>(l.pending.keySet());
            for (Cid c : l.waiting.keySet()) {
                if (!l.pending.containsKey(c)) {
                    out.add(c);
                }
            }
            return out;
        } finally {
            lock.unlock();
        }
    }

    /** How many peers have a ledger. */
    int peers() {
        lock.lock();
        try {
            return ledgers.size();
        } finally {
            lock.unlock();
        }
    }

    /** Wakes every waiting worker (the service is closing). */
    void wakeAll() {
        lock.lock();
        try {
            ready.signalAll();
        } finally {
            lock.unlock();
        }
    }

    private void unwait(PeerId peer, Cid c) {
        Set<PeerId> s = waitingFor.get(c.multihash());
        if (s != null) {
            s.remove(peer);
            if (s.isEmpty()) {
                waitingFor.remove(c.multihash());
            }
        }
    }
}
