package io.p2pkit.core.host;

import io.p2pkit.core.logging.LazyLogger;
import io.p2pkit.core.multiaddr.Multiaddr;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/**
 * What this node knows of its own reachability: {@link Reachability} as a whole and, address by
 * address, which addresses other peers confirmed they could dial and which they could not.
 * AutoNAT writes it; the DHT's auto mode, AutoRelay and the host's advertised addresses read it
 * or {@linkplain #addListener watch} it. One per host ({@link Host#reachability()}).
 *
 * <p>Addresses confirmed reachable are advertised by the host (they are how a port-mapped or
 * observed address becomes one of {@link Host#addresses()}). At most {@link #MAX_ADDRESSES} of
 * each kind are kept; the oldest go first.
 */
public final class HostReachability {
    /** Most addresses kept in each of the reachable and unreachable sets. */
    public static final int MAX_ADDRESSES = 64;

    private static final System.Logger LOG = LazyLogger.of(HostReachability.class);

    /**
     * One consistent view.
     *
     * @param reachability the node as a whole
     * @param reachable    addresses other peers confirmed they could dial
     * @param unreachable  addresses other peers could not dial
     */
    public record State(Reachability reachability, List<Multiaddr> reachable, List<Multiaddr> unreachable) {
        public State {
            Objects.requireNonNull(reachability, "reachability");
            reachable = List.copyOf(reachable);
            unreachable = List.copyOf(unreachable);
        }
    }

    private final ReentrantLock lock = new ReentrantLock();
    private final List<Consumer<State>> listeners = new CopyOnWriteArrayList<>();
    private final Set<Multiaddr> reachable = new LinkedHashSet<>();
    private final Set<Multiaddr> unreachable = new LinkedHashSet<>();
    private volatile State state = new State(Reachability.UNKNOWN, List.of(), List.of());
    private Reachability reachability = Reachability.UNKNOWN;

    /** Made by the host. */
    HostReachability() {
    }

    /** The current state. */
    public State state() {
        return state;
    }

    /** The node's reachability as a whole. */
    public Reachability reachability() {
        return state.reachability();
    }

    /** Addresses confirmed reachable, oldest confirmation first. */
    public List<Multiaddr> reachableAddresses() {
        return state.reachable();
    }

    /** Addresses other peers could not dial, oldest verdict first: the host does not advertise them. */
    public List<Multiaddr> unreachableAddresses() {
        return state.unreachable();
    }

    /** Sets the node's reachability as a whole (AutoNAT's verdict, or a configured one). */
    public void set(Reachability r) {
        Objects.requireNonNull(r, "reachability");
        update(() -> {
            if (reachability == r) {
                return false;
            }
            reachability = r;
            return true;
        });
    }

    /** Records that other peers could ({@code reachable} true) or could not dial {@code address}. */
    public void setAddress(Multiaddr address, boolean isReachable) {
        Objects.requireNonNull(address, "address");
        update(() -> {
            Set<Multiaddr> into = isReachable ? reachable : unreachable;
            Set<Multiaddr> from = isReachable ? unreachable : reachable;
            boolean changed = from.remove(address);
            if (into.contains(address)) {
                return changed;
            }
            if (into.size() >= MAX_ADDRESSES) {
                into.remove(into.iterator().next());
            }
            into.add(address);
            return true;
        });
    }

    /** Forgets what is known of {@code address} (it is no longer ours, or needs checking again). */
    public void forget(Multiaddr address) {
        update(() -> reachable.remove(address) | unreachable.remove(address));
    }

    /**
     * Calls {@code listener} with the new state after every change, on the thread that made it;
     * it must return quickly (start a thread for anything slow).
     */
    public void addListener(Consumer<State> listener) {
        listeners.add(Objects.requireNonNull(listener, "listener"));
    }

    /** Stops calling {@code listener}. */
    public void removeListener(Consumer<State> listener) {
        listeners.remove(listener);
    }

    private interface Change {
        boolean apply();
    }

    private void update(Change change) {
        State now;
        lock.lock();
        try {
            if (!change.apply()) {
                return;
            }
            now = new State(reachability, List.copyOf(reachable), List.copyOf(unreachable));
            state = now;
        } finally {
            lock.unlock();
        }
        for (Consumer<State> l : listeners) {
            try {
                l.accept(now);
            } catch (RuntimeException e) {
                // one listener's bug must not keep the others from hearing; it is still a bug
                LOG.log(System.Logger.Level.WARNING, "reachability listener failed", e);
            }
        }
    }

    @Override
    public String toString() {
        return "HostReachability" + state;
    }
}
