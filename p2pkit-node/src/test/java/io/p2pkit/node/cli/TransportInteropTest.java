package io.p2pkit.node.cli;

import io.p2pkit.node.cli.command.TransportInteropCommand;
import io.p2pkit.testing.Prerequisites;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The transport-interop entry point against a real Redis (Debian's redis-server, started here
 * on loopback): a listener process pushes its address, the dialer pings it and reports.
 */
class TransportInteropTest {
    private static Process redis;
    private static String redisAddr;

    @BeforeAll
    static void startRedis() throws Exception {
        Path server = Prerequisites.program("redis-server", "Debian: apt-get install redis-server; .ci/run installs it");
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        redis = new ProcessBuilder(server.toString(), "--port", Integer.toString(port), "--bind", "127.0.0.1",
                "--save", "", "--appendonly", "no").redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        redisAddr = "127.0.0.1:" + port;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (true) {
            try (Socket s = new Socket("127.0.0.1", port)) {
                break;
            } catch (IOException notYet) {
                if (System.nanoTime() > deadline || !redis.isAlive()) {
                    throw new AssertionError("redis-server did not start", notYet);
                }
                redis.waitFor(20, TimeUnit.MILLISECONDS); // returns early only if it died
            }
        }
    }

    @AfterAll
    static void stopRedis() throws InterruptedException {
        if (redis != null) {
            redis.destroy();
            redis.waitFor(10, TimeUnit.SECONDS);
        }
    }

    @ParameterizedTest
    @CsvSource({"noise, yamux", "tls, mplex"})
    void dialerPingsTheListenerFoundThroughRedis(String security, String muxer) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"),
                "-cp", System.getProperty("java.class.path"), Main.class.getName(), "transport-interop"));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD);
        pb.environment().putAll(Map.of("transport", "tcp", "security", security, "muxer", muxer,
                "is_dialer", "false", "ip", "127.0.0.1", "redis_addr", redisAddr, "test_timeout_seconds", "60"));
        Process listener = pb.start();
        try {
            Map<String, String> env = Map.of("transport", "tcp", "security", security, "muxer", muxer,
                    "is_dialer", "true", "redis_addr", redisAddr, "test_timeout_seconds", "60");
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            int status = Main.commandLine(List.of(new TransportInteropCommand(env::get)),
                    new Console(new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8)))
                    .execute("transport-interop", "--json");
            assertEquals(0, status, err.toString(StandardCharsets.UTF_8));
            String line = out.toString(StandardCharsets.UTF_8).strip();
            assertTrue(line.matches("\\{\"handshakePlusOneRTTMillis\":[0-9.E-]+,\"pingRTTMilllis\":[0-9.E-]+}"), line);
        } finally {
            listener.destroy();
            listener.waitFor(20, TimeUnit.SECONDS);
        }
    }
}
