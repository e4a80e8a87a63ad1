package io.p2pkit.node.dnslink;

import io.p2pkit.core.DecodeException;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.Optional;

/**
 * One DNS-over-HTTPS endpoint (RFC 8484): a query is POSTed as a DNS message
 * ({@code application/dns-message}, id 0 as §4.1 asks) and the reply read back, at most a DNS
 * message's 65,535 bytes. TTLs are cut to {@code maxTtl} when one is given (Kubo's
 * {@code DNS.MaxCacheTTL}), so that nothing is kept longer.
 */
final class DohClient {
    static final String MEDIA_TYPE = "application/dns-message";

    /** One client for every endpoint: its connections are pooled and its selector thread is shared. */
    private static final class Http {
        static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5))
                .followRedirects(HttpClient.Redirect.NEVER).build();
    }

    private final URI url;
    private final Duration timeout;
    private final Optional<Duration> maxTtl;

    /**
     * @param url     the endpoint, {@code https://…} ({@code http://} is taken too, as boxo takes it)
     * @param timeout how long one query may take, connection included
     * @param maxTtl  the longest TTL a reply may report
     */
    DohClient(URI url, Duration timeout, Optional<Duration> maxTtl) {
        this.url = url;
        this.timeout = timeout;
        this.maxTtl = maxTtl;
    }

    URI url() {
        return url;
    }

    /**
     * Asks the endpoint for the records of {@code type} of {@code name}.
     *
     * @throws IOException when it cannot be reached, answers with an HTTP error or something that
     *                     is not a DNS reply to the query (named in the message)
     */
    DnsMessage.Reply ask(String name, int type) throws IOException {
        byte[] query = DnsMessage.query(0, name, type);
        HttpRequest request = HttpRequest.newBuilder(url).timeout(timeout)
                .header("Content-Type", MEDIA_TYPE).header("Accept", MEDIA_TYPE)
                .POST(HttpRequest.BodyPublishers.ofByteArray(query)).build();
        HttpResponse<InputStream> response;
        try {
            response = Http.CLIENT.send(request, HttpResponse.BodyHandlers.ofInputStream());
        } catch (HttpTimeoutException e) {
            throw new java.net.SocketTimeoutException("DNS-over-HTTPS server " + url + " did not answer for " + name
                    + " within " + timeout.toMillis() + " ms");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException("interrupted while asking " + url + " for " + name);
        }
        byte[] body;
        try (InputStream in = response.body()) {
            body = in.readNBytes(DnsMessage.MAX_DOH_REPLY_BYTES + 1);
        }
        if (response.statusCode() != 200) {
            throw new IOException("DNS-over-HTTPS server " + url + " answered HTTP " + response.statusCode()
                    + " for " + name);
        }
        String contentType = response.headers().firstValue("Content-Type").orElse("");
        if (!contentType.strip().toLowerCase(java.util.Locale.ROOT).startsWith(MEDIA_TYPE)) {
            throw new IOException("DNS-over-HTTPS server " + url + " answered " + (contentType.isEmpty()
                    ? "without a Content-Type" : contentType) + ", not " + MEDIA_TYPE + ", for " + name);
        }
        DnsMessage.Reply reply;
        try {
            reply = DnsMessage.decode(body, body.length, 0, name, type, DnsMessage.MAX_DOH_REPLY_BYTES);
        } catch (DecodeException e) {
            throw new IOException("DNS-over-HTTPS server " + url + " sent a bad reply for " + name + ": "
                    + e.getMessage(), e);
        }
        if (maxTtl.isPresent() && reply.ttlSeconds() > maxTtl.get().getSeconds()) {
            return new DnsMessage.Reply(reply.rcode(), reply.truncated(), reply.texts(), reply.addresses(),
                    maxTtl.get().getSeconds());
        }
        return reply;
    }

    @Override
    public String toString() {
        return "DNS-over-HTTPS server " + url;
    }
}
