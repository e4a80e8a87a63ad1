package io.p2pkit.node;

import io.p2pkit.core.host.PeerInfo;
import io.p2pkit.core.multiaddr.Multiaddr;
import io.p2pkit.core.network.DialException;
import io.p2pkit.core.ping.PingService;
import io.p2pkit.core.pnet.PreSharedKey;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Nodes in a private network: QUIC, WebRTC-direct and WebTransport off, the same key connects, another key does not. */
class NodePrivateNetworkTest {
    private static final PreSharedKey KEY = PreSharedKey.generate();

    @Test
    void aPrivateNetworkTurnsQuicOffAndRefusesAQuicAddress() {
        NodeConfig c = NodeConfig.builder().privateNetwork(KEY).build();
        assertFalse(c.transports().quic());
        assertFalse(c.listen().stream().anyMatch(a -> a.toString().contains("quic")), c.listen().toString());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> NodeConfig.builder()
                .privateNetwork(KEY).listen("/ip4/127.0.0.1/udp/0/quic-v1").build());
        assertTrue(e.getMessage().contains("private network"), e.getMessage());
        assertTrue(c.toBuilder().build().privateNetwork().isPresent());
    }

    @Test
    void aPrivateNetworkTurnsTheBrowserTransportsOffAndRefusesTheirAddresses() {
        NodeConfig c = NodeConfig.builder().privateNetwork(KEY).build();
        assertFalse(c.transports().webRtcDirect());
        assertFalse(c.transports().webTransport());
        assertFalse(c.listen().stream().anyMatch(a -> NodeConfig.securesItself(a.toString())), c.listen().toString());
        for (String a : new String[] {"/ip4/127.0.0.1/udp/0/webrtc-direct", "/ip4/127.0.0.1/udp/0/quic-v1/webtransport"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> NodeConfig.builder().privateNetwork(KEY).listen(a).build());
            assertTrue(e.getMessage().contains("private network"), e.getMessage());
        }
        // without a private network both are on and in the default listen addresses (WebTransport where QUIC loads)
        NodeConfig open = NodeConfig.builder().build();
        assertTrue(open.transports().webRtcDirect() && open.transports().webTransport());
        assertTrue(open.listen().stream().anyMatch(a -> a.toString().endsWith("/udp/4002/webrtc-direct")), open.listen().toString());
        assertEquals(io.p2pkit.quic.QuicTransport.isAvailable(),
                open.listen().stream().anyMatch(a -> a.toString().endsWith("/udp/4003/quic-v1/webtransport")));
        // turned off, they leave the defaults
        NodeConfig off = NodeConfig.builder().transports(NodeConfig.Transports.defaults().withBrowserTransports(false, false))
                .build();
        assertFalse(off.listen().stream().anyMatch(a -> a.toString().contains("webrtc") || a.toString().contains("webtransport")),
                off.listen().toString());
    }

    @Test
    void nodesWithTheKeyConnectAndOthersDoNot() throws Exception {
        NodeListener quiet = new NodeListener() { };
        try (Node a = Node.start(NodeConfig.builder().listen("/ip4/127.0.0.1/tcp/0").privateNetwork(KEY)
                     .withoutAutoNat().build(), quiet);
             Node b = Node.start(NodeConfig.builder().listen("/ip4/127.0.0.1/tcp/0").privateNetwork(KEY)
                     .withoutAutoNat().build(), quiet);
             Node outsider = Node.start(NodeConfig.builder().listen("/ip4/127.0.0.1/tcp/0")
                     .withoutAutoNat().build(), quiet)) {
            PeerInfo atA = new PeerInfo(a.peerId(), a.host().addresses());
            b.host().connect(atA);
            b.host().service(PingService.class).orElseThrow().ping(atA);
            assertThrows(DialException.class, () -> outsider.host().connect(atA));
            List<Multiaddr> addresses = a.host().addresses();
            assertFalse(addresses.stream().anyMatch(x -> x.toString().contains("quic")), addresses.toString());
        }
    }
}
