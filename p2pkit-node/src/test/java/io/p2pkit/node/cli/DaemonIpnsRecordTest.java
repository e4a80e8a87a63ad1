package io.p2pkit.node.cli;

import io.p2pkit.testing.Await;
import io.p2pkit.testing.Vectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
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
