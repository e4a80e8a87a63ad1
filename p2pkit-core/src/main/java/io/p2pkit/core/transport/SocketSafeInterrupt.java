package io.p2pkit.core.transport;

import java.io.IOException;
import java.io.OutputStream;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An interrupt that never lands while its thread is blocked in a write to a connection's socket.
 *
 * <p>On a virtual thread, an interrupt that arrives while the thread is blocked in a
 * {@code java.net.Socket} write closes the socket, and with it every stream of that connection: a
 * command cancelled at its deadline would take down the connection it was sending a request on,
 * under the other streams to that peer. A thread that may be cancelled therefore {@linkplain
 * #register() registers} one of these; the socket transports write through {@link #shield}, and
 * {@link #interrupt()} from another thread is delivered at once when the thread is not in such a
 * write, or as soon as its write has finished. A write always finishes whole, so the connection's
 * framing stays intact.
 *
 * <p>A thread interrupted with {@link Thread#interrupt()} directly is not protected: stop a stream
 * by resetting or closing it, or cancel through this class.
 */
public final class SocketSafeInterrupt implements AutoCloseable {
    private static final ThreadLocal<SocketSafeInterrupt> CURRENT = new ThreadLocal<>();
    private static final int WRITING = 1;
    private static final int PENDING = 2;
    private static final int INTERRUPTING = 4;

    private final Thread thread;
    private final SocketSafeInterrupt outer;
    private final AtomicInteger state = new AtomicInteger();
    /** Whether {@link #interrupt()} was called: for a thread that had not started yet. */
    private volatile boolean requested;
    /** Nesting of shielded writes on the owner thread; only the owner touches it. */
    private int depth;
    /** Whether the owner's interrupt was already set when its outermost write began. */
    private boolean carried;

    private SocketSafeInterrupt(Thread thread, SocketSafeInterrupt outer) {
        this.thread = thread;
        this.outer = outer;
    }

    /**
     * Makes the current thread cancellable through the returned object until it is closed (on the
     * same thread). Registrations nest: the innermost one is in force.
     */
    public static SocketSafeInterrupt register() {
        SocketSafeInterrupt s = new SocketSafeInterrupt(Thread.currentThread(), CURRENT.get());
        CURRENT.set(s);
        return s;
    }

    /**
     * Starts {@code task} on a new thread from {@code threads}, registered from its first
     * instruction, so that another thread can cancel it with the returned object's
     * {@link #interrupt()} (an interrupt asked before it runs is delivered when it starts).
     */
    public static SocketSafeInterrupt start(Thread.Builder threads, Runnable task) {
        SocketSafeInterrupt s = new SocketSafeInterrupt(threads, task);
        s.thread.start();
        return s;
    }

    /** For {@link #start}: the thread runs {@code task} registered with this object. */
    private SocketSafeInterrupt(Thread.Builder threads, Runnable task) {
        this.outer = null;
        // the thread starts only once this object is built
        this.thread = threads.unstarted(() -> runRegistered(task));
    }

    private void runRegistered(Runnable task) {
        CURRENT.set(this);
        try {
            if (requested) {
                Thread.currentThread().interrupt();
            }
            task.run();
        } finally {
            CURRENT.remove();
        }
    }

    /**
     * Interrupts the registered thread now, or when it has finished the socket write it is in.
     * Safe from any thread, any number of times.
     */
    public void interrupt() {
        requested = true;
        for (; ; ) {
            int s = state.get();
            if ((s & WRITING) != 0) {
                if ((s & PENDING) != 0 || state.compareAndSet(s, s | PENDING)) {
                    return;
                }
            } else if (s == 0) {
                if (state.compareAndSet(0, INTERRUPTING)) {
                    try {
                        thread.interrupt();
                    } finally {
                        state.set(0);
                    }
                    return;
                }
            } else {
                Thread.onSpinWait(); // another interrupter is delivering; it is a few instructions long
            }
        }
    }

    /** The registered thread. */
    Thread thread() {
        return thread;
    }

    /** Ends the registration; the thread's earlier one, if any, is in force again. */
    @Override
    public void close() {
        if (Thread.currentThread() != thread) {
            throw new IllegalStateException("closed on another thread than the one it registered");
        }
        if (outer == null) {
            CURRENT.remove();
        } else {
            CURRENT.set(outer);
        }
    }

    /**
     * The socket's output stream, written so that a registered thread is never interrupted inside
     * a write. Threads that did not register write as they would on {@code out}.
     */
    public static OutputStream shield(OutputStream out) {
        return new ShieldedOutput(out);
    }

    private static SocketSafeInterrupt enterWrite() {
        SocketSafeInterrupt s = CURRENT.get();
        if (s == null) {
            return null;
        }
        if (s.depth++ == 0) {
            while (!s.state.compareAndSet(0, WRITING)) {
                Thread.onSpinWait(); // an interrupt being delivered right now
            }
            // Blocked in the write, a thread whose interrupt is already set would close the socket too.
            s.carried = Thread.interrupted();
        }
        return s;
    }

    private void exitWrite() {
        if (--depth == 0) {
            int old = state.getAndSet(0);
            if (carried || (old & PENDING) != 0) {
                carried = false;
                thread.interrupt(); // out of the write now: the owner sees it at its next wait
            }
        }
    }

    private static final class ShieldedOutput extends OutputStream {
        private final OutputStream out;

        ShieldedOutput(OutputStream out) {
            this.out = out;
        }

        @Override
        public void write(int b) throws IOException {
            SocketSafeInterrupt s = enterWrite();
            try {
                out.write(b);
            } finally {
                if (s != null) {
                    s.exitWrite();
                }
            }
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            SocketSafeInterrupt s = enterWrite();
            try {
                out.write(b, off, len);
            } finally {
                if (s != null) {
                    s.exitWrite();
                }
            }
        }

        @Override
        public void flush() throws IOException {
            SocketSafeInterrupt s = enterWrite();
            try {
                out.flush();
            } finally {
                if (s != null) {
                    s.exitWrite();
                }
            }
        }

        @Override
        public void close() throws IOException {
            out.close();
        }
    }
}
