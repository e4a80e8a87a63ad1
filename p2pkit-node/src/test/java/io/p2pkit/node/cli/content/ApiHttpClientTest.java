package io.p2pkit.node.cli.content;

import org.eclipse.jetty.client.HttpClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The RPC client's quick start: no TLS context, Jetty's cache-line question answered, and the
 * parser's early initialisation silent in a fresh JVM.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
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

    /** Jetty's default would close the connection after 30 s of silence; a long pin add is silent. */
    @Test
    void anAnswerAfterALongSilenceArrives() throws Exception {
        HttpClient http = ApiHttpClient.create();
        http.start();
        java.util.concurrent.CountDownLatch done = new java.util.concurrent.CountDownLatch(1);
        try (ServerSocket listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Thread server = Thread.ofVirtual().start(() -> {
                try (Socket s = listener.accept()) {
                    s.getInputStream().read(new byte[4096]);
                    // silent past Jetty's 30 s, or until the test ends early
                    if (done.await(32, TimeUnit.SECONDS)) {
                        return;
                    }
                    s.getOutputStream().write("HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok"
                            .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
                } catch (Exception e) {
                    // the request's assertion reports it
                }
            });
            var answer = http.newRequest("http://127.0.0.1:" + listener.getLocalPort() + "/api/v0/pin/add")
                    .method("POST").timeout(60, TimeUnit.SECONDS).send();
            assertEquals(200, answer.getStatus());
            assertEquals("ok", answer.getContentAsString());
            server.join(10_000);
        } finally {
            done.countDown();
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

    /**
     * In a fresh JVM, where SLF4J is not yet initialised, the parser's thread must not ask for a
     * logger while the caller's thread initialises SLF4J: SLF4J would then warn on stderr, which
     * is the command's. Twenty JVMs, since it is a race when the order is wrong (one in 25 failed
     * before the order was fixed).
     */
    @Test
    void aFreshJvmPrintsNothingOnStderr(@TempDir Path dir) throws Exception {
        for (int i = 0; i < 20; i++) {
            Path err = dir.resolve("err-" + i);
            Process p = new ProcessBuilder(ProcessHandle.current().info().command().orElse("java"),
                    "-cp", System.getProperty("java.class.path"), FreshJvm.class.getName())
                    .redirectError(err.toFile()).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            if (!p.waitFor(20, TimeUnit.SECONDS)) {
                p.destroyForcibly(); // not left running past the test
                throw new AssertionError("the JVM of run " + i + " did not end in 20 s");
            }
            assertEquals(0, p.exitValue(), Files.readString(err));
            assertEquals("", Files.readString(err), "stderr of run " + i);
        }
    }

    /** Makes a client and waits for the parser's thread, in a JVM of its own. */
    static final class FreshJvm {
        public static void main(String[] args) throws Exception {
            ApiHttpClient.create();
            for (Thread t : Thread.getAllStackTraces().keySet()) {
                if (t.getName().equals("p2pkit-rpc-client-init")) {
                    t.join(10_000);
                }
            }
            Class.forName(ApiHttpClient.PARSER); // initialised by then, or now
        }
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
