package io.p2pkit.pubsub;

import io.p2pkit.testing.Await;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CommandQueueTest {
    private static Runnable tagged(List<String> log, String tag) {
        return () -> log.add(tag);
    }

    @Test
    void localWorkGoesBeforeABacklogOfRemoteRpcs() throws Exception {
        CommandQueue q = new CommandQueue(100);
        List<String> log = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            q.putRemote(tagged(log, "rpc" + i), 0);
        }
        // A heartbeat and a publish arriving behind 50 RPCs run first, in their own order.
        assertTrue(q.offerLocal(tagged(log, "heartbeat")));
        q.putLocal(tagged(log, "publish"));
        q.take().run();
        q.take().run();
        q.take().run();
        assertEquals(List.of("heartbeat", "publish", "rpc0"), log);
        assertEquals(49, q.remoteSize());
    }

    @Test
    void remoteRpcsKeepTheirOrder() throws Exception {
        CommandQueue q = new CommandQueue(10);
        List<String> log = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            q.putRemote(tagged(log, "rpc" + i), 0);
        }
        for (int i = 0; i < 10; i++) {
            q.take().run();
        }
        assertEquals(List.of("rpc0", "rpc1", "rpc2", "rpc3", "rpc4", "rpc5", "rpc6", "rpc7", "rpc8", "rpc9"), log);
    }

    @Test
    void lanesAreBoundedSeparately() throws Exception {
        CommandQueue q = new CommandQueue(2);
        List<String> log = new ArrayList<>();
        q.putRemote(tagged(log, "r0"), 0);
        q.putRemote(tagged(log, "r1"), 0);
        // A full remote lane does not stop local work...
        assertTrue(q.offerLocal(tagged(log, "l0")));
        assertTrue(q.offerLocal(tagged(log, "l1")));
        // ...which is bounded too.
        assertFalse(q.offerLocal(tagged(log, "l2")));
        // A reader with a full remote lane waits until the owner takes one.
        CountDownLatch queued = new CountDownLatch(1);
        Thread reader = Thread.ofVirtual().start(() -> {
            try {
                q.putRemote(tagged(log, "r2"), 0);
                queued.countDown();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        assertFalse(queued.await(50, TimeUnit.MILLISECONDS), "the reader must wait while the lane is full");
        for (int i = 0; i < 3; i++) {
            q.take().run(); // l0, l1, r0: the last frees a remote slot
        }
        assertTrue(queued.await(10, TimeUnit.SECONDS));
        Await.join(reader);
        q.take().run();
        q.take().run();
        assertEquals(List.of("l0", "l1", "r0", "r1", "r2"), log);
    }

    @Test
    void clearDropsEverythingAndCapacityMustBePositive() throws Exception {
        CommandQueue q = new CommandQueue(4);
        List<String> log = new ArrayList<>();
        q.putRemote(tagged(log, "r"), 0);
        q.putLocal(tagged(log, "l"));
        q.clear();
        assertEquals(0, q.remoteSize());
        assertTrue(q.offerLocal(tagged(log, "after")));
        q.take().run();
        assertEquals(List.of("after"), log);
        assertThrows(IllegalArgumentException.class, () -> new CommandQueue(0));
    }

    @Test
    void theOldestReadTimeOfQueuedRpcsIsKnownUntilTheyAreTaken() throws Exception {
        CommandQueue q = new CommandQueue(4);
        List<String> log = new ArrayList<>();
        assertEquals(500, q.oldestRemoteReadAt(500), "nothing queued: the time given");
        q.putRemote(tagged(log, "late reader"), 120);
        q.putRemote(tagged(log, "early reader, queued second"), 100);
        assertEquals(100, q.oldestRemoteReadAt(500), "the least read time, whatever the queue order");
        q.take().run();
        assertEquals(100, q.oldestRemoteReadAt(500));
        q.take().run();
        assertEquals(500, q.oldestRemoteReadAt(500));
    }
}
