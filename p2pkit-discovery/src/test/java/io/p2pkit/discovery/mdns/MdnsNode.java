package io.p2pkit.discovery.mdns;

import io.p2pkit.core.host.Host;
import io.p2pkit.core.host.PeerInfo;
import io.p2pkit.core.ping.PingService;
import io.p2pkit.testing.Await;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A p2pkit node with mDNS for the namespace tests, run as its own JVM inside a {@code BridgedLan}
 * namespace: {@code MdnsNode ipv4|ipv6 PORT}. It prints {@code ready PEER_ID}, then
 * {@code found PEER_ID ADDRS} for every peer mDNS reports and {@code pinged PEER_ID} once a ping
 * over the found addresses came back, so discovery is shown by a working connection.
 */
public final class MdnsNode {
    private MdnsNode() {
    }

    public static void main(String[] args) throws Exception {
        boolean v6 = args[0].equals("ipv6");
        int port = Integer.parseInt(args[1]);
        Host host = Host.builder().listen(v6 ? "/ip6/::/tcp/" + port : "/ip4/0.0.0.0/tcp/" + port).build();
        MdnsConfig config = MdnsConfig.defaults().withQueryInterval(Duration.ofSeconds(2))
                .withInterfaces(List.of("eth0")).withIpVersions(!v6, v6);
        MdnsService.attach(host, config, peer -> host.spawn("ping " + peer.peerId(), () -> ping(host, peer)));
        say("ready " + host.peerId());
        new CountDownLatch(1).await(1, TimeUnit.HOURS);
    }

    /**
     * Pings a found peer. The two hosts find each other at the same moment and both dial from their
     * listening port 4001 (port reuse), so TCP's simultaneous open may join the two dials into one
     * connection on which both handshakes fail; the swarm then redials from an ephemeral port by
     * itself. A ping that still fails (for another reason) is tried again until 10 s have passed.
     */
    private static void ping(Host host, PeerInfo peer) {
        say("found " + peer.peerId() + " " + peer.addresses());
        AtomicReference<Exception> failure = new AtomicReference<>();
        try {
            Await.until("a ping to " + peer.peerId(), () -> pinged(host, peer, failure), Duration.ofSeconds(10));
            say("pinged " + peer.peerId());
        } catch (AssertionError e) {
            say("ping failed " + peer.peerId() + ": " + failure.get() + " (" + e.getMessage() + ")");
        }
    }

    private static boolean pinged(Host host, PeerInfo peer, AtomicReference<Exception> failure) {
        try {
            host.service(PingService.class).orElseThrow().ping(peer);
            return true;
        } catch (Exception e) {
            failure.set(e);
            return false;
        }
    }

    private static void say(String line) {
        System.out.println(line);
        System.out.flush();
    }
}
