package io.p2pkit.ipfs.bitswap;

import io.p2pkit.core.host.Host;
import io.p2pkit.core.host.Stream;
import io.p2pkit.core.identity.PeerId;
import io.p2pkit.core.logging.LazyLogger;
import io.p2pkit.core.multiformats.Cid;
import io.p2pkit.core.muxer.StreamResetException;
import io.p2pkit.core.resource.MemoryPriority;
import io.p2pkit.core.resource.MemoryScope;
import io.p2pkit.core.resource.ResourceLimitException;
import io.p2pkit.ipfs.bitswap.wire.BitswapMessage;
import io.p2pkit.ipfs.bitswap.wire.MessageCodec;
import io.p2pkit.ipfs.bitswap.wire.Presence;
import io.p2pkit.ipfs.bitswap.wire.ProtocolVersion;
import io.p2pkit.ipfs.bitswap.wire.WantEntry;
import io.p2pkit.ipfs.block.Block;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Everything this node sends one peer: a long-lived outbound Bitswap stream and a queue in front
 * of it. Wantlist changes merge while they wait (a cancel removes the want it cancels); blocks and
 * presences wait in order. One virtual thread writes while there is something to send; a write
 * blocked for longer than the send timeout (a peer that does not read) resets the stream and drops
 * what was queued. A stream the peer reset is replaced by a new one, and the message that found
 * it reset goes out again once (Helia resets a stream after 10 s without a message). The arrays of
 * the blocks it was given go back to the owner's {@link io.p2pkit.ipfs.block.BlockArrays} once
 * written or dropped.
 */
final class PeerSender {
    private static final System.Logger LOG = LazyLogger.of(PeerSender.class);
    /** Room left in a message for its wantlist and framing. */
    private static final int MESSAGE_BUDGET = MessageCodec.MAX_MESSAGE_BYTES - 256 * 1024;
    /** How long a few wants wait for more before they are sent (boxo's send debounce is 1 ms). */
    private static final int WANT_DEBOUNCE_NANOS = 500_000;
    /** As many wants as this go out at once. */
    private static final int WANT_CUTOFF = 256;

    private record Queued(Block block, long charged) {
    }

    private final PeerId peer;
    private final Host host;
    private final Bitswap owner;
    private final ReentrantLock lock = new ReentrantLock();
    private final Map<Cid, WantEntry> wants = new LinkedHashMap<>();
    private final Deque<Queued> blocks = new ArrayDeque<>();
    private final List<Presence> presences = new ArrayList<>();
    private boolean writing;
    private boolean closed;
    private Stream stream;
    private ProtocolVersion version = ProtocolVersion.V1_2_0;

    PeerSender(PeerId peer, Host host, Bitswap owner) {
        this.peer = peer;
        this.host = host;
        this.owner = owner;
    }

    /** Queues wantlist entries. */
    void wants(List<WantEntry> entries) {
        lock.lock();
        try {
            if (closed) {
                return;
            }
            for (WantEntry e : entries) {
                WantEntry old = wants.remove(e.cid());
                if (e.cancel() && old != null && !old.cancel()) {
                    continue; // never sent: dropping it is the cancel
                }
                wants.put(e.cid(), e);
            }
            startWriter();
        } finally {
            lock.unlock();
        }
    }

    /**
     * What {@link #answer} queued.
     *
     * @param queued  bytes of blocks queued
     * @param refused blocks the resource manager had no memory for (not queued)
     */
    record Answer(long queued, List<Block> refused) {
    }

