package io.p2pkit.node;

import io.p2pkit.core.multiaddr.Multiaddr;
import io.p2pkit.core.network.Connection;
import io.p2pkit.core.host.PeerInfo;
import io.p2pkit.quic.QuicTransport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A node whose TCP and WebSocket are off (Kubo's Swarm.Transports.Network) dials a peer over QUIC alone. */
@Timeout(30)
class NodeNetworkTransportsTest {
    @Test
    void aNodeWithoutTcpReachesAPeerOverQuicAndCannotDialItsTcpAddress() throws Exception {
        assertTrue(QuicTransport.isAvailable(), "the native QUIC library must load here (CI runs on linux-x86_64)");
        try (Node b = Node.start(NodeConfig.builder().listen("/ip4/127.0.0.1/tcp/0", "/ip4/127.0.0.1/udp/0/quic-v1").build());
             Node a = Node.start(NodeConfig.builder().listen("/ip4/127.0.0.1/udp/0/quic-v1")
                     .transports(NodeConfig.Transports.defaults().withNetwork(false, false, true, false, false)).build())) {
            Multiaddr tcp = b.addresses().stream().filter(x -> x.toString().contains("/tcp/")).findFirst().orElseThrow();
            IOException refused = assertThrows(IOException.class, () -> a.host().connect(Multiaddr.parse(tcp.withoutPeerId()
                    + "/p2p/" + b.peerId())));
            assertTrue(String.valueOf(refused.getMessage()).contains("no transport"), String.valueOf(refused.getMessage()));
            Connection c = a.host().connect(new PeerInfo(b.peerId(), b.addresses().stream().map(Multiaddr::withoutPeerId).toList()));
            assertTrue(c.remoteAddress().toString().contains("/quic-v1"), c.remoteAddress().toString());
            assertEquals(List.of(), a.addresses().stream().filter(x -> x.toString().contains("/tcp/")).toList());
        }
    }
}
