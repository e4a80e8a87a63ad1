package io.p2pkit.node.http;

import io.p2pkit.ipfs.repo.RepoConfig;
import io.p2pkit.ipfs.repo.Repository;
import io.p2pkit.ipfs.unixfs.importer.BlockSink;
import io.p2pkit.ipfs.unixfs.importer.ImportOptions;
import io.p2pkit.ipfs.unixfs.importer.Importer;
import io.p2pkit.node.Node;
import io.p2pkit.node.NodeConfig;
import io.p2pkit.testing.Await;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Many requests at once from one client, on loopback: the servers hold their connection limits,
 * stream instead of buffering (stalled readers of a 32 MiB file cost the heap little), and every
 * request is answered in full once its turn comes. Requests go on connections of their own: a
 * client's keep-alive pool would hold the slots until the idle timeout.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class HttpLoadTest {
    private static final int FILE_BYTES = 32 << 20;
    private static final int LIMIT = 8;
    private static final int STALLED = 24;
    private static final int READ_BEFORE_STALL = 8 << 20;
    private static final Pattern GAUGE = Pattern.compile("p2pkit_http_connections\\{server=\"gateway\"} (\\d+)");

    @Test
    void manyReadersAtOnceStayWithinTheLimits(@TempDir Path dir) throws Exception {
        Repository.init(dir.resolve("repo"), RepoConfig.defaults());
        byte[] data = new byte[FILE_BYTES];
        new Random(6).nextBytes(data);
        Path file = dir.resolve("big.bin");
        Files.write(file, data);
        InetSocketAddress any = new InetSocketAddress("127.0.0.1", 0);
        try (Node node = Node.start(NodeConfig.builder().listen("/ip4/127.0.0.1/tcp/0")
                .content(NodeConfig.Content.of(dir.resolve("repo"))).metrics(any)
                .api(NodeConfig.Http.api(any).withMaxConnections(LIMIT))
                .gateway(NodeConfig.Http.gateway(any).withMaxConnections(LIMIT)).build())) {
            String cid = add(node, file);
            InetSocketAddress gateway = node.gatewayAddress().orElseThrow();
            long before = usedHeapAfterGc();
            double directBefore = metric(node, "p2pkit_blocks_direct_buffers_lent_bytes");

            // STALLED readers ask for the file; the first LIMIT read 8 MiB of it, then all stop reading.
            List<Socket> stalled = new ArrayList<>();
            try {
                for (int i = 0; i < STALLED; i++) {
                    Socket s = new Socket(gateway.getAddress(), gateway.getPort());
                    s.setReceiveBufferSize(64 * 1024);
                    stalled.add(s);
                    OutputStream out = s.getOutputStream();
                    out.write(("GET /ipfs/" + cid + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
                            .getBytes(StandardCharsets.US_ASCII));
                    out.flush();
                }
                for (Socket s : stalled.subList(0, LIMIT)) {
                    s.setSoTimeout(30_000);
                    s.getInputStream().readNBytes(READ_BEFORE_STALL);
                }
                Await.until("the gateway at its connection limit", () -> gauge(node) == LIMIT, Duration.ofSeconds(20));
                long during = usedHeapAfterGc();
                // 8 readers 8 MiB into a 32 MiB file: about 18 MiB here; when the gateway kept the
                // blocks it had sent, 43 MiB, and buffering the files would be 256 MiB.
                assertTrue(during - before < 30L << 20, "eight stalled 32 MiB responses hold "
                        + (during - before) / 1048576 + " MiB of heap: streamed, not buffered");
                // and each holds a few blocks in pooled direct buffers: the one being sent and up
                // to 4 read ahead, 512 KiB each for Kubo's 256 KiB leaves: 16 MiB here
                double direct = metric(node, "p2pkit_blocks_direct_buffers_lent_bytes") - directBefore;
                assertTrue(direct < 32L << 20, "eight stalled responses hold " + direct / 1048576
                        + " MiB of direct buffers");
                assertTrue(metric(node, "p2pkit_blocks_direct_buffers_idle_bytes") <= 32L << 20);
                assertEquals(LIMIT, gauge(node), "the others wait in the backlog");

                // Every stalled reader gets the whole file once it reads again.
                try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
                    List<Future<Long>> reads = new ArrayList<>();
                    for (Socket s : stalled) {
                        reads.add(pool.submit(() -> {
                            // Closed once read: Jetty half-closes after a response and counts the
                            // connection until the client closes its side too.
                            try (s) {
                                s.setSoTimeout(60_000);
                                return drain(s.getInputStream());
                            }
                        }));
                    }
                    for (Future<Long> r : reads) {
                        // the first readers took some before they stalled
                        assertTrue(r.get(120, TimeUnit.SECONDS) >= FILE_BYTES - READ_BEFORE_STALL, "a whole response");
                    }
                }
            } finally {
                for (Socket s : stalled) {
                    s.close();
                }
            }

            // The RPC server, limited to 8 connections, answers 40 cats sent at once, each in full.
            InetSocketAddress api = node.apiAddress().orElseThrow();
            List<Callable<byte[]>> cats = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                long offset = (long) i * 100_000;
                cats.add(() -> body(api, "POST /api/v0/cat?arg=" + cid + "&offset=" + offset + "&length=1000000"));
            }
            try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
                List<Future<byte[]>> done = pool.invokeAll(cats, 90, TimeUnit.SECONDS);
                for (int i = 0; i < done.size(); i++) {
                    int offset = i * 100_000;
                    assertArrayEquals(java.util.Arrays.copyOfRange(data, offset, offset + 1_000_000), done.get(i).get(),
                            "cat at " + offset);
                }
            }
        }
    }

    /**
     * The body of one HTTP/1.0 request on a connection of its own, which the server closes after
     * the response (no keep-alive: a slot is free as soon as a response is done).
     */
    private static byte[] body(InetSocketAddress server, String requestLine) throws java.io.IOException {
        try (Socket s = new Socket(server.getAddress(), server.getPort())) {
            s.setSoTimeout(60_000);
            s.getOutputStream().write((requestLine + " HTTP/1.0\r\nHost: x\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            byte[] all = s.getInputStream().readAllBytes();
            String text = new String(all, 0, Math.min(all.length, 4096), StandardCharsets.ISO_8859_1);
            int end = text.indexOf("\r\n\r\n");
            assertTrue(text.startsWith("HTTP/1.1 200 "), text.lines().findFirst().orElse(""));
            return java.util.Arrays.copyOfRange(all, end + 4, all.length);
        }
    }

    private static String add(Node node, Path file) throws Exception {
        Repository repo = node.content().orElseThrow().repository();
        return new Importer(ImportOptions.UNIXFS_V0_2015, BlockSink.of(repo.blocks())).importPath(file).root().toString();
    }

    private static long drain(InputStream in) throws java.io.IOException {
        byte[] buf = new byte[1 << 16];
        long n = 0;
        for (int r; (r = in.read(buf)) > 0; ) {
            n += r;
        }
        return n;
    }

    private static int gauge(Node node) {
        try {
            InetSocketAddress m = node.metricsAddress().orElseThrow();
            try (HttpClient c = HttpClient.newHttpClient()) {
                String text = c.send(HttpRequest.newBuilder(URI.create(HttpAddress.url(m) + "/metrics")).build(),
                        HttpResponse.BodyHandlers.ofString()).body();
                Matcher g = GAUGE.matcher(text);
                return g.find() ? Integer.parseInt(g.group(1)) : -1;
            }
        } catch (java.io.IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    /** A gauge's value from the metrics endpoint (one without labels). */
    private static double metric(Node node, String name) throws Exception {
        InetSocketAddress m = node.metricsAddress().orElseThrow();
        try (HttpClient c = HttpClient.newHttpClient()) {
            String text = c.send(HttpRequest.newBuilder(URI.create(HttpAddress.url(m) + "/metrics")).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            Matcher v = Pattern.compile("(?m)^" + name + " (\\S+)$").matcher(text);
            assertTrue(v.find(), name + " in " + text);
            return Double.parseDouble(v.group(1));
        }
    }

    private static long usedHeapAfterGc() {
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }
}
