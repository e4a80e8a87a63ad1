package io.p2pkit.node.cli;

import io.p2pkit.testing.Await;
import io.p2pkit.testing.Vectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code daemon --ipns-record NAME=FILE}: records preloaded into the DHT store are served by the gateway offline. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class DaemonIpnsRecordTest {
    private static final String RECORDS = "ipfs-gateway-conformance/fixtures/ipns_records/";
    private static final String V2 = "k51qzi5uqu5dit2ku9mutlfgwyz8u730on38kd10m97m36bjt66my99hb6103f";
    private static final String V1_ONLY = "k51qzi5uqu5dm4tm0wt8srkg9h9suud4wuiwjimndrkydqm81cqtlb5ak6p7ku";

    @Test
    void aValidRecordIsServedAndAnInvalidOneReported(@TempDir Path home) throws Exception {
        RepoFixture.init(home);
        Path valid = Vectors.path(RECORDS + V2 + "_v2.ipns-record");
        Path v1Only = Vectors.path(RECORDS + V1_ONLY + "_v1.ipns-record");
        try (DaemonAndPingTest.Daemon d = DaemonAndPingTest.Daemon.start(home, "--json", "--listen",
                "/ip4/127.0.0.1/tcp/0", "--ipns-record", V2 + "=" + valid, "--ipns-record", V1_ONLY + "=" + v1Only);
             HttpClient client = HttpClient.newHttpClient()) {
            Matcher m = Pattern.compile("\"gateway\":\"([^\"]+)\"").matcher(d.next("{\"event\":\"ready\""));
            assertTrue(m.find());
            URI record = URI.create(m.group(1) + "/ipns/" + V2 + "?format=ipns-record");
            Await.until("the record is served", () -> status(client, record) == 200, Duration.ofSeconds(30));
            assertArrayEquals(Files.readAllBytes(valid),
                    client.send(HttpRequest.newBuilder(record).build(), HttpResponse.BodyHandlers.ofByteArray()).body());
            Await.until("the V1-only record is reported", () -> stderr(d).contains("--ipns-record " + V1_ONLY),
                    Duration.ofSeconds(30));
            assertTrue(status(client, URI.create(m.group(1) + "/ipns/" + V1_ONLY)) >= 500);
        }
    }

    /**
     * The daemon is ready, and its gateway answers, only once the records are in place: the first
     * request after "ready" resolves the name. The record comes through a named pipe that is
     * written only after that first request (or after 2 s, for a daemon that reads its records
     * before saying it is ready), so a daemon that serves before loading its records answers
     * that request without the record, every time.
     */
    @Test
    void theRecordIsInPlaceWhenTheDaemonIsReady(@TempDir Path home) throws Exception {
        assertTrue(Files.isExecutable(Path.of("/usr/bin/mkfifo")), "needs mkfifo (coreutils)");
        RepoFixture.init(home);
        byte[] record = Files.readAllBytes(Vectors.path(RECORDS + V2 + "_v2.ipns-record"));
        Path fifo = home.resolve("record.fifo");
        assertEquals(0, new ProcessBuilder("/usr/bin/mkfifo", fifo.toString()).start().waitFor());
        CountDownLatch firstRequest = new CountDownLatch(1);
        Thread writer = Thread.ofVirtual().start(() -> {
            try (OutputStream out = Files.newOutputStream(fifo)) { // blocks until the daemon opens it
                firstRequest.await(2, TimeUnit.SECONDS);
                out.write(record);
            } catch (IOException e) {
                // the daemon went away: the assertions below say why
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        try (DaemonAndPingTest.Daemon d = DaemonAndPingTest.Daemon.start(home, "--json", "--listen",
                "/ip4/127.0.0.1/tcp/0", "--ipns-record", V2 + "=" + fifo);
             HttpClient client = HttpClient.newHttpClient()) {
            Matcher m = Pattern.compile("\"gateway\":\"([^\"]+)\"").matcher(d.next("{\"event\":\"ready\""));
            assertTrue(m.find());
            HttpResponse<byte[]> first = client.send(HttpRequest.newBuilder(
                    URI.create(m.group(1) + "/ipns/" + V2 + "?format=ipns-record")).build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            firstRequest.countDown();
            assertEquals(200, first.statusCode(), () -> new String(first.body(), StandardCharsets.UTF_8));
            assertArrayEquals(record, first.body());
        } finally {
            firstRequest.countDown();
            if (!writer.join(Duration.ofSeconds(5))) {
                try (InputStream in = Files.newInputStream(fifo)) { // a daemon that never read it: free the writer
                    in.readAllBytes();
                }
                writer.join(Duration.ofSeconds(5));
            }
        }
    }

    private static int status(HttpClient client, URI uri) {
        try {
            return client.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    private static String stderr(DaemonAndPingTest.Daemon d) {
        try {
            return Files.readString(d.stderr());
        } catch (IOException e) {
            return "";
        }
    }
}
