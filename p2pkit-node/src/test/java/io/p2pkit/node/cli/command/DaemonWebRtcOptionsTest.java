package io.p2pkit.node.cli.command;

import io.p2pkit.core.multiaddr.Multiaddr;
import io.p2pkit.node.NodeConfig;
import io.p2pkit.node.cli.UsageException;
import io.p2pkit.webrtc.turn.TurnServer;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code --webrtc}, {@code --webrtc-candidate}, {@code --webrtc-stun} and {@code --webrtc-turn}: what they turn on, and what they refuse. */
class DaemonWebRtcOptionsTest {
    private static final List<Multiaddr> TCP = List.of(Multiaddr.parse("/ip4/127.0.0.1/tcp/0"));

    @Test
    void offUnlessAskedForAndOnWithAWebRtcListenAddress() {
        assertEquals(Optional.empty(), DaemonCommand.webRtcConfig(false, List.of(), List.of(), List.of(), TCP, false));
        assertTrue(DaemonCommand.webRtcConfig(false, List.of(), List.of(), List.of(), List.of(NodeConfig.WEBRTC_LISTEN), false).isPresent());
        NodeConfig.WebRtc on = DaemonCommand.webRtcConfig(true, List.of(), List.of(), List.of(), TCP, false).orElseThrow();
        assertEquals(List.of(), on.hostCandidates(), "the machine's addresses");
        assertEquals(List.of(TCP.get(0), NodeConfig.WEBRTC_LISTEN), DaemonCommand.withWebRtc(TCP));
        assertEquals(List.of(NodeConfig.WEBRTC_LISTEN), DaemonCommand.withWebRtc(List.of(NodeConfig.WEBRTC_LISTEN)));
    }

    @Test
    void candidatesAreIpv4Literals() throws Exception {
        assertEquals(List.of(InetAddress.getByName("127.0.0.1"), InetAddress.getByName("192.0.2.7")),
                DaemonCommand.webRtcConfig(true, List.of("127.0.0.1", "192.0.2.7"), List.of(), List.of(), TCP, false).orElseThrow()
                        .hostCandidates());
        for (String bad : List.of("localhost", "::1", "300.1.1.1")) {
            UsageException e = assertThrows(UsageException.class,
                    () -> DaemonCommand.webRtcConfig(true, List.of(bad), List.of(), List.of(), TCP, false));
            assertTrue(e.getMessage().contains("not an IPv4 address"), e.getMessage());
        }
    }

    @Test
    void candidatesNeedWebRtcAndAPrivateNetworkRefusesIt() {
        UsageException alone = assertThrows(UsageException.class,
                () -> DaemonCommand.webRtcConfig(false, List.of("127.0.0.1"), List.of(), List.of(), TCP, false));
        assertTrue(alone.getMessage().contains("needs --webrtc"), alone.getMessage());
        UsageException pnet = assertThrows(UsageException.class,
                () -> DaemonCommand.webRtcConfig(true, List.of(), List.of(), List.of(), TCP, true));
        assertTrue(pnet.getMessage().contains("private network"), pnet.getMessage());
    }

    @Test
    void stunServersAreIpv4LiteralsWithAPortAtMostFour() throws Exception {
        NodeConfig.WebRtc none = DaemonCommand.webRtcConfig(true, List.of(), List.of(), List.of(), TCP, false).orElseThrow();
        assertEquals(List.of(), none.stunServers(), "no STUN server unless asked");
        NodeConfig.WebRtc two = DaemonCommand.webRtcConfig(true, List.of(), List.of("11.0.0.2:3478", "192.0.2.9:19302"), List.of(),
                TCP, false).orElseThrow();
        assertEquals(List.of(new InetSocketAddress(InetAddress.getByName("11.0.0.2"), 3478),
                new InetSocketAddress(InetAddress.getByName("192.0.2.9"), 19302)), two.stunServers());
        for (String bad : List.of("11.0.0.2", "11.0.0.2:", "11.0.0.2:0", "11.0.0.2:70000", "stun.example.org:3478",
                "[::1]:3478", "11.0.0.2:34x")) {
            UsageException e = assertThrows(UsageException.class,
                    () -> DaemonCommand.webRtcConfig(true, List.of(), List.of(bad), List.of(), TCP, false));
            assertTrue(e.getMessage().startsWith("--webrtc-stun"), bad + ": " + e.getMessage());
        }
        UsageException five = assertThrows(UsageException.class, () -> DaemonCommand.webRtcConfig(true, List.of(),
                List.of("10.0.0.1:1", "10.0.0.2:1", "10.0.0.3:1", "10.0.0.4:1", "10.0.0.5:1"), List.of(), TCP, false));
        assertTrue(five.getMessage().contains("at most four"), five.getMessage());
        UsageException alone = assertThrows(UsageException.class,
                () -> DaemonCommand.webRtcConfig(false, List.of(), List.of("11.0.0.2:3478"), List.of(), TCP, false));
        assertTrue(alone.getMessage().contains("needs --webrtc"), alone.getMessage());
    }

