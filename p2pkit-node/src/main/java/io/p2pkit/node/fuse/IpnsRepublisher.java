package io.p2pkit.node.fuse;

import io.p2pkit.core.multiformats.Cid;

import java.io.Closeable;
import java.io.IOException;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Publishes a tree's root once its changes settle, as the republisher of Kubo's MFS does for the
 * {@code /ipns} mount: a burst of writes (a copied directory is hundreds of changes) becomes one
 * record, published {@code quiet} after the last change, or {@code most} after the first one when
 * changes keep coming. What is still pending at {@link #close()} is published then.
 */
final class IpnsRepublisher implements Closeable {
    private static final Logger LOG = Logger.getLogger(IpnsRepublisher.class.getName());
    /** How long {@link #close()} waits for a publish under way before it publishes what is pending itself. */
    private static final Duration CLOSE_WAIT = Duration.ofSeconds(30);

    /** Publishes a root. */
    @FunctionalInterface
    interface Publish {
        void publish(Cid root) throws IOException;
    }

    private final Publish publish;
    private final long quietNanos;
    private final long mostNanos;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition wake = lock.newCondition();
    private final Thread worker;
    // guarded by lock
    private Cid pending;
    private long firstChange;
    private long lastChange;
    private Cid published;
    private boolean closed;

    IpnsRepublisher(Publish publish, Duration quiet, Duration most) {
        this.publish = publish;
        this.quietNanos = quiet.toNanos();
        this.mostNanos = most.toNanos();
        this.worker = Thread.ofVirtual().name("ipns-mount-republisher").start(this::run);
    }

    /** Notes a new root; it is published once changes settle. */
    void changed(Cid root) {
        lock.lock();
        try {
            long now = System.nanoTime();
            if (pending == null) {
                firstChange = now;
            }
            pending = root;
            lastChange = now;
            wake.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** The root last handed to {@link Publish} (whether or not anyone took the record). */
    Optional<Cid> published() {
        lock.lock();
        try {
            return Optional.ofNullable(published);
        } finally {
            lock.unlock();
        }
    }

    private void run() {
        lock.lock();
        try {
            while (!closed) {
                if (pending == null) {
                    wake.await();
                    continue;
                }
                long due = Math.min(lastChange + quietNanos, firstChange + mostNanos);
                long left = due - System.nanoTime();
                if (left > 0) {
                    wake.awaitNanos(left);
                    continue;
                }
                Cid root = pending;
                pending = null;
                lock.unlock();
                try {
                    publishNow(root);
                } finally {
                    lock.lock();
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // close() gave up waiting; it publishes what is pending
        } finally {
            lock.unlock();
        }
    }

    private void publishNow(Cid root) {
        try {
            publish.publish(root);
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.WARNING, "ipns mount: publishing /ipfs/" + root + " failed: " + e.getMessage(), e);
        }
        lock.lock();
        try {
            published = root;
        } finally {
            lock.unlock();
        }
    }

    /** Stops, first publishing a change that has not been published yet. */
    @Override
    public void close() {
        lock.lock();
        try {
            closed = true;
            wake.signalAll();
        } finally {
            lock.unlock();
        }
        try {
            if (!worker.join(CLOSE_WAIT)) {
                worker.interrupt();
                worker.join(TimeUnit.SECONDS.toMillis(5));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        Cid last;
        lock.lock();
        try {
            last = pending;
            pending = null;
        } finally {
            lock.unlock();
        }
        if (last != null) {
            publishNow(last);
        }
    }
}