    /**
     * Queues an answer: blocks are charged to {@code memory} (the scope of the stream the wants came
     * on) until written. When that stream has closed already, as a js-libp2p peer's do right after
     * their one message, they are charged to the stream they go out on or, while there is none yet,
     * to no scope: the per-peer queue limit still bounds them.
     */
    Answer answer(List<Block> bs, List<Presence> ps, MemoryScope memory) {
        int droppedPresences = 0;
        long queued = 0;
        List<Queued> accepted = new ArrayList<>(bs.size());
        List<Block> refused = new ArrayList<>();
        Map<MemoryScope, Long> charged = new LinkedHashMap<>();
        MemoryScope scope = memory;
        for (Block b : bs) {
            try {
                scope = reserve(scope, b.size());
                charged.merge(scope, (long) b.size(), Long::sum);
                accepted.add(new Queued(b, b.size()));
                queued += b.size();
            } catch (ResourceLimitException e) {
                refused.add(b);
            }
        }
        lock.lock();
        try {
            if (closed) {
                charged.forEach(MemoryScope::releaseMemory);
                return new Answer(0, bs);
            }
            blocks.addAll(accepted);
            // HAVEs and DONT_HAVEs wait up to one wantlist's worth: past it (a peer that does not
            // read and keeps wanting) the rest are dropped, and the peer's own timeouts answer them
            int room = Math.max(0, owner.config().maxWantsPerPeer() - presences.size());
            presences.addAll(ps.size() <= room ? ps : ps.subList(0, room));
            droppedPresences = ps.size() - Math.min(ps.size(), room);
            charged.forEach((m, n) -> charges.merge(m, n, Long::sum));
            startWriter();
        } finally {
            lock.unlock();
        }
        if (droppedPresences > 0) {
            owner.stats.refusedWants.add(droppedPresences);
            int n = droppedPresences;
            LOG.log(System.Logger.Level.INFO, () -> "bitswap: " + peer + " has " + owner.config().maxWantsPerPeer()
                    + " HAVE/DONT_HAVE answers waiting to be sent; dropped " + n + " more");
        }
        return new Answer(queued, refused);
    }

    /** Reserves {@code bytes} in {@code scope}, or when it is closed in the next one that is open; returns where. */
    private MemoryScope reserve(MemoryScope scope, long bytes) throws ResourceLimitException {
        try {
            scope.reserveMemory(bytes, MemoryPriority.MEDIUM);
            return scope;
        } catch (IllegalStateException closedScope) {
            lock.lock();
            Stream out;
            try {
                out = stream;
            } finally {
                lock.unlock();
            }
            MemoryScope next = out != null && out.memory() != scope ? out.memory() : MemoryScope.UNLIMITED;
            return reserve(next, bytes);
        }
    }

    /** Which scopes hold how much of the queued bytes, to release them as blocks go out. */
    private final Map<MemoryScope, Long> charges = new LinkedHashMap<>();

    /** The peer went away or the service closes: nothing more is sent. */
    void close() {
        lock.lock();
        Stream s;
        try {
            closed = true;
            s = stream;
            stream = null;
            dropQueued();
        } finally {
            lock.unlock();
        }
        if (s != null) {
            s.reset();
        }
    }

    private void startWriter() {
        if (!writing) {
            writing = true;
            host.spawn("p2pkit-bitswap-send " + peer, this::drain);
        }
    }

    private void drain() {
        while (true) {
            BitswapMessage m;
            long bytes = 0;
            Stream s;
            if (onlyFewWants()) {
                debounce(); // wants come one by one as blocks arrive: a moment gathers them into one message
            }
            lock.lock();
            try {
                if (closed || (wants.isEmpty() && blocks.isEmpty() && presences.isEmpty())) {
                    writing = false;
                    return;
                }
                List<Block> out = new ArrayList<>();
                while (!blocks.isEmpty() && (out.isEmpty() || bytes + blocks.peek().block.size() <= MESSAGE_BUDGET)) {
                    Queued q = blocks.poll();
                    out.add(q.block);
                    bytes += q.charged;
                }
                m = new BitswapMessage(new ArrayList<>(wants.values()), false, out, List.copyOf(presences), 0);
                wants.clear();
                presences.clear();
                s = stream;
            } finally {
                lock.unlock();
            }
            try {
                boolean reused = s != null;
                if (s == null && (s = open()) == null) {
                    return;
                }
                try {
                    write(s, m);
                } catch (StreamResetException e) {
                    if (!reused || !e.byRemote()) {
                        throw e;
                    }
                    // the peer reset the stream while it was idle: once more, on a new one
                    LOG.log(System.Logger.Level.DEBUG, () -> "bitswap: " + peer + " reset its stream; opening another");
                    if ((s = open()) == null) {
                        return;
                    }
                    write(s, m);
                }
                owner.sent(peer, m, bytes);
            } catch (IOException | RuntimeException e) {
                LOG.log(System.Logger.Level.DEBUG, () -> "bitswap: sending to " + peer + " failed: " + e);
                owner.stats.sendFailures.increment();
                lock.lock();
                try {
                    if (stream == s && s != null) {
                        stream = null;
                    }
                    dropQueued();
                    writing = false;
                } finally {
                    lock.unlock();
                }
                owner.dropped(peer, bytes); // what was in it is gone: its bytes leave the queue
                if (s != null) {
                    s.reset();
                }
                return;
            } finally {
                release(bytes);
                for (Block b : m.blocks()) {
                    owner.arrays.release(b.data()); // written, or dropped with the stream
                }
            }
        }
    }

