package io.p2pkit.webrtc.transport;

import io.p2pkit.core.Direction;
import io.p2pkit.core.crypto.PrivateKey;
import io.p2pkit.core.host.Host;
import io.p2pkit.core.host.PeerInfo;
import io.p2pkit.core.identity.PeerId;
import io.p2pkit.core.multiaddr.Multiaddr;
import io.p2pkit.core.multiaddr.Protocol;
import io.p2pkit.core.muxer.MuxedStream;
import io.p2pkit.core.network.Connection;
import io.p2pkit.core.ping.PingService;
import io.p2pkit.core.resource.ConnectionSpan;
import io.p2pkit.core.resource.Resource;
import io.p2pkit.core.resource.ResourceLimitException;
import io.p2pkit.core.resource.ResourceLimits;
import io.p2pkit.core.resource.ResourceManager;
import io.p2pkit.core.resource.ResourceManagerConfig;
import io.p2pkit.core.resource.ResourceScope;
import io.p2pkit.core.transport.Listener;
import io.p2pkit.core.transport.ReadyConnection;
import io.p2pkit.testing.Await;
import io.p2pkit.webrtc.dtls.WebRtcDirectListener;
import io.p2pkit.webrtc.ice.IceCredentials;
import io.p2pkit.webrtc.sctp.SctpConfig;
import io.p2pkit.webrtc.stun.StunMessage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * WebRTC-direct's buffers charged to the resource manager: a new dialer is an inbound connection
 * of the listener's manager from its first ICE check, everything its connection holds from then
 * on (queued datagrams, SCTP, Noise, streams) is charged to that span, which the network takes
 * over, and it all goes back when the bytes are read and when the connection ends.
 */
