package io.p2pkit.pubsub.flood;

import io.p2pkit.pubsub.PubSub;
import io.p2pkit.pubsub.PubsubConfig;
import io.p2pkit.pubsub.PubsubMessage;
import io.p2pkit.pubsub.PublishResult;
import io.p2pkit.pubsub.SignaturePolicy;
import io.p2pkit.pubsub.Subscription;
import io.p2pkit.pubsub.TestNet;
import io.p2pkit.pubsub.Topic;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.charset.StandardCharsets;
import java.time.Duration;

import static io.p2pkit.pubsub.TestNet.connect;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FloodsubTest {
    private static final Duration WAIT = Duration.ofSeconds(10);

    @ParameterizedTest
    @EnumSource(SignaturePolicy.class)
    void messageCrossesALineOfThree(SignaturePolicy policy) throws Exception {
        try (TestNet net = new TestNet()) {
            PubsubConfig config = PubsubConfig.builder().signaturePolicy(policy).build();
            PubSub a = net.node(config, FloodRouter::new);
            PubSub b = net.node(config, FloodRouter::new);
            PubSub c = net.node(config, FloodRouter::new);
            connect(a, b);
            connect(b, c);
            Topic ta = a.join("news");
            Subscription sa = ta.subscribe();
            Subscription sb = b.join("news").subscribe();
            Subscription sc = c.join("news").subscribe();
            assertTrue(ta.awaitPeers(1, WAIT));
            assertTrue(c.join("news").awaitPeers(1, WAIT));
            assertTrue(b.join("news").awaitPeers(2, WAIT));

            PublishResult r = ta.publish("hello".getBytes(StandardCharsets.UTF_8));
            assertEquals(1, r.recipients().size());
            for (Subscription s : new Subscription[]{sa, sb, sc}) {
                PubsubMessage m = s.next(WAIT);
                assertNotNull(m, s.toString());
                assertArrayEquals("hello".getBytes(StandardCharsets.UTF_8), m.data());
                assertEquals(policy == SignaturePolicy.STRICT_SIGN, m.author().isPresent());
            }
            // Each node got the message exactly once.
            assertNull(sc.next(Duration.ofMillis(200)));
            sa.cancel();
            assertNull(sa.next());
        }
    }
}
