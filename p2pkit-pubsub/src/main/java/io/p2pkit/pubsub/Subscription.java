package io.p2pkit.pubsub;

import java.time.Duration;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * A subscription to one topic: a bounded buffer of received messages read with {@link #next()}.
 * When the reader falls behind and the buffer is full, new messages are dropped and counted.
 * Cancel it (or close it) to stop receiving.
 */
public final class Subscription implements AutoCloseable {
    private static final PubsubMessage END = PubsubMessage.anonymous("", new byte[0]);

    private final String topic;
    private final BlockingQueue<PubsubMessage> buffer;
    private final AtomicBoolean cancelled = new AtomicBoolean();
    private final AtomicLong dropped = new AtomicLong();
    private final Consumer<Subscription> onCancel;

    Subscription(String topic, int capacity, Consumer<Subscription> onCancel) {
        this.topic = topic;
        this.buffer = new ArrayBlockingQueue<>(capacity + 1); // +1 leaves room for the end marker
        this.onCancel = onCancel;
    }

    /** The topic. */
    public String topic() {
        return topic;
    }

    /**
     * The next message, waiting as long as it takes.
     *
     * @return the message, or null once the subscription is cancelled
     */
    public PubsubMessage next() throws InterruptedException {
        if (cancelled.get() && buffer.isEmpty()) {
            return null;
        }
        PubsubMessage m = buffer.take();
        if (m == END) {
            buffer.offer(END);
            return null;
        }
        return m;
    }

    /** The next message, or null if none arrives within {@code timeout} or the subscription is cancelled. */
    public PubsubMessage next(Duration timeout) throws InterruptedException {
        PubsubMessage m = buffer.poll(timeout.toNanos(), TimeUnit.NANOSECONDS);
        if (m == END) {
            buffer.offer(END);
            return null;
        }
        return m;
    }

    /** Messages dropped because the buffer was full. */
    public long dropped() {
        return dropped.get();
    }

    /** Whether {@link #cancel()} was called. */
    public boolean isCancelled() {
        return cancelled.get();
    }

    void deliver(PubsubMessage m) {
        if (cancelled.get()) {
            return;
        }
        // Capacity is one more than configured: keep that slot for the end marker.
        if (buffer.remainingCapacity() <= 1 || !buffer.offer(m)) {
            dropped.incrementAndGet();
        }
    }

    /** Stops the subscription; a waiting {@link #next()} returns null. Idempotent. */
    public void cancel() {
        if (cancelled.compareAndSet(false, true)) {
            buffer.offer(END);
            onCancel.accept(this);
        }
    }

    @Override
    public void close() {
        cancel();
    }

    @Override
    public String toString() {
        return "Subscription[" + topic + (cancelled.get() ? ", cancelled" : "") + "]";
    }
}
