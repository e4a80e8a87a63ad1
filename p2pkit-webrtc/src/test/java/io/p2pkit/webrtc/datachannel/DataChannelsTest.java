package io.p2pkit.webrtc.datachannel;

import io.p2pkit.core.resource.MemoryScope;
import io.p2pkit.testing.Await;
import io.p2pkit.webrtc.sctp.LossyLink;
import io.p2pkit.webrtc.sctp.SctpConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(60)
class DataChannelsTest {
    static final SctpConfig FAST = SctpConfig.defaults().withRto(Duration.ofMillis(100), Duration.ofMillis(50),
            Duration.ofSeconds(1));

    record Pair(DataChannels client, DataChannels server) {
    }

    static Pair connect(LossyLink link) throws Exception {
        DataChannels client = DataChannels.start(link.a(), true, FAST, MemoryScope.UNLIMITED, Set.of(0));
        DataChannels server = DataChannels.start(link.b(), false, FAST, MemoryScope.UNLIMITED, Set.of(0));
        client.awaitEstablished(Duration.ofSeconds(20));
        server.awaitEstablished(Duration.ofSeconds(20));
        return new Pair(client, server);
    }

    @Test
    void eitherSideOpensWithItsParityAndTheOtherAccepts() throws Exception {
        Pair p = connect(LossyLink.perfect());
        DataChannel c = p.client().open("", "");
        assertEquals(0, c.id() % 2, "the DTLS client opens even ids");
        c.send("ping".getBytes());
        DataChannel atServer = p.server().accept();
        assertEquals(c.id(), atServer.id());
        assertArrayEquals("ping".getBytes(), atServer.receive());
        atServer.send(new byte[0]);
        assertArrayEquals(new byte[0], c.receive(), "an empty message survives (PPID 57)");

        DataChannel s = p.server().open("label", "proto");
        assertEquals(1, s.id() % 2, "the DTLS server opens odd ids");
        s.send(new byte[] {9});
        DataChannel atClient = p.client().accept();
        assertEquals("label", atClient.label());
        assertEquals("proto", atClient.protocol());
        assertArrayEquals(new byte[] {9}, atClient.receive());
        p.client().close();
        Await.until("server sees the end", p.server()::isClosed, Duration.ofSeconds(10));
        assertNull(p.server().accept());
    }

    @Test
    void negotiatedChannelZeroNeedsNoDcep() throws Exception {
        Pair p = connect(new LossyLink(3, 0.1, 0.05, 0.1));
        p.client().negotiated(0).send("noise msg 1".getBytes());
        assertArrayEquals("noise msg 1".getBytes(), p.server().negotiated(0).receive());
        p.server().negotiated(0).send("noise msg 2".getBytes());
        assertArrayEquals("noise msg 2".getBytes(), p.client().negotiated(0).receive());
        DataChannel c = p.client().open("", "");
        assertEquals(2, c.id(), "id 0 is taken by the negotiated channel");
        p.client().close();
    }

    @Test
    void closingResetsBothDirectionsAndFreesTheId() throws Exception {
        Pair p = connect(LossyLink.perfect());
        DataChannel c = p.client().open("", "");
        c.send(new byte[] {1});
        DataChannel s = p.server().accept();
        assertArrayEquals(new byte[] {1}, s.receive());
        c.close();
        assertNull(s.receive(), "the remote's reset ends the channel for reading");
        assertThrows(java.io.IOException.class, () -> s.send(new byte[] {2}));
        Await.until("the id is free again on both sides",
                () -> !p.client().inUse(c.id()) && !p.server().inUse(c.id()), Duration.ofSeconds(10));
        assertEquals(c.id() + 2, p.client().open("", "").id(), "the next id, not the one just freed");
        p.client().close();
    }