    /** Opens the stream messages go out on; null when this sender closed meanwhile. */
    private Stream open() throws IOException {
        Stream s = host.newStream(peer, ProtocolVersion.ids().toArray(String[]::new));
        ProtocolVersion v = ProtocolVersion.of(s.protocol());
        lock.lock();
        try {
            if (closed) {
                s.reset();
                return null;
            }
            stream = s;
            version = v;
            return s;
        } finally {
            lock.unlock();
        }
    }

    /** Whether a message is queued and not yet written (broadcast control's pending peers). */
    boolean hasQueued() {
        lock.lock();
        try {
            return !wants.isEmpty() || !blocks.isEmpty() || !presences.isEmpty();
        } finally {
            lock.unlock();
        }
    }

    /** Whether all that waits is a few wantlist entries (fewer than {@link #WANT_CUTOFF}). */
    private boolean onlyFewWants() {
        lock.lock();
        try {
            return blocks.isEmpty() && presences.isEmpty() && !wants.isEmpty() && wants.size() < WANT_CUTOFF;
        } finally {
            lock.unlock();
        }
    }

    private static void debounce() {
        try {
            Thread.sleep(0, WANT_DEBOUNCE_NANOS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Writes a message with its length prefix, its blocks from their own arrays ({@link MessageCodec#writeFramed}). */
    private void write(Stream s, BitswapMessage m) throws IOException {
        ScheduledFuture<?> watchdog = host.scheduler().schedule(() -> {
            owner.stats.slowPeers.increment();
            LOG.log(System.Logger.Level.INFO, () -> "bitswap: " + peer + " has not read for "
                    + owner.config().sendTimeout().toSeconds() + " s; resetting its stream and dropping what was queued for it");
            s.reset();
        }, owner.config().sendTimeout().toMillis(), TimeUnit.MILLISECONDS);
        try {
            MessageCodec.writeFramed(m, version, s.out());
            s.out().flush();
        } finally {
            watchdog.cancel(false);
        }
    }

    /** Gives back {@code bytes} of memory, oldest charges first. Caller must not hold the lock. */
    private void release(long bytes) {
        if (bytes == 0) {
            return;
        }
        lock.lock();
        try {
            long left = bytes;
            var it = charges.entrySet().iterator();
            while (left > 0 && it.hasNext()) {
                var e = it.next();
                long take = Math.min(left, e.getValue());
                e.getKey().releaseMemory(take);
                left -= take;
                if (take == e.getValue()) {
                    it.remove();
                } else {
                    e.setValue(e.getValue() - take);
                }
            }
        } finally {
            lock.unlock();
        }
    }

    /** Drops what is queued and gives its memory back. Caller holds the lock. */
    private void dropQueued() {
        long dropped = 0;
        for (Queued q : blocks) {
            dropped += q.charged;
            owner.arrays.release(q.block.data());
        }
        blocks.clear();
        wants.clear();
        presences.clear();
        for (var e : charges.entrySet()) {
            e.getKey().releaseMemory(e.getValue());
        }
        charges.clear();
        if (dropped > 0) {
            owner.dropped(peer, dropped);
        }
    }
}
