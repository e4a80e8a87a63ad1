package io.p2pkit.webrtc.dtls;

import io.p2pkit.core.multiaddr.Multiaddr;
import io.p2pkit.testing.Await;
import io.p2pkit.webrtc.ice.IceControllingCheck;
import io.p2pkit.webrtc.ice.IceCredentials;
import io.p2pkit.webrtc.mux.UdpMux;
import io.p2pkit.webrtc.stun.StunMessage;
import org.bouncycastle.tls.DatagramTransport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeoutException;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(120)
class WebRtcDirectTest {
    static final InetSocketAddress LOOPBACK = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
    static final Duration TIMEOUT = Duration.ofSeconds(20);

    static byte[] receive(DatagramTransport t) throws IOException {
        byte[] buf = new byte[t.getReceiveLimit()];
        for (int i = 0; i < 200; i++) {
            int n = t.receive(buf, 0, buf.length, 100);
            if (n >= 0) {
                return java.util.Arrays.copyOf(buf, n);
            }
        }
        throw new IOException("nothing received");
    }

    @Test
    void dialerAndListenerCompleteIceAndDtlsAndExchangeData() throws Exception {
        WebRtcCertificate listenerCert = WebRtcCertificate.generate();
        WebRtcCertificate dialerCert = WebRtcCertificate.generate();
        try (WebRtcDirectListener listener = WebRtcDirectListener.listen(LOOPBACK, listenerCert)) {
            Multiaddr addr = listener.multiaddr();
            assertTrue(addr.toString().startsWith("/ip4/127.0.0.1/udp/"), addr.toString());
            assertTrue(addr.toString().contains("/webrtc-direct/certhash/u"), addr.toString());

            try (DtlsAssociation dialed = new WebRtcDirectDialer(dialerCert).dial(addr, TIMEOUT);
                 DtlsAssociation accepted = listener.accept(TIMEOUT).orElseThrow()) {
                assertTrue(dialed.isDialer());
                assertFalse(accepted.isDialer());
                assertEquals(listenerCert.fingerprint(), dialed.remoteFingerprint());
                assertEquals(dialerCert.fingerprint(), accepted.remoteFingerprint());
                assertArrayEquals(dialed.noisePrologue(), accepted.noisePrologue());

                byte[] hello = "hello over DTLS".getBytes(StandardCharsets.UTF_8);
                dialed.transport().send(hello, 0, hello.length);
                assertArrayEquals(hello, receive(accepted.transport()));
                byte[] back = new byte[1000];
                back[999] = 42;
                accepted.transport().send(back, 0, back.length);
                assertArrayEquals(back, receive(dialed.transport()));
                assertEquals(1, listener.peerCount());
            }
            Await.until("the closed association frees its slot", () -> listener.peerCount() == 0, TIMEOUT);
        }
    }

    @Test
    void worksOverIpv6() throws Exception {
        try (WebRtcDirectListener listener = WebRtcDirectListener.listen(new InetSocketAddress("::1", 0), WebRtcCertificate.generate())) {
            assertTrue(listener.multiaddr().toString().startsWith("/ip6/::1/udp/"), listener.multiaddr().toString());
            try (DtlsAssociation dialed = new WebRtcDirectDialer(WebRtcCertificate.generate()).dial(listener.multiaddr(), TIMEOUT);
                 DtlsAssociation accepted = listener.accept(TIMEOUT).orElseThrow()) {
                assertEquals(listener.certificate().fingerprint(), dialed.remoteFingerprint());
                assertEquals(dialed.localFingerprint(), accepted.remoteFingerprint());
            }
        }
    }

    @Test
    void aV2DialerIsAcceptedToo() throws Exception {
        WebRtcCertificate dialerCert = WebRtcCertificate.generate();
        try (WebRtcDirectListener listener = WebRtcDirectListener.listen(LOOPBACK, WebRtcCertificate.generate());
             DtlsAssociation dialed = new WebRtcDirectDialer(dialerCert, 2).dial(listener.multiaddr(), TIMEOUT);
             DtlsAssociation accepted = listener.accept(TIMEOUT).orElseThrow()) {
            assertEquals(dialerCert.fingerprint(), accepted.remoteFingerprint());
            assertEquals(listener.certificate().fingerprint(), dialed.remoteFingerprint());
        }
        assertThrows(IllegalArgumentException.class, () -> new WebRtcDirectDialer(dialerCert, 3));
    }

