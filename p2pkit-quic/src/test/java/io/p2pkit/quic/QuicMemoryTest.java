package io.p2pkit.quic;

import io.p2pkit.core.host.Host;
import io.p2pkit.core.transport.tcp.TcpTransport;
import io.p2pkit.core.host.PeerInfo;
import io.p2pkit.core.host.Stream;
import io.p2pkit.core.muxer.StreamResetException;
import io.p2pkit.core.network.Connection;
import io.p2pkit.core.resource.Resource;
import io.p2pkit.core.resource.ResourceLimitException;
import io.p2pkit.core.resource.ResourceLimits;
import io.p2pkit.core.resource.ResourceManager;
import io.p2pkit.core.resource.ResourceManagerConfig;
import io.p2pkit.testing.Await;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Bytes a QUIC stream holds until the application reads them are charged to the connection's
 * resource span: over the limit that stream alone is reset, with the local limit as the cause.
 */
class QuicMemoryTest {

    @Test
    @Timeout(value = 4, unit = TimeUnit.MINUTES)
    void unreadDataOverTheMemoryLimitResetsOnlyThatStream() throws Exception {
        // 256 KiB at HIGH priority (204/256) admits about 204 KiB of unread data per connection.
        ResourceManager rm = new ResourceManager(ResourceManagerConfig.builder()
                .connection(ResourceLimits.unlimited().with(Resource.MEMORY, 256 * 1024)).build());
        CountDownLatch release = new CountDownLatch(1);
        CompletableFuture<IOException> seen = new CompletableFuture<>();
        CompletableFuture<Void> refusedSeen = new CompletableFuture<>();
        CompletableFuture<Void> handlerStarted = new CompletableFuture<>();
        try (Host server = Host.builder().listen("/ip4/127.0.0.1/udp/0/quic-v1").transport(key -> new TcpTransport()).transport(QuicTransport::new)
                .resourceManager(rm).build();
             Host client = Host.builder().transport(key -> new TcpTransport()).transport(QuicTransport::new).build()) {
            server.setStreamHandler("/hog/1.0.0", s -> {
                handlerStarted.complete(null);
                try {
                    // read nothing until the limit refused the stream's data
                    refusedSeen.get(60, TimeUnit.SECONDS);
                    while (s.in().read(new byte[8192]) >= 0) {
                        // drain what was admitted until the reset surfaces
                    }
                    seen.complete(null);
                } catch (IOException e) {
                    seen.complete(e);
                } catch (Exception e) {
                    seen.completeExceptionally(e);
                }
                Await.await("the test to release the handler", release);
            });
            server.setStreamHandler("/echo/1.0.0", s -> {
                s.out().write(s.in().readAllBytes());
                s.out().close();
            });
            Connection c = client.connect(new PeerInfo(server.peerId(), server.addresses()));
            Stream hog = client.newStream(c, "/hog/1.0.0");
            Thread writer = Thread.ofVirtual().start(() -> {
                try {
                    // the protocol's name goes out with the first bytes (lazy selection): let the
                    // server choose it before the flood, else the refusal can reset the stream
                    // while the name is still unread and no handler ever sees it
                    hog.out().write(new byte[1]);
                    hog.out().flush();
                    handlerStarted.get(60, TimeUnit.SECONDS);
                    hog.out().write(new byte[1 << 20]);
                    // the end may reach the server after it dropped the data: the reader must
                    // still see the reset, never a clean end of stream
                    hog.out().close();
                } catch (IOException expected) {
                    // the server resets the stream
                } catch (InterruptedException | java.util.concurrent.ExecutionException
                         | java.util.concurrent.TimeoutException e) {
                    throw new AssertionError("the server never ran the handler", e);
                }
            });
            try {
                // generous: the refusal waits for the server's accept loop to charge the connection
                Await.until("the hog's data refused", () -> rm.blocked().keySet().stream()
                        .anyMatch(k -> k.resource() == Resource.MEMORY), Duration.ofSeconds(90));
            } catch (AssertionError e) {
                // say where it stood, so that a failure in a full run tells why
                throw new AssertionError(e.getMessage() + "; memory held on the server " + rm.system().used(Resource.MEMORY)
                        + " bytes, refusals " + rm.blocked() + ", writer " + (writer.isAlive() ? "still writing" : "done")
                        + ", connection " + (c.isClosed() ? "closed" : "open"), e);
            }
            refusedSeen.complete(null);

            IOException e = seen.get(60, TimeUnit.SECONDS);
            assertTrue(e instanceof StreamResetException, "the reader learns of a reset: " + e);
            assertFalse(((StreamResetException) e).byRemote(), "reset by this side");
            assertEquals("connection", ResourceLimitException.find(e).orElseThrow().scope());
            Await.until("the refused stream's data released", () -> rm.system().used(Resource.MEMORY) == 0);
            assertTrue(writer.join(Duration.ofSeconds(60)), "the writer learned of the reset");

            // The connection and its other streams carry on.
            Stream echo = client.newStream(c, "/echo/1.0.0");
            echo.out().write(new byte[] {1, 2, 3});
            echo.out().close();
            assertArrayEquals(new byte[] {1, 2, 3}, echo.in().readAllBytes());
            Await.until("nothing held once read", () -> rm.system().used(Resource.MEMORY) == 0);
        } finally {
            release.countDown();
        }
    }
}
