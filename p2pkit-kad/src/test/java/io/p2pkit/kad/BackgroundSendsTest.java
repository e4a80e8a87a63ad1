package io.p2pkit.kad;

import org.junit.jupiter.api.Test;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static io.p2pkit.testing.Futures.async;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/** The return rule of an optimistic provide and the per-DHT cap on the sends it leaves running. */
class BackgroundSendsTest {
    /**
     * Waits until the thread in {@code ref} is parked (in an await), so that a "not done
     * yet" check means something.
     */
    private static void awaitParked(java.util.concurrent.atomic.AtomicReference<Thread> ref) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (ref.get() == null && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        Thread t = ref.get();
        while (t.getState() != Thread.State.WAITING && System.nanoTime() < deadline) {
            Thread.onSpinWait();
            Thread.yield();
        }
        assertEquals(Thread.State.WAITING, t.getState());
    }

    @Test
    void failuresAloneDoNotLetTheCallReturn() throws Exception {
        BackgroundSends sends = new BackgroundSends(60);
        BackgroundSends.Batch b = sends.batch();
        for (int i = 0; i < 4; i++) {
            b.started();
        }
        java.util.concurrent.atomic.AtomicReference<Thread> waiter = new java.util.concurrent.atomic.AtomicReference<>();
        CompletableFuture<Integer> stored = async(() -> {
            waiter.set(Thread.currentThread());
            return b.awaitReturn(3);
        });
        b.finished(false);
        b.finished(false);
        b.finished(false);
        awaitParked(waiter);
        // Three of four ended (75 %), but none stored the record: still waiting.
        assertFalse(stored.isDone());
        b.finished(true);
        assertEquals(1, stored.get(10, TimeUnit.SECONDS));
    }

    @Test
    void whenEverySendFailsTheCallReturnsWithNone() throws Exception {
        BackgroundSends.Batch b = new BackgroundSends(60).batch();
        b.started();
        b.started();
        CompletableFuture<Integer> stored = async(() -> b.awaitReturn(2));
        b.finished(false);
        b.finished(false);
        assertEquals(0, stored.get(10, TimeUnit.SECONDS));
    }

    @Test
    void nothingSentReturnsAtOnce() throws Exception {
        assertEquals(0, new BackgroundSends(60).batch().awaitReturn(0));
    }

    @Test
    void sendsLeftRunningAreCappedPerDht() throws Exception {
        BackgroundSends sends = new BackgroundSends(2);
        BackgroundSends.Batch a = sends.batch();
        for (int i = 0; i < 3; i++) {
            a.started();
        }
        java.util.concurrent.atomic.AtomicReference<Thread> waiter = new java.util.concurrent.atomic.AtomicReference<>();
        CompletableFuture<Boolean> handedA = async(() -> {
            waiter.set(Thread.currentThread());
            a.handOver();
            return true;
        });
        awaitParked(waiter);
        assertFalse(handedA.isDone(), "three running sends do not fit a cap of two");
        a.finished(true);
        handedA.get(10, TimeUnit.SECONDS);
        assertEquals(2, sends.running());

        BackgroundSends.Batch b = sends.batch();
        b.started();
        java.util.concurrent.atomic.AtomicReference<Thread> waiterB = new java.util.concurrent.atomic.AtomicReference<>();
        CompletableFuture<Boolean> handedB = async(() -> {
            waiterB.set(Thread.currentThread());
            b.handOver();
            return true;
        });
        awaitParked(waiterB);
        assertFalse(handedB.isDone(), "the pool is full");
        a.finished(true);
        handedB.get(10, TimeUnit.SECONDS);
        assertEquals(2, sends.running());
        a.finished(false);
        b.finished(true);
        assertEquals(0, sends.running());
    }

    @Test
    void closingStopsProvidersWaitingForRoom() throws Exception {
        BackgroundSends sends = new BackgroundSends(1);
        BackgroundSends.Batch a = sends.batch();
        a.started();
        a.started();
        java.util.concurrent.atomic.AtomicReference<Thread> waiter = new java.util.concurrent.atomic.AtomicReference<>();
        CompletableFuture<Boolean> handed = async(() -> {
            waiter.set(Thread.currentThread());
            a.handOver();
            return true;
        });
        awaitParked(waiter);
        sends.close();
        handed.get(10, TimeUnit.SECONDS);
        a.finished(false);
        a.finished(false);
        assertEquals(0, sends.running());
    }
}
