package io.p2pkit.pubsub.engine;

import io.p2pkit.pubsub.MessageId;
import io.p2pkit.testing.ManualClock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.time.Instant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The seen-messages cache's two strategies (go-libp2p-pubsub's FirstSeen and LastSeen) and its cap. */
@Timeout(10)
class SeenCacheTest {
    private final ManualClock clock = new ManualClock(Instant.parse("2026-11-29T00:00:00Z"));
    private final MessageId a = MessageId.of(new byte[]{1});
    private final MessageId b = MessageId.of(new byte[]{2});

    @Test
    void firstSeenForgetsAnIdItsTtlAfterItCameWhateverCameSince() {
        SeenCache c = new SeenCache(clock, Duration.ofSeconds(120), 16);
        assertTrue(c.add(a));
        clock.advance(Duration.ofSeconds(100));
        assertFalse(c.add(a), "a duplicate");
        assertTrue(c.contains(a));
        clock.advance(Duration.ofSeconds(30));
        assertFalse(c.contains(a), "120 s after it first came");
        assertTrue(c.add(a));
    }

    @Test
    void lastSeenStartsAnIdsTimeAgainEachTimeItIsSeenAndKeepsTheOthersInOrder() {
        SeenCache c = new SeenCache(clock, Duration.ofSeconds(120), 16, true);
        assertTrue(c.add(a));
        clock.advance(Duration.ofSeconds(10));
        assertTrue(c.add(b));
        clock.advance(Duration.ofSeconds(100));
        assertFalse(c.add(a), "a duplicate, which starts a's time again");
        clock.advance(Duration.ofSeconds(30));
        assertFalse(c.contains(b), "b was not seen again: gone 120 s after it came");
        assertTrue(c.contains(a), "a was seen 30 s ago");
        clock.advance(Duration.ofSeconds(119));
        assertTrue(c.contains(a), "the lookup started its time again too");
        clock.advance(Duration.ofSeconds(121));
        assertFalse(c.contains(a));
        assertEquals(0, c.size());
    }

    @Test
    void theOldestGoFirstAtTheCap() {
        SeenCache c = new SeenCache(clock, Duration.ofSeconds(120), 2, true);
        c.add(a);
        c.add(b);
        c.add(a); // a is now the newest
        c.add(MessageId.of(new byte[]{3}));
        assertTrue(c.contains(a));
        assertFalse(c.contains(b));
    }
}
