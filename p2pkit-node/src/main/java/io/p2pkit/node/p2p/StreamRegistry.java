package io.p2pkit.node.p2p;

import io.p2pkit.core.connmgr.ConnectionManager;
import io.p2pkit.core.identity.PeerId;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The mounted streams by handler ID (Kubo's {@code StreamRegistry}): IDs count up from 0, and a
 * peer with a mounted stream carries the connection manager's {@code stream-fwd} tag (weight 20,
 * as Kubo) while it has one. At most {@code max} streams at once.
 */
final class StreamRegistry {
    /** Kubo's connection manager tag for peers with mounted streams, and its weight. */
    static final String TAG = "stream-fwd";
    static final int TAG_VALUE = 20;

    private final ReentrantLock lock = new ReentrantLock();
    private final TreeMap<Long, MountedStream> streams = new TreeMap<>();
    private final Map<PeerId, Integer> perPeer = new HashMap<>();
    private final ConnectionManager connections;
    private final int max;
    private long nextId;

    /** @param connections the manager whose tags protect the peers, or null for none */
    StreamRegistry(ConnectionManager connections, int max) {
        this.connections = connections;
        this.max = max;
    }

    /** Gives {@code s} the next ID and lists it; false (nothing listed) when {@code max} are mounted. */
    boolean register(MountedStream s) {
        lock.lock();
        try {
            if (streams.size() >= max) {
                return false;
            }
            s.id(nextId++);
            streams.put(s.id(), s);
            if (perPeer.merge(s.peer(), 1, Integer::sum) == 1 && connections != null) {
                connections.tagPeer(s.peer(), TAG, TAG_VALUE);
            }
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** Unlists {@code s}, if listed. */
    void deregister(MountedStream s) {
        lock.lock();
        try {
            if (s.id() < 0 || streams.get(s.id()) != s) {
                return;
            }
            streams.remove(s.id());
            if (perPeer.merge(s.peer(), -1, Integer::sum) <= 0) {
                perPeer.remove(s.peer());
                if (connections != null) {
                    connections.untagPeer(s.peer(), TAG);
                }
            }
        } finally {
            lock.unlock();
        }
    }

    /** The stream with handler ID {@code id}. */
    Optional<MountedStream> get(long id) {
        lock.lock();
        try {
            return Optional.ofNullable(streams.get(id));
        } finally {
            lock.unlock();
        }
    }

    /** Every stream, by ID. */
    List<MountedStream> all() {
        lock.lock();
        try {
            return List.copyOf(streams.values());
        } finally {
            lock.unlock();
        }
    }
}
