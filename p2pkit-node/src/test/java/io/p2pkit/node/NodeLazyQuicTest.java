package io.p2pkit.node;

import io.p2pkit.core.host.PeerInfo;
import io.p2pkit.core.multiaddr.Multiaddr;
import io.p2pkit.core.network.Connection;
import io.p2pkit.core.ping.PingService;
import io.p2pkit.quic.QuicTransport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * QUIC as every node and command has it (NodeConfig's transports): made on its first dial or
 * listen, and then dialing, answering and hole punching as an eager transport would.
 */
@Timeout(60)
class NodeLazyQuicTest {
    private static final NodeListener QUIET = new NodeListener() { };

    @Test
    void aTcpNodeDialsQuicOnItsFirstQuicAddressAndANodeListeningOnQuicCanPunch() throws Exception {
        assertTrue(QuicTransport.isAvailable(), "the native QUIC library loads on the machines CI runs on");
        try (Node quic = Node.start(NodeConfig.builder().listen("/ip4/127.0.0.1/udp/0/quic-v1")
                     .withoutAutoNat().build(), QUIET);
             Node tcp = Node.start(NodeConfig.builder().listen("/ip4/127.0.0.1/tcp/0")
                     .withoutAutoNat().build(), QUIET)) {
            Multiaddr there = quic.host().addresses().stream().filter(a -> a.toString().contains("/quic-v1"))
                    .findFirst().orElseThrow();
            Multiaddr peer = Multiaddr.parse("/ip4/127.0.0.1/udp/9/quic-v1");
            assertTrue(tcp.host().network().canDial(there), "which addresses QUIC takes is known before it is made");
            assertFalse(tcp.host().network().canPunch(peer), "no QUIC socket listens on the TCP node yet");
            assertTrue(quic.host().network().canPunch(peer), "the QUIC node punches from the socket it listens on");
            quic.host().network().punch(peer);

            PeerInfo at = new PeerInfo(quic.peerId(), List.of(there));
            Connection c = tcp.host().connect(at);
            assertTrue(c.remoteAddress().toString().contains("/quic-v1"), c.remoteAddress().toString());
            assertTrue(tcp.host().service(PingService.class).orElseThrow().ping(at).toNanos() > 0);
        }
    }
}
