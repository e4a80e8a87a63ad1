package io.p2pkit.core.muxer.mplex;

import io.p2pkit.core.muxer.MuxedStream;
import io.p2pkit.core.muxer.StreamPriority;
import io.p2pkit.core.muxer.StreamResetException;
import io.p2pkit.core.transport.memory.MemoryConnection;
import io.p2pkit.testing.Await;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

/**
 * mplex writes by the same scheduler as yamux: the far end is a raw pipe that is not read until
 * the writes have queued, then every frame is read and the order of the message frames checked.
 */
class MplexPriorityTest {
    private static final int KIB = 1024;

    private static Thread write(MuxedStream s, int bytes, AtomicReference<Throwable> failure) {
        return Thread.ofVirtual().start(() -> {
            try {
                s.out().write(new byte[bytes]);
            } catch (IOException | RuntimeException e) {
                failure.set(e);
            }
        });
    }

    private static Thread queue(MplexConnection c, MuxedStream s, int bytes, AtomicReference<Throwable> failure) {
        int before = c.scheduler().waiting();
        Thread t = write(s, bytes, failure);
        Await.until("stream " + s.id() + "'s write queued", () -> c.scheduler().waiting() == before + 1);
        return t;
    }

    @Test
    void queuedMessagesGoOutByPriorityAndResetOnesNotAtAll() throws Exception {
        MemoryConnection.Pair pair = MemoryConnection.pair(64 * KIB);
        MplexConnection c = (MplexConnection) new Mplex().wrap(pair.initiator(), true);
        try {
            MuxedStream bulk = c.openStream();
            MuxedStream low = c.openStream();
            MuxedStream high = c.openStream();
            MuxedStream doomed = c.openStream();
            low.setPriority(StreamPriority.LOW);
            high.setPriority(StreamPriority.HIGH);
            assertEquals(StreamPriority.HIGH, high.priority());

            AtomicReference<Throwable> failure = new AtomicReference<>();
            Thread b = write(bulk, 256 * KIB, new AtomicReference<>());
            Await.until("the bulk write holds the turn", () -> c.scheduler().busy());
            List<Thread> writers = List.of(queue(c, low, 16 * KIB, new AtomicReference<>()),
                    queue(c, high, 16 * KIB, new AtomicReference<>()),
                    queue(c, doomed, 16 * KIB, failure));
            // mplex writes the reset frame itself, so it waits for the turn too (first in line)
            Thread resetter = Thread.ofVirtual().start(() -> {
                try {
                    doomed.reset();
                } catch (IOException e) {
                    failure.compareAndSet(null, e);
                }
            });
            Await.until("the reset stream's write gave up", () -> failure.get() != null);
            assertInstanceOf(StreamResetException.class, failure.get());

            List<Long> order = new ArrayList<>();
            List<Long> resets = new ArrayList<>();
            long got = 0;
            while (got < 256 * KIB + 2 * 16 * KIB) {
                MplexFrame f = MplexFrame.read(pair.responder().in(), MplexFrame.MAX_DATA_BYTES);
                if (f.flag() == MplexFrame.RESET_INITIATOR) {
                    resets.add(f.streamId());
                    assertEquals(List.of(bulk.id()), order, "the reset goes right after the write under way");
                } else if (f.flag() == MplexFrame.MESSAGE_INITIATOR) {
                    got += f.data().length;
                    if (order.isEmpty() || order.getLast() != f.streamId()) {
                        order.add(f.streamId());
                    }
                }
            }
            assertEquals(List.of(bulk.id(), high.id(), low.id()), order);
            assertEquals(List.of(doomed.id()), resets);
            Await.join(b);
            Await.join(resetter);
            for (Thread t : writers) {
                Await.join(t);
            }
            assertEquals(0, c.scheduler().waiting());
        } finally {
            c.close();
        }
    }
}
