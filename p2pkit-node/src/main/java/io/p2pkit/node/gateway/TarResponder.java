package io.p2pkit.node.gateway;

import io.p2pkit.core.multiformats.Cid;
import io.p2pkit.ipfs.unixfs.exporter.DirEntries;
import io.p2pkit.ipfs.unixfs.exporter.DirEntry;
import io.p2pkit.ipfs.unixfs.exporter.Exporter;
import io.p2pkit.ipfs.unixfs.exporter.UnixfsEntry;
import io.p2pkit.node.cli.content.TarArchive;
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
        plan(cid.toString(), cid.toString(), exporter.stat(cid), entries);
        x.set("Content-Type", "application/x-tar");
        x.set("Content-Disposition", x.disposition("attachment", cid + ".tar"));
        x.set("X-Content-Type-Options", "nosniff");
        x.response.setStatus(200);
        try (OutputStream out = Content.Sink.asOutputStream(x.response)) {
            if (x.head()) {
                return;
            }
            TarArchive tar = new TarArchive(out);
            for (Entry e : entries) {
                long mtime = e.stat.mtime() == null ? 0 : Math.max(0, e.stat.mtime().seconds());
                switch (e.stat.type()) {
                    case DIRECTORY -> tar.directory(e.name.endsWith("/") ? e.name : e.name + "/", mode(e.stat, 0755), mtime);
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

    /**
     * {@code path} with its {@code .} and {@code ..} segments applied, or null when it then leaves
     * {@code root} (UnixFS names are bytes: {@code ../x} is a legal name, and boxo keeps it while it
     * stays inside).
     */
    static String inside(String root, String path) {
        java.util.ArrayDeque<String> parts = new java.util.ArrayDeque<>();
        for (String p : path.split("/")) {
            if (p.isEmpty() || p.equals(".")) {
                continue;
            }
            if (p.equals("..")) {
                if (parts.isEmpty()) {
                    return null;
                }
                parts.removeLast();
            } else {
                parts.addLast(p);
            }
        }
        String clean = String.join("/", parts);
        return clean.startsWith(root + "/") && !clean.contains("\0") ? clean : null;
    }

    private void plan(String root, String name, UnixfsEntry stat, List<Entry> entries) throws IOException {
        if (entries.size() >= MAX_ENTRIES) {
            throw new GatewayException(413, "the tree has more than " + MAX_ENTRIES + " entries: fetch it as a CAR");
        }
        entries.add(new Entry(name, stat));
        if (stat.type() != io.p2pkit.ipfs.unixfs.exporter.EntryType.DIRECTORY) {
            return;
        }
        DirEntries children = exporter.list(stat.cid(), false);
        for (DirEntry c; (c = children.next()) != null; ) {
            String path = inside(root, name + "/" + c.name());
            if (path == null) {
                throw GatewayException.badRequest("the directory " + stat.cid() + " has an entry named \""
                        + GatewayHandler.abbreviate(c.name()) + "\", which leads outside the archive's root");
            }
            plan(root, path, exporter.stat(c.cid()), entries);
        }
    }
}
