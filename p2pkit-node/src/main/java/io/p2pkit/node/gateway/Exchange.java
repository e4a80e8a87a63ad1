package io.p2pkit.node.gateway;

import io.p2pkit.ipfs.unixfs.exporter.Exporter;
import io.p2pkit.node.http.ResponseChannel;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Blocker;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One gateway request and its response: the query, the caching headers every format sets, the
 * conditional request ({@code If-None-Match} → 304), and bodies sent whole or as a byte range.
 */
final class Exchange {
    /** {@code /ipfs/} responses never change: a year, the most RFC 9111 suggests. */
    static final String IMMUTABLE = "public, max-age=29030400, immutable";

    final Request request;
    final Response response;
    final Map<String, String> query;
    /** Whether the content is addressed by CID ({@code /ipfs/}) rather than by a mutable name. */
    boolean immutable;
    /** For {@code /ipns/} content: the record's TTL, the time it may be cached. */
    long ipnsTtlSeconds = -1;
    /** How the client reached the content. */
    Origin origin = Origin.PATH;
    /** The content path the request names, as encoded ({@code /ipfs/{cid}/…}): X-Ipfs-Path. */
    String contentPath;
    /** Whether {@code _redirects} was applied once already (a rule's target is not redirected again). */
    boolean redirected;
    /** A known hostname's own Gateway.PublicGateways DeserializedResponses, or null for the gateway's. */
    Boolean deserializedResponses;
    /** Files larger than this are not served by range (Gateway.MaxRangeRequestFileSize; 0: any). */
    final long maxRangeFileSize;
    private String etag;

    Exchange(Request request, Response response, long maxRangeFileSize) {
        this.request = request;
        this.response = response;
        this.maxRangeFileSize = maxRangeFileSize;
        this.query = GatewayHandler.queryOf(request);
    }

    String header(String name) {
        return request.getHeaders().get(name);
    }

    void set(String name, String value) {
        response.getHeaders().put(name, value);
    }

    boolean head() {
        return request.getMethod().equals("HEAD");
    }

    /** Whether the request path ends with a slash (a directory's canonical URL). */
    boolean trailingSlash() {
        return request.getHttpURI().getPath().endsWith("/");
    }

    /** {@code ?…} as requested, or empty. */
    String queryString() {
        String q = request.getHttpURI().getQuery();
        return q == null || q.isEmpty() ? "" : "?" + q;
    }

    /**
     * A Content-Disposition header: {@code ?filename=} when given, else {@code name}; the type
     * given, except that {@code ?download=true} makes an inline response an attachment.
     */
    String disposition(String type, String name) {
        String filename = query.getOrDefault("filename", name);
        String kind = "true".equals(query.get("download")) ? "attachment" : type;
        StringBuilder ascii = new StringBuilder();
        boolean plain = true;
        for (int i = 0; i < filename.length(); ) {
            int cp = filename.codePointAt(i);
            i += Character.charCount(cp);
            if (cp < 0x20 || cp >= 0x7f) {
                ascii.append('_');
                plain = false;
            } else if (cp == '"' || cp == '\\') {
                ascii.append('\\').append((char) cp);
            } else {
                ascii.append((char) cp);
            }
        }
        String header = kind + "; filename=\"" + ascii + "\"";
        return plain ? header : header + "; filename*=UTF-8''" + UrlPaths.escapeSegment(filename);
    }

    /** Sets Etag and Cache-Control (immutable for CIDs, the record's TTL for IPNS names). */
    void cacheHeaders(String etag) {
        this.etag = etag;
        set("Etag", etag);
        if (immutable) {
            set("Cache-Control", IMMUTABLE);
        } else if (ipnsTtlSeconds > 0) {
            set("Cache-Control", "public, max-age=" + ipnsTtlSeconds);
        }
    }

    /** Answers 304 when {@code If-None-Match} names the Etag set; true when it did. */
    boolean notModified() throws IOException {
        String wanted = header("If-None-Match");
        if (wanted == null || etag == null || !matches(wanted, etag)) {
            return false;
        }
        response.setStatus(304);
        response.getHeaders().remove("Content-Length");
        sendBytes(new byte[0], true);
        return true;
    }

    /** Whether an If-None-Match list names {@code etag}; weak comparison, as RFC 9110 asks. */
    static boolean matches(String list, String etag) {
        String mine = strip(etag);
        for (String part : list.split(",")) {
            String t = part.trim();
            if (t.equals("*") || strip(t).equals(mine)) {
                return true;
            }
        }
        return false;
    }

