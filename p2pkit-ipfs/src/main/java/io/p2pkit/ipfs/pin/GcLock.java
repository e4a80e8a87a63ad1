package io.p2pkit.ipfs.pin;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * Keeps garbage collection and adding apart, as Kubo's GC locker does. Whoever writes blocks
 * that are to be pinned takes the <b>pin lock</b> (shared; many adds at once) before writing the
 * first block and holds it until the root is pinned; garbage collection takes the <b>GC lock</b>
 * (exclusive) for its whole mark and sweep. So a collection never runs between an add's first
 * block and its pin, and an add that starts during a collection waits for it to end.
 *
 * <p>The lock is fair: waiting adds and collections take it in the order they asked. A held lock
 * must be released on the thread that took it (a virtual thread is fine). The pin lock is
 * reentrant, so {@link Pinner#pin} inside an add's pin lock is fine, even with a collection
 * waiting.
 */
public final class GcLock {
    // Fair: a collection that runs again and again must not starve adds (an unfair write lock
    // barges in before the readers it just woke up), nor a stream of adds starve a collection.
    private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock(true);

    /** A lock held by nobody. */
    public GcLock() {
    }

    /** A held lock; closing it releases it (once). */
    public static final class Held implements AutoCloseable {
        private final Lock lock;
        private final AtomicBoolean released = new AtomicBoolean();

        private Held(Lock lock) {
            this.lock = lock;
        }

        /**
         * Releases the lock; a second call does nothing.
         *
         * @throws IllegalMonitorStateException when called on another thread than the one that took it
         */
        @Override
        public void close() {
            if (released.compareAndSet(false, true)) {
                try {
                    lock.unlock();
                } catch (IllegalMonitorStateException e) {
                    released.set(false); // still held: the owner can release it
                    throw e;
                }
            }
        }
    }

    /**
     * Takes the shared pin lock, waiting while a collection runs.
     *
     * @return the held lock
     * @throws InterruptedException when interrupted while waiting
     */
    public Held pinLock() throws InterruptedException {
        lock.readLock().lockInterruptibly();
        return new Held(lock.readLock());
    }

    /**
     * Takes the exclusive GC lock, waiting for every held pin lock to be released.
     *
     * @return the held lock
     * @throws InterruptedException when interrupted while waiting
     */
    public Held gcLock() throws InterruptedException {
        lock.writeLock().lockInterruptibly();
        return new Held(lock.writeLock());
    }

    /**
     * Takes the GC lock if it can within {@code timeout}.
     *
     * @param timeout how long to wait
     * @return the held lock, or empty when adds held the pin lock all that time
     * @throws InterruptedException when interrupted while waiting
     */
    public Optional<Held> tryGcLock(Duration timeout) throws InterruptedException {
        if (lock.writeLock().tryLock(timeout.toNanos(), TimeUnit.NANOSECONDS)) {
            return Optional.of(new Held(lock.writeLock()));
        }
        return Optional.empty();
    }

    /** @return whether a collection holds the GC lock now */
    public boolean gcRunning() {
        return lock.isWriteLocked();
    }

    /** @return how many pin locks are held now (reentrant holds counted) */
    public int pinLocksHeld() {
        return lock.getReadLockCount();
    }
}
