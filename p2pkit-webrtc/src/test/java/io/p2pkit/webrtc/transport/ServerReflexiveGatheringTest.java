package io.p2pkit.webrtc.transport;

import io.p2pkit.webrtc.mux.UdpMux;
import io.p2pkit.testing.Await;
import io.p2pkit.webrtc.stun.StunMessage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Server-reflexive gathering over real UDP on loopback, against {@link TestStunServer}s that
 * report made-up public addresses (nothing is ever sent to those). The deadline given to
 * {@code gather} is far beyond the test's timeout where the answers must end the wait.
 */
@Timeout(30)
class ServerReflexiveGatheringTest {
    private static final InetSocketAddress LOOPBACK = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
    private static final InetSocketAddress PUBLIC_1 = address("203.0.113.5", 40000);
    private static final InetSocketAddress PUBLIC_2 = address("198.51.100.9", 50001);

    /** What the gathering passes on: the agent's view. */
    private final List<StunMessage> passedOn = new CopyOnWriteArrayList<>();

    private static InetSocketAddress address(String ip, int port) {
        try {
            return new InetSocketAddress(InetAddress.getByName(ip), port); // a literal: no lookup
        } catch (java.net.UnknownHostException e) {
            throw new IllegalArgumentException(e);
        }
    }

    private static Instant far() {
        return Instant.now().plus(Duration.ofMinutes(5));
    }

    private List<InetSocketAddress> gather(List<InetSocketAddress> servers, Instant deadline) throws Exception {
        ServerReflexiveGathering g = new ServerReflexiveGathering(servers, (m, message, from) -> passedOn.add(message));
        try (UdpMux mux = UdpMux.open(LOOPBACK, g, 1, 16)) {
            return g.gather(mux, deadline);
        }
    }

    @Test
    void noServerNoRequestNoWait() throws Exception {
        assertEquals(List.of(), gather(List.of(), far()));
    }

    @Test
    void eachDistinctMappedAddressOnce() throws Exception {
        try (TestStunServer a = TestStunServer.reporting(PUBLIC_1);
             TestStunServer b = TestStunServer.reporting(PUBLIC_1);
             TestStunServer c = TestStunServer.reporting(PUBLIC_2)) {
            assertEquals(List.of(PUBLIC_1, PUBLIC_2), gather(List.of(a.address(), b.address(), c.address()), far()));
            assertTrue(a.requests() >= 1 && b.requests() >= 1 && c.requests() >= 1);
            assertEquals(List.of(), passedOn, "the servers' answers are the gathering's own");
        }
    }

    @Test
    void theRequestIsABindingRequestWithAFingerprintThatTheServerSeesFromTheSocket() throws Exception {
        List<InetSocketAddress> seen = new CopyOnWriteArrayList<>();
        try (TestStunServer s = TestStunServer.start((request, from, n) -> {
            if (!request.hasFingerprint() || request.attribute(0x0008).isPresent()) {
                return null; // FINGERPRINT and no MESSAGE-INTEGRITY: otherwise no answer
            }
            seen.add(from);
            return TestStunServer.success(request, from); // the truth: loopback
        })) {
            ServerReflexiveGathering g = new ServerReflexiveGathering(List.of(s.address()), (m, message, from) -> { });
            try (UdpMux mux = UdpMux.open(LOOPBACK, g, 1, 16)) {
                List<InetSocketAddress> mapped = g.gather(mux, far());
                assertEquals(1, mapped.size());
                assertEquals(mux.localAddress().getPort(), mapped.get(0).getPort(), "sent from the connection's socket");
                assertEquals(seen.get(0), mapped.get(0));
            }
        }
    }

    @Test
    void aLostRequestIsRetransmitted() throws Exception {
        try (TestStunServer s = TestStunServer.start((request, from, n) -> n == 1 ? null
                : TestStunServer.success(request, PUBLIC_1))) {
            assertEquals(List.of(PUBLIC_1), gather(List.of(s.address()), far()));
            assertTrue(s.requests() >= 2, "asked again after the first was lost: " + s.requests());
        }
    }

