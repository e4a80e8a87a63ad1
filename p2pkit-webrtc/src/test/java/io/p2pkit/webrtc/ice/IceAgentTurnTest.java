package io.p2pkit.webrtc.ice;

import io.p2pkit.testing.Await;
import io.p2pkit.testing.netns.Coturn;
import io.p2pkit.webrtc.mux.UdpMux;
import io.p2pkit.webrtc.mux.UdpRelay;
import io.p2pkit.webrtc.sdp.IceCandidate;
import io.p2pkit.webrtc.stun.StunMessage;
import io.p2pkit.webrtc.turn.TurnAllocation;
import io.p2pkit.webrtc.turn.TurnServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Two ICE agents on loopback, one of them relay-only through a TURN allocation on a real coturn:
 * its checks, the other's answers and consent all go through the relay.
 */
@Timeout(60)
class IceAgentTurnTest {
    private static final InetSocketAddress LOOPBACK = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
    private static final Duration DEADLINE = Duration.ofSeconds(20);

    /** What the connection's handler does: the TURN server's messages to the allocation, the rest to the agent. */
    private record Handler(IceAgent agent, TurnAllocation[] allocation) implements UdpMux.StunHandler {
        @Override
        public void onStun(UdpMux mux, StunMessage message, InetSocketAddress from) {
            if (allocation[0] == null || !allocation[0].onStun(message, from)) {
                agent.onStun(mux, message, from);
            }
        }

        @Override
        public void onRelayed(UdpMux mux, StunMessage message, InetSocketAddress from, UdpRelay via) {
            agent.onRelayed(mux, message, from, via);
        }

        @Override
        public void onChannelData(UdpMux mux, byte[] datagram, InetSocketAddress from) {
            allocation[0].onChannelData(datagram, from);
        }
    }

    @Test
    void aRelayedPairIsSelectedAndConsentHoldsThroughTheRelayUntilThePeerGoes() throws Exception {
        try (Coturn coturn = Coturn.startTurnOnLoopback("alice", "wonderland", List.of())) {
            IceAgent a = new IceAgent(IceAgent.randomCredentials(), true);
            IceAgent b = new IceAgent(IceAgent.randomCredentials(), false);
            TurnAllocation[] slot = new TurnAllocation[1];
            try (UdpMux ma = UdpMux.open(LOOPBACK, new Handler(a, slot), 1, 16); UdpMux mb = UdpMux.open(LOOPBACK, b, 1, 16)) {
                TurnAllocation allocation = new TurnAllocation(ma, new TurnServer(coturn.address(), "alice", "wonderland"));
                slot[0] = allocation;
                allocation.allocate(Instant.now().plus(DEADLINE));
                a.relayOnly();
                a.addRelay(allocation);
                a.setRemoteCredentials(b.localCredentials());
                b.setRemoteCredentials(a.localCredentials());
                a.addRemoteCandidate(IceCandidate.host("1", mb.localAddress()));
                b.addRemoteCandidate(IceCandidate.relay("1", allocation.relayedAddress(), Optional.empty()));

                Instant deadline = Instant.now().plus(DEADLINE);
                CompletableFuture<InetSocketAddress> bSelected = IceAgentTest.runAsync(b, mb, deadline);
                assertEquals(mb.localAddress().getPort(), a.run(ma, deadline).getPort());
                assertSame(allocation, a.selectedRelay().orElseThrow(), "a's pair has the relay candidate");
                assertEquals(allocation.relayedAddress(), bSelected.get(DEADLINE.toSeconds(), TimeUnit.SECONDS),
                        "b's pair is the relayed address: a's host address never reached it");
                assertEquals(Optional.empty(), b.selectedRelay());
                allocation.bindChannel(mb.localAddress());

                Duration expiry = Duration.ofSeconds(2);
                long start = System.nanoTime();
                Thread ta = a.keepAlive(Duration.ofMillis(50), expiry);
                Thread tb = b.keepAlive(Duration.ofMillis(50), expiry);
                long past = start + expiry.plusMillis(500).toNanos();
                Await.until("both sides' consent renewed through the relay after the expiry had passed",
                        () -> a.consentLastAnswer() - past > 0 && b.consentLastAnswer() - past > 0, DEADLINE);
                assertTrue(allocation.channel(mb.localAddress()).isPresent(), "consent ran over the channel too");
                assertFalse(ma.isClosed() || mb.isClosed());
                mb.close();
                Await.until("a's consent expires once b stops answering", ma::isClosed, DEADLINE);
                assertTrue(allocation.isReleased(), "closing the socket released the allocation");
                Await.join(ta);
                Await.join(tb);
            }
        }
    }
}
