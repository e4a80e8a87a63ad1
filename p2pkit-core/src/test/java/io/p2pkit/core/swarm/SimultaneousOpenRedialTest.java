package io.p2pkit.core.swarm;

import io.p2pkit.core.Direction;
import io.p2pkit.core.multistream.NegotiationException;
import io.p2pkit.core.multistream.NegotiationTimer;
import io.p2pkit.core.pnet.PrivateNetworkException;
import io.p2pkit.core.resource.Resource;
import io.p2pkit.core.resource.ResourceLimitException;
import io.p2pkit.core.security.HandshakeException;
import io.p2pkit.core.security.PeerIdMismatchException;
import io.p2pkit.core.upgrader.LazyProposalRefusedException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.EOFException;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.SocketException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Which upgrade failures of a dial from a listening port the swarm redials from an ephemeral port. */
@Timeout(10)
class SimultaneousOpenRedialTest {
    @Test
    void handshakeFailuresOfTwoInitiatorsAreRedialed() {
        // what each end of a simultaneous open sees: a bad message, the other end hanging up, a reset
        assertTrue(SimultaneousOpenRedial.mayBeSimultaneousOpen(
                new HandshakeException("Noise handshake failed: message too short")));
        assertTrue(SimultaneousOpenRedial.mayBeSimultaneousOpen(new HandshakeException(
                "the remote closed the connection during the Noise handshake", new EOFException())));
        assertTrue(SimultaneousOpenRedial.mayBeSimultaneousOpen(new SocketException("Connection reset")));
        assertTrue(SimultaneousOpenRedial.mayBeSimultaneousOpen(
                new NegotiationException("unexpected answer", List.of("/noise"), List.of("/tls/1.0.0"))));
    }

    @Test
    void definitiveFailuresAreNot() {
        assertFalse(SimultaneousOpenRedial.mayBeSimultaneousOpen(new PeerIdMismatchException("another peer")));
        assertFalse(SimultaneousOpenRedial.mayBeSimultaneousOpen(
                new HandshakeException("TLS handshake as dialer failed", new PeerIdMismatchException("another peer"))));
        assertFalse(SimultaneousOpenRedial.mayBeSimultaneousOpen(new PrivateNetworkException("another key")));
        assertFalse(SimultaneousOpenRedial.mayBeSimultaneousOpen(new ResourceLimitException("transient", Resource.MEMORY, 1, 1, Direction.OUTBOUND)));
        assertFalse(SimultaneousOpenRedial.mayBeSimultaneousOpen(new InterruptedIOException("closing")));
        assertFalse(SimultaneousOpenRedial.mayBeSimultaneousOpen(new LazyProposalRefusedException(
                new NegotiationException("refused", List.of("/noise"), List.of("na")))));
    }

    @Test
    void aTimedOutUpgradeIsNot() throws Exception {
        // a simultaneous open fails on the first message read, not at the deadline
        ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
        try {
            CountDownLatch aborted = new CountDownLatch(1);
            IOException timedOut = assertThrows(IOException.class, () -> new NegotiationTimer(scheduler,
                    Duration.ofMillis(10)).run(aborted::countDown, () -> {
                        try {
                            aborted.await(5, TimeUnit.SECONDS);
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                        throw new SocketException("Socket closed");
                    }));
            assertFalse(SimultaneousOpenRedial.mayBeSimultaneousOpen(
                    new HandshakeException("connection upgrade timed out", timedOut)));
        } finally {
            scheduler.shutdownNow();
        }
    }

    @Test
    void aBugIsNot() {
        assertFalse(SimultaneousOpenRedial.mayBeSimultaneousOpen(new IllegalStateException("bug")));
    }
}
