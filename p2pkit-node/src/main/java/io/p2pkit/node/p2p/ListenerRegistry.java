package io.p2pkit.node.p2p;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Predicate;

/**
 * Listeners of one kind by key, in the order they were registered (Kubo's {@code Listeners}): a
 * second listener with the same key is refused with Kubo's words.
 */
final class ListenerRegistry {
    /** Kubo's error for a key already taken. */
    static final String ALREADY_REGISTERED = "listener already registered";

    private final ReentrantLock lock = new ReentrantLock();
    private final Map<String, P2pListener> listeners = new LinkedHashMap<>();
    private final int max;

    /** @param max how many listeners it holds at most (each is a TCP listener or a protocol served) */
    ListenerRegistry(int max) {
        this.max = max;
    }

    /**
     * Adds {@code listener}.
     *
     * @throws IllegalStateException with Kubo's text when its key is taken, or when the registry is full
     */
    void register(P2pListener listener) {
        lock.lock();
        try {
            if (listeners.containsKey(listener.key())) {
                throw new IllegalStateException(ALREADY_REGISTERED);
            }
            if (listeners.size() >= max) {
                throw new IllegalStateException("too many p2p listeners: at most " + max);
            }
            listeners.put(listener.key(), listener);
        } finally {
            lock.unlock();
        }
    }

    /** The listener registered under {@code key}, or null. */
    P2pListener get(String key) {
        lock.lock();
        try {
            return listeners.get(key);
        } finally {
            lock.unlock();
        }
    }

    /** Every listener, in registration order. */
    List<P2pListener> list() {
        lock.lock();
        try {
            return List.copyOf(listeners.values());
        } finally {
            lock.unlock();
        }
    }

    /** Removes and closes the listeners {@code match} accepts; returns how many. */
    int close(Predicate<P2pListener> match) {
        List<P2pListener> todo = new ArrayList<>();
        lock.lock();
        try {
            for (Iterator<P2pListener> it = listeners.values().iterator(); it.hasNext(); ) {
                P2pListener l = it.next();
                if (match.test(l)) {
                    it.remove();
                    todo.add(l);
                }
            }
        } finally {
            lock.unlock();
        }
        todo.forEach(P2pListener::close); // outside the lock: closing may wait for a socket
        return todo.size();
    }
}
