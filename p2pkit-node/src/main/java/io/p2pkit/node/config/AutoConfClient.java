package io.p2pkit.node.config;

import io.p2pkit.ipfs.blockstore.SyncedFiles;
import io.p2pkit.node.NodeVersion;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Fetches Kubo's AutoConf document from {@code AutoConf.URL} and keeps the last few under the
 * repository's {@code autoconf/} directory, as boxo's client does: a copy younger than the refresh
 * interval is used without asking; otherwise the URL is asked (with the last {@code ETag}), and when
 * it cannot answer the newest copy is used, however old. A reply is at most {@link #MAX_BYTES}
 * bytes and is checked ({@link AutoConf#parse}) before it is kept.
 */
public final class AutoConfClient {
    /** The largest document taken, as boxo's. */
    public static final int MAX_BYTES = 2 * 1024 * 1024;
    /** How long one request may take, as boxo's. */
    public static final Duration TIMEOUT = Duration.ofSeconds(5);
    /** Kubo's default {@code AutoConf.RefreshInterval}. */
    public static final Duration DEFAULT_REFRESH = Duration.ofHours(24);
    /** How many documents the directory keeps. */
    static final int KEEP = 3;
    private static final String PREFIX = "autoconf-";
    private static final String ETAG = ".etag";
    private static final String LAST_REFRESH = ".last-refresh";

    private final URI url;
    private final Path dir;
    private final Duration refresh;
    private final boolean insecure;
    /** Made on the first fetch, so that reading the kept copy starts no HTTP client; fetches never overlap. */
    private HttpClient http;

    /**
     * What a fetch gave.
     *
     * @param conf      the document
     * @param refreshed when it was last fetched or confirmed unchanged
     * @param fromCache whether it came from the directory without a fetch that succeeded
     */
    public record Result(AutoConf conf, Instant refreshed, boolean fromCache) {
    }

    /**
     * A client of the document at {@code url}, kept in {@code dir}.
     *
     * @param url      the document's URL (see {@link #url})
     * @param dir      the directory (the repository's {@code autoconf/})
     * @param refresh  how long a kept copy is used without asking
     * @param insecure whether an HTTPS server's certificate goes unchecked (Kubo's
     *                 {@code AutoConf.TLSInsecureSkipVerify}, for tests)
     */
    public AutoConfClient(URI url, Path dir, Duration refresh, boolean insecure) {
        this.url = url;
        this.dir = dir;
        this.refresh = refresh;
        this.insecure = insecure;
    }

    /**
     * Checks an {@code AutoConf.URL}.
     *
     * @throws IllegalArgumentException in boxo's words, when it is not an http or https URL with a host
     */
    public static URI url(String text) {
        URI uri;
        try {
            uri = new URI(text);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("invalid config URL: failed to parse URL: " + e.getMessage(), e);
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(java.util.Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw new IllegalArgumentException("invalid config URL: unsupported URL scheme '" + scheme
                    + "' - only HTTP and HTTPS are allowed");
        }
        if (uri.getHost() == null) {
            throw new IllegalArgumentException("invalid config URL: " + text + " has no host");
        }
        return uri;
    }

    /**
     * The newest document kept in a repository, as its config's {@code AutoConf.*} find it; none when
     * AutoConf is off or has no URL. Nothing is fetched.
     *
     * @param root   the repository's directory
     * @param config its config
     */
    public static Optional<AutoConf> kept(Path root, io.p2pkit.ipfs.repo.RepoConfig config) {
        if (config.get("autoConf.enabled").map(String::strip).orElse("true").equals("false")) {
            return Optional.empty();
        }
        Optional<String> text = config.get("autoConf.url").filter(t -> !t.isBlank());
        if (text.isEmpty()) {
            return Optional.empty();
        }
        try {
            return new AutoConfClient(url(text.get()), root.resolve("autoconf"), DEFAULT_REFRESH, false).cached()
                    .map(Result::conf);
        } catch (IllegalArgumentException e) {
            return Optional.empty(); // a URL the daemon refuses at its start gives no document
        }
    }

    /** How long a kept copy is used without asking, and how often the daemon asks again. */
    public Duration refresh() {
        return refresh;
    }

    /** The URL asked. */
    public URI url() {
        return url;
    }

    /** The newest kept document, without asking anyone (what Kubo's commands show with {@code --expand-auto}). */
    public Optional<Result> cached() {
        List<Path> files = files();
        if (files.isEmpty()) {
            return Optional.empty();
        }
        try {
            AutoConf conf = AutoConf.parse(Files.readString(files.getFirst(), StandardCharsets.UTF_8));
            return Optional.of(new Result(conf, lastRefresh(), true));
        } catch (IOException | IllegalArgumentException e) {
            return Optional.empty(); // a copy that no longer reads is no copy: the URL is asked
        }
    }

    /**
     * The document: the kept copy while it is fresh, else the URL's answer, else the kept copy.
     *
     * @throws IOException when the URL cannot be fetched (or answers something unusable) and nothing is kept
     */
    public Result latest() throws IOException {
        Optional<Result> kept = cached();
        if (kept.isPresent() && kept.get().refreshed().plus(refresh).isAfter(Instant.now())) {
            return kept.get();
        }
        try {
            return fetch(kept);
        } catch (IOException | IllegalArgumentException e) {
            if (kept.isPresent()) {
                return kept.get();
            }
            throw new IOException("failed to fetch autoconf from " + url + " (" + e.getMessage()
                    + ") and no valid cache available", e);
        }
    }

    /** Asks the URL, whatever is kept; used by the daemon's periodic refresh. */
    public Result fetch() throws IOException {
        try {
            return fetch(cached());
        } catch (IllegalArgumentException e) {
            throw new IOException(e.getMessage(), e);
        }
    }

    private Result fetch(Optional<Result> kept) throws IOException {
        Files.createDirectories(dir);
        HttpRequest.Builder req = HttpRequest.newBuilder(url).timeout(TIMEOUT).GET()
                .header("User-Agent", "p2pkit/" + NodeVersion.get());
        Optional<String> etag = read(ETAG).filter(t -> !t.isBlank());
        if (etag.isPresent() && kept.isPresent()) {
            req.header("If-None-Match", etag.get());
        }
        if (http == null) {
            HttpClient.Builder b = HttpClient.newBuilder().connectTimeout(TIMEOUT)
                    .followRedirects(HttpClient.Redirect.NORMAL);
            http = (insecure ? b.sslContext(io.p2pkit.core.security.tls.UncheckedCertificates.context()) : b).build();
        }
        HttpResponse<InputStream> resp;
        try {
            resp = http.send(req.build(), HttpResponse.BodyHandlers.ofInputStream());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while fetching " + url, e);
        }
        Instant now = Instant.now();
        byte[] body;
        try (InputStream in = resp.body()) {
            if (resp.statusCode() == 304 && kept.isPresent()) {
                SyncedFiles.writeAtomically(dir.resolve(LAST_REFRESH), now.toString().getBytes(StandardCharsets.UTF_8));
                return new Result(kept.get().conf(), now, false);
            }
            if (resp.statusCode() != 200) {
                throw new IOException("unexpected status code: " + resp.statusCode());
            }
            body = in.readNBytes(MAX_BYTES + 1);
        }
        if (body.length > MAX_BYTES) {
            throw new IOException("the document is over " + MAX_BYTES + " bytes");
        }
        AutoConf conf = AutoConf.parse(new String(body, StandardCharsets.UTF_8));
        List<Path> files = files();
        if (files.isEmpty() || !Arrays.equals(Files.readAllBytes(files.getFirst()), body)) {
            long seconds = now.getEpochSecond();
            if (!files.isEmpty()) { // documents within one second: each newer one still has the larger name
                String newest = files.getFirst().getFileName().toString();
                try {
                    seconds = Math.max(seconds, Long.parseLong(newest.substring(PREFIX.length(),
                            newest.length() - ".json".length())) + 1);
                } catch (NumberFormatException e) {
                    // a name this client did not write: the clock's second
                }
            }
            SyncedFiles.writeAtomically(dir.resolve(PREFIX + seconds + ".json"), body);
        }
        SyncedFiles.writeAtomically(dir.resolve(ETAG),
                resp.headers().firstValue("ETag").orElse("").getBytes(StandardCharsets.UTF_8));
        SyncedFiles.writeAtomically(dir.resolve(LAST_REFRESH), now.toString().getBytes(StandardCharsets.UTF_8));
        List<Path> all = files();
        for (Path old : all.subList(Math.min(KEEP, all.size()), all.size())) {
            Files.deleteIfExists(old);
        }
        return new Result(conf, now, false);
    }

    /** The kept documents, newest first. */
    private List<Path> files() {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> {
                String name = p.getFileName().toString();
                return name.startsWith(PREFIX) && name.endsWith(".json");
            }).sorted(Comparator.comparing((Path p) -> p.getFileName().toString().length())
                    .thenComparing(p -> p.getFileName().toString()).reversed()).toList();
        } catch (IOException e) {
            return List.of();
        }
    }

    private Instant lastRefresh() {
        try {
            // RFC 3339 with an offset, as boxo writes it, or with Z, as this client does
            return read(LAST_REFRESH).map(t -> java.time.OffsetDateTime.parse(t).toInstant()).orElse(Instant.EPOCH);
        } catch (DateTimeParseException e) {
            return Instant.EPOCH; // unreadable: stale
        }
    }

    private Optional<String> read(String name) {
        try {
            Path file = dir.resolve(name);
            return Files.isRegularFile(file) ? Optional.of(Files.readString(file, StandardCharsets.UTF_8).strip())
                    : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        }
    }
}
