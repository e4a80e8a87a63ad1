package io.p2pkit.node.gateway;

import io.p2pkit.core.multiformats.Cid;
import io.p2pkit.ipfs.unixfs.exporter.Exporter;
import io.p2pkit.ipfs.unixfs.exporter.UnixfsEntry;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;

/**
 * The path gateway's UnixFS responses: a file's bytes (with a sniffed Content-Type and byte
 * ranges), a directory's {@code index.html} or its HTML listing (after a redirect to the URL with
 * a trailing slash), a symlink's target.
 */
final class UnixfsResponder {
    private final ResolvedContent content;
    private final Exchange x;
    private final Exporter exporter;

    UnixfsResponder(ResolvedContent content) {
        this.content = content;
        this.x = content.exchange();
        this.exporter = new Exporter(content.source());
    }

    void serve() throws IOException {
        Cid cid = content.terminal();
        UnixfsEntry entry = exporter.stat(cid);
        switch (entry.type()) {
            case FILE -> file(cid, entry.size(), "\"" + cid + "\"", content.name(), null);
            case DIRECTORY -> directory(cid);
            case SYMLINK -> {
                x.cacheHeaders("\"" + cid + "\"");
                if (!x.notModified()) {
                    x.set("Content-Type", "text/plain; charset=utf-8");
                    x.sendRanged(exporter.readSymlink(cid).getBytes(StandardCharsets.UTF_8));
                }
            }
        }
    }

    /** Serves the path's end, which must be a UnixFS file, with {@code mediaType}. */
    void serveFileAs(String mediaType) throws IOException {
        Cid cid = content.terminal();
        UnixfsEntry entry = exporter.stat(cid);
        if (entry.type() != io.p2pkit.ipfs.unixfs.exporter.EntryType.FILE) {
            throw new GatewayException(406, cid + " is a UnixFS " + entry.type().name().toLowerCase(java.util.Locale.ROOT)
                    + ", not a file: it is not served as " + mediaType);
        }
        file(cid, entry.size(), "\"" + cid + "\"", content.name(), mediaType);
    }

    private void file(Cid cid, long size, String etag, String name, String mediaType) throws IOException {
        if (x.maxRangeFileSize > 0 && x.header("Range") != null && size > x.maxRangeFileSize) {
            // boxo's words: a CDN in front may turn the range into a whole download of a large file
            throw new GatewayException(501, "range requests not supported for files larger than " + x.maxRangeFileSize
                    + " bytes: switch to verifiable block requests (application/vnd.ipld.raw)");
        }
        x.cacheHeaders(etag);
        if (x.notModified()) {
            return;
        }
        // a whole file that is elsewhere streams out while its DAG arrives (decided before the
        // first bytes are read for its type, which would bring its first block)
        java.util.Optional<io.p2pkit.node.exchange.ArrivingBlocks> arriving = x.head() || x.header("Range") != null
                ? java.util.Optional.empty() : content.arriving(cid);
        try {
            Exporter reader = arriving.map(Exporter::new).orElse(exporter);
            String type = mediaType != null ? mediaType : ContentTypes.byName(x.query.getOrDefault("filename", name));
            if (type == null) {
                try (InputStream in = reader.read(cid, 0, Math.min(size, ContentTypes.SNIFF_BYTES))) {
                    type = ContentTypes.sniff(in.readAllBytes(), size <= ContentTypes.SNIFF_BYTES);
                }
            }
            x.set("Content-Type", type);
            if (x.query.containsKey("filename") || "true".equals(x.query.get("download"))) {
                x.set("Content-Disposition", x.disposition("inline", name));
            }
            x.sendRanged(size, (offset, length) -> reader.read(cid, offset, length));
        } finally {
            arriving.ifPresent(io.p2pkit.node.exchange.ArrivingBlocks::close);
        }
    }

    private void directory(Cid dir) throws IOException {
        if (!x.trailingSlash()) {
            // Relative links in a directory's pages resolve against its URL only with the slash.
            x.response.setStatus(301);
            x.set("Location", x.request.getHttpURI().getPath() + "/" + x.queryString());
            x.sendBytes(new byte[0], true);
            return;
        }
        Optional<Cid> index = exporter.lookup(dir, "index.html");
        if (index.isPresent()) {
            UnixfsEntry e = exporter.stat(index.get());
            if (e.type() == io.p2pkit.ipfs.unixfs.exporter.EntryType.FILE) {
                file(index.get(), e.size(), "\"" + dir + "\"", "index.html", null);
                return;
            }
        }
        x.cacheHeaders(DirectoryListing.etag(dir));
        if (x.immutable) {
            // A listing's markup may change with p2pkit's version: a week, not for ever.
            x.set("Cache-Control", "public, max-age=604800, stale-while-revalidate=2678400");
        }
        if (x.notModified()) {
            return;
        }
        List<String> contentSegments = UrlPaths.segments(x.contentPath);
        String page = DirectoryListing.render(x.origin, contentSegments.get(0),
                contentSegments.subList(1, contentSegments.size()), dir, exporter.list(dir, false));
        x.set("Content-Type", "text/html; charset=utf-8");
        x.sendBytes(page.getBytes(StandardCharsets.UTF_8), false);
    }
}
