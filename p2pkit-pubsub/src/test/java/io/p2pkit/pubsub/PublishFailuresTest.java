package io.p2pkit.pubsub;

import io.p2pkit.pubsub.flood.FloodRouter;
import io.p2pkit.testing.Await;
import org.junit.jupiter.api.Test;

import java.util.Set;
import java.util.concurrent.CountDownLatch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Each way a publish can fail is its own {@link PublishException.Reason}; and work reported to the
 * owner thread from outside waits for room in its queue instead of starting a thread per event.
 */
class PublishFailuresTest {
    private static PubsubConfig.Builder config() {
        return PubsubConfig.builder().manualHeartbeat(true);
    }

    @Test
    void eachFailureSaysWhy() throws Exception {
        try (TestNet net = new TestNet()) {
            PubSub ps = net.node(config().maxMessageBytes(16).build(), FloodRouter::new);
            Topic topic = ps.join("t");

            PublishException tooLarge = assertThrows(PublishException.class, () -> topic.publish(new byte[17]));
            assertEquals(PublishException.Reason.TOO_LARGE, tooLarge.reason());

            topic.validator((from, m) -> ValidationResult.IGNORE);
            PublishException refused = assertThrows(PublishException.class, () -> topic.publish(new byte[1]));
            assertEquals(PublishException.Reason.REJECTED, refused.reason());
            assertEquals(ValidationResult.IGNORE, refused.validation());
            topic.validator(null);

            // Without a signature the message ID is its content: the same data again is a duplicate.
            PubSub anonymous = net.node(config().signaturePolicy(SignaturePolicy.STRICT_NO_SIGN).build(), FloodRouter::new);
            anonymous.join("t").publish(new byte[] {1});
            PublishException duplicate = assertThrows(PublishException.class,
                    () -> anonymous.join("t").publish(new byte[] {1}));
            assertEquals(PublishException.Reason.DUPLICATE, duplicate.reason());

            PubSub lonely = net.node(config().publishToZeroPeers(false).build(), FloodRouter::new);
            PublishException noPeers = assertThrows(PublishException.class, () -> lonely.join("t").publish(new byte[1]));
            assertEquals(PublishException.Reason.NO_PEERS, noPeers.reason());
            // ... and with a subscriber it goes out
            PubSub subscriber = net.node(config().build(), FloodRouter::new);
            Subscription s = subscriber.join("t").subscribe();
            TestNet.connect(lonely, subscriber);
            assertTrue(lonely.join("t").awaitPeers(1, Await.DEFAULT));
            assertEquals(Set.of(subscriber.host().peerId()), lonely.join("t").publish(new byte[] {2}).recipients());
            s.cancel();

            ps.close();
            PublishException closed = assertThrows(PublishException.class, () -> topic.publish(new byte[1]));
            assertEquals(PublishException.Reason.CLOSED, closed.reason());
        }
    }

    @Test
    void eventsWaitForRoomInsteadOfStartingThreads() throws Exception {
        try (TestNet net = new TestNet()) {
            PubSub ps = net.node(config().commandQueueCapacity(2).build(), FloodRouter::new);
            Topic topic = ps.join("t");
            Subscription a = topic.subscribe();
            Subscription b = topic.subscribe();
            Subscription c = topic.subscribe();
            CountDownLatch busy = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            Thread holder = Thread.ofVirtual().start(() -> ps.inspect(router -> {
                busy.countDown();
                try {
                    release.await(); // the owner thread is busy until the test lets it go
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return null;
            }));
            Await.await("the owner thread is busy", busy);
            a.cancel(); // each cancellation reports to the owner: these two fill its queue
            b.cancel();
            CountDownLatch cancelled = new CountDownLatch(1);
            Thread third = Thread.ofVirtual().start(() -> {
                c.cancel();
                cancelled.countDown();
            });
            Await.until("the third report waits for room", () -> third.getState() == Thread.State.WAITING);
            assertEquals(1, cancelled.getCount(), "held back while the queue is full");
            release.countDown();
            Await.await("the third report went in once there was room", cancelled);
            Await.join(holder);
            Await.until("every subscription is gone", () -> ps.topics().isEmpty());
        }
    }
}
