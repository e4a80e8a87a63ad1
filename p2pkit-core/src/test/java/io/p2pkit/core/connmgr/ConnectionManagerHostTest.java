package io.p2pkit.core.connmgr;

import io.p2pkit.core.host.Host;
import io.p2pkit.core.host.PeerInfo;
import io.p2pkit.testing.Await;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** The connection manager of a real host, with real TCP connections over loopback. */
class ConnectionManagerHostTest {
    private final List<Host> hosts = new ArrayList<>();

    @AfterEach
    void closeHosts() {
        hosts.forEach(Host::close);
    }

    /**
     * Issue 16: twelve peers dial a node with watermarks 4/8 and one second of grace within a
     * moment; all are in their grace period when the count passes the high watermark. Nobody
     * connects afterwards, and the node must still come down to its low watermark.
     */
    @Test
    void aBurstOfInboundConnectionsIsTrimmedAfterTheGracePeriodWithoutNewArrivals() throws Exception {
        ConnectionManager cm = new ConnectionManager(
                new ConnectionManagerConfig(4, 8, Duration.ofSeconds(1), Duration.ofSeconds(2)));
        Host node = Host.builder().listen("/ip4/127.0.0.1/tcp/0").connectionManager(cm).build();
        hosts.add(node);
        PeerInfo target = new PeerInfo(node.peerId(), node.addresses());
        List<Host> clients = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            clients.add(Host.builder().build());
        }
        hosts.addAll(clients);
        List<Thread> dials = new ArrayList<>();
        for (Host client : clients) { // all at once, so that the burst fits in the grace period
            dials.add(Thread.ofVirtual().start(() -> {
                try {
                    client.connect(target);
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }));
        }
        for (Thread t : dials) {
            Await.join(t);
        }
        Await.until("the node trims down to its low watermark (now " + node.network().connections().size() + ")",
                () -> node.network().connections().size() <= 4, Duration.ofSeconds(30));
        // the manager learns of each close from the network's disconnect event, a moment later
        Await.until("the manager counts at most 4 (now " + cm.connectionCount() + ")",
                () -> cm.connectionCount() <= 4, Duration.ofSeconds(10));
        assertTrue(node.network().connections().size() <= 4, "trimmed connections came back");
    }
}
