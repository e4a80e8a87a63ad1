package io.p2pkit.interop;

import io.p2pkit.core.host.Host;
import io.p2pkit.core.host.PeerInfo;
import io.p2pkit.core.host.Reachability;
import io.p2pkit.core.identify.IdentifyService;
import io.p2pkit.core.identity.PeerId;
import io.p2pkit.core.multiaddr.Multiaddr;
import io.p2pkit.core.network.Connection;
import io.p2pkit.core.transport.tcp.TcpTransport;
import io.p2pkit.nat.autonat.AddressCheck;
import io.p2pkit.nat.autonat.AutoNat;
import io.p2pkit.nat.autonat.AutoNatConfig;
import io.p2pkit.testing.Prerequisites;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * AutoNAT v1 and v2 with go-libp2p 0.51's implementation ({@code peers/go/autonat-peer}), both
 * directions, on loopback. Loopback is private, so both sides run with their "allow private
 * addresses" switch (go's {@code autonatv2.AllowPrivateAddrs}); go's v1 server has no such switch
 * and refuses loopback, so it waits for the NAT testbed, as do the rust and js peers.
 */
@InteropArea("AutoNAT")
@Timeout(120)
class AutoNatInteropTest {
    private static final Duration WAIT = Duration.ofSeconds(60);

    private static Path goPeer() {
        Path peers = Toolchains.require(Implementation.GO);
        Path p = peers.resolve("go").resolve("autonat-peer");
        Prerequisites.require(Files.isExecutable(p), "peers/go/autonat-peer is not built (peers/build.sh go)");
        return p;
    }

    private static PeerProcess go(String... args) {
        List<String> cmd = new ArrayList<>(List.of(goPeer().toString()));
        cmd.addAll(List.of(args));
        return PeerProcess.startProgram(Implementation.GO, cmd);
    }

    private static AutoNatConfig loopback() {
        return AutoNatConfig.defaults().withAllowPrivateAddresses(true)
                .withProbes(new AutoNatConfig.Probes(Duration.ofDays(1), Duration.ofDays(1), Duration.ofDays(1),
                        Duration.ofSeconds(30), Duration.ZERO));
    }

    private static AutoNatConfig serverConfig() {
        return loopback().withClient(false).withV1(new AutoNatConfig.V1Limits(Duration.ofSeconds(10), 16, 30, 3,
                Duration.ofMinutes(1), Duration.ofSeconds(15), false));
    }

    private static AutoNatConfig clientConfig() {
        return loopback().withServiceMode(AutoNatConfig.ServiceMode.DISABLED);
    }

    private static String address(Host h) {
        return h.localAddresses().getFirst().encapsulate("/p2p/" + h.peerId()).toString();
    }

    /** Connects to a go server and waits until identify told us what it serves. */
    private static PeerId connect(Host h, PeerProcess goServer) throws IOException {
        PeerEvent listening = goServer.awaitEvent("listening", WAIT);
        PeerInfo info = PeerInfo.fromMultiaddr(Multiaddr.parse(listening.strings("addrs").getFirst()));
        Connection c = h.connect(info);
        h.service(IdentifyService.class).orElseThrow().awaitIdentified(c, WAIT);
        return info.peerId();
    }

    private static Multiaddr closedPort() throws IOException {
        try (ServerSocket s = new ServerSocket()) {
            s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            return Multiaddr.parse("/ip4/127.0.0.1/tcp/" + s.getLocalPort());
        }
    }

    // ---------------------------------------------------------------- p2pkit client, go server

    @Test
    void p2pkitV2ClientIsFoundPublicByGoServer() throws Exception {
        try (PeerProcess server = go("--mode", "v2-server", "--allow-private");
             Host h = Host.builder().listen("/ip4/127.0.0.1/tcp/0").build()) {
            AutoNat autonat = AutoNat.attach(h, clientConfig());
            PeerId goId = connect(h, server);
            AddressCheck c = autonat.check(goId, h.localAddresses());
            assertEquals(Reachability.PUBLIC, c.reachability(), "go dialed us back with our nonce");
            assertEquals(Optional.of(h.localAddresses().getFirst()), c.address());
        }
    }

    @Test
    void p2pkitV2ClientPaysGoServersDialDataForAnotherIp() throws Exception {
        // we listen on 127.0.0.2 but reach go from 127.0.0.1: go asks for dial data first
        try (PeerProcess server = go("--mode", "v2-server", "--allow-private");
             Host h = Host.builder().transport(k -> new TcpTransport(false)).listen("/ip4/127.0.0.2/tcp/0").build()) {
            AutoNat autonat = AutoNat.attach(h, clientConfig());
            PeerId goId = connect(h, server);
            assertEquals("127.0.0.1", h.network().connection(goId).orElseThrow().localAddress()
                    .toSocketAddress().orElseThrow().getAddress().getHostAddress());
            assertEquals(Reachability.PUBLIC, autonat.check(goId, h.localAddresses()).reachability());
        }
    }

    @Test
    void p2pkitV2ClientLearnsFromGoServerThatAClosedPortIsUnreachable() throws Exception {
        try (PeerProcess server = go("--mode", "v2-server", "--allow-private");
             Host h = Host.builder().listen("/ip4/127.0.0.1/tcp/0").build()) {
            AutoNat autonat = AutoNat.attach(h, clientConfig());
            PeerId goId = connect(h, server);
            Multiaddr closed = closedPort();
            AddressCheck c = autonat.check(goId, List.of(closed));
            assertEquals(Reachability.PRIVATE, c.reachability());
        }
    }

    // ---------------------------------------------------------------- go client, p2pkit server

    @Test
    void goV2ClientIsFoundPublicByP2pkitServer() throws Exception {
        try (Host h = Host.builder().listen("/ip4/127.0.0.1/tcp/0").build()) {
            AutoNat.attach(h, serverConfig());
            try (PeerProcess client = go("--mode", "v2-client", "--allow-private", "--dial", address(h))) {
                PeerEvent r = client.awaitEvent("v2-result", WAIT);
                assertEquals("public", r.string("reachability"), r.toString());
                assertFalse(r.bool("refused"));
            }
        }
    }

    @Test
    void goV2ClientLearnsFromP2pkitServerThatAClosedPortIsUnreachable() throws Exception {
        try (Host h = Host.builder().listen("/ip4/127.0.0.1/tcp/0").build()) {
            AutoNat.attach(h, serverConfig());
            try (PeerProcess client = go("--mode", "v2-client", "--allow-private", "--dial", address(h),
                    "--check", closedPort().toString())) {
                assertEquals("private", client.awaitEvent("v2-result", WAIT).string("reachability"));
            }
        }
    }

    @Test
    void goV1ClientIsDialedBackByP2pkitServer() throws Exception {
        try (Host h = Host.builder().listen("/ip4/127.0.0.1/tcp/0").build()) {
            AutoNat.attach(h, serverConfig());
            try (PeerProcess client = go("--mode", "v1-client", "--dial", address(h))) {
                assertEquals("ok", client.awaitEvent("v1-result", WAIT).string("status"));
            }
        }
    }

    @Test
    void goV1ClientAskingForAThirdPartyIsRefusedByP2pkitServer() throws Exception {
        try (Host h = Host.builder().listen("/ip4/127.0.0.1/tcp/0").build()) {
            AutoNat.attach(h, serverConfig());
            try (PeerProcess client = go("--mode", "v1-client", "--dial", address(h),
                    "--check", "/ip4/127.0.0.2/tcp/4001")) {
                assertEquals("refused", client.awaitEvent("v1-result", WAIT).string("status"));
            }
        }
    }
}
