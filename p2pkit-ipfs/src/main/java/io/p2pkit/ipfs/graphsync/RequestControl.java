package io.p2pkit.ipfs.graphsync;

import io.p2pkit.ipfs.ipld.Node;

import java.io.IOException;
import java.util.Map;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Pauses and resumes one request, as go-graphsync's requester does it: pausing cancels the request
 * at the responder between two links and holds the local traversal; resuming sends the request
 * again with {@code graphsync/do-not-send-first-blocks} set to the links already taken, so the
 * responder walks past them without sending their blocks.
 *
 * <pre>{@code
 * RequestControl control = new RequestControl();
 * // in another thread: gs.request(peer, root, selector, idle, Set.of(), control)
 * control.pause();   // the transfer stops at the next link
 * control.resume();  // and goes on from there
 * }</pre>
 *
 * <p>While paused, the request's idle timeout does not run. {@link #update} sends the responder an
 * update for the request (go-graphsync's requester does so to unpause a response the
 * responder's hook paused, status 15).
 */
public final class RequestControl {
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private boolean paused;
    private boolean held;
    private long pauses;
    private volatile Updater updater;

    /** Sends an update for the request in progress. */
    @FunctionalInterface
    interface Updater {
        void send(Map<String, Node> extensions) throws IOException;
    }

    /**
     * Sends the responder an update for this request, with extensions (for instance what its
     * {@link ResponderHook#unpauseOnUpdate} accepts).
     *
     * @param extensions the update's extensions
     * @throws IllegalStateException when no request is in progress with this control
     * @throws IOException           when the update cannot be sent
     */
    public void update(Map<String, Node> extensions) throws IOException {
        Updater u = updater;
        if (u == null) {
            throw new IllegalStateException("no request is in progress with this control");
        }
        u.send(Map.copyOf(extensions));
    }

    /** Set by the request while it runs; null after. */
    void attach(Updater u) {
        updater = u;
    }

    /** Asks the request to pause at the next link. */
    public void pause() {
        lock.lock();
        try {
            paused = true;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Lets a paused request go on. */
    public void resume() {
        lock.lock();
        try {
            paused = false;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** @return whether the request is stopped at a pause now (cancelled at the responder) */
    public boolean isHeld() {
        lock.lock();
        try {
            return held;
        } finally {
            lock.unlock();
        }
    }

    /** @return how many times the request stopped at a pause */
    public long pauses() {
        lock.lock();
        try {
            return pauses;
        } finally {
            lock.unlock();
        }
    }

    boolean pauseRequested() {
        lock.lock();
        try {
            return paused;
        } finally {
            lock.unlock();
        }
    }

    /** Holds the traversal until {@link #resume}. */
    void hold() throws InterruptedException {
        lock.lock();
        try {
            held = true;
            pauses++;
            changed.signalAll();
            while (paused) {
                changed.await();
            }
        } finally {
            held = false;
            lock.unlock();
        }
    }
}
