package io.p2pkit.nat.holepunch;

import io.p2pkit.core.multiaddr.Multiaddr;
import io.p2pkit.testing.ManualScheduler;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.ProtocolException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The messages, RTT and timing of one attempt, on virtual time; and who is the security client. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class HolePunchExchangeTest {
    private static final Multiaddr B = Multiaddr.parse("/ip4/12.0.0.2/tcp/4001");
    private static final Multiaddr A = Multiaddr.parse("/ip4/13.0.0.2/tcp/4001");
    private static final Multiaddr A_RELAYED = Multiaddr.parse("/ip4/11.0.0.2/tcp/4001/p2p/12D3KooWDpJ7As7BWAwRMfu1VU2WCqNjvq387JEYKDBj4kx6nXTN/p2p-circuit");
    private static final Multiaddr A_PRIVATE = Multiaddr.parse("/ip4/192.168.2.11/tcp/4001");

    /** What the peer sends, read as if it arrived {@code delay} after the first read began. */
    private static InputStream arrivingAfter(ManualScheduler clock, Duration delay, HolePunchMessage... messages)
            throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        for (HolePunchMessage m : messages) {
            m.write(bytes);
        }
        AtomicBoolean waited = new AtomicBoolean();
        return new FilterInputStream(new ByteArrayInputStream(bytes.toByteArray())) {
            @Override
            public int read() throws IOException {
                if (!waited.getAndSet(true)) {
                    clock.advance(delay);
                }
                return super.read();
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                if (!waited.getAndSet(true)) {
                    clock.advance(delay);
                }
                return super.read(b, off, len);
            }
        };
    }

    @Test
    void initiatorTimesTheConnectAndDialsHalfAnRttAfterSync() throws Exception {
        ManualScheduler clock = new ManualScheduler();
        ByteArrayOutputStream sent = new ByteArrayOutputStream();
        InputStream in = arrivingAfter(clock, Duration.ofMillis(40),
                HolePunchMessage.connect(List.of(A_RELAYED, A_PRIVATE, A)));

        HolePunchExchange.Agreed agreed = HolePunchExchange.initiate(in, sent, List.of(B),
                a -> !a.equals(A_PRIVATE), clock::nanoTime);

        assertEquals(Duration.ofMillis(40), agreed.rtt());
        assertEquals(List.of(A), agreed.remote(), "relayed and filtered addresses are dropped");
        InputStream wire = new ByteArrayInputStream(sent.toByteArray());
        assertEquals(HolePunchMessage.connect(List.of(B)), HolePunchMessage.read(wire));
        assertEquals(HolePunchMessage.sync(), HolePunchMessage.read(wire));

        // the service waits RTT/2 on the host's scheduler before dialing: the SYNC's way to the peer
        AtomicBoolean dialed = new AtomicBoolean();
        clock.schedule(() -> dialed.set(true), agreed.rtt().toNanos() / 2, TimeUnit.NANOSECONDS);
        clock.advance(Duration.ofMillis(19));
        assertFalse(dialed.get());
        clock.advance(Duration.ofMillis(1));
        assertTrue(dialed.get());
    }

    @Test
    void receiverAnswersAndTimesTheSync() throws Exception {
        ManualScheduler clock = new ManualScheduler();
        ByteArrayOutputStream sent = new ByteArrayOutputStream();
        ByteArrayOutputStream incoming = new ByteArrayOutputStream();
        HolePunchMessage.connect(List.of(B)).write(incoming);
        byte[] connect = incoming.toByteArray();
        // the CONNECT is there at once; the SYNC comes 30 ms after our answer
        InputStream in = new java.io.SequenceInputStream(new ByteArrayInputStream(connect),
                arrivingAfter(clock, Duration.ofMillis(30), HolePunchMessage.sync()));

        HolePunchExchange.Agreed agreed = HolePunchExchange.respond(in, sent, List.of(A), a -> true, clock::nanoTime);

        assertEquals(Duration.ofMillis(30), agreed.rtt());
        assertEquals(List.of(B), agreed.remote());
        assertEquals(HolePunchMessage.connect(List.of(A)),
                HolePunchMessage.read(new ByteArrayInputStream(sent.toByteArray())));
    }

    @Test
    void refusesWithoutAddressesOrOutOfOrder() throws Exception {
        ManualScheduler clock = new ManualScheduler();
        assertThrows(ProtocolException.class, () -> HolePunchExchange.initiate(InputStream.nullInputStream(),
                new ByteArrayOutputStream(), List.of(), a -> true, clock::nanoTime));
        assertThrows(ProtocolException.class, () -> HolePunchExchange.initiate(
                arrivingAfter(clock, Duration.ZERO, HolePunchMessage.sync()),
                new ByteArrayOutputStream(), List.of(B), a -> true, clock::nanoTime));
        assertThrows(ProtocolException.class, () -> HolePunchExchange.initiate(
                arrivingAfter(clock, Duration.ZERO, HolePunchMessage.connect(List.of(A_RELAYED))),
                new ByteArrayOutputStream(), List.of(B), a -> true, clock::nanoTime));
        assertThrows(ProtocolException.class, () -> HolePunchExchange.respond(
                arrivingAfter(clock, Duration.ZERO, HolePunchMessage.connect(List.of(B)), HolePunchMessage.connect(List.of(B))),
                new ByteArrayOutputStream(), List.of(A), a -> true, clock::nanoTime));
    }

    @Test
    void theReceiverIsTheClientAndTheInitiatorOnlyOnItsLastAttempt() {
        assertFalse(HolePunchExchange.initiatorIsClient(1, 3));
        assertFalse(HolePunchExchange.initiatorIsClient(2, 3));
        assertTrue(HolePunchExchange.initiatorIsClient(3, 3));
    }
}
