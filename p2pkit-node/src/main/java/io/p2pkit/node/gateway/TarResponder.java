package io.p2pkit.node.gateway;

import io.p2pkit.core.multiformats.Cid;
import io.p2pkit.ipfs.unixfs.exporter.DirEntries;
import io.p2pkit.ipfs.unixfs.exporter.DirEntry;
import io.p2pkit.ipfs.unixfs.exporter.Exporter;
import io.p2pkit.ipfs.unixfs.exporter.UnixfsEntry;
import org.eclipse.jetty.io.Content;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code ?format=tar}: a UnixFS file or directory tree as a tar archive whose top entry is named
 * after the CID. The tree is listed before the 200 is sent, so a name that would escape the
 * archive's root ({@code ..}, a slash) is refused with 400 instead of a cut stream; the listing is
 * bounded by {@link #MAX_ENTRIES}.
 */
final class TarResponder {
    /** The most entries one archive holds. */
    static final int MAX_ENTRIES = 100_000;

    private final ResolvedContent content;
    private final Exchange x;
    private final Exporter exporter;

    TarResponder(ResolvedContent content) {
        this.content = content;
        this.x = content.exchange();
        this.exporter = new Exporter(content.source());
    }

    private record Entry(String name, UnixfsEntry stat) {
    }

    void serve() throws IOException {
        Cid cid = content.terminal();
        x.cacheHeaders("W/\"" + cid + ".x-tar\"");
        if (x.notModified()) {
            return;
        }
        List<Entry> entries = new ArrayList<>();
        plan(cid.toString(), exporter.stat(cid), entries);
        x.set("Content-Type", "application/x-tar");
        x.set("Content-Disposition", x.disposition("attachment", cid + ".tar"));
        x.set("X-Content-Type-Options", "nosniff");
        x.response.setStatus(200);
        try (OutputStream out = Content.Sink.asOutputStream(x.response)) {
            if (x.head()) {
                return;
            }
            TarWriter tar = new TarWriter(out);
            for (Entry e : entries) {
                long mtime = e.stat.mtime() == null ? 0 : Math.max(0, e.stat.mtime().seconds());
                switch (e.stat.type()) {
                    case DIRECTORY -> tar.directory(e.name, mode(e.stat, 0755), mtime);
                    case SYMLINK -> tar.symlink(e.name, exporter.readSymlink(e.stat.cid()), mtime);
                    case FILE -> {
                        try (InputStream in = exporter.read(e.stat.cid())) {
                            tar.file(e.name, mode(e.stat, 0644), e.stat.size(), mtime, in);
                        }
                    }
                }
            }
            tar.finish();
        }
    }

    private static int mode(UnixfsEntry e, int fallback) {
        return e.mode() == null ? fallback : e.mode();
    }

    private void plan(String name, UnixfsEntry stat, List<Entry> entries) throws IOException {
        if (entries.size() >= MAX_ENTRIES) {
            throw new GatewayException(413, "the tree has more than " + MAX_ENTRIES + " entries: fetch it as a CAR");
        }
        entries.add(new Entry(name, stat));
        if (stat.type() != io.p2pkit.ipfs.unixfs.exporter.EntryType.DIRECTORY) {
            return;
        }
        DirEntries children = exporter.list(stat.cid(), false);
        for (DirEntry c; (c = children.next()) != null; ) {
            String n = c.name();
            if (n.isEmpty() || n.equals(".") || n.equals("..") || n.contains("/") || n.contains("\0")) {
                throw GatewayException.badRequest("the directory " + stat.cid() + " has an entry named \""
                        + GatewayHandler.abbreviate(n) + "\", which a tar archive cannot hold inside its root");
            }
            plan(name + "/" + n, exporter.stat(c.cid()), entries);
        }
    }
}
