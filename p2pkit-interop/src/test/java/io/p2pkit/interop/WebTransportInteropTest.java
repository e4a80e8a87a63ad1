package io.p2pkit.interop;

import io.p2pkit.core.host.Host;
import io.p2pkit.core.host.PeerInfo;
import io.p2pkit.core.identify.IdentifyResult;
import io.p2pkit.core.identify.IdentifyService;
import io.p2pkit.core.identity.PeerId;
import io.p2pkit.core.ping.PingService;
import io.p2pkit.core.multiaddr.Multiaddr;
import io.p2pkit.core.multiaddr.Protocol;
import io.p2pkit.core.network.Connection;
import io.p2pkit.webtransport.WebTransportTransport;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * p2pkit's WebTransport against go-libp2p v0.48.0 (peers/go-webtransport; webtransport-go v0.10.0)
 * over loopback, both ways: HTTP/3 settings, extended CONNECT, Noise with the certificate hashes,
 * then ping and identify over WebTransport streams.
 */
@InteropArea("WebTransport")
class WebTransportInteropTest {
    private static final Duration STEP = Duration.ofSeconds(30);

    private static Path goWebTransport() {
        return Toolchains.requireBuilt(Implementation.GO, "go-webtransport").resolve("peer");
    }

    @Test
    @DisplayName("go-libp2p dials the p2pkit WebTransport listener (two certhashes), pings it, and identify runs")
    void goDialsAndPings() throws Exception {
        Path program = goWebTransport();
        try (Host host = Host.builder().listen("/ip4/127.0.0.1/udp/0/quic-v1/webtransport")
                .transport(WebTransportTransport::new).build()) {
            Multiaddr addr = host.addresses().stream()
                    .filter(a -> a.hasProtocol(Protocol.WEBTRANSPORT)).findFirst().orElseThrow();
            assertEquals(2, addr.components().stream().filter(c -> c.protocol() == Protocol.CERTHASH).count(),
                    "the current and the next certificate's hashes: " + addr);
            String dial = addr + "/p2p/" + host.peerId();
            // go leaves right after its pings: the connection is caught when it is made, not looked up after
            InboundWatch inbound = InboundWatch.of(host);
            try (PeerProcess go = PeerProcess.startProgram(Implementation.GO,
                    List.of(program.toString(), "--dial", dial, "--pings", "3"))) {
                PeerEvent ready = go.awaitEvent("ready", STEP);
                go.awaitEvent("connected", STEP);
                for (int i = 0; i < 3; i++) {
                    PeerEvent ping = go.awaitEvent("ping", STEP);
                    assertTrue(ping.number("rttMicros").longValue() >= 0);
                }
                String goPeer = ready.string("peerId");
                Connection c = inbound.connection(STEP);
                assertEquals(goPeer, c.remotePeer().toString(), "the WebTransport connection is go's");
                assertTrue(c.remoteAddress().hasProtocol(Protocol.WEBTRANSPORT), c.remoteAddress().toString());
                IdentifyResult identified = inbound.identified(STEP, go);
                assertEquals(goPeer, identified.peerId().toString());
                assertTrue(identified.protocols().contains(IdentifyService.PROTOCOL_ID), identified.protocols().toString());
                assertEquals(0, go.awaitExit(STEP), "go exits 0 after its pings; stderr: " + go.stderrTail());
            }
        }
    }

    @Test
    @DisplayName("p2pkit dials go-libp2p's WebTransport listener, pings it, and identify runs")
    void p2pkitDialsGoAndPings() throws Exception {
        Path program = goWebTransport();
        try (Host host = Host.builder().transport(WebTransportTransport::new).build();
             PeerProcess go = PeerProcess.startProgram(Implementation.GO,
                     List.of(program.toString(), "--listen", "/ip4/127.0.0.1/udp/0/quic-v1/webtransport"))) {
            PeerEvent ready = go.awaitEvent("ready", STEP);
            PeerId goPeer = PeerId.parse(ready.string("peerId"));
            List<Multiaddr> addrs = ready.strings("addrs").stream().map(Multiaddr::parse)
                    .filter(a -> a.hasProtocol(Protocol.CERTHASH)).toList();
            assertEquals(1, addrs.size(), "go's WebTransport address: " + ready.strings("addrs"));
            Connection c = host.connect(new PeerInfo(goPeer, addrs));
            assertEquals("/webtransport", c.muxer());
            assertFalse(host.service(PingService.class).orElseThrow().ping(new PeerInfo(goPeer, addrs)).isNegative());
            IdentifyResult r = host.service(IdentifyService.class).orElseThrow().awaitIdentified(c, STEP);
            assertEquals(goPeer, r.peerId());
            assertTrue(r.protocols().contains(PingService.PROTOCOL_ID), r.protocols().toString());
            go.closeStdin();
        }
    }
}
