package io.p2pkit.node.config;

import io.p2pkit.ipfs.repo.RepoConfig;
import io.p2pkit.testing.TestCa;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The AutoConf document fetched from a local server and kept in the repository, as boxo's client keeps it. */
@Timeout(30)
class AutoConfClientTest {
    private static String doc(long version) {
        return AutoConfServer.document(version, AutoConfTest.A, AutoConfTest.B, "http://127.0.0.1:3");
    }

    @Test
    void aFreshCopyIsUsedWithoutAskingAndAStaleOneIsCheckedWithItsEtag(@TempDir Path dir) throws Exception {
        try (AutoConfServer server = new AutoConfServer(doc(1))) {
            AutoConfClient client = new AutoConfClient(server.url(), dir, Duration.ofHours(1), false);
            assertTrue(client.cached().isEmpty());
            AutoConfClient.Result first = client.latest();
            assertEquals(1, first.conf().version());
            assertFalse(first.fromCache());
            assertEquals(List.of(""), server.conditions);
            assertEquals(1, client.latest().conf().version());
            assertTrue(client.latest().fromCache());
            assertEquals(1, server.conditions.size(), "a copy younger than the refresh interval: nobody asked");
            // boxo writes the refresh time in RFC 3339 with the local offset: read as the same instant
            Files.writeString(dir.resolve(".last-refresh"), java.time.OffsetDateTime.now(java.time.ZoneOffset.ofHours(1))
                    .truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString());
            assertTrue(client.latest().fromCache());
            assertEquals(1, server.conditions.size(), "boxo's form of the time is fresh too");
            // a client whose interval is over asks again, with the ETag: 304, the kept copy, refreshed
            AutoConfClient stale = new AutoConfClient(server.url(), dir, Duration.ofNanos(1), false);
            AutoConfClient.Result again = stale.latest();
            assertEquals(1, again.conf().version());
            assertFalse(again.fromCache());
            assertEquals(2, server.conditions.size());
            assertTrue(server.conditions.get(1).startsWith("\""), "If-None-Match: " + server.conditions.get(1));
            server.serve(doc(2));
            assertEquals(2, stale.latest().conf().version());
            assertEquals(2, client.cached().orElseThrow().conf().version(), "the newest kept copy");
        }
    }

    @Test
    void anUnreachableOrBrokenServerLeavesTheKeptCopyInUse(@TempDir Path dir) throws Exception {
        URI url;
        try (AutoConfServer server = new AutoConfServer(doc(7))) {
            url = server.url();
            AutoConfClient client = new AutoConfClient(url, dir, Duration.ofNanos(1), false);
            assertEquals(7, client.latest().conf().version());
            server.answer(500);
            assertEquals(7, client.latest().conf().version());
            assertTrue(assertThrows(IOException.class, client::fetch).getMessage().contains("unexpected status code: 500"));
            server.answer(200);
            server.serve("{\"AutoConfVersion\": 8, \"AutoConfSchema\": 9}");
            AutoConfClient.Result r = client.latest();
            assertEquals(7, r.conf().version(), "a document that does not check is neither used nor kept");
            server.serve(doc(9) + " ".repeat(AutoConfClient.MAX_BYTES));
            assertTrue(assertThrows(IOException.class, client::fetch).getMessage().contains("over 2097152 bytes"));
        }
        AutoConfClient gone = new AutoConfClient(url, dir, Duration.ofNanos(1), false);
        assertEquals(7, gone.latest().conf().version(), "the server is gone: the kept copy");
        IOException none = assertThrows(IOException.class,
                () -> new AutoConfClient(url, dir.resolve("empty"), Duration.ofHours(1), false).latest());
        assertTrue(none.getMessage().startsWith("failed to fetch autoconf from " + url), none.getMessage());
        assertTrue(none.getMessage().endsWith("and no valid cache available"), none.getMessage());
    }

    @Test
    void theDirectoryKeepsTheThreeNewestDocuments(@TempDir Path dir) throws Exception {
        try (AutoConfServer server = new AutoConfServer(doc(1))) {
            AutoConfClient client = new AutoConfClient(server.url(), dir, Duration.ofNanos(1), false);
            for (int v = 1; v <= 5; v++) {
                server.serve(doc(v));
                assertEquals(v, client.latest().conf().version());
            }
            try (Stream<Path> files = Files.list(dir)) {
                assertEquals(AutoConfClient.KEEP, files.filter(p -> p.getFileName().toString().startsWith("autoconf-"))
                        .count());
            }
            assertEquals(5, client.cached().orElseThrow().conf().version());
        }
    }

    @Test
    void httpsWithAnUntrustedCertificateIsRefusedUnlessVerificationIsSkipped(@TempDir Path dir) throws Exception {
        try (AutoConfServer server = new AutoConfServer(doc(4), new TestCa("autoconf test CA"))) {
            assertThrows(IOException.class, () -> new AutoConfClient(server.url(), dir.resolve("a"), Duration.ofHours(1),
                    false).latest());
            assertEquals(4, new AutoConfClient(server.url(), dir.resolve("b"), Duration.ofHours(1), true).latest()
                    .conf().version());
        }
    }

    @Test
    void theKeptDocumentIsFoundFromTheRepositorysConfig(@TempDir Path dir) throws Exception {
        try (AutoConfServer server = new AutoConfServer(doc(3))) {
            new AutoConfClient(server.url(), dir.resolve("autoconf"), Duration.ofHours(1), false).latest();
            RepoConfig config = KuboConfig.set(RepoConfig.defaults(), "AutoConf.URL", server.url().toString());
            assertEquals(3, AutoConfClient.kept(dir, config).orElseThrow().version());
            assertTrue(AutoConfClient.kept(dir, KuboConfig.set(config, "AutoConf.Enabled", false)).isEmpty());
            assertTrue(AutoConfClient.kept(dir, RepoConfig.defaults()).isEmpty(), "no URL: no document");
        }
        KuboConfig.EditException bad = assertThrows(KuboConfig.EditException.class,
                () -> KuboConfig.set(RepoConfig.defaults(), "AutoConf.URL", "ftp://127.0.0.1/a.json"));
        assertTrue(bad.getMessage().contains("unsupported URL scheme 'ftp' - only HTTP and HTTPS are allowed"),
                bad.getMessage());
    }
}
