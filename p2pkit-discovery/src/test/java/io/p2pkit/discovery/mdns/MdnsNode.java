package io.p2pkit.discovery.mdns;

import io.p2pkit.core.host.Host;
import io.p2pkit.core.host.PeerInfo;
import io.p2pkit.core.ping.PingService;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

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
     * itself. A ping that still fails (for another reason) is tried twice more, a second apart.
     */
    private static void ping(Host host, PeerInfo peer) {
        say("found " + peer.peerId() + " " + peer.addresses());
        for (int attempt = 1; attempt <= 3; attempt++) {
            try {
                host.service(PingService.class).orElseThrow().ping(peer);
                say("pinged " + peer.peerId());
                return;
            } catch (Exception e) {
                say("ping failed " + peer.peerId() + " (attempt " + attempt + "): " + e);
            }
            if (attempt < 3) {
                try {
                    Thread.sleep(Duration.ofSeconds(1));
                } catch (InterruptedException e) {
                    return;
                }
            }
        }
    }

    private static void say(String line) {
        System.out.println(line);
        System.out.flush();
    }
}
