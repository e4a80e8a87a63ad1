package io.p2pkit.node.cli.command;

import io.p2pkit.core.multiaddr.Multiaddr;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What {@code p2pkit daemon} listens on without {@code --listen}. */
class DaemonDefaultsTest {
    @Test
    void listensOnTcpAndQuicByDefault() {
        assertEquals(List.of("/ip4/0.0.0.0/tcp/4001", "/ip6/::/tcp/4001", "/ip4/0.0.0.0/udp/4001/quic-v1"),
                DaemonCommand.defaultListen(true));
        DaemonCommand.defaultListen(true).forEach(Multiaddr::parse);
    }

    @Test
    void withoutTheNativeQuicLibraryOnlyTcp() {
        assertEquals(List.of("/ip4/0.0.0.0/tcp/4001", "/ip6/::/tcp/4001"), DaemonCommand.defaultListen(false));
    }

    @Test
    void theHelpNamesTheDefaults() {
        String help = helpOf("daemon");
        assertTrue(help.contains("/ip4/0.0.0.0/udp/4001/quic-v1"), help);
        assertTrue(help.contains("/ip4/0.0.0.0/tcp/4001"), help);
    }

    private static String helpOf(String command) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        java.io.PrintStream ps = new java.io.PrintStream(out, true, java.nio.charset.StandardCharsets.UTF_8);
        assertEquals(0, new io.p2pkit.node.cli.Main().run(List.of(command, "--help"), new io.p2pkit.node.cli.Console(ps, ps)));
        return out.toString(java.nio.charset.StandardCharsets.UTF_8);
    }
}
