package io.p2pkit.core.host;

import io.p2pkit.core.network.Connection;
import io.p2pkit.core.resource.Resource;
import io.p2pkit.core.resource.ResourceManager;
import io.p2pkit.core.resource.ResourceManagerConfig;
import io.p2pkit.testing.Await;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.Duration;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Over real TCP connections with the default limits, the data path's buffers (Noise frames, yamux
 * windows, mplex queues) are charged to the resource manager while they are held, and every scope
 * is back to zero once the connection has closed.
 */
class MemoryAccountingTest {

    @ParameterizedTest
    @CsvSource({"noise,yamux", "noise,mplex", "tls,yamux"})
    void buffersAreChargedWhileHeldAndReleasedWhenTheConnectionCloses(String security, String muxer) throws Exception {
        ResourceManager serverRm = new ResourceManager(ResourceManagerConfig.defaults());
        ResourceManager clientRm = new ResourceManager(ResourceManagerConfig.defaults());
        AtomicLong peakWhileEchoing = new AtomicLong();
        try (Host server = Host.builder().listen("/ip4/127.0.0.1/tcp/0").security(security).muxers(muxer).resourceManager(serverRm).build();
             Host client = Host.builder().security(security).muxers(muxer).resourceManager(clientRm).build()) {
            server.setStreamHandler("/echo/1.0.0", s -> {
                byte[] buf = new byte[32 * 1024];
                int n;
                while ((n = s.in().read(buf)) > 0) {
                    peakWhileEchoing.accumulateAndGet(serverRm.system().used(Resource.MEMORY), Math::max);
                    s.out().write(buf, 0, n);
                    s.out().flush();
                }
                s.out().close();
            });
            Connection c = client.connect(new PeerInfo(server.peerId(), server.addresses()));
            byte[] data = new byte[2 << 20];
            new SplittableRandom(11).nextBytes(data);
            Stream s = client.newStream(c, "/echo/1.0.0");
            Thread writer = Thread.ofVirtual().start(() -> {
                try {
                    s.out().write(data);
                    s.out().close();
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            byte[] echoed = s.in().readAllBytes();
            assertTrue(writer.join(Duration.ofSeconds(60)));
            assertArrayEquals(data, echoed);
            if (!security.equals("tls")) {
                // TLS's record buffers are not charged (yet); Noise's and the muxers' are.
                assertTrue(peakWhileEchoing.get() > 0, "buffers were charged while data flowed");
            }
            c.close();
            Await.until("the server's connection gone", () -> server.network().connections().isEmpty());
            Await.until("server memory back to zero", () -> serverRm.system().used(Resource.MEMORY) == 0);
            Await.until("client memory back to zero", () -> clientRm.system().used(Resource.MEMORY) == 0);
            Await.until("server scopes empty", () -> serverRm.system().usage().isEmpty()
                    && serverRm.transientScope().usage().isEmpty() && serverRm.peerScopes().isEmpty());
            Await.until("client scopes empty", () -> clientRm.system().usage().isEmpty()
                    && clientRm.peerScopes().isEmpty());
        }
    }
}
