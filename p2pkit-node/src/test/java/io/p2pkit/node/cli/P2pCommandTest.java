package io.p2pkit.node.cli;

import io.p2pkit.core.host.PeerInfo;
import io.p2pkit.core.multiaddr.Multiaddr;
import io.p2pkit.node.Node;
import io.p2pkit.node.NodeConfig;
import io.p2pkit.testing.Await;
import io.p2pkit.testing.LoopbackPorts;
import io.p2pkit.testing.TinyJson;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code p2pkit p2p listen|forward|ls|close|stream ls|close} against a daemon in a child process
 * whose config turns stream mounting on (Kubo's {@code Experimental.Libp2pStreamMounting}), with
 * a node in the test as the other peer: bytes through the daemon's forwarder to the node's
 * listener, Kubo's tables and texts, and the daemon's errors as the CLI prints them.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class P2pCommandTest {
    private static final Pattern READY = Pattern.compile("\\{\"event\":\"ready\",\"peerId\":\"([^\"]+)\".*");

    @Test
    void tunnelsThroughTheDaemon(@TempDir Path home) throws Exception {
        RepoFixture repo = RepoFixture.init(home);
        repo.ok("config", "--bool", "Experimental.Libp2pStreamMounting", "true");
        try (ServerSocket echo = new ServerSocket(0, 8, InetAddress.getLoopbackAddress());
             Node peer = Node.start(NodeConfig.builder().listen("/ip4/127.0.0.1/tcp/0").streamMounting(true).build());
             DaemonAndPingTest.Daemon d = DaemonAndPingTest.Daemon.start(home, "--listen", "/ip4/127.0.0.1/tcp/0",
                     "--dht", "off", "--json")) {
            Thread.ofVirtual().start(() -> serveEcho(echo));
            Matcher ready = READY.matcher(d.next("{\"event\":\"ready\""));
            assertTrue(ready.matches());
            String daemonId = ready.group(1);
            String target = "/ip4/127.0.0.1/tcp/" + echo.getLocalPort();
            peer.streamMounting().orElseThrow().listen("/x/echo", Multiaddr.parse(target), false);
            String peerAddress = peer.addresses().getFirst().toString();

            int port = LoopbackPorts.free();
            String listen = "/ip4/127.0.0.1/tcp/" + port;
            assertEquals("", repo.ok("p2p", "forward", "/x/echo", listen, peerAddress));
            assertEquals("", repo.ok("p2p", "listen", "/x/back", target, "--json"), "nothing, with --json too");
            assertEquals(List.of("/x/echo", listen, "/p2p/" + peer.peerId(), "/x/back", "/p2p/" + daemonId, target),
                    List.of(repo.ok("p2p", "ls").split("\\s+")), "forwarders first, as Kubo");
            List<String> headed = repo.ok("p2p", "ls", "-v").lines().toList();
            assertEquals(4, headed.size(), headed.toString());
            assertTrue(headed.get(0).matches("Protocol +Listen Address +Target Address"), headed.toString());
            Map<?, ?> json = (Map<?, ?>) TinyJson.parse(repo.ok("p2p", "ls", "--json"));
            assertEquals(2, ((List<?>) json.get("Listeners")).size(), json.toString());

            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 5_000);
                s.setSoTimeout(30_000);
                s.getOutputStream().write("hello".getBytes(StandardCharsets.US_ASCII));
                assertEquals("hello", new String(s.getInputStream().readNBytes(5), StandardCharsets.US_ASCII));
                List<String> streams = repo.ok("p2p", "stream", "ls", "-v").lines().toList();
                assertTrue(streams.get(0).matches("ID +Protocol +Origin +Target"), streams.toString());
                assertTrue(streams.get(1).matches("0 +/x/echo +/ip4/127\\.0\\.0\\.1/tcp/" + s.getLocalPort()
                        + " +/p2p/" + peer.peerId()), streams.toString());
                assertEquals("", repo.ok("p2p", "stream", "close", "0"));
                assertEquals(-1, readOrEnd(s.getInputStream()), "the stream and its connection are closed");
            }
            Await.until("the stream is gone", () -> repo.ok("p2p", "stream", "ls").isEmpty());
            assertEquals("{\"Streams\":null}", repo.ok("p2p", "stream", "ls", "--json"));

            CliRunner twice = repo.run("p2p", "listen", "/x/back", target);
            assertEquals(1, twice.status());
            assertEquals("p2pkit p2p listen: error: listener already registered\n", twice.err());
            CliRunner prefix = repo.run("p2p", "forward", "/echo", "/ip4/127.0.0.1/tcp/0", peerAddress);
            assertEquals("p2pkit p2p forward: error: protocol name must be within '/x/' namespace\n", prefix.err());
            assertEquals("p2pkit p2p close: error: no matching options given\n", repo.run("p2p", "close").err());
            assertEquals("p2pkit p2p stream close: error: no id specified\n", repo.run("p2p", "stream", "close").err());

            assertEquals("Closed 1 stream(s)", repo.ok("p2p", "close", "-p", "/x/back"));
            assertEquals("1", repo.ok("p2p", "close", "--all", "--json"));
            assertEquals("", repo.ok("p2p", "ls"));
            assertEquals("", repo.ok("p2p", "stream", "close", "--all"));
        }
    }

    private static int readOrEnd(InputStream in) {
        try {
            return in.read();
        } catch (IOException e) {
            return -1;
        }
    }

    private static void serveEcho(ServerSocket server) {
        while (!server.isClosed()) {
            try {
                Socket c = server.accept();
                Thread.ofVirtual().start(() -> {
                    try (c) {
                        c.getInputStream().transferTo(c.getOutputStream());
                    } catch (IOException e) {
                        // the client went away
                    }
                });
            } catch (IOException e) {
                return;
            }
        }
    }
}
