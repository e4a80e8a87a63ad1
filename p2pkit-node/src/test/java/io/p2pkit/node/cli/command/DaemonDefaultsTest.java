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
        String help = new DaemonCommand().help();
        assertTrue(help.contains("/ip4/0.0.0.0/udp/4001/quic-v1"), help);
        assertTrue(help.contains("/ip4/0.0.0.0/tcp/4001"), help);
    }
}
