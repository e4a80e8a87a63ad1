package io.p2pkit.core.transport;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(30)
class SocketSafeInterruptTest {
    /** More than loopback's socket buffers hold, so that the write blocks until the peer reads. */
    private static final int PAYLOAD = 16 << 20;

    @Test
    void aPlainInterruptDuringABlockedWriteClosesTheSocket() throws Exception {
        // The premise: what the shield is for. Should the JDK stop doing this, the class could go.
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
             Socket client = new Socket(InetAddress.getLoopbackAddress(), server.getLocalPort());
             Socket accepted = server.accept()) {
            OutputStream out = client.getOutputStream();
            CompletableFuture<Throwable> failure = new CompletableFuture<>();
            Thread writer = Thread.ofVirtual().start(() -> {
                try {
                    out.write(new byte[PAYLOAD]);
                    failure.complete(null);
                } catch (IOException e) {
                    failure.complete(e);
                }
            });
            awaitBlocked(writer);
            writer.interrupt();
            assertInstanceOf(IOException.class, failure.get(10, TimeUnit.SECONDS));
            assertTrue(client.isClosed());
        }
    }

    @Test
    void anInterruptDuringABlockedWriteWaitsForTheWriteAndLeavesTheSocketOpen() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
             Socket client = new Socket(InetAddress.getLoopbackAddress(), server.getLocalPort());
             Socket accepted = server.accept()) {
            OutputStream out = SocketSafeInterrupt.shield(client.getOutputStream());
            CompletableFuture<Boolean> interruptedAfter = new CompletableFuture<>();
            SocketSafeInterrupt cancel = SocketSafeInterrupt.start(Thread.ofVirtual(), () -> {
                try {
                    out.write(new byte[PAYLOAD]);
                    out.flush();
                    interruptedAfter.complete(Thread.currentThread().isInterrupted());
                } catch (IOException e) {
                    interruptedAfter.completeExceptionally(e);
                }
            });
            awaitBlocked(cancel.thread());
            cancel.interrupt();
            cancel.interrupt(); // twice: still one pending interrupt
            // held, not delivered: the writer's flag is clear while it is in the write, and the socket open
            assertFalse(cancel.thread().isInterrupted(), "the interrupt waits for the write");
            assertFalse(client.isClosed());
            assertFalse(interruptedAfter.isDone(), "the write cannot have finished: nobody read");

            assertEquals(PAYLOAD, drain(accepted.getInputStream(), PAYLOAD));
            assertTrue(interruptedAfter.get(10, TimeUnit.SECONDS), "the interrupt arrives once the write is done");
            assertFalse(client.isClosed());
            // the connection still works
            client.getOutputStream().write(7);
            assertEquals(7, accepted.getInputStream().read());
        }
    }

    @Test
    void anInterruptSetBeforeAWriteIsKeptAndDoesNotCloseTheSocket() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
             Socket client = new Socket(InetAddress.getLoopbackAddress(), server.getLocalPort());
             Socket accepted = server.accept()) {
            OutputStream out = SocketSafeInterrupt.shield(client.getOutputStream());
            CompletableFuture<Boolean> interruptedAfter = new CompletableFuture<>();
            Thread t = Thread.ofVirtual().start(() -> {
                try (SocketSafeInterrupt ignored = SocketSafeInterrupt.register()) {
                    Thread.currentThread().interrupt();
                    out.write(new byte[PAYLOAD]); // blocks with the interrupt cleared meanwhile
                    interruptedAfter.complete(Thread.currentThread().isInterrupted());
                } catch (IOException e) {
                    interruptedAfter.completeExceptionally(e);
                }
            });
            awaitBlocked(t);
            assertEquals(PAYLOAD, drain(accepted.getInputStream(), PAYLOAD));
            assertTrue(interruptedAfter.get(10, TimeUnit.SECONDS));
            assertFalse(client.isClosed());
        }
    }

    @Test
    void anInterruptOutsideAWriteIsDeliveredAtOnce() throws Exception {
        CountDownLatch waiting = new CountDownLatch(1);
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        SocketSafeInterrupt cancel = SocketSafeInterrupt.start(Thread.ofVirtual(), () -> {
            try {
                waiting.countDown();
                new CountDownLatch(1).await(60, TimeUnit.SECONDS); // only the interrupt ends it
            } catch (InterruptedException e) {
                thrown.set(e);
            }
        });
        assertTrue(waiting.await(10, TimeUnit.SECONDS));
        cancel.interrupt();
        cancel.thread().join(10_000);
        assertInstanceOf(InterruptedException.class, thrown.get());
    }

    @Test
    void anInterruptAskedRightAfterStartReachesTheThread() throws Exception {
        CountDownLatch gate = new CountDownLatch(1);
        AtomicReference<Boolean> seen = new AtomicReference<>();
        // whether the thread is already waiting or has not started yet, the interrupt must reach it
        SocketSafeInterrupt cancel = SocketSafeInterrupt.start(Thread.ofVirtual(), () -> {
            try {
                gate.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                seen.set(true);
                return;
            }
            seen.set(Thread.currentThread().isInterrupted());
        });
        cancel.interrupt();
        gate.countDown();
        cancel.thread().join(10_000);
        assertEquals(Boolean.TRUE, seen.get());
    }

    @Test
    void registrationsNestAndCloseOnTheirThread() {
        try (SocketSafeInterrupt outer = SocketSafeInterrupt.register()) {
            try (SocketSafeInterrupt inner = SocketSafeInterrupt.register()) {
                assertEquals(Thread.currentThread(), inner.thread());
            }
            outer.interrupt();
            assertTrue(Thread.interrupted());
        }
    }

    private static void awaitBlocked(Thread t) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (t.getState() != Thread.State.WAITING && t.getState() != Thread.State.TIMED_WAITING) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the writer never blocked: " + t.getState());
            }
            Thread.onSpinWait();
        }
    }

    private static int drain(InputStream in, int bytes) throws IOException {
        byte[] buf = new byte[64 << 10];
        int total = 0;
        while (total < bytes) {
            int n = in.read(buf, 0, Math.min(buf.length, bytes - total));
            if (n < 0) {
                break;
            }
            total += n;
        }
        return total;
    }
}
