package io.p2pkit.core.perf;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.p2pkit.core.crypto.PrivateKey;
import io.p2pkit.core.host.Host;
import io.p2pkit.core.host.HostBuilder;
import io.p2pkit.core.host.PeerInfo;
import io.p2pkit.core.host.Stream;
import io.p2pkit.core.network.Connection;
import io.p2pkit.core.transport.memory.MemoryNetwork;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

import java.io.IOException;
import java.io.OutputStream;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;

import static io.p2pkit.testing.Futures.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

class PerfClientFuzzTest {
    /** The most reply bytes one input makes the server send. */
    private static final int MAX_REPLY = 1 << 20;

    /** Two hosts on an in-memory network and one connection, shared by all inputs (a host per input would cost more than the run). */
    private static Host server;
    private static Host client;
    private static Connection connection;
    /** What the server does with the stream the current input opens. */
    private static final AtomicReference<Script> SCRIPT = new AtomicReference<>();

    @BeforeAll
    static void start() throws IOException {
        MemoryNetwork network = new MemoryNetwork();
        server = host(network).listen("/memory/0").build();
        client = host(network).build();
        server.setStreamHandler(PerfService.PROTOCOL_ID, s -> SCRIPT.get().serve(s));
        connection = client.connect(new PeerInfo(server.peerId(), server.addresses()));
    }

    @AfterAll
    static void stop() {
        if (client != null) {
            client.close();
        }
        if (server != null) {
            server.close();
        }
    }

    private static HostBuilder host(MemoryNetwork network) {
        return Host.builder().identity(PrivateKey.generateEd25519()).transport(key -> network.transport())
                .security("plaintext").muxers("yamux");
    }

    /**
     * The perf client ({@link PerfService#measure}) against a server that answers with what the
     * input says. Bytes 0-1: the count the client asks for; 2-3: the count it uploads; 4: how the
     * server behaves (bit 0: it replies before reading anything; bits 1-2: 0 it half-closes and
     * reads to the end, 1 it resets after the reply, 2 it resets at once, 3 it returns right
     * after the reply); 5: how many times the rest of the input is repeated (plus one) to make
     * the reply.
     *
     * <p>A server that half-closes after exactly the count asked for, having read the request,
     * gets a result with both counts right, and it must have read the count asked for and every
     * uploaded byte; any other count is a {@link PerfException}. A reset is an
     * {@link IOException}, never a result. A server that stops reading may cut the upload short,
     * so there a correct result or an {@link IOException} is fine.
     */
    @FuzzTest(maxDuration = "30s")
    void measure(byte[] input) throws Exception {
        byte[] header = Arrays.copyOf(input, 6); // zeros where the input is shorter
        long asked = ((header[0] & 0xFF) << 8) | (header[1] & 0xFF);
        long upload = ((header[2] & 0xFF) << 8) | (header[3] & 0xFF);
        int flags = header[4] & 0xFF;
        byte[] chunk = input.length > 6 ? Arrays.copyOfRange(input, 6, input.length) : new byte[0];
        int times = (header[5] & 0xFF) + 1;
        byte[] reply = new byte[(int) Math.min(MAX_REPLY, (long) chunk.length * times)];
        for (int at = 0; at < reply.length; at += chunk.length) {
            System.arraycopy(chunk, 0, reply, at, Math.min(chunk.length, reply.length - at));
        }
        Script script = new Script((flags & 1) != 0, (flags >> 1) & 3, reply);
        SCRIPT.set(script);

        PerfResult result;
        try {
            result = PerfService.client(client).measure(connection, upload, asked, PerfListener.NONE);
        } catch (PerfException e) {
            switch (script.ending) {
                case Script.CLOSE_WRITE, Script.RETURN -> assertNotEquals(asked, reply.length,
                        "refused the exact count: " + e.getMessage());
                case Script.RESET_AFTER_REPLY -> assertTrue(reply.length > asked, "a PerfException for " + e.getMessage());
                default -> fail("a PerfException though nothing was sent: " + e.getMessage());
            }
            await(script.done);
            return;
        } catch (IOException e) {
            // only where the server resets or stops reading
            assertTrue(script.ending != Script.CLOSE_WRITE, "failed against a well-behaved server: " + e);
            await(script.done);
            return;
        }
        assertTrue(script.ending == Script.CLOSE_WRITE || script.ending == Script.RETURN,
                "a result from a server that reset the stream");
        assertEquals(asked, reply.length, "a result for a wrong count");
        assertEquals(asked, result.downloadBytes());
        assertEquals(upload, result.uploadBytes());
        assertTrue(!result.upload().isNegative() && !result.download().isNegative(), result.toString());
        Script.Seen seen = await(script.done);
        if (script.ending == Script.CLOSE_WRITE) {
            assertEquals(asked, seen.requested(), "the server read another count than the client asked for");
            assertEquals(upload, seen.uploaded(), "the server received another count than the client uploaded");
        }
    }

    /** The server's part for one input, and what it saw. */
    private static final class Script {
        static final int CLOSE_WRITE = 0;
        static final int RESET_AFTER_REPLY = 1;
        static final int RESET = 2;
        static final int RETURN = 3;

        record Seen(long requested, long uploaded) {
        }

        final boolean replyFirst;
        final int ending;
        final byte[] reply;
        /** The request and upload the server read (-1 where it did not), once the handler ended. */
        final CompletableFuture<Seen> done = new CompletableFuture<>();

        Script(boolean replyFirst, int ending, byte[] reply) {
            this.replyFirst = replyFirst;
            this.ending = ending;
            this.reply = reply;
        }

        void serve(Stream s) throws IOException {
            long requested = -1;
            long uploaded = -1;
            try {
                if (ending == RESET) {
                    s.reset();
                    return;
                }
                if (replyFirst) {
                    send(s);
                }
                if (ending == CLOSE_WRITE || !replyFirst) {
                    requested = PerfWire.readRequest(s.in());
                    if (ending == CLOSE_WRITE) {
                        uploaded = s.in().transferTo(OutputStream.nullOutputStream());
                    }
                }
                if (!replyFirst) {
                    send(s);
                }
                switch (ending) {
                    case RESET_AFTER_REPLY -> s.reset();
                    case CLOSE_WRITE -> s.closeWrite();
                    default -> {
                        // returning: the host closes the stream
                    }
                }
            } finally {
                done.complete(new Seen(requested, uploaded));
            }
        }

        private void send(Stream s) throws IOException {
            s.out().write(reply);
            s.out().flush();
        }
    }
}
