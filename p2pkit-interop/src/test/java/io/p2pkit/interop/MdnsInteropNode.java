package io.p2pkit.interop;

import io.p2pkit.core.host.Host;
import io.p2pkit.core.host.PeerInfo;
import io.p2pkit.core.ping.PingService;
import io.p2pkit.discovery.mdns.MdnsConfig;
import io.p2pkit.discovery.mdns.MdnsService;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The p2pkit side of {@link MdnsInteropTest}, run as its own JVM in a namespace of the bridged LAN:
 * {@code MdnsInteropNode ipv4|ipv6 PORT}. One JSON object a line: {@code ready} (peerId),
 * {@code found} (peer, addrs) for each peer mDNS reports, {@code pinged} (peer) once a ping over
 * the found addresses came back.
 */
public final class MdnsInteropNode {
    private MdnsInteropNode() {
    }

    public static void main(String[] args) throws Exception {
        boolean v6 = args[0].equals("ipv6");
        Host host = Host.builder().listen((v6 ? "/ip6/::/tcp/" : "/ip4/0.0.0.0/tcp/") + args[1]).build();
        MdnsConfig config = MdnsConfig.defaults().withQueryInterval(Duration.ofSeconds(2))
                .withInterfaces(List.of("eth0")).withIpVersions(!v6, v6);
        MdnsService.attach(host, config, peer -> host.spawn("ping " + peer.peerId(), () -> ping(host, peer)));
        say("{\"event\":\"ready\",\"peerId\":\"" + host.peerId() + "\"}");
        new CountDownLatch(1).await(1, TimeUnit.HOURS);
    }

    private static void ping(Host host, PeerInfo peer) {
        StringBuilder addrs = new StringBuilder();
        peer.addresses().forEach(a -> addrs.append(addrs.isEmpty() ? "" : ",").append('"').append(a).append('"'));
        say("{\"event\":\"found\",\"peer\":\"" + peer.peerId() + "\",\"addrs\":[" + addrs + "]}");
        try {
            host.service(PingService.class).orElseThrow().ping(peer);
            say("{\"event\":\"pinged\",\"peer\":\"" + peer.peerId() + "\"}");
        } catch (Exception e) {
            System.err.println("ping " + peer.peerId() + " failed: " + e);
        }
    }

    private static void say(String line) {
        System.out.println(line);
        System.out.flush();
    }
}
