package io.p2pkit.interop;

import io.p2pkit.core.resource.MemoryScope;
import io.p2pkit.testing.Prerequisites;
import io.p2pkit.webrtc.datachannel.DataChannel;
import io.p2pkit.webrtc.datachannel.DataChannels;
import io.p2pkit.webrtc.sctp.SctpConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * p2pkit's SCTP association and data channels against pion/sctp 1.8.39 and pion/datachannel
 * 1.5.10 (the versions go-libp2p 0.51 pins for its WebRTC transport), over plain UDP on loopback
 * ({@code peers/go/sctp-peer}; no DTLS, which pion's association does not need). Each case: the
 * negotiated channel 0 carries a hello both ways; each side opens a channel (p2pkit even ids as
 * the DTLS client, pion odd) and the other echoes 1 MiB on it; the opener checks the echo and
 * closes the channel by stream reset; then p2pkit shuts the association down.
 */
@InteropArea("WebRTC-direct")
@Timeout(120)
class SctpPionInteropTest {
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final int TOTAL = 1 << 20;

    @Test
    void pionSendsInitTooAndTheCollisionResolves() throws Exception {
        exchange("client");
    }

    @Test
    void pionWaitsForP2pkitsInit() throws Exception {
        exchange("server");
    }

    private static void exchange(String pionRole) throws Exception {
        Path peers = Toolchains.require(Implementation.GO);
        Path program = peers.resolve("go").resolve("sctp-peer");
        Prerequisites.require(Files.isExecutable(program), "peers/go/sctp-peer is not built (peers/build.sh go)");
        DatagramSocket socket = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        try (PeerProcess pion = PeerProcess.startProgram(Implementation.GO, List.of(program.toString(),
                "-peer", "127.0.0.1:" + socket.getLocalPort(), "-role", pionRole, "-bytes", String.valueOf(TOTAL)))) {
            int port = pion.awaitEvent("listening", WAIT).number("port").intValue();
            socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
            DataChannels dc = DataChannels.start(new UdpDatagramTransport(socket), true, SctpConfig.defaults(),
                    MemoryScope.UNLIMITED, Set.of(0));
            try {
                dc.awaitEstablished(WAIT);
                pion.awaitEvent("established", WAIT);

                DataChannel zero = dc.negotiated(0);
                zero.send("hello".getBytes(StandardCharsets.UTF_8));
                assertEquals("hello back: hello", new String(zero.receive(), StandardCharsets.UTF_8));
                pion.awaitEvent("negotiated", WAIT);

                // pion's channel: echo it until pion closes it
                AtomicReference<Throwable> echoFailure = new AtomicReference<>();
                Thread echo = Thread.ofVirtual().start(() -> {
                    try {
                        DataChannel theirs = dc.accept();
                        assertEquals(1, theirs.id());
                        assertEquals("go", theirs.label());
                        byte[] m;
                        while ((m = theirs.receive()) != null) {
                            theirs.send(m);
                        }
                    } catch (Throwable t) {
                        echoFailure.set(t);
                    }
                });

                // our channel: 1 MiB out, the echo back, compared
                DataChannel ours = dc.open("", "");
                assertEquals(2, ours.id(), "the DTLS client's first free even id after the negotiated 0");
                MessageDigest sent = MessageDigest.getInstance("SHA-256");
                Thread writer = Thread.ofVirtual().start(() -> {
                    try {
                        for (int m = 0, left = TOTAL; left > 0; m++) {
                            byte[] p = pattern(m, Math.min(16 * 1024, left));
                            sent.update(p);
                            ours.send(p);
                            left -= p.length;
                        }
                    } catch (IOException e) {
                        echoFailure.set(e);
                    }
                });
                MessageDigest got = MessageDigest.getInstance("SHA-256");
                for (int received = 0; received < TOTAL; ) {
                    byte[] m = ours.receive();
                    got.update(m);
                    received += m.length;
                }
                writer.join(WAIT);
                assertArrayEquals(sent.digest(), got.digest(), "pion echoed every byte");
                ours.close();

                echo.join(WAIT);
                assertNull(echoFailure.get());
            } finally {
                dc.close();
            }
            // pion reports its two checks in either order, then the association's end
            pion.awaitEvent("done", WAIT);
            assertEquals(TOTAL, event(pion, "verified").number("bytes").intValue(), "pion's own channel echoed");
            assertEquals(TOTAL, event(pion, "echoed").number("bytes").intValue(), "pion echoed p2pkit's channel");
            assertNull(dc.failure(), "the association shut down cleanly");
        } finally {
            socket.close();
        }
    }

    private static PeerEvent event(PeerProcess p, String type) {
        return p.events().stream().filter(e -> e.type().equals(type)).findFirst()
                .orElseThrow(() -> new AssertionError("pion printed no " + type + ": " + p.events()));
    }

    /** The content the go program sends too: byte i of message m is (m*31+i) mod 251. */
    private static byte[] pattern(int m, int size) {
        byte[] b = new byte[size];
        for (int i = 0; i < size; i++) {
            b[i] = (byte) ((m * 31 + i) % 251);
        }
        return b;
    }
}
