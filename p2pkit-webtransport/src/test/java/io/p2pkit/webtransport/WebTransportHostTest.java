package io.p2pkit.webtransport;

import io.p2pkit.core.host.Host;
import io.p2pkit.core.host.PeerInfo;
import io.p2pkit.core.host.Stream;
import io.p2pkit.core.identify.IdentifyResult;
import io.p2pkit.core.identify.IdentifyService;
import io.p2pkit.core.multiaddr.Multiaddr;
import io.p2pkit.core.network.Connection;
import io.p2pkit.core.ping.PingService;
import io.p2pkit.quic.QuicConfig;
import io.p2pkit.testing.Await;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Two p2pkit hosts over WebTransport on loopback: our dialer against our listener. */
class WebTransportHostTest {
    private static final String ECHO = "/test/echo/1.0.0";
    private final List<Host> hosts = new ArrayList<>();

    @AfterEach
    void closeHosts() {
        hosts.forEach(Host::close);
    }

    private Host host(String... listen) throws IOException {
        Host h = Host.builder().listen(listen).transport(WebTransportTransport::new).build();
        h.setStreamHandler(ECHO, s -> s.in().transferTo(s.out()));
        hosts.add(h);
        return h;
    }

    private static byte[] echo(Host from, PeerInfo to, byte[] data) throws Exception {
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
    void dialsEchoesAMebibyteIdentifiesAndPings() throws Exception {
        Host a = host();
        Host b = host("/ip4/127.0.0.1/udp/0/quic-v1/webtransport");
        PeerInfo target = new PeerInfo(b.peerId(), b.addresses());
        byte[] data = new byte[1 << 20];
        new SplittableRandom(7).nextBytes(data);
        assertArrayEquals(data, echo(a, target, data));

        Connection c = a.network().connection(b.peerId()).orElseThrow();
        assertEquals("/noise", c.security());
        assertEquals("/webtransport", c.muxer());
        IdentifyResult r = a.service(IdentifyService.class).orElseThrow().awaitIdentified(c, Duration.ofSeconds(10));
        assertEquals(b.peerId(), r.peerId());
        assertTrue(r.protocols().contains(ECHO), r.protocols().toString());
        assertFalse(a.service(PingService.class).orElseThrow().ping(target).isNegative());
        // and the other way, on the same connection: the listener opens a stream to the dialer
        assertArrayEquals(new byte[] {1, 2, 3}, echo(b, new PeerInfo(a.peerId(), List.of()), new byte[] {1, 2, 3}));
    }

    @Test
    void theIpv6WildcardSharesThePortOfTheIpv4One() throws Exception {
        io.p2pkit.testing.Prerequisites.require(io.p2pkit.quic.QuicTransport.separatesIpFamilies(QuicConfig.defaults()),
                "epoll (Linux), for IPv6-only sockets");
        Host b = host("/ip4/0.0.0.0/udp/0/quic-v1/webtransport");
        String port = b.addresses().get(0).toString().split("/")[4];
        b.listen(Multiaddr.parse("/ip6/::/udp/" + port + "/quic-v1/webtransport"));
        byte[] data = new byte[64 * 1024];
        new SplittableRandom(3).nextBytes(data);
        for (String ip : List.of("/ip4/127.0.0.1/", "/ip6/::1/")) {
            Multiaddr to = b.addresses().stream().filter(a -> a.toString().startsWith(ip + "udp/" + port + "/"))
                    .findFirst().orElseThrow(() -> new AssertionError("no " + ip + " address in " + b.addresses()));
            Host a = host();
            assertArrayEquals(data, echo(a, new PeerInfo(b.peerId(), List.of(to)), data), "echo over " + ip);
            Connection c = a.network().connection(b.peerId()).orElseThrow();
            assertTrue(c.remoteAddress().toString().startsWith(ip), c.remoteAddress().toString());
        }
    }

    @Test
    void streamsBeyondTheRemotesCreditWaitForItInsteadOfFailing() throws Exception {
        // The listener grants 4 bidirectional streams at a time; 24 concurrent echoes must all
        // get through as earlier ones close (Chromium's credit ran out so in ChromiumInteropTest).
        Host a = host();
        QuicConfig few = QuicConfig.defaults().withLimits(4, QuicConfig.defaults().maxConnections());
        Host b = Host.builder().listen("/ip4/127.0.0.1/udp/0/quic-v1/webtransport")
                .transport(k -> new WebTransportTransport(k, few)).build();
        hosts.add(b);
        b.setStreamHandler(ECHO, s -> s.in().transferTo(s.out()));
        PeerInfo target = new PeerInfo(b.peerId(), b.addresses());
        a.connect(target);
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<byte[]>> echoes = new ArrayList<>();
            for (int i = 0; i < 24; i++) {
                byte[] data = new byte[4096];
                new SplittableRandom(i).nextBytes(data);
                echoes.add(pool.submit(() -> echo(a, target, data)));
            }
            for (int i = 0; i < echoes.size(); i++) {
                byte[] data = new byte[4096];
                new SplittableRandom(i).nextBytes(data);
                assertArrayEquals(data, echoes.get(i).get(30, TimeUnit.SECONDS), "echo " + i);
            }
        }
    }

    @Test
    void refusesAListenerWhoseCertificateIsNotInTheAddress() throws IOException {
        Host a = host();
        Host b = host("/ip4/127.0.0.1/udp/0/quic-v1/webtransport");
        Multiaddr real = b.addresses().getFirst();
        String wrong = real.toString().replaceAll("/certhash/[^/]+", "")
                + "/certhash/uEiDDq4_xNyDorZBH3TlGazyJdOWSwvo4PUo5YHFMrvDE8g";
        assertThrows(IOException.class, () -> a.connect(new PeerInfo(b.peerId(), List.of(Multiaddr.parse(wrong)))));
    }
}