    @Test
    void aWrongCerthashFailsTheDial() throws Exception {
        try (WebRtcDirectListener listener = WebRtcDirectListener.listen(LOOPBACK, WebRtcCertificate.generate())) {
            Multiaddr wrong = Multiaddr.of(listener.localAddress(), "udp")
                    .encapsulate("/webrtc-direct" + WebRtcCertificate.generate().certhashComponent());
            WebRtcDirectDialer dialer = new WebRtcDirectDialer(WebRtcCertificate.generate());
            assertThrows(IOException.class, () -> dialer.dial(wrong, TIMEOUT));
            Await.until("the failed handshake frees its slot", () -> listener.peerCount() == 0, TIMEOUT);
        }
    }

    @Test
    void aSilentAddressTimesOut() throws Exception {
        try (DatagramChannel silent = DatagramChannel.open().bind(LOOPBACK)) {
            Multiaddr addr = Multiaddr.of((InetSocketAddress) silent.getLocalAddress(), "udp")
                    .encapsulate("/webrtc-direct" + WebRtcCertificate.generate().certhashComponent());
            WebRtcDirectDialer dialer = new WebRtcDirectDialer(WebRtcCertificate.generate());
            assertThrows(TimeoutException.class, () -> dialer.dial(addr, Duration.ofMillis(700)));
            // The check was retransmitted: more than one request arrived.
            silent.configureBlocking(false);
            int requests = 0;
            ByteBuffer buf = ByteBuffer.allocate(1500);
            while (silent.receive(buf) != null) {
                requests++;
                buf.clear();
            }
            assertTrue(requests >= 2, "retransmitted " + requests + " times");
        }
    }

    @Test
    void aFloodOfValidBindingRequestsCreatesBoundedState() throws Exception {
        WebRtcDirectListener.Config config = new WebRtcDirectListener.Config(8, 2, 4, 16, Duration.ofSeconds(8));
        try (WebRtcDirectListener listener = WebRtcDirectListener.listen(LOOPBACK, WebRtcCertificate.generate(), config)) {
            List<DatagramChannel> senders = new ArrayList<>();
            try {
                for (int i = 0; i < 6; i++) {
                    DatagramChannel ch = DatagramChannel.open().bind(LOOPBACK);
                    senders.add(ch);
                    IceCredentials c = IceCredentials.randomV1();
                    byte[] request = StunMessage.builder(StunMessage.BINDING_REQUEST, new byte[12])
                            .username(c.ufrag() + ":" + c.ufrag()).iceControlling(i).useCandidate().encode(c.key(), true);
                    ch.send(ByteBuffer.wrap(request), listener.localAddress());
                }
                // Each wait is far shorter than the handshake timeout, so no slot frees meanwhile.
                int answered = 0;
                for (DatagramChannel ch : senders) {
                    if (answered(ch)) {
                        answered++;
                    }
                }
                assertEquals(2, answered, "only as many dialers as handshakes may run are answered");
                assertEquals(2, listener.peerCount());
                // The handshakes never start (no ClientHello), time out, and free their slots.
                Await.until("stalled handshakes time out", () -> listener.peerCount() == 0, TIMEOUT);
            } finally {
                for (DatagramChannel ch : senders) {
                    ch.close();
                }
            }
        }
    }

    static boolean answered(DatagramChannel ch) throws IOException {
        ch.socket().setSoTimeout(1000);
        try {
            ch.socket().receive(new DatagramPacket(new byte[1500], 1500));
            return true;
        } catch (SocketTimeoutException e) {
            return false;
        }
    }

    @Test
    void theListenerAnswersEveryValidCheckFromEachAddress() throws Exception {
        try (WebRtcDirectListener listener = WebRtcDirectListener.listen(LOOPBACK, WebRtcCertificate.generate())) {
            IceCredentials c = IceCredentials.randomV1();
            for (int i = 0; i < 2; i++) {
                IceControllingCheck check = new IceControllingCheck(c, c, listener.localAddress());
                try (UdpMux own = UdpMux.open(LOOPBACK, check, 1, 4)) {
                    InetSocketAddress mapped = check.run(own, java.time.Instant.now().plus(TIMEOUT));
                    assertEquals(own.localAddress(), mapped);
                }
            }
            assertEquals(2, listener.peerCount(), "one slot per source address");
        }
    }
}
