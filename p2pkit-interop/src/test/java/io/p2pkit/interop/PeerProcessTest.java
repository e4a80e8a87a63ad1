package io.p2pkit.interop;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The harness's failure paths, with each real peer program. */
class PeerProcessTest {
    private static final Duration STEP = Duration.ofSeconds(30);
    private static final String SOME_PEER = "12D3KooWDnxHwYJA3jsZvtZi9FHVtdAtSs8F2WDH58HTAh4whhbs";

    private static Toolchains tools(Implementation impl) {
        Toolchains.require(impl);
        return Toolchains.get();
    }

    @ParameterizedTest
    @EnumSource(Implementation.class)
    void aBadCommandLineEndsTheWaitWithTheUsageMessage(Implementation impl) {
        Toolchains tools = tools(impl);
        try (PeerProcess p = PeerProcess.start(impl, tools.peers(), List.of("--security", "noise"))) {
            PeerProcess.PeerFailure f = assertThrows(PeerProcess.PeerFailure.class, () -> p.awaitEvent("ready", STEP));
            assertTrue(f.getMessage().contains("exited before printing \"ready\""), f.getMessage());
            assertTrue(f.getMessage().toLowerCase(java.util.Locale.ROOT).contains("usage"), f.getMessage());
            assertEquals(2, p.awaitExit(STEP));
        }
    }

    @ParameterizedTest
    @EnumSource(Implementation.class)
    void aRefusedDialIsReportedAsAnErrorAtTheConnectStep(Implementation impl) throws IOException {
        Toolchains tools = tools(impl);
        String addr = "/ip4/127.0.0.1/tcp/" + freedPort() + "/p2p/" + SOME_PEER;
        try (PeerProcess p = PeerProcess.start(impl, tools.peers(),
                List.of("--dial", addr, "--security", "noise", "--muxer", "yamux"))) {
            PeerProcess.PeerFailure f = assertThrows(PeerProcess.PeerFailure.class, () -> p.awaitEvent("connected", STEP));
            assertTrue(f.getMessage().contains("error at step connect"), f.getMessage());
            assertEquals(1, p.awaitExit(STEP));
            assertEquals("error", p.events().getLast().type());
        }
    }

    @Test
    void aDhtPeersFailedCommandEndsTheWaitAtOnceAndItsNextCommandRuns() throws IOException {
        Path program = Toolchains.requireBuilt(Implementation.GO, "go-kad").resolve("peer");
        String refused = "/ip4/127.0.0.1/tcp/" + freedPort() + "/p2p/" + SOME_PEER;
        try (PeerProcess p = PeerProcess.startProgram(Implementation.GO, List.of(program.toString(), "--listen", "/ip4/127.0.0.1/tcp/0"))) {
            p.awaitEvent("ready", STEP);
            p.sendLine("{\"cmd\":\"connect\",\"addr\":\"" + refused + "\"}");
            PeerProcess.CommandFailed f = assertThrows(PeerProcess.CommandFailed.class, () -> p.awaitEvent("connected", STEP));
            assertEquals("connect", f.command);
            assertFalse(f.reason.isBlank());
            assertTrue(f.getMessage().contains("failed its command connect while \"connected\" was awaited"), f.getMessage());
            // The failure was consumed: the peer answers its next command, and the wait for it does not see the old failure.
            p.sendLine("{\"cmd\":\"in-table\",\"peerId\":\"" + SOME_PEER + "\"}");
            assertFalse(p.awaitEvent("in-table", STEP).bool("present"));
        }
    }

    /** A port that was just free: bound and released, so a dial to it is refused. */
    private static int freedPort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    @ParameterizedTest
    @EnumSource(Implementation.class)
    void closeEndsARunningListener(Implementation impl) {
        Toolchains tools = tools(impl);
        PeerProcess p = PeerProcess.start(impl, tools.peers(),
                List.of("--listen", "/ip4/127.0.0.1/tcp/0", "--security", "noise", "--muxer", "yamux"));
        try (p) {
            assertFalse(p.awaitEvent("ready", STEP).strings("addrs").isEmpty());
        }
        // close() returned, so the process has been waited for and is gone.
        PeerProcess.PeerFailure f = assertThrows(PeerProcess.PeerFailure.class, () -> p.awaitEvent("identify", STEP));
        assertTrue(f.getMessage().contains("exited"), f.getMessage());
    }
}
