package io.p2pkit.webrtc.transport;

import io.p2pkit.core.crypto.PrivateKey;
import io.p2pkit.core.identity.PeerId;
import io.p2pkit.core.muxer.MuxedStream;
import io.p2pkit.core.multiaddr.Multiaddr;
import io.p2pkit.core.transport.Listener;
import io.p2pkit.core.transport.ReadyConnection;
import io.p2pkit.testing.Await;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.nio.channels.DatagramChannel;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * {@code /ip4/0.0.0.0/udp/P/webrtc-direct} and {@code /ip6/::/udp/P/webrtc-direct} together, as
 * go-libp2p and Kubo listen by default: one dual-stack socket, each family answered while its
 * listener is open, the port free once both are closed.
 */
@Timeout(120)
class WebRtcDirectWildcardTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(20);

    @Test
    void bothWildcardsShareOnePortAndEachFamilyIsAnsweredWhileItsListenerIsOpen() throws Exception {
        int port = freeUdpPort();
        PrivateKey key = PrivateKey.generateEd25519();
        PeerId listenerId = key.publicKey().toPeerId();
        BlockingQueue<ReadyConnection> accepted = new LinkedBlockingQueue<>();
        try (WebRtcDirectTransport listening = new WebRtcDirectTransport(key);
             WebRtcDirectTransport dialing = new WebRtcDirectTransport(PrivateKey.generateEd25519())) {
            Listener v4 = listening.listen(Multiaddr.parse("/ip4/0.0.0.0/udp/" + port + "/webrtc-direct"));
            Listener v6 = listening.listen(Multiaddr.parse("/ip6/::/udp/" + port + "/webrtc-direct"));
            acceptInto(v4, accepted);
            acceptInto(v6, accepted);
            String certhash = v4.address().toString().substring(v4.address().toString().indexOf("/certhash/"));
            assertEquals("/ip4/0.0.0.0/udp/" + port + "/webrtc-direct" + certhash, v4.address().toString());
            assertEquals("/ip6/::/udp/" + port + "/webrtc-direct" + certhash, v6.address().toString());
            assertThrows(BindException.class,
                    () -> listening.listen(Multiaddr.parse("/ip4/0.0.0.0/udp/" + port + "/webrtc-direct")),
                    "a family listens once per port");

            Multiaddr overV4 = Multiaddr.parse("/ip4/127.0.0.1/udp/" + port + "/webrtc-direct" + certhash);
            Multiaddr overV6 = Multiaddr.parse("/ip6/::1/udp/" + port + "/webrtc-direct" + certhash);
            exchange(dialing.dial(overV4, listenerId, TIMEOUT), accepted, "/ip4/0.0.0.0/udp/" + port, "/ip4/127.0.0.1/");
            exchange(dialing.dial(overV6, listenerId, TIMEOUT), accepted, "/ip6/::/udp/" + port, "/ip6/::1/");

            v6.close();
            assertThrows(IOException.class, () -> dialing.dial(overV6, listenerId, Duration.ofSeconds(3)),
                    "IPv6 dialers get no answer once the IPv6 listener closed");
            exchange(dialing.dial(overV4, listenerId, TIMEOUT), accepted, "/ip4/0.0.0.0/udp/" + port, "/ip4/127.0.0.1/");

            v4.close();
            // the socket's descriptor goes once its reader thread has left receive: soon after close
            Await.until("both families of the port free again", () -> canBind(port), TIMEOUT);
        }
    }

    /** A byte each way on a new stream; the accepted side's addresses are of the dialed family. */
    private static void exchange(ReadyConnection dialed, BlockingQueue<ReadyConnection> accepted, String local,
                                 String remotePrefix) throws Exception {
        ReadyConnection inbound = accepted.poll(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        assertNotNull(inbound, "the listener accepted the connection");
        assertEquals(local + "/webrtc-direct", inbound.localAddress().toString());
        assertEquals(remotePrefix, inbound.remoteAddress().toString().substring(0, remotePrefix.length()));
        MuxedStream out = dialed.openStream();
        out.out().write(7);
        out.out().flush();
        MuxedStream in = inbound.acceptStream();
        assertEquals(7, in.in().read());
        in.out().write(8);
        in.out().flush();
        assertEquals(8, out.in().read());
        dialed.close();
        inbound.close();
    }

    private static void acceptInto(Listener l, BlockingQueue<ReadyConnection> accepted) {
        Thread.ofVirtual().start(() -> {
            try {
                while (true) {
                    accepted.add((ReadyConnection) l.accept());
                }
            } catch (IOException e) {
                // closed
            }
        });
    }

    private static boolean canBind(int port) {
        try (DatagramChannel c = DatagramChannel.open(StandardProtocolFamily.INET6)) {
            c.bind(new InetSocketAddress("::", port));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static int freeUdpPort() throws IOException {
        try (DatagramChannel c = DatagramChannel.open(StandardProtocolFamily.INET6)) {
            c.bind(new InetSocketAddress("::", 0));
            return ((InetSocketAddress) c.getLocalAddress()).getPort();
        }
    }
}
