package io.p2pkit.core.network;

import io.p2pkit.core.Direction;
import io.p2pkit.core.crypto.PrivateKey;
import io.p2pkit.core.host.Host;
import io.p2pkit.core.host.PeerInfo;
import io.p2pkit.core.identity.PeerId;
import io.p2pkit.core.multiaddr.IpNetwork;
import io.p2pkit.core.multiaddr.Multiaddr;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ConnectionGaterTest {
    private final PeerId a = PrivateKey.generateEd25519().publicKey().toPeerId();
    private final PeerId b = PrivateKey.generateEd25519().publicKey().toPeerId();

    @Test
    void filterListsDenyAndAllow() {
        FilterGater g = new FilterGater();
        Multiaddr lan = Multiaddr.parse("/ip4/10.0.0.5/tcp/1");
        Multiaddr wan = Multiaddr.parse("/ip4/192.0.2.5/tcp/1");
        Multiaddr dns = Multiaddr.parse("/dns4/example.com/tcp/1");
        assertTrue(g.interceptPeerDial(a) && g.interceptAddrDial(a, lan) && g.interceptAccept(lan, wan));
        g.denyPeer(a);
        assertFalse(g.interceptPeerDial(a));
        assertFalse(g.interceptSecured(Direction.INBOUND, a, lan, wan));
        assertTrue(g.interceptPeerDial(b));
        g.allowPeer(a); // deny wins over allow
        assertFalse(g.interceptPeerDial(a));
        assertFalse(g.interceptPeerDial(b), "a non-empty allow list admits only its peers");
        g.undenyPeer(a).disallowPeer(a);
        assertTrue(g.interceptPeerDial(a) && g.interceptPeerDial(b));

        g.denyNetwork(IpNetwork.parse("10.0.0.0/8"));
        assertFalse(g.interceptAddrDial(a, lan));
        assertFalse(g.interceptAccept(wan, lan));
        assertTrue(g.interceptAccept(lan, wan));
        assertTrue(g.interceptAddrDial(a, dns), "addresses without an IP pass the network lists");
        g.undenyNetwork(IpNetwork.parse("10.0.0.0/8")).allowNetwork(IpNetwork.parse("10.0.0.0/8"));
        assertTrue(g.interceptAddrDial(a, lan));
        assertFalse(g.interceptAddrDial(a, wan));
        g.disallowNetwork(IpNetwork.parse("10.0.0.0/8"));
        assertTrue(g.interceptAddrDial(a, wan));
    }

    @Test
    void hostsConsultTheGaterAtEveryStep() throws Exception {
        List<String> steps = new CopyOnWriteArrayList<>();
        FilterGater filter = new FilterGater();
        ConnectionGater recording = new ConnectionGater() {
            @Override
            public boolean interceptAccept(Multiaddr local, Multiaddr remote) {
                steps.add("accept");
                return filter.interceptAccept(local, remote);
            }

            @Override
            public boolean interceptSecured(Direction direction, PeerId peer, Multiaddr local, Multiaddr remote) {
                steps.add("secured " + direction);
                return filter.interceptSecured(direction, peer, local, remote);
            }

            @Override
            public boolean interceptUpgraded(Connection connection) {
                steps.add("upgraded");
                return true;
            }

            @Override
            public boolean interceptPeerDial(PeerId peer) {
                steps.add("peer dial");
                return filter.interceptPeerDial(peer);
            }

            @Override
            public boolean interceptAddrDial(PeerId peer, Multiaddr address) {
                steps.add("addr dial");
                return filter.interceptAddrDial(peer, address);
            }
        };
        try (Host server = Host.builder().listen("/ip4/127.0.0.1/tcp/0").connectionGater(recording).build();
             Host client = Host.builder().listen("/ip4/127.0.0.1/tcp/0").connectionGater(recording).build()) {
            PeerInfo serverInfo = new PeerInfo(server.peerId(), server.addresses());
            client.connect(serverInfo).close();
            // The dialer finishes its handshake first; the server's "secured" step may come just after.
            List<String> expected = List.of("peer dial", "addr dial", "accept", "secured INBOUND", "secured OUTBOUND", "upgraded");
            long stepsDeadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(20);
            while (!steps.containsAll(expected)) {
                assertTrue(System.nanoTime() < stepsDeadline, steps.toString());
                java.util.concurrent.locks.LockSupport.parkNanos(5_000_000); // poll the condition, bounded by the deadline
            }

            // Denied once secured: the server closes the client's connection.
            filter.denyPeer(client.peerId());
            IOException refused = assertThrows(IOException.class,
                    () -> client.newStream(serverInfo, "/ipfs/ping/1.0.0").in().read());
            assertFalse(refused.getMessage().isEmpty());

            // Denied before dialing (once the client has noticed that the server closed the last connection).
            long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(20);
            while (client.network().connection(server.peerId()).isPresent()) {
                assertTrue(System.nanoTime() < deadline, "the client still holds the refused connection");
                java.util.concurrent.locks.LockSupport.parkNanos(5_000_000); // poll the condition, bounded by the deadline
            }
            filter.undenyPeer(client.peerId()).denyPeer(server.peerId());
            DialException d = assertThrows(DialException.class, () -> client.connect(serverInfo));
            assertTrue(d.getMessage().contains("gater"), d.getMessage());

            // Every address gated: the per-address causes say so.
            filter.undenyPeer(server.peerId()).denyNetwork(IpNetwork.parse("127.0.0.0/8"));
            DialException all = assertThrows(DialException.class, () -> client.connect(serverInfo));
            assertInstanceOf(ConnectionGatedException.class, all.causes().values().iterator().next());
            assertTrue(client.network().connection(server.peerId()).isEmpty(), "no live connection");
        }
    }

}
