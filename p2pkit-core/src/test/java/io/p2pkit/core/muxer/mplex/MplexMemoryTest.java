package io.p2pkit.core.muxer.mplex;

import io.p2pkit.core.Direction;
import io.p2pkit.core.muxer.MuxedConnection;
import io.p2pkit.core.muxer.MuxedStream;
import io.p2pkit.core.muxer.StreamResetException;
import io.p2pkit.core.resource.ConnectionSpan;
import io.p2pkit.core.resource.Resource;
import io.p2pkit.core.resource.ResourceLimits;
import io.p2pkit.core.resource.ResourceManager;
import io.p2pkit.core.resource.ResourceManagerConfig;
import io.p2pkit.testing.Await;
import io.p2pkit.core.transport.memory.MemoryConnection;
import org.junit.jupiter.api.Test;

import java.io.IOException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** mplex's received payloads are reserved in the connection's memory scope until they are read. */
class MplexMemoryTest {

    @Test
    void unreadDataOverTheMemoryLimitResetsOnlyThatStream() throws Exception {
        // 100 KiB at HIGH priority (204/256) admits about 79 KiB of unread payload.
        ResourceManager rm = new ResourceManager(ResourceManagerConfig.builder()
                .connection(ResourceLimits.unlimited().with(Resource.MEMORY, 100 * 1024)).build());
        ConnectionSpan span = rm.openConnection(Direction.INBOUND, true);
        MemoryConnection.Pair pair = MemoryConnection.pair();
        MuxedConnection dialer = new Mplex().wrap(pair.initiator(), true);
        MuxedConnection listener = new Mplex().wrap(pair.responder(), false, span);
        try {
            MuxedStream hog = dialer.openStream();
            hog.out().write(new byte[60 * 1024]);
            hog.out().flush();
            MuxedStream held = listener.acceptStream();
            Await.until("the first payload buffered", () -> rm.system().used(Resource.MEMORY) == 60 * 1024);
            hog.out().write(new byte[30 * 1024]);
            hog.out().flush();
            Await.until("the second payload refused", () -> rm.blocked().keySet().stream()
                    .anyMatch(k -> k.resource() == Resource.MEMORY));

            // The listener's reader learns why: a local limit, not the remote.
            StreamResetException reset = null;
            try {
                while (held.in().read(new byte[4096]) >= 0) {
                    // drain until the reset surfaces
                }
            } catch (StreamResetException e) {
                reset = e;
            }
            assertTrue(reset != null, "the stream was reset");
            assertFalse(reset.byRemote());
            assertTrue(reset.getMessage().contains("local resource limit reached"), reset.getMessage());
            assertEquals("connection", io.p2pkit.core.resource.ResourceLimitException.find(reset).orElseThrow().scope());
            Await.until("the discarded data released", () -> rm.system().used(Resource.MEMORY) == 0);
            assertThrows(IOException.class, () -> hog.in().read(), "the remote was told with a reset");

            // Other streams carry on, and their data is released as it is read.
            MuxedStream ok = dialer.openStream();
            ok.out().write(new byte[] {7, 8, 9});
            ok.out().flush();
            MuxedStream in = listener.acceptStream();
            assertEquals(7, in.in().read());
            assertEquals(8, in.in().read());
            assertEquals(9, in.in().read());
            assertEquals(0, rm.system().used(Resource.MEMORY));
        } finally {
            dialer.close();
            listener.close();
        }
        span.close();
        assertTrue(rm.system().usage().isEmpty(), "nothing held: " + rm.system().usage());
    }
}