    @Test
    void closingAChannelTheRemoteResetLeavesTheNewChannelOnItsIdAlone() throws Exception {
        // Chromium opens its next channel on the lowest free id as soon as both directions are
        // reset; p2pkit's stream closes its old channel afterwards. That close must not reset the
        // id again, or it ends the new channel (ChromiumInteropTest lost 1 stream in 300 so).
        Pair p = connect(LossyLink.perfect());
        DataChannel c = p.client().open("", "");
        c.send(new byte[] {1});
        DataChannel s = p.server().accept();
        assertArrayEquals(new byte[] {1}, s.receive());
        c.close();
        assertNull(s.receive(), "the remote's reset ends the old channel");
        Await.until("the id is free again on both sides",
                () -> !p.client().inUse(c.id()) && !p.server().inUse(c.id()), Duration.ofSeconds(10));
        DataChannel again = p.client().open(c.id(), "", "");
        assertEquals(c.id(), again.id(), "the id just freed, as Chromium picks it");
        again.send(new byte[] {2});
        DataChannel sAgain = p.server().accept();
        assertArrayEquals(new byte[] {2}, sAgain.receive());

        s.close(); // the late close of the old channel object
        sAgain.send(new byte[] {3}); // sent after any reset that close would have asked for
        assertArrayEquals(new byte[] {3}, again.receive(), "the new channel is still open");
        assertFalse(again.isClosedByRemote());
        assertFalse(sAgain.isClosedByRemote());
        p.client().close();
    }

    @Test
    void aSendWaitingForBufferSpaceWhenTheChannelClosesGoesOutBeforeTheReset() throws Exception {
        // 16 KiB each way: the server reads nothing, so its window fills and then the client's
        // send buffer, and a send waits for space past the channel's closed check
        SctpConfig small = FAST.withBuffers(16 * 1024, 16 * 1024);
        LossyLink link = LossyLink.perfect();
        DataChannels client = DataChannels.start(link.a(), true, small, MemoryScope.UNLIMITED, Set.of(0));
        DataChannels server = DataChannels.start(link.b(), false, small, MemoryScope.UNLIMITED, Set.of(0));
        client.awaitEstablished(Duration.ofSeconds(20));
        server.awaitEstablished(Duration.ofSeconds(20));
        DataChannel c = client.open("", "");
        DataChannel s = server.accept();
        java.util.concurrent.atomic.AtomicInteger returned = new java.util.concurrent.atomic.AtomicInteger();
        java.util.concurrent.atomic.AtomicReference<Exception> refused = new java.util.concurrent.atomic.AtomicReference<>();
        Thread writer = Thread.ofPlatform().name("writer").start(() -> {
            try {
                for (int i = 0; i < 64; i++) {
                    byte[] m = new byte[4096];
                    m[0] = (byte) i;
                    c.send(m);
                    returned.incrementAndGet();
                }
            } catch (Exception e) {
                refused.set(e);
            }
        });
        Await.until("a send waits for buffer space", () -> waitsForCredit(writer), Duration.ofSeconds(10));
        c.close();
        int read = 0;
        for (byte[] m = s.receive(); m != null; m = s.receive()) {
            assertEquals((byte) read, m[0], "message " + read + " in order");
            read++;
        }
        writer.join(Duration.ofSeconds(10));
        assertFalse(writer.isAlive());
        assertEquals(returned.get(), read, "every message whose send returned reached the server, before the reset");
        assertTrue(refused.get() instanceof java.io.IOException && refused.get().getMessage().contains("closed"),
                "the send after the close fails clearly: " + refused.get());
        client.close();
    }

    /** Whether {@code t} is parked on the association's send-buffer condition. */
    private static boolean waitsForCredit(Thread t) {
        return t.getState() == Thread.State.WAITING && java.util.Arrays.stream(t.getStackTrace())
                .anyMatch(f -> f.getClassName().endsWith("SctpAssociation") && f.getMethodName().equals("send"))
                && java.util.Arrays.stream(t.getStackTrace()).anyMatch(f -> f.getMethodName().equals("await"));
    }
}
