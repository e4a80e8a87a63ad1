package io.p2pkit.core.network.dial;

import io.p2pkit.core.host.Host;
import io.p2pkit.core.host.PeerInfo;
import io.p2pkit.core.network.DialException;
import io.p2pkit.core.multiaddr.Multiaddr;
import org.junit.jupiter.api.Test;

import java.net.ServerSocket;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DialPolicyNetworkTest {
    @Test
    void aFailedPeerIsBackedOffUntilForgotten() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort(); // closed again: nothing listens there now
        }
        try (Host server = Host.builder().build(); Host client = Host.builder().build()) {
            PeerInfo dead = new PeerInfo(server.peerId(), List.of(Multiaddr.parse("/ip4/127.0.0.1/tcp/" + port)));
            DialException first = assertThrows(DialException.class, () -> client.connect(dead));
            assertTrue(first.getMessage().contains("all 1 addresses failed"), first.getMessage());
            DialException second = assertThrows(DialException.class, () -> client.connect(dead));
            assertTrue(second.getMessage().contains("backing off"), second.getMessage());

            client.network().dialPolicy().forget(server.peerId());
            Multiaddr live = server.listen(Multiaddr.parse("/ip4/127.0.0.1/tcp/0"));
            client.connect(new PeerInfo(server.peerId(), List.of(live)));
        }
    }

    @Test
    void aDialOurOwnLimitRefusedBacksNoPeerOff() throws Exception {
        // one outbound connection at a time: the second peer's dial is refused here, not by the peer
        io.p2pkit.core.resource.ResourceManager one = new io.p2pkit.core.resource.ResourceManager(
                io.p2pkit.core.resource.ResourceManagerConfig.builder().system(io.p2pkit.core.resource.ResourceLimits
                        .unlimited().with(io.p2pkit.core.resource.Resource.OUTBOUND_CONNECTIONS, 1)).build());
        try (Host a = Host.builder().listen("/ip4/127.0.0.1/tcp/0").build();
             Host b = Host.builder().listen("/ip4/127.0.0.1/tcp/0").build();
             Host client = Host.builder().resourceManager(one).build()) {
            PeerInfo toA = new PeerInfo(a.peerId(), a.addresses());
            PeerInfo toB = new PeerInfo(b.peerId(), b.addresses());
            client.connect(toA);
            DialException refused = assertThrows(DialException.class, () -> client.connect(toB));
            assertTrue(refused.refusedLocally(), refused.getMessage());
            assertTrue(DialException.isLocalRefusal(refused));
            assertTrue(refused.getMessage().contains("local resource limit"), refused.getMessage());
            assertTrue(client.network().dialPolicy().refusePeer(b.peerId()).isEmpty(), "no back-off for b");

            client.network().connection(a.peerId()).orElseThrow().close();
            // b is dialed once a's connection has given its slot back: never "backing off"
            io.p2pkit.testing.Await.until("b dialed", () -> {
                try {
                    client.connect(toB);
                    return true;
                } catch (DialException e) {
                    assertTrue(e.refusedLocally(), "only our own limit may refuse it: " + e.getMessage());
                    return false;
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }, java.time.Duration.ofSeconds(10));
            assertFalse(client.network().connection(b.peerId()).isEmpty());
        }
    }
}