@Timeout(120)
class WebRtcDirectChargingTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final Multiaddr LISTEN = Multiaddr.parse("/ip4/127.0.0.1/udp/0/webrtc-direct");
    /** {@link WebRtcDirectHostTest#echo}'s protocol. */
    private static final String ECHO = "/test/echo/1.0.0";
    /** What the listener's SCTP window (1 MiB) holds when the dialer has filled it, less a packet or so. */
    private static final long WINDOW_FILLED = 1_000_000;

    private final List<AutoCloseable> closing = new ArrayList<>();

    @AfterEach
    void close() throws Exception {
        for (AutoCloseable c : closing.reversed()) {
            c.close();
        }
    }

    private <T extends AutoCloseable> T closeLater(T c) {
        closing.add(c);
        return c;
    }

    private static long memory(ResourceScope s) {
        return s.used(Resource.MEMORY);
    }

    @Test
    void bytesHeldBeforeTheNetworkTakesTheConnectionAreChargedToItsSpanFromTheStart() throws Exception {
        PrivateKey listenerKey = PrivateKey.generateEd25519();
        ResourceManager listenerResources = new ResourceManager();
        ResourceManager dialerResources = new ResourceManager();
        WebRtcDirectTransport listening = closeLater(new WebRtcDirectTransport(listenerKey));
        WebRtcDirectTransport dialing = closeLater(new WebRtcDirectTransport(PrivateKey.generateEd25519()));
        Listener listener = closeLater(listening.listen(LISTEN, listenerResources));
        PeerId listenerPeer = listenerKey.publicKey().toPeerId();

        ConnectionSpan dialSpan = closeLater(dialerResources.openConnection(Direction.OUTBOUND, true,
                listener.address(), listenerPeer));
        ReadyConnection dialed = closeLater(dialing.dial(listener.address(), listenerPeer, TIMEOUT, dialSpan));
        assertEquals(Optional.empty(), dialed.span(), "the dialing side's span is the network's");

        // 1,600,000 bytes sent before the listener's network takes the connection: its SCTP window
        // (1 MiB) fills, charged to the span opened at the dialer's first ICE check (in the
        // transient scope, since the peer is not attributed yet), and the rest waits in the
        // dialer's send buffer, charged to the span it was given: both stay until the listener reads
        byte[] data = new byte[1_600_000];
        new SplittableRandom(7).nextBytes(data);
        MuxedStream out = dialed.openStream();
        Thread writer = Thread.ofVirtual().start(() -> {
            try {
                out.out().write(data);
                out.closeWrite();
            } catch (IOException e) {
                throw new RuntimeException(e);
            }
        });
        Await.until("the listener's window is full", () -> memory(listenerResources.transientScope()) >= WINDOW_FILLED,
                TIMEOUT);
        Await.until("the dialer charged its send buffer to the span it was given",
                () -> memory(dialSpan.scope()) >= data.length - (1 << 20) - 50_000, TIMEOUT); // all that is past the window
        assertEquals(1, listenerResources.transientScope().used(Resource.INBOUND_CONNECTIONS));

        ReadyConnection accepted = closeLater((ReadyConnection) listener.accept());
        ConnectionSpan span = accepted.span().orElseThrow();
        assertEquals(memory(listenerResources.transientScope()), memory(span.scope()),
                "everything held is the connection's");
        // what the network does with it: attribute it to the peer (which moves the memory), charge it
        span.setPeer(accepted.remotePeer());
        accepted.upgrade((bytes, m) -> {
            throw new AssertionError("a ready connection is not upgraded");
        }, span);
        assertEquals(0, memory(listenerResources.transientScope()));
        ResourceScope peerScope = listenerResources.peerScope(accepted.remotePeer()).orElseThrow();
        assertTrue(memory(peerScope) >= WINDOW_FILLED, "moved to the peer with the connection: " + memory(peerScope));

        MuxedStream in = accepted.acceptStream();
        assertArrayEquals(data, in.in().readAllBytes());
        Await.join(writer);
        in.close();
        out.close();
        Await.until("everything read is given back", () -> memory(span.scope()) == 0 && memory(dialSpan.scope()) == 0,
                TIMEOUT);

        accepted.close();
        assertEquals(0, memory(listenerResources.system()));
        assertEquals(0, listenerResources.system().used(Resource.INBOUND_CONNECTIONS));
        assertTrue(listenerResources.peerScopes().isEmpty(), "no scope left behind");
        Await.until("the dialer sees the end", dialed::isClosed, TIMEOUT);
        dialSpan.close();
        assertEquals(0, memory(dialerResources.system()));
    }

    @Test
    void aPeerScopeThatRefusesWhatTheConnectionHoldsClosesItAndEverythingIsGivenBack() throws Exception {
        PrivateKey listenerKey = PrivateKey.generateEd25519();
        ResourceManager listenerResources = new ResourceManager(ResourceManagerConfig.builder()
                .peerDefault(ResourceLimits.unlimited().with(Resource.MEMORY, 100_000)).build());
        WebRtcDirectTransport listening = closeLater(new WebRtcDirectTransport(listenerKey));
        WebRtcDirectTransport dialing = closeLater(new WebRtcDirectTransport(PrivateKey.generateEd25519()));
        Listener listener = closeLater(listening.listen(LISTEN, listenerResources));
        ReadyConnection dialed = closeLater(dialing.dial(listener.address(), listenerKey.publicKey().toPeerId(), TIMEOUT));
        MuxedStream out = dialed.openStream();
        out.out().write(new byte[300_000]);
        Await.until("the bytes are held by the listener",
                () -> memory(listenerResources.transientScope()) >= 300_000, TIMEOUT);

        ReadyConnection accepted = (ReadyConnection) listener.accept();
        ConnectionSpan span = accepted.span().orElseThrow();
        // the peer scope cannot take what the connection holds: the network closes the connection
        assertThrows(ResourceLimitException.class, () -> span.setPeer(accepted.remotePeer()));
        accepted.close();
        span.close();

        assertEquals(0, memory(listenerResources.system()));
        assertEquals(0, listenerResources.system().used(Resource.INBOUND_CONNECTIONS));
        assertEquals(0, listenerResources.transientScope().used(Resource.INBOUND_CONNECTIONS));
        Await.until("the dialer sees the end", dialed::isClosed, TIMEOUT);
        assertEquals(0, listening.connectionCount());
    }

    @Test
    void halfOpenHandshakesAreCountedAndRefusedByTheTransientScope() throws Exception {
        ResourceManager resources = new ResourceManager(ResourceManagerConfig.builder()
                .transientLimits(ResourceLimits.unlimited().with(Resource.INBOUND_CONNECTIONS, 2)).build());
        // DTLS gets 2 s, so the stalled handshakes free their slots soon
        WebRtcDirectTransport.Config config = new WebRtcDirectTransport.Config(1024, Duration.ofSeconds(10),
                SctpConfig.defaults(), new WebRtcDirectListener.Config(1024, 64, 32, 256, Duration.ofSeconds(2)));
        Host host = closeLater(Host.builder().resourceManager(resources).listen(LISTEN.toString())
                .transport(key -> new WebRtcDirectTransport(key, config)).build());
        InetSocketAddress target = host.addresses().getFirst().decapsulate(Protocol.WEBRTC_DIRECT).toSocketAddress().orElseThrow();

        // four dialers send a valid first check and nothing more (no DTLS): half-open handshakes
        List<DatagramChannel> dialers = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            DatagramChannel ch = closeLater(DatagramChannel.open().bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)));
            ch.configureBlocking(false);
            dialers.add(ch);
            IceCredentials c = IceCredentials.randomV1();
            byte[] request = StunMessage.builder(StunMessage.BINDING_REQUEST, new byte[12])
                    .username(c.ufrag() + ":" + c.ufrag()).iceControlling(i).useCandidate().encode(c.key(), true);
            ch.send(ByteBuffer.wrap(request), target);
        }
        ResourceManager.Blocked refusal = new ResourceManager.Blocked("transient", Resource.INBOUND_CONNECTIONS,
                Optional.of(Direction.INBOUND));
        Await.until("two dialers refused by the transient scope",
                () -> resources.blocked().getOrDefault(refusal, 0L) == 2, TIMEOUT);
        assertEquals(2, resources.transientScope().used(Resource.INBOUND_CONNECTIONS),
                "the two admitted handshakes are inbound connections of the transient scope");
        List<Boolean> answered = new ArrayList<>(List.of(false, false, false, false));
        Await.until("the two admitted dialers are answered", () -> {
            for (int i = 0; i < dialers.size(); i++) {
                try {
                    if (dialers.get(i).receive(ByteBuffer.allocate(1500)) != null) {
                        answered.set(i, true);
                    }
                } catch (IOException e) {
                    throw new RuntimeException(e);
                }
            }
            return answered.stream().filter(a -> a).count() == 2;
        }, TIMEOUT);
        // the refused ones were never answered: onStun returned before sending anything to them
        for (int i = 0; i < dialers.size(); i++) {
            if (!answered.get(i)) {
                assertEquals(null, dialers.get(i).receive(ByteBuffer.allocate(1500)), "dialer " + i + " was refused");
            }
        }

        Await.until("the stalled handshakes time out and give their connections back",
                () -> resources.transientScope().used(Resource.INBOUND_CONNECTIONS) == 0, TIMEOUT);
        assertEquals(0, memory(resources.system()));

        // with the slots free, a real dialer gets in
        Host dialer = closeLater(Host.builder().transport(WebRtcDirectTransport::new).build());
        PeerInfo info = new PeerInfo(host.peerId(), host.addresses());
        assertFalse(dialer.service(PingService.class).orElseThrow().ping(info).isNegative());
    }

    @Test
    void aHostsWebRtcDirectConnectionsGiveEverythingBack() throws Exception {
        Host a = closeLater(Host.builder().listen(LISTEN.toString()).transport(WebRtcDirectTransport::new).build());
        Host b = closeLater(Host.builder().listen(LISTEN.toString()).transport(WebRtcDirectTransport::new).build());
        b.setStreamHandler(ECHO, s -> s.in().transferTo(s.out()));
        a.setStreamHandler(ECHO, s -> s.in().transferTo(s.out()));
        byte[] data = new byte[1 << 20];
        new SplittableRandom(3).nextBytes(data);
        assertArrayEquals(data, WebRtcDirectHostTest.echo(a, new PeerInfo(b.peerId(), b.addresses()), data));
        Await.until("b has the connection", () -> b.network().connection(a.peerId()).isPresent(), TIMEOUT);
        assertArrayEquals(data, WebRtcDirectHostTest.echo(b, new PeerInfo(a.peerId(), List.of()), data));

        Connection ab = a.network().connection(b.peerId()).orElseThrow();
        Connection ba = b.network().connection(a.peerId()).orElseThrow();
        // the connections stay open: what the streams, SCTP and the queues held is given back once
        // every byte was read
        Await.until("both connections hold nothing once idle",
                () -> memory(ab.resources().scope()) == 0 && memory(ba.resources().scope()) == 0, TIMEOUT);
        assertEquals(1, b.network().resources().system().used(Resource.INBOUND_CONNECTIONS));
        assertEquals(0, b.network().resources().transientScope().used(Resource.INBOUND_CONNECTIONS),
                "attributed to the peer once Noise named it");

        ab.close();
        Await.until("both sides see the end", () -> b.network().connections(a.peerId()).isEmpty(), TIMEOUT);
        for (Host h : List.of(a, b)) {
            ResourceManager rm = h.network().resources();
            Await.until("nothing left in " + h.peerId(), () -> memory(rm.system()) == 0
                    && rm.system().used(Resource.CONNECTIONS) == 0 && rm.transientScope().used(Resource.CONNECTIONS) == 0,
                    TIMEOUT);
        }
    }
}