    @Test
    void anErrorResponseEndsTheWaitForThatServer() throws Exception {
        try (TestStunServer failing = TestStunServer.start((request, from, n) ->
                StunMessage.builder(StunMessage.BINDING_ERROR, request.transactionId())
                        .errorCode(400, "Bad Request").encode(null, true));
             TestStunServer good = TestStunServer.reporting(PUBLIC_2)) {
            assertEquals(List.of(PUBLIC_2), gather(List.of(failing.address(), good.address()), far()));
        }
    }

    @Test
    void answersThatDoNotFitAreNotTaken() throws Exception {
        AtomicReference<TestStunServer> self = new AtomicReference<>();
        try (TestStunServer other = TestStunServer.start((request, from, n) -> null);
             TestStunServer s = TestStunServer.start((request, from, n) -> {
                 if (n > 1) {
                     return null;
                 }
                 byte[] tid = request.transactionId().clone();
                 tid[0] ^= 1;
                 try {
                     // before the one good answer, on the same path: the right transaction from another address
                     other.send(TestStunServer.success(request, PUBLIC_1), from);
                     // from the server, a transaction it was not asked
                     self.get().send(StunMessage.builder(StunMessage.BINDING_SUCCESS, tid)
                             .xorMappedAddress(PUBLIC_1).encode(null, true), from);
                     // bytes that look like STUN and fail to decode
                     self.get().send(new byte[]{1, 1, 0, 4, 0x21, 0x12, (byte) 0xA4, 0x42}, from);
                     // the right transaction without XOR-MAPPED-ADDRESS
                     self.get().send(StunMessage.builder(StunMessage.BINDING_SUCCESS, request.transactionId())
                             .encode(null, true), from);
                 } catch (IOException e) {
                     throw new UncheckedIOException(e);
                 }
                 return TestStunServer.success(request, PUBLIC_2);
             })) {
            self.set(s);
            ServerReflexiveGathering g = new ServerReflexiveGathering(List.of(s.address()),
                    (m, message, from) -> passedOn.add(message));
            try (UdpMux mux = UdpMux.open(LOOPBACK, g, 1, 16)) {
                assertEquals(List.of(PUBLIC_2), g.gather(mux, far()), "only the good answer was taken");
                Await.until("the strangers' answers went on to the agent", () -> passedOn.size() >= 2,
                        Duration.ofSeconds(20));
            }
        }
    }

    @Test
    void theDeadlineEndsTheWaitForAServerThatNeverAnswers() throws Exception {
        try (TestStunServer silent = TestStunServer.start((request, from, n) -> null)) {
            assertEquals(List.of(), gather(List.of(silent.address()), Instant.now().plus(Duration.ofSeconds(1))));
            Await.until("the server saw a request", () -> silent.requests() >= 1, Duration.ofSeconds(20));
        }
    }

    @Test
    void otherStunMessagesGoToTheAgent() throws Exception {
        try (TestStunServer s = TestStunServer.reporting(PUBLIC_1)) {
            ServerReflexiveGathering g = new ServerReflexiveGathering(List.of(s.address()),
                    (m, message, from) -> passedOn.add(message));
            try (UdpMux mux = UdpMux.open(LOOPBACK, g, 1, 16)) {
                assertEquals(List.of(PUBLIC_1), g.gather(mux, far()));
                byte[] check = StunMessage.builder(StunMessage.BINDING_REQUEST, new byte[12]).encode(null, true);
                s.send(check, mux.localAddress());
                Await.until("the request reaches the agent", () -> passedOn.size() == 1,
                        Duration.ofSeconds(20));
                assertEquals(StunMessage.BINDING_REQUEST, passedOn.get(0).type());
            }
        }
    }

    @Test
    void atMostFourServers() throws Exception {
        InetSocketAddress x = address("192.0.2.1", 3478);
        assertThrows(IllegalArgumentException.class, () -> new ServerReflexiveGathering(
                List.of(x, address("192.0.2.2", 1), address("192.0.2.3", 1), address("192.0.2.4", 1),
                        address("192.0.2.5", 1)), (m, message, from) -> { }));
    }
}
