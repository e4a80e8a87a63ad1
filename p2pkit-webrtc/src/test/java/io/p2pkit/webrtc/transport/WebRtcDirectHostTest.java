package io.p2pkit.webrtc.transport;

import io.p2pkit.core.crypto.PrivateKey;
import io.p2pkit.core.host.Host;
import io.p2pkit.core.host.PeerInfo;
import io.p2pkit.core.host.Stream;
import io.p2pkit.core.identify.IdentifyResult;
import io.p2pkit.core.identify.IdentifyService;
import io.p2pkit.core.identity.PeerId;
import io.p2pkit.core.multiaddr.Multiaddr;
import io.p2pkit.core.network.Connection;
import io.p2pkit.core.ping.PingService;
import io.p2pkit.core.security.HandshakeException;
import io.p2pkit.testing.Await;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Two p2pkit hosts over WebRTC-direct on loopback: ICE-lite, DTLS, SCTP, Noise on channel 0, streams. */
@Timeout(180)
class WebRtcDirectHostTest {
    private static final String ECHO = "/test/echo/1.0.0";
    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private final List<Host> hosts = new ArrayList<>();
    private final List<WebRtcDirectTransport> transports = new ArrayList<>();

    @AfterEach
    void closeHosts() {
        hosts.forEach(Host::close);
    }

    private Host host() throws IOException {
        Host h = Host.builder().listen("/ip4/127.0.0.1/udp/0/webrtc-direct").transport(key -> {
            WebRtcDirectTransport t = new WebRtcDirectTransport(key);
            transports.add(t);
            return t;
        }).build();
        h.setStreamHandler(ECHO, s -> s.in().transferTo(s.out()));
        hosts.add(h);
        return h;
    }

    private static PeerInfo info(Host h) {
        return new PeerInfo(h.peerId(), h.addresses());
    }

    static byte[] echo(Host from, PeerInfo to, byte[] data) throws Exception {
        try (Stream s = from.newStream(to, ECHO)) {
            AtomicReference<Exception> failed = new AtomicReference<>();
            Thread writer = Thread.ofVirtual().start(() -> {
                try {
                    s.out().write(data);
                    s.closeWrite();
                } catch (IOException e) {
                    failed.set(e);
                }
            });
            byte[] back = s.in().readAllBytes();
            Await.join(writer);
            if (failed.get() != null) {
                throw failed.get();
            }
            return back;
        }
    }

    @Test
    void connectsPingsIdentifiesAndEchoesOneMebibyte() throws Exception {
        Host a = host();
        Host b = host();
        Multiaddr listen = b.addresses().get(0);
        assertTrue(listen.toString().matches("/ip4/127\\.0\\.0\\.1/udp/\\d+/webrtc-direct/certhash/u.+"), listen.toString());

        byte[] data = new byte[1 << 20];
        new SplittableRandom(1).nextBytes(data);
        assertArrayEquals(data, echo(a, info(b), data), "1 MiB from the dialer, echoed");

        Connection c = a.network().connection(b.peerId()).orElseThrow();
        assertEquals(WebRtcDirectTransport.PROTOCOL, c.security());
        assertEquals(WebRtcDirectTransport.PROTOCOL, c.muxer());
        assertTrue(c.remoteAddress().toString().endsWith("/webrtc-direct"), c.remoteAddress().toString());

        IdentifyResult r = a.service(IdentifyService.class).orElseThrow().awaitIdentified(c, TIMEOUT);
        assertEquals(b.peerId(), r.peerId());
        assertTrue(r.protocols().contains(ECHO), r.protocols().toString());
        assertTrue(r.listenAddrs().contains(listen), r.listenAddrs().toString());
        assertFalse(a.service(PingService.class).orElseThrow().ping(info(b)).isNegative());

        // the listener side opens streams on the same connection: 1 MiB the other way
        Await.until("b sees the connection", () -> b.network().connection(a.peerId()).isPresent(), TIMEOUT);
        new SplittableRandom(2).nextBytes(data);
        assertArrayEquals(data, echo(b, new PeerInfo(a.peerId(), List.of()), data), "1 MiB from the listener, echoed");
        assertFalse(b.service(PingService.class).orElseThrow().ping(new PeerInfo(a.peerId(), List.of())).isNegative());
        assertEquals(1, a.network().connections(b.peerId()).size());
    }

    @Test
    void manyStreamsAtOnce() throws Exception {
        Host a = host();
        Host b = host();
        a.connect(info(b));
        int n = 50;
        CountDownLatch done = new CountDownLatch(n);
        AtomicReference<Throwable> failed = new AtomicReference<>();
        for (int i = 0; i < n; i++) {
            int seed = i;
            Thread.ofVirtual().start(() -> {
                try {
                    byte[] data = new byte[1000 + seed * 997];
                    new SplittableRandom(seed).nextBytes(data);
                    assertArrayEquals(data, echo(a, info(b), data));
                } catch (Throwable t) {
                    failed.compareAndSet(null, t);
                } finally {
                    done.countDown();
                }
            });
        }
        assertTrue(done.await(120, TimeUnit.SECONDS), done.getCount() + " of " + n + " streams did not finish");
        if (failed.get() != null) {
            throw new AssertionError(failed.get());
        }
        assertEquals(1, a.network().connections(b.peerId()).size());
    }

    @Test
    void aWrongPeerIdFailsTheNoiseStep() throws Exception {
        Host b = host();
        WebRtcDirectTransport t = new WebRtcDirectTransport(PrivateKey.generateEd25519());
        try {
            PeerId other = PrivateKey.generateEd25519().publicKey().toPeerId();
            IOException e = assertThrows(IOException.class, () -> t.dial(b.addresses().get(0), other, TIMEOUT));
            assertTrue(e instanceof HandshakeException || e.getCause() instanceof HandshakeException, e.toString());
            Await.until("the dialer's slot given back", () -> t.connectionCount() == 0, TIMEOUT);
        } finally {
            t.close();
        }
    }

    @Test
    void closingGivesBackConnectionSlots() throws Exception {
        Host a = host();
        Host b = host();
        a.connect(info(b));
        WebRtcDirectTransport ta = transports.get(0);
        WebRtcDirectTransport tb = transports.get(1);
        assertEquals(1, ta.connectionCount());
        Await.until("b accepted", () -> tb.connectionCount() == 1, TIMEOUT);
        a.network().connection(b.peerId()).orElseThrow().close();
        Await.until("both slots given back", () -> ta.connectionCount() == 0 && tb.connectionCount() == 0, TIMEOUT);
    }
}
