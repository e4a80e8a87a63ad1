package io.p2pkit.node;

import io.p2pkit.core.crypto.PrivateKey;
import io.p2pkit.core.host.PeerInfo;
import io.p2pkit.discovery.rendezvous.Registration;
import io.p2pkit.discovery.rendezvous.RendezvousDiscovery;
import io.p2pkit.testing.Await;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A node serving rendezvous from its store file, restarted in between, and nodes using its client. */
@Timeout(120)
class NodeRendezvousTest {
    @TempDir
    Path home;

    private static NodeConfig.Builder local() {
        return NodeConfig.builder().listen("/ip4/127.0.0.1/tcp/0")
                .transports(new NodeConfig.Transports(List.of(), List.of(), false, Optional.empty(),
                        Optional.empty(), Optional.empty(), Optional.empty()));
    }

    @Test
    void registrationsAtANodeSurviveItsRestart() throws Exception {
        PrivateKey pointKey = PrivateKey.generateEd25519();
        Path store = home.resolve("rendezvous.mv");
        try (Node b = Node.start(local().build()); Node c = Node.start(local().build())) {
            try (Node point = Node.start(local().identity(pointKey).rendezvousServer(store).build())) {
                PeerInfo at = new PeerInfo(point.peerId(), point.addresses());
                b.rendezvous().register(at, "app", null);
            }
            assertTrue(Files.exists(store));
            try (Node point = Node.start(local().identity(pointKey).rendezvousServer(store).build())) {
                List<Registration> found = c.rendezvous().discoverAll(new PeerInfo(point.peerId(), point.addresses()), "app");
                assertEquals(List.of(b.peerId()), found.stream().map(Registration::peerId).toList());
            }
        }
    }

    @Test
    void nodesConfiguredWithAPointFindAndConnectToEachOther() throws Exception {
        try (Node point = Node.start(local().rendezvousServer(home.resolve("rendezvous.mv")).build())) {
            RendezvousDiscovery.Config discovery = new RendezvousDiscovery.Config(
                    List.of(new PeerInfo(point.peerId(), point.addresses())), "team", Duration.ofSeconds(1), 10);
            try (Node a = Node.start(local().rendezvous(discovery).build());
                 Node b = Node.start(local().rendezvous(discovery).build());
                 Node other = Node.start(local().rendezvous(new RendezvousDiscovery.Config(discovery.points(), "others",
                         Duration.ofSeconds(1), 10)).build())) {
                try {
                    Await.until("a and b connected through what the point told them",
                            () -> a.host().network().connection(b.peerId()).isPresent(), Duration.ofSeconds(30));
                } catch (AssertionError e) {
                    // what the point holds and what a and b know, for the next time this fails
                    throw new AssertionError(e.getMessage() + "; the point has " + a.rendezvous().discoverAll(
                            new PeerInfo(point.peerId(), point.addresses()), "team").stream()
                            .map(r -> r.peerId().toString()).toList() + "; a: " + a.peerId() + " at " + a.addresses()
                            + ", connected to " + a.host().network().connections().size() + "; b: " + b.peerId()
                            + " at " + b.addresses() + ", connected to " + b.host().network().connections().size(), e);
                }
                Await.until("other registered in its own namespace", () -> {
                    try {
                        return !b.rendezvous().discoverAll(new PeerInfo(point.peerId(), point.addresses()), "others").isEmpty();
                    } catch (java.io.IOException e) {
                        return false;
                    }
                }, Duration.ofSeconds(30));
                assertTrue(a.host().network().connection(other.peerId()).isEmpty(), "another namespace is not joined");
            }
        }
    }
}
