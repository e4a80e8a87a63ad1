package io.p2pkit.core.network.dial;

import io.p2pkit.core.host.Host;
import io.p2pkit.core.host.PeerInfo;
import io.p2pkit.core.network.DialException;
import io.p2pkit.core.multiaddr.Multiaddr;
import org.junit.jupiter.api.Test;

import java.net.ServerSocket;
import java.util.List;

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
}
