package io.p2pkit.core.network.dial;

import java.util.ArrayDeque;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Notices when a whole class of addresses (UDP, IPv6) cannot work from this network, go-libp2p's
 * success-fraction model: it keeps the outcomes of the last {@code window} dials of that class.
 * With fewer outcomes than the window it is probing and allows every dial; with the window full it
 * is allowed when at least {@code minSuccesses} of them succeeded, and blocked otherwise. While
 * blocked it still lets one request in every {@code window} through as a probe, and a single
 * success then starts it afresh (probing, with an empty window), as go's does.
 *
 * <p>A request is one dial of a peer that has addresses of this class ({@link #handleRequest}),
 * not one per address, so a peer with many QUIC addresses does not use up several probes.
 */
public final class BlackHoleDetector {
    /** The detector's verdict. */
    public enum State {
        /** Not enough outcomes yet: dial. */
        PROBING,
        /** Enough successes: dial. */
        ALLOWED,
        /** Too few successes: do not dial (except the periodic probe). */
        BLOCKED
    }

    private final String name;
    private final int window;
    private final int minSuccesses;
    private final ReentrantLock lock = new ReentrantLock();
    private final ArrayDeque<Boolean> outcomes = new ArrayDeque<>();
    private int successes;
    private long requests;
    private State state = State.PROBING;

    /**
     * @param name         what the detector watches, for example {@code UDP} or {@code IPv6}
     * @param window       how many outcomes to keep (go: 100)
     * @param minSuccesses how many successes in a full window keep it allowed (go: 5)
     */
    public BlackHoleDetector(String name, int window, int minSuccesses) {
        if (window <= 0 || minSuccesses < 0 || minSuccesses > window) {
            throw new IllegalArgumentException("need 0 <= minSuccesses <= window, window > 0");
        }
        this.name = name;
        this.window = window;
        this.minSuccesses = minSuccesses;
    }

    /** The detector's name. */
    public String name() {
        return name;
    }

    /**
     * Asks whether to dial an address of this class now; counts the request.
     *
     * @return whether to dial it
     */
    public boolean allowDial() {
        return handleRequest() != State.BLOCKED;
    }

    /**
     * Counts one request to dial addresses of this class and says how to treat them: ALLOWED and
     * PROBING dial, BLOCKED does not. A blocked detector answers PROBING for every
     * {@code window}-th request, its probe.
     */
    public State handleRequest() {
        lock.lock();
        try {
            requests++;
            if (state == State.BLOCKED && requests % window == 0) {
                return State.PROBING;
            }
            return state;
        } finally {
            lock.unlock();
        }
    }

    /** Records how a dial of this class ended. */
    public void record(boolean success) {
        lock.lock();
        try {
            if (state == State.BLOCKED && success) {
                // A probe got through: a black hole is all or nothing, so start afresh rather
                // than wait for the fraction to recover.
                outcomes.clear();
                successes = 0;
                requests = 0;
                state = State.PROBING;
                return;
            }
            outcomes.addLast(success);
            if (success) {
                successes++;
            }
            if (outcomes.size() > window && outcomes.removeFirst()) {
                successes--;
            }
            if (outcomes.size() < window) {
                state = State.PROBING;
            } else {
                state = successes >= minSuccesses ? State.ALLOWED : State.BLOCKED;
            }
        } finally {
            lock.unlock();
        }
    }

    /** The current verdict. */
    public State state() {
        lock.lock();
        try {
            return state;
        } finally {
            lock.unlock();
        }
    }

    /** While blocked, how many more requests until the next probe goes through; 0 otherwise (go's metric). */
    public long nextProbeAfter() {
        lock.lock();
        try {
            return state == State.BLOCKED ? window - (requests % window) : 0;
        } finally {
            lock.unlock();
        }
    }

    /** The fraction of successes among the kept outcomes (0 when none). */
    public double successFraction() {
        lock.lock();
        try {
            return outcomes.isEmpty() ? 0 : successes / (double) outcomes.size();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public String toString() {
        return "BlackHoleDetector[" + name + " " + state() + "]";
    }
}
