package io.p2pkit.websocket;

import io.p2pkit.core.resource.MemoryCharged;
import io.p2pkit.core.Direction;
import io.p2pkit.core.resource.ConnectionSpan;
import io.p2pkit.core.resource.Resource;
import io.p2pkit.core.resource.ResourceLimitException;
import io.p2pkit.core.resource.ResourceLimits;
import io.p2pkit.core.resource.ResourceManager;
import io.p2pkit.core.resource.ResourceManagerConfig;
import io.p2pkit.core.transport.LeanInputStream;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The WebSocket streams' buffers are held only while in use and charged to the connection's scope. */
class FrameWriterMemoryTest {

    @Test
    void theSendBufferIsReservedFromAWriteToTheFlushThatSendsIt() throws Exception {
        var wire = new ByteArrayOutputStream();
        FrameWriter w = new FrameWriter(wire, false, 1024);
        ResourceManager rm = manager(1 << 20);
        ConnectionSpan scope = rm.openConnection(Direction.OUTBOUND, true);
        MemoryCharged.charge(w, scope);
        assertEquals(0, rm.system().used(Resource.MEMORY), "nothing held before the first write");
        w.write(new byte[100]);
        assertTrue(rm.system().used(Resource.MEMORY) >= 1024, "the buffer is reserved while bytes wait: " + rm.system().used(Resource.MEMORY));
        w.write(new byte[3000]); // fills the buffer twice: frames go out, the buffer stays for the rest
        assertTrue(rm.system().used(Resource.MEMORY) >= 1024);
        w.flush();
        assertEquals(0, rm.system().used(Resource.MEMORY), "an idle connection holds no send buffer");
        assertEquals(3100, framedPayload(wire.toByteArray()));
    }

    @Test
    void aRefusedReservationFailsTheWriteWithTheLimitError() throws Exception {
        FrameWriter w = new FrameWriter(new ByteArrayOutputStream(), true, 64 * 1024);
        ResourceManager rm = manager(1024);
        ConnectionSpan scope = rm.openConnection(Direction.OUTBOUND, true);
        w.chargeTo(scope);
        ResourceLimitException e = assertThrows(ResourceLimitException.class, () -> w.write(new byte[10]));
        assertSame(Resource.MEMORY, e.resource());
        assertEquals("connection", e.scope());
        assertEquals(0, rm.system().used(Resource.MEMORY));
    }

    @Test
    void theReaderChargesTheReadAheadBufferOfItsInput() throws Exception {
        // one 5-byte binary frame from a server (unmasked): 0x82, length 5
        byte[] frame = {(byte) 0x82, 5, 1, 2, 3, 4, 5};
        var lean = new LeanInputStream(new ByteArrayInputStream(frame), 4096);
        FrameReader r = new FrameReader(lean, false, 1 << 20, 1 << 20, new FrameReader.ControlHandler() {
            @Override
            public void ping(byte[] payload) {
            }

            @Override
            public void closeReceived(int status, String reason) {
            }

            @Override
            public void failed(WebSocketException e) {
            }
        });
        ResourceManager rm = manager(1 << 20);
        ConnectionSpan scope = rm.openConnection(Direction.OUTBOUND, true);
        MemoryCharged.charge(r, scope);
        assertEquals(1, r.read(), "the first payload byte");
        assertEquals(4096, rm.system().used(Resource.MEMORY), "the read-ahead buffer holds the rest, charged to the scope");
        byte[] rest = new byte[4];
        assertEquals(4, r.read(rest));
        assertEquals(5, rest[3]);
    }

    /** Sums the payload lengths of unmasked frames with 7-bit or 16-bit lengths. */
    private static int framedPayload(byte[] wire) {
        int pos = 0;
        int total = 0;
        while (pos < wire.length) {
            int len = wire[pos + 1] & 0x7F;
            pos += 2;
            if (len == 126) {
                len = ((wire[pos] & 0xFF) << 8) | (wire[pos + 1] & 0xFF);
                pos += 2;
            }
            pos += len;
            total += len;
        }
        return total;
    }

    /** A resource manager whose connections may each hold {@code connectionMemory} bytes; nothing else is limited. */
    private static ResourceManager manager(long connectionMemory) {
        return new ResourceManager(ResourceManagerConfig.builder()
                .connection(ResourceLimits.unlimited().with(Resource.MEMORY, connectionMemory)).build());
    }
}
