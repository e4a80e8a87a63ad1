package io.p2pkit.node.cli.command;

import io.p2pkit.core.multiaddr.Multiaddr;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What {@code p2pkit daemon} listens on without {@code --listen}. */
class DaemonDefaultsTest {
    @Test
    void listensOnTcpQuicWebRtcDirectAndWebTransportByDefault() {
        assertEquals(List.of("/ip4/0.0.0.0/tcp/4001", "/ip6/::/tcp/4001", "/ip4/0.0.0.0/udp/4001/quic-v1",
                        "/ip6/::/udp/4001/quic-v1", "/ip4/0.0.0.0/udp/4002/webrtc-direct", "/ip6/::/udp/4002/webrtc-direct",
                        "/ip4/0.0.0.0/udp/4003/quic-v1/webtransport",
                        "/ip6/::/udp/4003/quic-v1/webtransport"),
                DaemonCommand.defaultListen(false, true));
        DaemonCommand.defaultListen(false, true).forEach(Multiaddr::parse);
    }

    @Test
    void withoutTheNativeQuicLibraryTcpAndWebRtcDirect() {
        assertEquals(List.of("/ip4/0.0.0.0/tcp/4001", "/ip6/::/tcp/4001", "/ip4/0.0.0.0/udp/4002/webrtc-direct",
                        "/ip6/::/udp/4002/webrtc-direct"),
                DaemonCommand.defaultListen(false, false));
    }

    @Test
    void inAPrivateNetworkOnlyTcp() {
        assertEquals(List.of("/ip4/0.0.0.0/tcp/4001", "/ip6/::/tcp/4001"), DaemonCommand.defaultListen(true, true));
    }

    /**
     * The repository's listeners that the daemon leaves out where IPv6 UDP sockets are dual-stack:
     * an IPv6 QUIC or WebTransport listener whose port an IPv4 one takes.
     */
    @Test
    void anIpv6QuicListenerSharingItsPortWithAnIpv4OneIsKnown() {
        List<String> listed = io.p2pkit.node.NodeConfig.DEFAULT_LISTEN;
        assertEquals(List.of("/ip6/::/udp/4001/quic-v1", "/ip6/::/udp/4003/quic-v1/webtransport"),
                listed.stream().filter(a -> DaemonCommand.sharesUdpPortWithIp4(a, listed)).toList());
        assertFalse(DaemonCommand.sharesUdpPortWithIp4("/ip6/::/udp/4001/quic-v1",
                List.of("/ip4/0.0.0.0/udp/4005/quic-v1", "/ip6/::/udp/4001/quic-v1")));
        assertFalse(DaemonCommand.sharesUdpPortWithIp4("/ip6/::/udp/4001/quic-v1", List.of("/ip6/::/udp/4001/quic-v1")));
        assertTrue(DaemonCommand.sharesUdpPortWithIp4("/ip6/::1/udp/9/quic-v1/webtransport",
                List.of("/ip4/127.0.0.1/udp/9/quic-v1")));
    }

    @Test
    void theHelpNamesTheDefaults() {
        String help = helpOf("daemon");
        assertTrue(help.contains("/ip4/0.0.0.0/udp/4001/quic-v1"), help);
        assertTrue(help.contains("/ip4/0.0.0.0/tcp/4001"), help);
        assertTrue(help.contains("/ip4/0.0.0.0/udp/4002/webrtc-direct"), help);
        assertTrue(help.contains("/ip6/::/udp/4002/webrtc-direct"), help);
        assertTrue(help.contains("/ip4/0.0.0.0/udp/4003/quic-v1/webtransport"), help);
    }

    private static String helpOf(String command) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        java.io.PrintStream ps = new java.io.PrintStream(out, true, java.nio.charset.StandardCharsets.UTF_8);
        assertEquals(0, new io.p2pkit.node.cli.Main().run(List.of(command, "--help"), new io.p2pkit.node.cli.Console(ps, ps)));
        return out.toString(java.nio.charset.StandardCharsets.UTF_8);
    }
}
