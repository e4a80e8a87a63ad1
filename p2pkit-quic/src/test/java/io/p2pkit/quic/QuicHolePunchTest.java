package io.p2pkit.quic;

import io.p2pkit.core.crypto.PrivateKey;
import io.p2pkit.core.multiaddr.Multiaddr;
import io.p2pkit.core.transport.Listener;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link QuicTransport#punch}: random packets from the listening socket, for DCUtR over QUIC. */
@Timeout(value = 1, unit = TimeUnit.MINUTES)
class QuicHolePunchTest {
    private final QuicTransport transport = new QuicTransport(PrivateKey.generateEd25519());

    @AfterEach
    void close() {
        transport.close();
    }

    private static Multiaddr quic(DatagramSocket s) {
        return Multiaddr.parse("/ip4/127.0.0.1/udp/" + s.getLocalPort() + "/quic-v1");
    }

    @Test
    void sendsRandomBytesFromTheListeningPort() throws IOException {
        Listener l = transport.listen(Multiaddr.parse("/ip4/127.0.0.1/udp/0/quic-v1"));
        int listenPort = l.address().toSocketAddress().orElseThrow().getPort();
        try (DatagramSocket peer = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            peer.setSoTimeout(10_000);
            assertTrue(transport.canPunch(quic(peer)));
            transport.punch(quic(peer));
            transport.punch(quic(peer).encapsulate("/p2p/" + PrivateKey.generateEd25519().publicKey().toPeerId()));

            DatagramPacket first = new DatagramPacket(new byte[1500], 1500);
            peer.receive(first);
            DatagramPacket second = new DatagramPacket(new byte[1500], 1500);
            peer.receive(second);
            assertEquals(listenPort, first.getPort(), "sent from the listening socket");
            assertEquals(64, first.getLength());
            assertEquals(0x40, first.getData()[0] & 0xc0, "a short header's first bits, which servers drop quietly");
            assertFalse(java.util.Arrays.equals(first.getData(), second.getData()), "random bytes each time");
        }
        // the listener still accepts connections after punching
        assertEquals(1, transport.socketCount());
    }

    @Test
    void cannotPunchWithoutAListenerOrToOtherAddresses() throws IOException {
        Multiaddr target = Multiaddr.parse("/ip4/127.0.0.1/udp/9/quic-v1");
        assertFalse(transport.canPunch(target), "no listening socket to send from");
        assertThrows(IOException.class, () -> transport.punch(target));
        transport.listen(Multiaddr.parse("/ip4/127.0.0.1/udp/0/quic-v1"));
        assertTrue(transport.canPunch(target));
        assertFalse(transport.canPunch(Multiaddr.parse("/ip4/127.0.0.1/tcp/9")));
        assertFalse(transport.canPunch(Multiaddr.parse("/dns4/example.com/udp/9/quic-v1")));
        assertFalse(transport.canPunch(Multiaddr.parse("/ip4/10.0.0.1/udp/9/quic-v1")),
                "a loopback listener reaches loopback only");
    }
}
