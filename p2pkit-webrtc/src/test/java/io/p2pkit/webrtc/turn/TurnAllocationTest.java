package io.p2pkit.webrtc.turn;

import io.p2pkit.core.resource.MemoryScope;
import io.p2pkit.testing.Await;
import io.p2pkit.testing.netns.Coturn;
import io.p2pkit.webrtc.mux.UdpMux;
import io.p2pkit.webrtc.mux.UdpPeer;
import io.p2pkit.webrtc.mux.UdpRelay;
import io.p2pkit.webrtc.stun.StunMessage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The TURN client against a real coturn {@code turnserver} on loopback (long-term credentials,
 * relaying to loopback peers), the allocation made from a {@link UdpMux}'s socket as a
 * {@code /webrtc} connection makes it, and peers that are plain UDP sockets.
 */
@Timeout(60)
class TurnAllocationTest {
    private static final String USER = "alice";
    private static final String PASSWORD = "wonderland";
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

    private static Coturn coturn;
    private final List<AutoCloseable> closing = new ArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        coturn = Coturn.startTurnOnLoopback(USER, PASSWORD, List.of("denied-peer-ip=127.0.0.3"));
    }

    @AfterAll
    static void stop() throws Exception {
        if (coturn != null) {
            coturn.close();
        }
    }

    @AfterEach
    void close() throws Exception {
        for (AutoCloseable c : closing.reversed()) {
            c.close();
        }
    }

    /** A mux whose handler hands the allocation what its server sends, and keeps what comes relayed. */
    private final class Client implements UdpMux.StunHandler {
        final UdpMux mux;
        final TurnAllocation allocation;
        final LinkedBlockingQueue<StunMessage> relayed = new LinkedBlockingQueue<>();
        final AtomicInteger channelData = new AtomicInteger();

        Client(Coturn server, String password, TurnAllocation.Timing timing) throws IOException {
            mux = UdpMux.open(new InetSocketAddress(LOOPBACK, 0), this, 4, 64);
            closing.add(mux);
            allocation = new TurnAllocation(mux, new TurnServer(server.address(), USER, password), timing);
        }

        Client(Coturn server) throws IOException {
            this(server, PASSWORD, TurnAllocation.Timing.DEFAULT);
        }

        Client allocated() throws Exception {
            allocation.allocate(Instant.now().plus(WAIT));
            return this;
        }

        @Override
        public void onStun(UdpMux m, StunMessage message, InetSocketAddress from) {
            allocation.onStun(message, from);
        }

        @Override
        public void onRelayed(UdpMux m, StunMessage message, InetSocketAddress from, UdpRelay via) {
            relayed.add(message);
        }

        @Override
        public void onChannelData(UdpMux m, byte[] datagram, InetSocketAddress from) {
            channelData.incrementAndGet();
            allocation.onChannelData(datagram, from);
        }
    }

    private DatagramChannel peer(InetAddress ip) throws IOException {
        DatagramChannel c = DatagramChannel.open().bind(new InetSocketAddress(ip, 0));
        closing.add(c);
        return c;
    }

    private static InetSocketAddress address(DatagramChannel c) throws IOException {
        return (InetSocketAddress) c.getLocalAddress();
    }

    /** What a plain peer socket receives within the wait, and from where. */
    private static byte[] receive(DatagramChannel c, InetSocketAddress[] from) throws Exception {
        c.configureBlocking(false);
        ByteBuffer buf = ByteBuffer.allocate(2048);
        long deadline = System.nanoTime() + WAIT.toNanos();
        try (java.nio.channels.Selector selector = java.nio.channels.Selector.open()) {
            c.register(selector, java.nio.channels.SelectionKey.OP_READ);
            long left;
            while ((left = (deadline - System.nanoTime()) / 1_000_000) > 0) {
                selector.select(left); // wakes when a datagram is there, or at the deadline
                selector.selectedKeys().clear();
                buf.clear();
                InetSocketAddress sender = (InetSocketAddress) c.receive(buf);
                if (sender != null) {
                    from[0] = sender;
                    return Arrays.copyOf(buf.array(), buf.position());
                }
            }
        }
        throw new AssertionError("nothing arrived at " + c.getLocalAddress() + " within " + WAIT);
    }

    @Test
    void allocatesAfterTheChallengeWithTheLongTermKey() throws Exception {
        Client c = new Client(coturn).allocated();
        InetSocketAddress relayed = c.allocation.relayedAddress();
        assertNotNull(relayed);
        assertEquals(LOOPBACK, relayed.getAddress());
        assertNotEquals(coturn.address().getPort(), relayed.getPort(), "a relay port of its own");
        assertEquals(c.mux.localAddress().getPort(), c.allocation.mappedAddress().orElseThrow().getPort(),
                "XOR-MAPPED-ADDRESS: our socket as the server saw it");
        assertTrue(c.allocation.lifetime().toSeconds() > 60, "coturn's default lifetime: " + c.allocation.lifetime());
        // the first Allocate went without credentials and got the challenge, the second with the key
        Await.until("coturn logged both", () -> coturn.log().contains("user <>: incoming packet message processed, "
                + "error 401: Unauthorized") && coturn.log().contains("user <" + USER + ">: incoming packet ALLOCATE "
                + "processed, success"), WAIT);
    }

    @Test
    void aWrongPasswordIsAClearError() throws Exception {
        Client c = new Client(coturn, "not-the-password", TurnAllocation.Timing.DEFAULT);
        TurnException e = assertThrows(TurnException.class, () -> c.allocated());
        assertEquals(401, e.code());
        assertTrue(e.getMessage().contains("refused Allocate: 401"), e.getMessage());
        assertTrue(e.getMessage().contains("the username or password is wrong"), e.getMessage());
        assertTrue(e.getMessage().contains(USER + "@127.0.0.1:" + coturn.address().getPort()), e.getMessage());
        assertFalse(e.getMessage().contains("not-the-password"), "never the password: " + e.getMessage());
        assertNull(c.allocation.relayedAddress());
    }

    @Test
    void aSilentServerTimesOutAfterRetransmittingTheSameTransaction() throws Exception {
        DatagramChannel silent = peer(LOOPBACK);
        UdpMux mux = UdpMux.open(new InetSocketAddress(LOOPBACK, 0), (m, message, from) -> { }, 1, 8);
        closing.add(mux);
        TurnAllocation a = new TurnAllocation(mux, new TurnServer(address(silent), USER, PASSWORD));
        long start = System.nanoTime();
        // sends at 0, 250, 750 and 1750 ms; the next would be at 3750, past the deadline
        TurnException e = assertThrows(TurnException.class, () -> a.allocate(Instant.now().plus(Duration.ofMillis(2500))));
        long took = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertEquals(0, e.code());
        assertTrue(e.getMessage().contains("no answer to Allocate after 4 transmissions"), e.getMessage());
        assertTrue(took >= 2400 && took < 4000, "bounded by the deadline: " + took + " ms");
        // one transaction, retransmitted as it was
        List<String> ids = new ArrayList<>();
        InetSocketAddress[] from = new InetSocketAddress[1];
        for (int i = 0; i < 4; i++) {
            byte[] d = receive(silent, from);
            ids.add(HexFormat.of().formatHex(StunMessage.decode(d, d.length).transactionId()));
        }
        assertEquals(1, ids.stream().distinct().count(), "retransmissions keep the transaction ID: " + ids);
    }

    @Test
    void dataGoesBothWaysThroughPermissionsThenAChannel() throws Exception {
        Client c = new Client(coturn).allocated();
        DatagramChannel peer = peer(LOOPBACK);
        DatagramChannel stranger = peer(InetAddress.getByAddress(new byte[]{127, 0, 0, 2}));
        InetSocketAddress relayed = c.allocation.relayedAddress();
        c.allocation.permit(LOOPBACK);
        Await.until("the permission for 127.0.0.1", () -> c.allocation.permitted(LOOPBACK), WAIT);

        // out: a Send indication, which the server unwraps and sends from the relayed address
        c.allocation.send(new byte[]{23, 1, 2, 3}, 0, 4, address(peer));
        InetSocketAddress[] from = new InetSocketAddress[1];
        assertArrayEquals(new byte[]{23, 1, 2, 3}, receive(peer, from));
        assertEquals(relayed, from[0]);

        // in: the peer's datagrams come as Data indications, handed on as if from the peer
        UdpPeer dtls = c.mux.register(address(peer), MemoryScope.UNLIMITED, c.allocation).orElseThrow();
        peer.send(ByteBuffer.wrap(new byte[]{22, 9, 9}), relayed);
        byte[] got = new byte[64];
        assertEquals(3, dtls.receive(got, 0, got.length, (int) WAIT.toMillis()));
        assertEquals(22, got[0]);
        peer.send(ByteBuffer.wrap(StunMessage.builder(StunMessage.BINDING_REQUEST, new byte[12]).encode(null, true)), relayed);
        StunMessage stun = c.relayed.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        assertNotNull(stun, "a relayed STUN message reaches the handler's onRelayed");
        assertEquals(StunMessage.BINDING_REQUEST, stun.type());

        // a peer whose IP has no permission is not relayed to us
        stranger.send(ByteBuffer.wrap(new byte[]{22, 7}), relayed);
        dtls.send(new byte[]{23, 4}, 0, 2); // the DTLS peer's sends go through the relay
        assertArrayEquals(new byte[]{23, 4}, receive(peer, from));
        assertEquals(-1, c.mux.register(address(stranger), MemoryScope.UNLIMITED, c.allocation).orElseThrow()
                .receive(got, 0, got.length, 300), "nothing from 127.0.0.2 without a permission");
        assertEquals(0, c.channelData.get());

        // a channel: ChannelData both ways from now on
        InetSocketAddress to = address(peer);
        c.allocation.bindChannel(to);
        Await.until("the channel is bound", () -> c.allocation.channel(to).isPresent(), WAIT);
        assertEquals(ChannelData.MIN_CHANNEL, c.allocation.channel(address(peer)).getAsInt());
        c.allocation.send(new byte[]{23, 5, 6}, 0, 3, address(peer));
        assertArrayEquals(new byte[]{23, 5, 6}, receive(peer, from));
        assertEquals(relayed, from[0]);
        peer.send(ByteBuffer.wrap(new byte[]{23, 8}), relayed);
        assertEquals(2, dtls.receive(got, 0, got.length, (int) WAIT.toMillis()));
        assertEquals(1, c.channelData.get(), "the server used the channel to us");
    }

    @Test
    void aRefusedPeerAddressIsA403() throws Exception {
        Client c = new Client(coturn).allocated();
        InetAddress denied = InetAddress.getByAddress(new byte[]{127, 0, 0, 3});
        TurnException e = assertThrows(TurnException.class, () -> c.allocation.createPermission(denied));
        assertEquals(403, e.code());
        assertTrue(e.getMessage().contains("refused CreatePermission: 403"), e.getMessage());
        c.allocation.permit(denied); // the same through permit: no permission, nothing thrown
        c.allocation.permit(LOOPBACK);
        Await.until("127.0.0.1 permitted", () -> c.allocation.permitted(LOOPBACK), WAIT);
        assertFalse(c.allocation.permitted(denied));
    }

    @Test
    void closingTheSocketReleasesTheAllocation() throws Exception {
        Client c = new Client(coturn).allocated();
        long releasesBefore = coturn.log().lines().filter(l -> l.contains("REFRESH processed, success")).count();
        c.mux.close();
        assertTrue(c.allocation.isReleased());
        Await.until("coturn saw the Refresh with lifetime 0", () -> coturn.log().lines()
                .filter(l -> l.contains("REFRESH processed, success")).count() > releasesBefore, WAIT);
    }

    @Test
    void aSecondAllocationFromTheSameSocketIsA437() throws Exception {
        Client c = new Client(coturn).allocated();
        TurnException e = assertThrows(TurnException.class, () -> c.allocation.allocate(Instant.now().plus(WAIT)));
        assertEquals(437, e.code());
        assertTrue(e.getMessage().contains("refused Allocate: 437"), e.getMessage());
        assertTrue(e.getMessage().contains("no allocation for this socket (it expired or was released), or another one"),
                e.getMessage());
    }

    @Test
    void aUsersQuotaIsA486AndNoRelayPortLeftA508() throws Exception {
        try (Coturn quota = Coturn.startTurnOnLoopback(USER, PASSWORD, List.of("user-quota=1"))) {
            new Client(quota).allocated();
            TurnException e = assertThrows(TurnException.class, () -> new Client(quota).allocated());
            assertEquals(486, e.code());
            assertTrue(e.getMessage().contains("this user has as many allocations as the server allows"), e.getMessage());
        }
        int port = io.p2pkit.testing.LoopbackPorts.free();
        try (Coturn full = Coturn.startTurnOnLoopback(USER, PASSWORD, List.of("min-port=" + port, "max-port=" + port))) {
            new Client(full).allocated();
            TurnException e = assertThrows(TurnException.class, () -> new Client(full).allocated());
            assertEquals(508, e.code());
            assertTrue(e.getMessage().contains("no relay address left"), e.getMessage());
        }
    }

    @Test
    void staleNoncesAndShortLifetimesAreRenewedInTime() throws Exception {
        // a nonce good for 1 s, allocations, permissions and channels for 3 s: the refreshes must come in time
        try (Coturn quick = Coturn.startTurnOnLoopback(USER, PASSWORD, List.of("stale-nonce=1",
                "max-allocate-lifetime=3", "permission-lifetime=3", "channel-lifetime=3"))) {
            TurnAllocation.Timing timing = new TurnAllocation.Timing(Duration.ofMillis(1500), Duration.ofMillis(1500),
                    Duration.ofSeconds(60));
            Client c = new Client(quick, PASSWORD, timing).allocated();
            assertEquals(Duration.ofSeconds(3), c.allocation.lifetime());
            DatagramChannel peer = peer(LOOPBACK);
            DatagramChannel other = peer(InetAddress.getByAddress(new byte[]{127, 0, 0, 2}));
            c.allocation.permit(InetAddress.getByAddress(new byte[]{127, 0, 0, 2}));
            InetSocketAddress to = address(peer);
            c.allocation.bindChannel(to);
            Await.until("the channel is bound", () -> c.allocation.channel(to).isPresent(), WAIT);
            // past every lifetime (3 s) and nonce (1 s): only refreshes keep them
            long bound = System.nanoTime();
            Await.until("4.5 s past the binding, and coturn asked for a fresh nonce",
                    () -> System.nanoTime() - bound >= 4_500_000_000L && quick.log().contains("error 438"),
                    WAIT.plusMillis(4500));
            InetSocketAddress relayed = c.allocation.relayedAddress();
            InetSocketAddress[] from = new InetSocketAddress[1];
            c.allocation.send(new byte[]{23, 1}, 0, 2, address(peer));
            assertArrayEquals(new byte[]{23, 1}, receive(peer, from), "the channel still carries data out");
            UdpPeer dtls = c.mux.register(address(other), MemoryScope.UNLIMITED, c.allocation).orElseThrow();
            other.send(ByteBuffer.wrap(new byte[]{23, 2}), relayed);
            byte[] got = new byte[16];
            assertEquals(2, dtls.receive(got, 0, got.length, (int) WAIT.toMillis()), "the permission still lets 127.0.0.2 in");
            assertFalse(c.allocation.isReleased());
        }
    }
}
