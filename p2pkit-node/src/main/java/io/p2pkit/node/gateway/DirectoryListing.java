package io.p2pkit.node.gateway;

import io.p2pkit.core.multiformats.Cid;
import io.p2pkit.ipfs.unixfs.exporter.DirEntries;
import io.p2pkit.ipfs.unixfs.exporter.DirEntry;
import io.p2pkit.node.cli.content.HumanBytes;

import java.io.IOException;
import java.util.List;

/**
 * The HTML page of a UnixFS directory without {@code index.html}: the path as links to each
 * ancestor, a link up (except at the root), then one row per entry with its name, size (from the
 * link's cumulative size, so children are not fetched) and CID. Bounded: a directory with more
 * entries than {@link #MAX_ENTRIES} is cut, saying so.
 */
final class DirectoryListing {
    /** The most rows one page holds (a HAMT directory may have millions of entries). */
    static final int MAX_ENTRIES = 10_000;

    /** Versions the page's markup: part of the listing's Etag, so a new layout is not served from cache. */
    static final String TEMPLATE_VERSION = "p2pkit-1";

    private DirectoryListing() {
    }

    /** The listing's Etag: the template's version and the directory's CID, as boxo's {@code DirIndex-…_CID-…}. */
    static String etag(Cid dir) {
        return "\"DirIndex-" + Integer.toHexString(TEMPLATE_VERSION.hashCode()) + "_CID-" + dir + "\"";
    }

    /**
     * @param origin    how the client reached the directory (links are root-relative on isolated origins)
     * @param namespace {@code ipfs} or {@code ipns}
     * @param segments  the content path's segments after the namespace (the CID or name first)
     * @param dir       the directory's CID
     * @param entries   its entries
     */
    static String render(Origin origin, String namespace, List<String> segments, Cid dir, DirEntries entries)
            throws IOException {
        List<String> below = segments.subList(1, segments.size());
        // where this directory is at the client's origin, without the trailing slash
        String base = origin.isolated() ? UrlPaths.join("", below) : UrlPaths.join("/" + namespace, segments);
        String title = "/" + namespace + "/" + String.join("/", segments) + "/";
        StringBuilder h = new StringBuilder(4096);
        h.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
                .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
                .append("<title>").append(html(title)).append("</title>\n")
                .append("<style>body{font-family:sans-serif;margin:2em}table{border-collapse:collapse}")
                .append("td{padding:.2em .8em}.ipfs-hash{font-family:monospace;color:#555}</style>\n")
                .append("</head>\n<body>\n<h1>Index of ");
        h.append('/').append(namespace).append('/');
        for (int i = 0; i < segments.size(); i++) {
            if (i > 0) {
                h.append('/');
            }
            String crumb = switch (origin.kind()) {
                case PATH -> UrlPaths.join("/" + namespace, segments.subList(0, i + 1));
                // the path form on the gateway's own host (the subdomain's parent)
                case SUBDOMAIN -> "//" + origin.gatewayHost() + UrlPaths.join("/" + namespace, segments.subList(0, i + 1));
                case DNSLINK -> "//" + origin.domain() + (i == 0 ? "/" : UrlPaths.join("", below.subList(0, i)));
            };
            h.append("<a href=\"").append(html(crumb)).append("\">").append(html(segments.get(i))).append("</a>");
        }
        h.append("</h1>\n<p>CID: <span class=\"ipfs-hash\" translate=\"no\">").append(dir).append("</span></p>\n");
        h.append("<table>\n");
        if (segments.size() > 1) {
            h.append("<tr><td></td><td><a href=\"").append(html(base)).append("/..\">..</a></td><td></td><td></td></tr>\n");
        }
        int count = 0;
        for (DirEntry e; (e = entries.next()) != null; ) {
            if (++count > MAX_ENTRIES) {
                h.append("<tr><td colspan=\"4\">… the listing stops after ").append(MAX_ENTRIES)
                        .append(" entries</td></tr>\n");
                break;
            }
            String escapedName = UrlPaths.escapeSegment(e.name());
            h.append("<tr><td>&#128196;</td><td><a href=\"").append(html(base + "/" + escapedName)).append("\">")
                    .append(html(e.name())).append("</a></td>")
                    .append("<td><a class=\"ipfs-hash\" translate=\"no\" href=\"").append(html(hashLink(origin, e.cid(),
                            escapedName))).append(origin.kind() == Origin.Kind.DNSLINK
                            ? "\" target=\"_blank\" rel=\"noreferrer noopener\">" : "\">")
                    .append(e.cid()).append("</a></td>")
                    .append("<td>").append(HumanBytes.si(e.tsize())).append("</td></tr>\n");
        }
        h.append("</table>\n</body>\n</html>\n");
        return h.toString();
    }

    /** Where an entry's CID links: its own path on this gateway, or an inspector for a DNSLink site (no gateway host known). */
    private static String hashLink(Origin origin, Cid cid, String escapedName) {
        String path = "/ipfs/" + cid + "?filename=" + UrlPaths.escapeQuery(escapedName);
        return switch (origin.kind()) {
            case PATH -> path;
            case SUBDOMAIN -> "//" + origin.gatewayHost() + path;
            case DNSLINK -> "https://cid.ipfs.tech/#" + cid;
        };
    }

    /** {@code text} escaped for HTML text and attribute values. */
    static String html(String text) {
        StringBuilder b = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '&' -> b.append("&amp;");
                case '"' -> b.append("&#34;");
                case '\'' -> b.append("&#39;");
                default -> b.append(c);
            }
        }
        return b.toString();
    }
}
