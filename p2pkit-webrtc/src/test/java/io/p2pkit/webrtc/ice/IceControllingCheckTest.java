package io.p2pkit.webrtc.ice;

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

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(60)
class IceControllingCheckTest {
    static final InetSocketAddress LOOPBACK = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);

    static StunMessage receive(DatagramChannel ch) throws Exception {
        ByteBuffer buf = ByteBuffer.allocate(1500);
        ch.receive(buf);
        buf.flip();
        return StunMessage.decode(Arrays.copyOf(buf.array(), buf.limit()), buf.limit());
    }

    @Test
    void keepsSendingFreshSignedChecksUntilTheMuxCloses() throws Exception {
        IceCredentials c = IceCredentials.randomV1();
        try (DatagramChannel listener = DatagramChannel.open().bind(LOOPBACK)) {
            InetSocketAddress to = (InetSocketAddress) listener.getLocalAddress();
            IceControllingCheck check = new IceControllingCheck(c, c, to);
            Thread t;
            try (UdpMux mux = UdpMux.open(LOOPBACK, check, 1, 4)) {
                t = check.keepAlive(mux, Duration.ofMillis(50), Duration.ofSeconds(30));
                StunMessage first = receive(listener);
                StunMessage second = receive(listener);
                assertTrue(first.checkIntegrity(c.key()) && second.checkIntegrity(c.key()));
                assertFalse(Arrays.equals(first.transactionId(), second.transactionId()));
                assertTrue(new IceLiteResponder().answer(second, to).isPresent());
            }
            t.join(Duration.ofSeconds(10));
            assertFalse(t.isAlive(), "the keepalive stops with the mux");
        }
    }

    @Test
    void consentLastsWhileChecksAreAnsweredAndExpiresWhenTheyAreNot() throws Exception {
        IceCredentials c = IceCredentials.randomV1();
        try (DatagramChannel listener = DatagramChannel.open().bind(LOOPBACK)) {
            InetSocketAddress to = (InetSocketAddress) listener.getLocalAddress();
            IceControllingCheck check = new IceControllingCheck(c, c, to);
            try (UdpMux mux = UdpMux.open(LOOPBACK, check, 1, 4)) {
                Thread t = check.keepAlive(mux, Duration.ofMillis(50), Duration.ofSeconds(2));
                // answered for 3 s, longer than the expiry: consent holds
                long answerUntil = System.nanoTime() + Duration.ofSeconds(3).toNanos();
                int answered = 0;
                while (System.nanoTime() < answerUntil) {
                    StunMessage m = receive(listener);
                    byte[] ok = StunMessage.builder(StunMessage.BINDING_SUCCESS, m.transactionId())
                            .xorMappedAddress(mux.localAddress()).encode(c.key(), true);
                    listener.send(ByteBuffer.wrap(ok), mux.localAddress());
                    answered++;
                }
                assertTrue(answered > 10, "checks kept coming: " + answered);
                assertFalse(mux.isClosed(), "consent holds while checks are answered");
                // an answer signed with another key does not count
                StunMessage m = receive(listener);
                byte[] forged = StunMessage.builder(StunMessage.BINDING_SUCCESS, m.transactionId())
                        .xorMappedAddress(mux.localAddress()).encode(IceCredentials.randomV1().key(), true);
                listener.send(ByteBuffer.wrap(forged), mux.localAddress());
                t.join(Duration.ofSeconds(20));
                assertFalse(t.isAlive(), "the keepalive stops once consent expired");
                assertTrue(mux.isClosed(), "and closed the mux, ending the connection on it");
            }
        }
    }

    @Test
    void completesOnASignedResponseAnswersTheListenerAndIgnoresStrangers() throws Exception {
        IceCredentials c = IceCredentials.randomV1();
        try (DatagramChannel remote = DatagramChannel.open().bind(LOOPBACK);
             DatagramChannel stranger = DatagramChannel.open().bind(LOOPBACK)) {
            IceControllingCheck check = new IceControllingCheck(c, c, (InetSocketAddress) remote.getLocalAddress());
            try (UdpMux mux = UdpMux.open(LOOPBACK, check, 1, 4)) {
                CompletableFuture<InetSocketAddress> result = new CompletableFuture<>();
                Thread.ofVirtual().start(() -> {
                    try {
                        result.complete(check.run(mux, Instant.now().plus(Duration.ofSeconds(20))));
                    } catch (Exception e) {
                        result.completeExceptionally(e);
                    }
                });
                StunMessage sent = receive(remote);
                assertTrue(sent.useCandidate() && sent.iceControlling().isPresent() && sent.checkIntegrity(c.key()));

                // The listener's own check (pion may send them) is answered; a stranger's is not.
                byte[] tid = new byte[12];
                tid[0] = 9;
                byte[] request = StunMessage.builder(StunMessage.BINDING_REQUEST, tid)
                        .username(c.ufrag() + ":" + c.ufrag()).iceControlled(1).encode(c.key(), true);
                stranger.send(ByteBuffer.wrap(request), mux.localAddress());
                remote.send(ByteBuffer.wrap(request), mux.localAddress());
                StunMessage answer = null;
                for (int i = 0; i < 50 && answer == null; i++) {
                    StunMessage m = receive(remote);
                    if (m.type() == StunMessage.BINDING_SUCCESS) {
                        answer = m;
                    }
                }
                assertTrue(answer != null && answer.hasTransactionId(tid) && answer.checkIntegrity(c.key()));

                byte[] ok = StunMessage.builder(StunMessage.BINDING_SUCCESS, sent.transactionId())
                        .xorMappedAddress(mux.localAddress()).encode(c.key(), true);
                remote.send(ByteBuffer.wrap(ok), mux.localAddress());
                assertEquals(mux.localAddress().getPort(), result.get(20, TimeUnit.SECONDS).getPort());
                stranger.configureBlocking(false);
                assertEquals(null, stranger.receive(ByteBuffer.allocate(10)), "strangers get no answer");
            }
        }
    }
}
