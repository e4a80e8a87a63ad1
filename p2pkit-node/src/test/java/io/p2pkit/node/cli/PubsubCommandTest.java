package io.p2pkit.node.cli;

import io.p2pkit.core.host.Host;
import io.p2pkit.pubsub.PubSub;
import io.p2pkit.pubsub.PubsubConfig;
import io.p2pkit.pubsub.PubsubMessage;
import io.p2pkit.pubsub.Subscription;
import io.p2pkit.pubsub.gossip.GossipRouter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code p2pkit pubsub pub} against a library subscriber, and against {@code p2pkit daemon --subscribe}. */
class PubsubCommandTest {
    private static final Pattern ADDR = Pattern.compile(".*\"addrs\":\\[\"([^\"]+)\".*");

    @Test
    void publishesToALibrarySubscriber() throws Exception {
        try (Host host = Host.builder().listen("/ip4/127.0.0.1/tcp/0").build()) {
            PubSub pubsub = PubSub.start(host, PubsubConfig.defaults(), new GossipRouter());
            Subscription s = pubsub.join("cli").subscribe();
            String addr = host.addresses().get(0).encapsulate("/p2p/" + host.peerId()).toString();
            CliRunner r = CliRunner.run("pubsub", "pub", "cli", "hello", "--bootstrap", addr, "--json", "--timeout", "20s");
            assertEquals(0, r.status(), r.err());
            assertEquals("{\"event\":\"published\",\"recipients\":1}", r.out().strip());
            PubsubMessage m = s.next(Duration.ofSeconds(20));
            assertNotNull(m);
            assertEquals("hello", new String(m.data(), StandardCharsets.UTF_8));
        }
    }

    @Test
    void rejectsAWrongSubcommandAndMissingBootstrap() {
        assertEquals(2, CliRunner.run("pubsub", "sub", "t", "m", "--bootstrap", "/ip4/127.0.0.1/tcp/1").status());
        assertEquals(2, CliRunner.run("pubsub", "pub", "t", "m").status());
    }

    @ParameterizedTest
    @CsvSource({"gossipsub, gossipsub, strict", "floodsub, gossipsub, strict", "gossipsub, floodsub, none"})
    void daemonPrintsEachMessage(String daemonRouter, String publisherRouter, String signing, @TempDir Path home)
            throws Exception {
        List<String> cmd = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"), "-cp",
                System.getProperty("java.class.path"), Main.class.getName(), "daemon", "--no-mdns", "--listen", "/ip4/127.0.0.1/tcp/0",
                "--json", "--subscribe", "news", "--pubsub", daemonRouter, "--pubsub-signing", signing));
        Path stderr = Files.createTempFile(home, "daemon", ".err");
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectError(stderr.toFile());
        pb.environment().put("P2PKIT_HOME", home.toString());
        Process p = pb.start();
        BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        Thread.ofVirtual().start(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    lines.add(line);
                }
            } catch (java.io.IOException ignored) {
                // the process ended
            }
        });
        try {
            String ready = next(lines, "{\"event\":\"ready\"", stderr);
            Matcher m = ADDR.matcher(ready);
            assertTrue(m.matches(), ready);
            CliRunner r = CliRunner.run("pubsub", "pub", "news", "héllo", "--bootstrap", m.group(1), "--json",
                    "--pubsub", publisherRouter, "--pubsub-signing", signing);
            assertEquals(0, r.status(), r.err());
            String event = next(lines, "{\"event\":\"message\"", stderr);
            assertTrue(event.contains("\"topic\":\"news\""), event);
            assertTrue(event.contains("\"data\":\"héllo\""), event);
            assertTrue(event.contains("\"dataBase64\":\"aMOpbGxv\""), event);
            assertEquals(signing.equals("strict"), !event.contains("\"from\":null"), event);
        } finally {
            p.toHandle().destroy();
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
        }
    }

    @Test
    void daemonTakesScoreParametersFromAFileAndDirectPeers(@TempDir Path home) throws Exception {
        Path score = home.resolve("score.properties");
        Files.writeString(score, """
                thresholds.gossip = -10
                thresholds.publish = -50
                thresholds.graylist = -80
                behaviour-penalty.threshold = 6
                topic[news].rate = 5
                """);
        try (Host host = Host.builder().listen("/ip4/127.0.0.1/tcp/0").build()) {
            PubSub pubsub = PubSub.start(host, PubsubConfig.defaults(), new GossipRouter());
            io.p2pkit.pubsub.Topic news = pubsub.join("news");
            news.subscribe();
            String addr = host.addresses().get(0).encapsulate("/p2p/" + host.peerId()).toString();
            // No --bootstrap: the daemon reaches the library node only as its direct peer.
            List<String> cmd = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"), "-cp",
                    System.getProperty("java.class.path"), Main.class.getName(), "daemon", "--no-mdns", "--listen",
                    "/ip4/127.0.0.1/tcp/0", "--json", "--subscribe", "news", "--pubsub-score", score.toString(),
                    "--pubsub-direct", addr));
            Path stderr = Files.createTempFile(home, "daemon", ".err");
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectError(stderr.toFile());
            pb.environment().put("P2PKIT_HOME", home.toString());
            Process p = pb.start();
            BlockingQueue<String> lines = new LinkedBlockingQueue<>();
            Thread.ofVirtual().start(() -> {
                try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                    String line;
                    while ((line = r.readLine()) != null) {
                        lines.add(line);
                    }
                } catch (java.io.IOException ignored) {
                    // the process ended
                }
            });
            try {
                next(lines, "{\"event\":\"ready\"", stderr);
                assertTrue(news.awaitPeers(1, Duration.ofSeconds(60)), "the daemon never dialed its direct peer");
                news.publish("direct".getBytes(StandardCharsets.UTF_8));
                String event = next(lines, "{\"event\":\"message\"", stderr);
                assertTrue(event.contains("\"data\":\"direct\""), event);
            } finally {
                p.toHandle().destroy();
                if (!p.waitFor(30, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                }
            }
        }
    }

    @Test
    void daemonRefusesABadScoreFileNamingTheKey(@TempDir Path home) throws Exception {
        Path score = home.resolve("score.properties");
        Files.writeString(score, "topic[news].colour = blue\n");
        CliRunner r = CliRunner.run("daemon", "--identity", home.resolve("id.key").toString(), "--listen",
                "/ip4/127.0.0.1/tcp/0", "--subscribe", "news", "--pubsub-score", score.toString());
        assertEquals(2, r.status(), r.err());
        assertTrue(r.err().contains("topic[news].colour"), r.err());
        CliRunner flood = CliRunner.run("daemon", "--identity", home.resolve("id.key").toString(), "--listen",
                "/ip4/127.0.0.1/tcp/0", "--subscribe", "news", "--pubsub", "floodsub", "--pubsub-score", score.toString());
        assertEquals(2, flood.status(), flood.err());
    }

    private static String next(BlockingQueue<String> lines, String prefix, Path stderr) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (true) {
            String line = lines.poll(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            if (line == null) {
                throw new AssertionError("no line starting with " + prefix + "; stderr:\n" + Files.readString(stderr));
            }
            if (line.startsWith(prefix)) {
                return line;
            }
        }
    }
}