    private static String strip(String tag) {
        return tag.startsWith("W/") ? tag.substring(2) : tag;
    }

    /** Sends {@code body} with the status set (200 unless set), or only its headers for HEAD or when asked. */
    void sendBytes(byte[] body, boolean headersOnly) throws IOException {
        if (response.getStatus() == 0) {
            response.setStatus(200);
        }
        if (response.getStatus() != 304) {
            response.getHeaders().put("Content-Length", body.length);
        }
        try (OutputStream out = Content.Sink.asOutputStream(response)) {
            if (!headersOnly && !head()) {
                out.write(body);
            }
        }
    }

    /** Sends a body that is in memory, honouring a {@code Range} header. */
    void sendRanged(byte[] body) throws IOException {
        sendRanged(body.length, new InMemory(body));
    }

    /** A body already in memory: sent, with the end of the response, in one write. */
    private record InMemory(byte[] body) implements RangeReader {
        @Override
        public InputStream open(long offset, long length) {
            return new java.io.ByteArrayInputStream(body, (int) offset, (int) length);
        }
    }

    /** The bytes of an entity from {@code offset}, {@code length} of them. */
    @FunctionalInterface
    interface RangeReader {
        InputStream open(long offset, long length) throws IOException;
    }

    /**
     * Sends an entity of {@code size} bytes: 200 with all of it, 206 with the one range the
     * {@code Range} header asks for, or 206 {@code multipart/byteranges} with each of several
     * (416 when none fits).
     */
    void sendRanged(long size, RangeReader reader) throws IOException {
        set("Accept-Ranges", "bytes");
        List<ByteRange> ranges = ByteRange.parse(header("Range"), size);
        if (ranges.size() > 1) {
            sendMultipart(size, ranges, reader);
            return;
        }
        long offset = 0;
        long length = size;
        if (ranges.size() == 1) {
            ByteRange range = ranges.getFirst();
            response.setStatus(206);
            set("Content-Range", "bytes " + range.first() + "-" + range.last() + "/" + size);
            offset = range.first();
            length = range.length();
        } else if (response.getStatus() == 0) {
            response.setStatus(200);
        }
        response.getHeaders().put("Content-Length", length);
        if (reader instanceof InMemory m) {
            // headers, body and the end in one pass through Jetty's send path, not two
            ByteBuffer body = head() ? ByteBuffer.allocate(0) : ByteBuffer.wrap(m.body(), (int) offset, (int) length);
            try (Blocker.Callback sent = Blocker.callback()) {
                response.write(true, body, sent);
                sent.block();
            }
            return;
        }
        try (OutputStream out = Content.Sink.asOutputStream(response)) {
            if (!head() && length > 0) {
                try (InputStream in = reader.open(offset, length)) {
                    // a UnixFS file writes each block's bytes from the buffer the block was read
                    // into: fewer, larger writes (each waits for the network), and no copies
                    Exporter.transfer(in, new ResponseChannel(response));
                }
            }
        }
    }

    /** RFC 9110 §14.6: each range as a part with its own Content-Type and Content-Range. */
    private void sendMultipart(long size, List<ByteRange> ranges, RangeReader reader) throws IOException {
        String type = response.getHeaders().get("Content-Type");
        String boundary = Long.toHexString(java.util.concurrent.ThreadLocalRandom.current().nextLong() | Long.MIN_VALUE)
                + Long.toHexString(System.nanoTime());
        List<byte[]> heads = new ArrayList<>();
        long length = 0;
        for (ByteRange r : ranges) {
            byte[] head = ((heads.isEmpty() ? "" : "\r\n") + "--" + boundary + "\r\n"
                    + (type == null ? "" : "Content-Type: " + type + "\r\n")
                    + "Content-Range: bytes " + r.first() + "-" + r.last() + "/" + size + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII);
            heads.add(head);
            length += head.length + r.length();
        }
        byte[] tail = ("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.US_ASCII);
        length += tail.length;
        response.setStatus(206);
        set("Content-Type", "multipart/byteranges; boundary=" + boundary);
        response.getHeaders().put("Content-Length", length);
        try (OutputStream out = Content.Sink.asOutputStream(response)) {
            if (head()) {
                return;
            }
            for (int i = 0; i < ranges.size(); i++) {
                out.write(heads.get(i));
                try (InputStream in = reader.open(ranges.get(i).first(), ranges.get(i).length())) {
                    in.transferTo(out);
                }
            }
            out.write(tail);
        }
    }
}
