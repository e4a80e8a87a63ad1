package io.p2pkit.node.cli.content;

import org.eclipse.jetty.client.HttpClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The RPC client's quick start: no TLS context, and Jetty's cache-line question answered. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class ApiHttpClientTest {
    @Test
    void anHttpsRequestFailsWithAClearError() throws Exception {
        HttpClient http = ApiHttpClient.create();
        http.start();
        try (ServerSocket listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
             AcceptOne accepted = new AcceptOne(listener)) {
            ExecutionException e = assertThrows(ExecutionException.class, () ->
                    http.newRequest("https://127.0.0.1:" + listener.getLocalPort() + "/api/v0/version")
                            .timeout(10, TimeUnit.SECONDS).send());
            assertTrue(causes(e).contains("speaks plain HTTP"), causes(e));
        } finally {
            http.stop();
        }
    }

    @Test
    void jettyIsToldTheReferencesPerCacheLine() {
        ApiHttpClient.create();
        String set = System.getProperty(ApiHttpClient.REFERENCES_PER_CACHE_LINE);
        assertEquals(Integer.toString(ApiHttpClient.referencesPerCacheLine()), set);
        // The tests' heap is far below 32 GiB, where the JVM compresses references to 4 bytes.
        assertEquals(16, ApiHttpClient.referencesPerCacheLine());
    }

    private static String causes(Throwable t) {
        StringBuilder all = new StringBuilder();
        for (Throwable c = t; c != null; c = c.getCause()) {
            all.append(c).append('\n');
        }
        return all.toString();
    }

    /** Accepts one connection in the background so that the client gets as far as TLS. */
    private static final class AcceptOne implements AutoCloseable {
        private final Thread thread;
        private volatile Socket socket;

        AcceptOne(ServerSocket listener) {
            thread = Thread.ofVirtual().start(() -> {
                try {
                    socket = listener.accept();
                } catch (java.io.IOException e) {
                    // closed by the test
                }
            });
        }

        @Override
        public void close() throws Exception {
            Socket s = socket;
            if (s != null) {
                s.close();
            }
            thread.join(5_000);
        }
    }
}
