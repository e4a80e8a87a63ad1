package io.p2pkit.core.perf;

import com.code_intelligence.jazzer.junit.FuzzTest;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PerfWireFuzzTest {
    private static final long SINK_LIMIT = 1 << 20;

    /** Counts what the server sends and refuses more than {@link #SINK_LIMIT}, so huge requests end quickly. */
    private static final class CountingSink extends OutputStream {
        long count;

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            if (count + len > SINK_LIMIT) {
                throw new IOException("sink full");
            }
            count += len;
        }
    }

    /**
     * Any bytes a client may send are either served exactly (the count asked for goes back, the
     * rest is drained and counted) or refused with a {@link PerfException}.
     */
    @FuzzTest
    void serve(byte[] input) {
        CountingSink sink = new CountingSink();
        long received;
        try {
            received = PerfWire.serve(new ByteArrayInputStream(input), sink, new byte[4096]);
        } catch (PerfException e) {
            assertTrue(input.length < PerfWire.REQUEST_SIZE || input[0] < 0, e.getMessage());
            return;
        } catch (IOException e) {
            assertEquals("sink full", e.getMessage());
            return;
        }
        long asked = 0;
        for (int i = 0; i < PerfWire.REQUEST_SIZE; i++) {
            asked = (asked << 8) | (input[i] & 0xff);
        }
        assertEquals(asked, sink.count);
        assertEquals(input.length - PerfWire.REQUEST_SIZE, received);
    }
}
