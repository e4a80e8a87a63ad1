package io.p2pkit.node.cli;

import io.p2pkit.core.host.PeerInfo;
import io.p2pkit.core.identity.PeerId;
import io.p2pkit.core.multiaddr.Multiaddr;
import io.p2pkit.core.network.Connection;
import io.p2pkit.core.ping.PingService;
import io.p2pkit.nat.relay.RelayConfig;
import io.p2pkit.node.Node;
import io.p2pkit.node.NodeConfig;
import io.p2pkit.webrtc.transport.WebRtcTransport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code p2pkit daemon --webrtc} behind a p2pkit relay: its ready line advertises
 * {@code <relayed address>/webrtc/p2p/<daemon>}, and a node with {@code /webrtc} on dials that
 * address, connects directly (not limited) and pings over it.
 */
@Timeout(180)
class DaemonWebRtcTest {
    private static final Pattern READY = Pattern.compile(
            "\\{\"event\":\"ready\",\"peerId\":\"([^\"]+)\",\"addrs\":\\[([^\\]]*)].*}");

    @Test
    @SuppressWarnings("try") // Daemon.close() may be interrupted; the case throws that on
    void advertisesItsRelayedWebRtcAddressAndIsDialedOverIt(@TempDir Path home) throws Exception {
        try (Node relay = Node.start(NodeConfig.builder().listen("/ip4/127.0.0.1/tcp/0").withoutAutoNat()
                .relayService(RelayConfig.defaults()).build())) {
            Multiaddr circuit = relay.host().addresses().get(0).encapsulate("/p2p/" + relay.peerId())
                    .encapsulate("/p2p-circuit");
            try (DaemonAndPingTest.Daemon daemon = DaemonAndPingTest.Daemon.start(home, "--json", "--dht", "off",
                    "--listen", "/ip4/127.0.0.1/tcp/0", "--listen", circuit.toString(),
                    "--webrtc", "--webrtc-candidate", "127.0.0.1");
                 Node dialer = Node.start(NodeConfig.builder().listen("/ip4/127.0.0.1/tcp/0").withoutAutoNat()
                         .webRtc(NodeConfig.WebRtc.loopback()).build())) {
                Matcher m = READY.matcher(daemon.next("{\"event\":\"ready\""));
                assertTrue(m.matches(), m.toString());
                PeerId id = PeerId.parse(m.group(1));
                String expected = circuit + "/webrtc/p2p/" + id;
                assertTrue(m.group(2).contains("\"" + expected + "\""), m.group(2));

                Connection c = dialer.host().connect(Multiaddr.parse(expected));
                assertEquals(WebRtcTransport.PROTOCOL, c.security());
                assertFalse(c.isLimited(), "a direct connection, not the relayed one");
                assertEquals(id, c.remotePeer());
                assertFalse(dialer.host().service(PingService.class).orElseThrow()
                        .ping(new PeerInfo(id, List.of())).isNegative());
            }
        }
    }
}
