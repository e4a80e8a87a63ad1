package io.p2pkit.core.muxer.yamux;

import io.p2pkit.core.muxer.MuxedStream;
import io.p2pkit.core.muxer.StreamPriority;
import io.p2pkit.core.muxer.StreamResetException;
import io.p2pkit.testing.Await;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Stream priorities in a session's frame writer. The far end ({@link RawPeer}) does not read at
 * first, so the session's first write fills the 256 KiB pipe and holds the turn while the test
 * queues more writes; then it reads every frame and the order they came in shows the schedule.
 */
class YamuxPriorityTest {
    private static final Yamux QUIET = new Yamux(SessionPair.quiet());
    private static final int KIB = 1024;
    private static final int CREDIT = 16 * 1024 * KIB;

    /** Opens stream {@code id} from the peer with {@code credit} beyond the initial window and accepts it. */
    private static MuxedStream open(RawPeer peer, long id, int credit) throws IOException {
        peer.send(FrameHeader.WINDOW_UPDATE, FrameHeader.SYN, id, credit);
        MuxedStream s = peer.session.acceptStream();
        assertEquals(id, s.id());
        return s;
    }

    /** Writes {@code bytes} on its own thread; the outcome (null when all was written) lands in {@code failure}. */
    private static Thread write(MuxedStream s, int bytes, AtomicReference<Throwable> failure) {
        return Thread.ofVirtual().start(() -> {
            try {
                s.out().write(new byte[bytes]);
            } catch (IOException | RuntimeException e) {
                failure.set(e);
            }
        });
    }

    private static Thread write(MuxedStream s, int bytes) {
        return write(s, bytes, new AtomicReference<>());
    }

    /** Starts {@code bytes} on {@code s} and waits until that write queues for the turn. */
    private static Thread queue(YamuxSession session, MuxedStream s, int bytes) {
        int before = session.sendScheduler().waiting();
        Thread t = write(s, bytes);
        Await.until("stream " + s.id() + "'s write queued", () -> session.sendScheduler().waiting() == before + 1);
        return t;
    }

    /** Starts a 1 MiB write on {@code s} that fills the pipe and keeps the turn until the peer reads. */
    private static Thread block(YamuxSession session, MuxedStream s) {
        Thread t = write(s, 1024 * KIB);
        Await.until("the first write holds the turn", () -> session.sendScheduler().busy());
        return t;
    }

    /** What the peer read: stream IDs in the order their data came, and bytes per stream. */
    private static final class Received {
        final List<Long> order = new ArrayList<>();
        final List<String> frames = new ArrayList<>();
        final Map<Long, Long> bytes = new HashMap<>();

        long bytes(long id) {
            return bytes.getOrDefault(id, 0L);
        }
    }

    /** Reads frames until {@code total} data bytes have arrived. */
    private static Received read(RawPeer peer, long total, Received into) throws Exception {
        long got = into.bytes.values().stream().mapToLong(Long::longValue).sum();
        while (got < total) {
            RawPeer.Frame f = peer.next();
            assertTrue(f != null, "connection ended after " + got + " of " + total + " bytes");
            FrameHeader h = f.header();
            long id = h.streamId();
            if (h.type() == FrameHeader.DATA) {
                into.bytes.merge(id, (long) f.payload().length, Long::sum);
                got += f.payload().length;
                if (into.order.isEmpty() || into.order.getLast() != id) {
                    into.order.add(id);
                }
                if (into.frames.isEmpty() || !into.frames.getLast().equals("data " + id)) {
                    into.frames.add("data " + id);
                }
            } else if (h.has(FrameHeader.RST)) {
                into.frames.add("rst " + id);
            }
        }
        return into;
    }

