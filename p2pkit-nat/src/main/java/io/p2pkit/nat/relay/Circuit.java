package io.p2pkit.nat.relay;

import io.p2pkit.core.host.Stream;
import io.p2pkit.core.logging.LazyLogger;
import io.p2pkit.core.network.ConnectionLimit;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A relayed connection on the relay: the initiator's hop stream spliced to the target's stop
 * stream, one copying thread each way. When a direction passes the data limit, or the connection
 * outlives its duration, both streams are reset (the spec's "reset the stream to the source and
 * the stream to the destination"); an end of stream is passed on as a half-close.
 */
final class Circuit {
    private static final System.Logger LOG = LazyLogger.of(Circuit.class);

    private final Stream source;
    private final Stream target;
    private final Optional<ConnectionLimit> limit;
    private final int bufferBytes;
    private final AtomicBoolean reset = new AtomicBoolean();

    Circuit(Stream source, Stream target, Optional<ConnectionLimit> limit, int bufferBytes) {
        this.source = source;
        this.target = target;
        this.limit = limit;
        this.bufferBytes = bufferBytes;
    }

    /** Relays until both directions end or the circuit is reset; the calling thread copies one way. */
    void run(ScheduledExecutorService scheduler) throws InterruptedException {
        ScheduledFuture<?> deadline = null;
        if (limit.isPresent() && !limit.get().duration().isZero()) {
            deadline = scheduler.schedule(() -> resetBoth("duration limit " + limit.get().duration()),
                    limit.get().duration().toMillis(), TimeUnit.MILLISECONDS);
        }
        CountDownLatch back = new CountDownLatch(1);
        Thread.ofVirtual().name("p2pkit-relay-copy " + target.remotePeer()).start(() -> {
            try {
                copy(target, source);
            } finally {
                back.countDown();
            }
        });
        try {
            copy(source, target);
            back.await();
        } finally {
            if (deadline != null) {
                deadline.cancel(false);
            }
        }
    }

    private void copy(Stream from, Stream to) {
        long max = limit.map(ConnectionLimit::dataBytes).filter(d -> d > 0).orElse(Long.MAX_VALUE);
        byte[] buf = new byte[bufferBytes];
        long copied = 0;
        InputStream in = from.in();
        OutputStream out = to.out();
        try {
            while (true) {
                int n = in.read(buf);
                if (n < 0) {
                    to.closeWrite();
                    return;
                }
                if (n > max - copied) {
                    resetBoth("data limit of " + max + " bytes from " + from.remotePeer());
                    return;
                }
                out.write(buf, 0, n);
                out.flush();
                copied += n;
            }
        } catch (IOException e) {
            resetBoth("relaying from " + from.remotePeer() + " failed: " + e.getMessage());
        }
    }

    private void resetBoth(String why) {
        if (reset.compareAndSet(false, true)) {
            LOG.log(System.Logger.Level.DEBUG, () -> "resetting circuit " + source.remotePeer() + " -> "
                    + target.remotePeer() + ": " + why);
            source.reset();
            target.reset();
        }
    }
}
