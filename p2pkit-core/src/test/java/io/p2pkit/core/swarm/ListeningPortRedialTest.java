package io.p2pkit.core.swarm;

import io.p2pkit.core.crypto.PrivateKey;
import io.p2pkit.core.host.Host;
import io.p2pkit.core.host.PeerInfo;
import io.p2pkit.core.identity.PeerId;
import io.p2pkit.core.multiaddr.Multiaddr;
import io.p2pkit.core.network.DialException;
import io.p2pkit.core.network.NetworkObserver;
import io.p2pkit.core.security.PeerIdMismatchException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * Which failed dials from a listening port the swarm redials from an ephemeral port, over real
 * TCP on loopback (the simultaneous open itself is {@link SimultaneousOpenNetnsTest}'s).
 */
@Timeout(60)
class ListeningPortRedialTest {
    @Test
    void aFailedHandshakeIsRedialedOnceFromAnEphemeralPort() throws Exception {
        AtomicInteger redials = new AtomicInteger();
        List<Integer> dialedFrom = new CopyOnWriteArrayList<>();
        try (ServerSocket garbage = new ServerSocket(0, 16, InetAddress.getLoopbackAddress());
             Host host = host("noise", redials)) {
            // answers every connection with bytes no handshake accepts, noting the port it came from
            Thread.ofVirtual().start(() -> {
                while (!garbage.isClosed()) {
                    try (Socket s = garbage.accept()) {
                        dialedFrom.add(s.getPort());
                        OutputStream out = s.getOutputStream();
                        out.write("not libp2p at all, sorry\n".repeat(4).getBytes(StandardCharsets.US_ASCII));
                        out.flush();
                    } catch (IOException e) {
                        return; // closed at the end of the test
                    }
                }
            });
            Multiaddr target = Multiaddr.of((InetSocketAddress) garbage.getLocalSocketAddress(), "tcp");
            assertThrows(DialException.class, () -> host.connect(new PeerInfo(anyPeer(), List.of(target))));
            int listeningPort = host.addresses().get(0).toSocketAddress().orElseThrow().getPort();
            assertEquals(2, dialedFrom.size(), dialedFrom.toString());
            assertEquals(listeningPort, dialedFrom.get(0));
            assertNotEquals(listeningPort, dialedFrom.get(1));
            assertEquals(1, redials.get());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"noise", "tls"})
    void aWrongPeerIsNotRedialed(String security) throws Exception {
        AtomicInteger redials = new AtomicInteger();
        try (Host dialer = host(security, redials); Host other = host(security, new AtomicInteger())) {
            DialException e = assertThrows(DialException.class,
                    () -> dialer.connect(new PeerInfo(anyPeer(), other.addresses())));
            Throwable cause = e.causes().values().iterator().next();
            assertInstanceOf(PeerIdMismatchException.class, cause, String.valueOf(cause));
            assertEquals(0, redials.get());
        }
    }

    private static Host host(String security, AtomicInteger redials) throws IOException {
        Host h = Host.builder().security(security).listen("/ip4/127.0.0.1/tcp/0").build();
        h.network().addObserver(new NetworkObserver() {
            @Override
            public void redialedFromEphemeralPort(PeerId peer, Multiaddr address, Throwable cause) {
                redials.incrementAndGet();
            }
        });
        return h;
    }

    private static PeerId anyPeer() {
        return PrivateKey.generateEd25519().publicKey().toPeerId();
    }
}