    @Test
    void queuedWritesGoOutByPriorityWithControlFramesFirst() throws Exception {
        try (RawPeer peer = new RawPeer(QUIET)) {
            YamuxSession session = peer.session;
            MuxedStream bulk = open(peer, 1, CREDIT);
            MuxedStream low = open(peer, 3, CREDIT);
            MuxedStream normal = open(peer, 5, CREDIT);
            MuxedStream high = open(peer, 7, CREDIT);
            MuxedStream doomed = open(peer, 9, CREDIT);
            bulk.setPriority(StreamPriority.LOW);
            low.setPriority(StreamPriority.LOW);
            high.setPriority(StreamPriority.HIGH);
            assertEquals(StreamPriority.HIGH, high.priority());
            assertEquals(StreamPriority.NORMAL, normal.priority());

            Thread b = block(session, bulk);
            List<Thread> writers = List.of(queue(session, low, 64 * KIB), queue(session, normal, 64 * KIB),
                    queue(session, high, 64 * KIB));
            doomed.reset(); // its RST waits for the turn like the data, but goes first

            Received r = read(peer, 1024 * KIB + 3 * 64 * KIB, new Received());
            assertEquals(List.of(1L, 7L, 5L, 3L, 1L), r.order, "frames " + r.frames);
            assertTrue(r.frames.indexOf("rst 9") >= 0 && r.frames.indexOf("rst 9") < r.frames.indexOf("data 7"),
                    "the reset goes before the next data: " + r.frames);
            Await.join(b);
            for (Thread t : writers) {
                Await.join(t);
            }
            assertEquals(0, session.sendScheduler().waiting());
        }
    }

    @Test
    void priorityChangedWhileQueuedTakesEffect() throws Exception {
        try (RawPeer peer = new RawPeer(QUIET)) {
            YamuxSession session = peer.session;
            MuxedStream bulk = open(peer, 1, CREDIT);
            MuxedStream first = open(peer, 3, CREDIT);
            MuxedStream second = open(peer, 5, CREDIT);
            first.setPriority(StreamPriority.LOW);

            Thread b = block(session, bulk);
            Thread t1 = queue(session, first, 64 * KIB);
            Thread t2 = queue(session, second, 64 * KIB);
            first.setPriority(StreamPriority.HIGH); // while its write waits

            Received r = read(peer, 1024 * KIB + 2 * 64 * KIB, new Received());
            assertEquals(List.of(1L, 3L, 5L, 1L), r.order, "frames " + r.frames);
            Await.join(b);
            Await.join(t1);
            Await.join(t2);
        }
    }

    @Test
    void resetWhileQueuedFailsTheWriteAndLeavesTheSchedulerClean() throws Exception {
        try (RawPeer peer = new RawPeer(QUIET)) {
            YamuxSession session = peer.session;
            MuxedStream bulk = open(peer, 1, CREDIT);
            MuxedStream victim = open(peer, 3, CREDIT);
            Thread b = block(session, bulk);
            AtomicReference<Throwable> failure = new AtomicReference<>();
            int before = session.sendScheduler().waiting();
            Thread v = write(victim, 64 * KIB, failure);
            Await.until("the victim's write queued", () -> session.sendScheduler().waiting() == before + 1);

            victim.reset();
            Await.join(v);
            assertInstanceOf(StreamResetException.class, failure.get());
            assertEquals(0, session.sendScheduler().waiting(), "nothing of the reset stream waits");

            Received r = read(peer, 1024 * KIB, new Received());
            Await.join(b);
            assertEquals(0, r.bytes(3), "no data of the reset stream went out: " + r.frames);
            Await.until("the turn is free", () -> !session.sendScheduler().busy());
        }
    }

    @Test
    void aStreamWithoutCreditWaitsOutsideTheQueue() throws Exception {
        try (RawPeer peer = new RawPeer(QUIET)) {
            YamuxSession session = peer.session;
            MuxedStream stalled = open(peer, 1, 0); // only the initial 256 KiB window
            MuxedStream other = open(peer, 3, CREDIT);
            stalled.setPriority(StreamPriority.HIGH);
            other.setPriority(StreamPriority.LOW);
            AtomicReference<Throwable> failure = new AtomicReference<>();
            Thread s = write(stalled, 1024 * KIB, failure);
            Thread o = write(other, 512 * KIB);

            // everything the LOW stream writes arrives while the HIGH one waits for credit
            Received r = read(peer, 256 * KIB + 512 * KIB, new Received());
            assertEquals(256 * KIB, r.bytes(1), "the stalled stream sent exactly its window: " + r.frames);
            assertEquals(512 * KIB, r.bytes(3));
            Await.join(o);
            assertTrue(s.isAlive(), "the stalled writer still waits for credit");
            assertFalse(session.sendScheduler().busy(), "and does not hold the turn");

            peer.send(FrameHeader.WINDOW_UPDATE, 0, 1, 768 * KIB);
            read(peer, 1024 * KIB + 512 * KIB, r);
            Await.join(s);
            assertNull(failure.get());
            assertEquals(1024 * KIB, r.bytes(1));
        }
    }
}