    @Test
    void turnServersAreUserPasswordAtAnIpv4LiteralAndPortAtMostFour() throws Exception {
        assertEquals(List.of(), DaemonCommand.webRtcConfig(true, List.of(), List.of(), List.of(), TCP, false)
                .orElseThrow().turnServers(), "no TURN server unless asked");
        NodeConfig.WebRtc two = DaemonCommand.webRtcConfig(true, List.of(), List.of(),
                List.of("alice:s3cret@11.0.0.2:3478", "bob:p:w@d@192.0.2.9:3479"), TCP, false).orElseThrow();
        assertEquals(List.of(new TurnServer(new InetSocketAddress(InetAddress.getByName("11.0.0.2"), 3478), "alice", "s3cret"),
                new TurnServer(new InetSocketAddress(InetAddress.getByName("192.0.2.9"), 3479), "bob", "p:w@d")),
                two.turnServers(), "the username ends at the first colon, the address starts after the last @");
        assertFalse(two.toString().contains("s3cret"), "the configuration prints without passwords: " + two);
        for (String bad : List.of("11.0.0.2:3478", "alice@11.0.0.2:3478", "alice:s3cret@turn.example.org:3478",
                "alice:s3cret@11.0.0.2", "alice:s3cret@11.0.0.2:0", ":s3cret@11.0.0.2:3478", "alice:@11.0.0.2:3478",
                "alice:s3cr\u00e9t@11.0.0.2:3478", "alice:s3cret@[::1]:3478")) {
            UsageException e = assertThrows(UsageException.class,
                    () -> DaemonCommand.webRtcConfig(true, List.of(), List.of(), List.of(bad), TCP, false));
            assertTrue(e.getMessage().startsWith("--webrtc-turn"), bad + ": " + e.getMessage());
            assertFalse(e.getMessage().contains("s3cr"), "never the password: " + e.getMessage());
        }
        UsageException same = assertThrows(UsageException.class, () -> DaemonCommand.webRtcConfig(true, List.of(),
                List.of(), List.of("a:x@11.0.0.2:3478", "b:y@11.0.0.2:3478"), TCP, false));
        assertTrue(same.getMessage().contains("one allocation per TURN server address"), same.getMessage());
        UsageException five = assertThrows(UsageException.class, () -> DaemonCommand.webRtcConfig(true, List.of(),
                List.of(), List.of("a:x@10.0.0.1:1", "a:x@10.0.0.2:1", "a:x@10.0.0.3:1", "a:x@10.0.0.4:1", "a:x@10.0.0.5:1"),
                TCP, false));
        assertTrue(five.getMessage().contains("at most four"), five.getMessage());
        UsageException alone = assertThrows(UsageException.class,
                () -> DaemonCommand.webRtcConfig(false, List.of(), List.of(), List.of("a:x@11.0.0.2:3478"), TCP, false));
        assertTrue(alone.getMessage().contains("--webrtc-turn needs --webrtc"), alone.getMessage());
    }

    @Test
    void aTurnServerWithoutAPasswordTakesTheOneFromTheEnvironment() throws Exception {
        NodeConfig.WebRtc c = DaemonCommand.webRtcConfig(true, List.of(), List.of(),
                List.of("alice@11.0.0.2:3478", "bob:own@11.0.0.3:3478"), TCP, false, "fr:om@env").orElseThrow();
        assertEquals(List.of(new TurnServer(new InetSocketAddress(InetAddress.getByName("11.0.0.2"), 3478), "alice", "fr:om@env"),
                new TurnServer(new InetSocketAddress(InetAddress.getByName("11.0.0.3"), 3478), "bob", "own")),
                c.turnServers(), "the variable fills only the servers given without a password");
        for (String unset : new String[] {null, ""}) {
            UsageException e = assertThrows(UsageException.class, () -> DaemonCommand.webRtcConfig(true, List.of(),
                    List.of(), List.of("alice@11.0.0.2:3478"), TCP, false, unset));
            assertTrue(e.getMessage().contains(DaemonCommand.TURN_PASSWORD_VARIABLE), e.getMessage());
        }
    }
}
