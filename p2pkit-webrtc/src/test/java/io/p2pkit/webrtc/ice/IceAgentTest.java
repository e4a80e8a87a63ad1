package io.p2pkit.webrtc.ice;

import io.p2pkit.testing.Await;
import io.p2pkit.webrtc.mux.UdpMux;
import io.p2pkit.webrtc.stun.StunMessage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Two full ICE agents over loopback, as the offerer and the answerer of {@code /webrtc} are. */
@Timeout(60)
class IceAgentTest {
    private static final InetSocketAddress LOOPBACK = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
    private static final Duration DEADLINE = Duration.ofSeconds(30);

    /** Runs both agents; {@code aKnowsB} / {@code bKnowsA}: whether each learned the other's candidate by signalling. */
    private static void pair(IceAgent a, IceAgent b, boolean aKnowsB, boolean bKnowsA) throws Exception {
        try (UdpMux ma = UdpMux.open(LOOPBACK, a, 1, 16); UdpMux mb = UdpMux.open(LOOPBACK, b, 1, 16)) {
            select(a, ma, b, mb, aKnowsB, bKnowsA);
        }
    }

    /** Runs {@code agent} on {@code mux} on another thread; completes with the address it selected. */
    static CompletableFuture<InetSocketAddress> runAsync(IceAgent agent, UdpMux mux, Instant deadline) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return agent.run(mux, deadline);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
    }

    /** Runs both agents on their muxes until each selected the other's address. */
    private static void select(IceAgent a, UdpMux ma, IceAgent b, UdpMux mb, boolean aKnowsB, boolean bKnowsA)
            throws Exception {
        a.setRemoteCredentials(b.localCredentials());
        b.setRemoteCredentials(a.localCredentials());
        if (aKnowsB) {
            a.addRemoteCandidate(mb.localAddress());
        }
        if (bKnowsA) {
            b.addRemoteCandidate(ma.localAddress());
        }
        Instant deadline = Instant.now().plus(DEADLINE);
        CompletableFuture<InetSocketAddress> bSelected = runAsync(b, mb, deadline);
        assertEquals(mb.localAddress().getPort(), a.run(ma, deadline).getPort(), "a selected b's address");
        assertEquals(ma.localAddress().getPort(), bSelected.get(DEADLINE.toSeconds(), TimeUnit.SECONDS).getPort(),
                "b selected a's address");
    }

    @Test
    void controllingAndControlledSelectTheOnePair() throws Exception {
        IceAgent a = new IceAgent(IceAgent.randomCredentials(), true);
        IceAgent b = new IceAgent(IceAgent.randomCredentials(), false);
        pair(a, b, true, true);
        assertTrue(a.isControlling());
    }

    @Test
    void aPeerReflexiveCandidateIsEnough() throws Exception {
        // the answerer's candidates reached the offerer, but not the other way (no trickle yet)
        pair(new IceAgent(IceAgent.randomCredentials(), true), new IceAgent(IceAgent.randomCredentials(), false), true, false);
        // and the other way round: the controlled agent checks a controlling one that has no candidate
        pair(new IceAgent(IceAgent.randomCredentials(), true), new IceAgent(IceAgent.randomCredentials(), false), false, true);
    }

    @Test
    void aRoleConflictLeavesOneControllingAgent() throws Exception {
        IceAgent a = new IceAgent(IceAgent.randomCredentials(), true);
        IceAgent b = new IceAgent(IceAgent.randomCredentials(), true);
        pair(a, b, true, true);
        assertNotEquals(a.isControlling(), b.isControlling());
    }

    @Test
    void answersOnlySignedChecksForItsUfragAndTimesOutAlone() throws Exception {
        IceAgent a = new IceAgent(IceAgent.randomCredentials(), false);
        IceCredentials remote = IceAgent.randomCredentials();
        a.setRemoteCredentials(remote);
        try (UdpMux m = UdpMux.open(LOOPBACK, a, 1, 16); DatagramChannel peer = DatagramChannel.open().bind(LOOPBACK)) {
            IceCredentials local = a.localCredentials();
            byte[] tid = new byte[12];
            byte[] wrongKey = StunMessage.builder(StunMessage.BINDING_REQUEST, tid)
                    .username(local.ufrag() + ":" + remote.ufrag()).iceControlling(1).encode(remote.key(), true);
            peer.send(ByteBuffer.wrap(wrongKey), m.localAddress());
            tid[0] = 1;
            byte[] good = StunMessage.builder(StunMessage.BINDING_REQUEST, tid)
                    .username(local.ufrag() + ":" + remote.ufrag()).iceControlling(1).encode(local.key(), true);
            peer.send(ByteBuffer.wrap(good), m.localAddress());
            // the first datagram back answers the good request: the bad one got nothing
            StunMessage answer;
            do {
                ByteBuffer buf = ByteBuffer.allocate(1500);
                peer.receive(buf);
                buf.flip();
                answer = StunMessage.decode(Arrays.copyOf(buf.array(), buf.limit()), buf.limit());
            } while (answer.type() == StunMessage.BINDING_REQUEST); // its triggered check to us
            assertEquals(StunMessage.BINDING_SUCCESS, answer.type());
            assertTrue(answer.hasTransactionId(tid) && answer.checkIntegrity(local.key()));
            assertEquals(peer.getLocalAddress(), answer.xorMappedAddress().orElseThrow());
            assertTrue(a.remoteCandidates().contains((InetSocketAddress) peer.getLocalAddress()), "learned as peer-reflexive");
            assertThrows(TimeoutException.class, () -> a.run(m, Instant.now().plusMillis(300)), "never nominated");
        }
    }

    @Test
    void consentHoldsWhileTheOtherAnswersAndExpiresWhenItStops() throws Exception {
        IceAgent a = new IceAgent(IceAgent.randomCredentials(), true);
        IceAgent b = new IceAgent(IceAgent.randomCredentials(), false);
        assertThrows(IllegalStateException.class, a::keepAlive, "nothing to keep before a pair is selected");
        try (UdpMux ma = UdpMux.open(LOOPBACK, a, 1, 16); UdpMux mb = UdpMux.open(LOOPBACK, b, 1, 16)) {
            select(a, ma, b, mb, true, true);
            Duration expiry = Duration.ofSeconds(5);
            long start = System.nanoTime();
            Thread ta = a.keepAlive(Duration.ofMillis(50), expiry);
            Thread tb = b.keepAlive(Duration.ofMillis(50), expiry);
            assertThrows(IllegalStateException.class, a::keepAlive, "one keepalive per agent");
            // each side's checks still answered later than the expiry after they began: consent holds
            long past = start + expiry.plusSeconds(1).toNanos();
            Await.until("both sides' consent renewed after the expiry had passed",
                    () -> a.consentLastAnswer() - past > 0 && b.consentLastAnswer() - past > 0, Duration.ofSeconds(30));
            assertFalse(ma.isClosed() || mb.isClosed(), "consent holds both ways while checks are answered");
            mb.close();
            Await.until("a's consent expires once b stops answering", ma::isClosed, Duration.ofSeconds(30));
            Await.join(ta);
            Await.join(tb);
        }
    }
}
