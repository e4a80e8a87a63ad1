package io.p2pkit.core.host;

import io.p2pkit.core.multiaddr.Multiaddr;
import io.p2pkit.core.network.Connection;
import io.p2pkit.core.network.DialException;
import io.p2pkit.core.ping.PingService;
import io.p2pkit.core.pnet.PreSharedKey;
import io.p2pkit.core.pnet.PrivateNetworkException;
import io.p2pkit.core.transport.Listener;
import io.p2pkit.core.transport.Transport;
import io.p2pkit.core.transport.TransportConnection;
import io.p2pkit.testing.Await;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Hosts in private networks over TCP: the same key talks, another key or none does not, and nothing breaks. */
class PrivateNetworkHostTest {
    private static final String ECHO = "/test/echo/1.0.0";
    private static final PreSharedKey KEY = PreSharedKey.generate();
    private final List<Host> hosts = new ArrayList<>();

    @AfterEach
    void closeHosts() {
        hosts.forEach(Host::close);
    }

    private Host host(PreSharedKey key, String... security) throws IOException {
        HostBuilder b = Host.builder().listen("/ip4/127.0.0.1/tcp/0").privateNetwork(key);
        if (security.length > 0) {
            b.security(security);
        }
        Host h = b.build();
        h.setStreamHandler(ECHO, s -> s.in().transferTo(s.out()));
        hosts.add(h);
        return h;
    }

    private static PeerInfo info(Host h) {
        return new PeerInfo(h.peerId(), h.addresses());
    }

    @Test
    void theSameKeyConnectsPingsAndEchoesWithNoiseAndTls() throws Exception {
        for (String security : List.of("noise", "tls")) {
            Host a = host(KEY, security);
            Host b = host(KEY, security);
            Connection c = a.connect(info(b));
            assertEquals(security.equals("noise") ? "/noise" : "/tls/1.0.0", c.security());
            a.service(PingService.class).orElseThrow().ping(info(b));
            byte[] data = new byte[300_000];
            new SplittableRandom(3).nextBytes(data);
            try (Stream s = a.newStream(info(b), ECHO)) {
                s.out().write(data);
                s.closeWrite();
                assertTrue(Arrays.equals(data, s.in().readAllBytes()));
            }
        }
    }

    @Test
    void anotherKeyFailsClearlyBothWaysAndTheNodeGoesOn() throws Exception {
        Host a = host(KEY);
        Host other = host(PreSharedKey.generate());
        DialException out = assertThrows(DialException.class, () -> a.connect(info(other)));
        assertTrue(causedBy(out, PrivateNetworkException.class), out.toString());
        DialException in = assertThrows(DialException.class, () -> other.connect(info(a)));
        assertTrue(causedBy(in, PrivateNetworkException.class), in.toString());
        // both still work for peers with their own key
        Host b = host(KEY);
        b.connect(info(a));
        a.service(PingService.class).orElseThrow().ping(info(b));
        Await.until("failed connections released", () -> a.network().connections(other.peerId()).isEmpty()
                && other.network().connections(a.peerId()).isEmpty(), Duration.ofSeconds(20));
    }

    @Test
    void aHostWithoutAKeyCannotTalkToOneWithAKey() throws Exception {
        Host keyed = host(KEY);
        Host open = host(null);
        DialException out = assertThrows(DialException.class, () -> keyed.connect(info(open)));
        assertTrue(causedBy(out, PrivateNetworkException.class), out.toString());
        assertThrows(DialException.class, () -> open.connect(info(keyed)));
        assertTrue(keyed.network().connections(open.peerId()).isEmpty());
    }

    @Test
    void aMessageNamesTheKeyByItsFingerprintOnly() throws Exception {
        Host a = host(KEY);
        Host other = host(PreSharedKey.generate());
        DialException e = assertThrows(DialException.class, () -> a.connect(info(other)));
        PrivateNetworkException p = find(e, PrivateNetworkException.class);
        assertTrue(p.getMessage().contains(KEY.fingerprintHex()), p.getMessage());
        assertFalse(p.getMessage().contains(HexFormat.of().formatHex(KEY.bytes())), p.getMessage());
    }

    @Test
    void aTransportThatSecuresItselfIsRefused() {
        HostBuilder b = Host.builder().privateNetwork(KEY).transport(key -> new SelfSecuring());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, b::build);
        assertTrue(e.getMessage().contains("cannot carry a private network"), e.getMessage());
    }

    @Test
    void theEnvironmentCanForceAKey() throws IOException {
        HostBuilder b = Host.builder();
        b.environment = Map.of(PreSharedKey.FORCE_ENV, "1");
        IllegalStateException e = assertThrows(IllegalStateException.class, b::build);
        assertTrue(e.getMessage().contains("LIBP2P_FORCE_PNET"), e.getMessage());
        HostBuilder keyed = Host.builder().privateNetwork(KEY);
        keyed.environment = Map.of(PreSharedKey.FORCE_ENV, "1");
        hosts.add(keyed.build());
    }

    private static boolean causedBy(Throwable t, Class<? extends Throwable> type) {
        return find(t, type) != null;
    }

    private static <T extends Throwable> T find(Throwable t, Class<T> type) {
        if (t == null) {
            return null;
        }
        if (type.isInstance(t)) {
            return type.cast(t);
        }
        if (t instanceof DialException d) {
            for (Throwable c : d.causes().values()) {
                T found = find(c, type);
                if (found != null) {
                    return found;
                }
            }
        }
        return find(t.getCause(), type);
    }

    /** Stands for QUIC: a transport whose connections arrive secured. */
    private static final class SelfSecuring implements Transport {
        @Override
        public boolean canDial(Multiaddr address) {
            return false;
        }

        @Override
        public boolean canListen(Multiaddr address) {
            return false;
        }

        @Override
        public TransportConnection dial(Multiaddr address, Duration timeout) throws IOException {
            throw new IOException("not dialable");
        }

        @Override
        public boolean supportsPrivateNetwork() {
            return false;
        }

        @Override
        public Listener listen(Multiaddr address) throws IOException {
            throw new IOException("not listenable");
        }
    }
}
