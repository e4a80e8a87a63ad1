package io.p2pkit.node.cli.content;

import io.p2pkit.ipfs.unixfs.exporter.DirEntries;
import io.p2pkit.ipfs.unixfs.exporter.DirEntry;
import io.p2pkit.ipfs.unixfs.exporter.Exporter;
import io.p2pkit.ipfs.unixfs.exporter.UnixfsEntry;
import io.p2pkit.ipfs.unixfs.pb.Mtime;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.function.LongConsumer;
import java.util.zip.GZIPOutputStream;

/**
 * A UnixFS entry and everything below it written as a tar archive, as Kubo's {@code get} does
 * (boxo's TarWriter): entries named {@code <name>/<child>…} in the directory's order, the stored
 * mode or else 0755 for a directory, 0644 for a file and 0777 for a symlink, and the stored
 * modification time rounded to the second or else the time of writing. The {@code get} command
 * and the RPC API's {@code get} write with it.
 */
public final class UnixfsTar {
    /** The deepest directory nesting written: beyond any real tree, and a bound on recursion. */
    public static final int MAX_DEPTH = 1024;

    private final Exporter exporter;
    private final TarArchive tar;
    private final LongConsumer progress;
    private final long now = System.currentTimeMillis() / 1000;

    /**
     * @param exporter where the entries are read
     * @param out      where the archive goes
     * @param progress told of each run of file bytes written
     */
    public UnixfsTar(Exporter exporter, OutputStream out, LongConsumer progress) {
        this.exporter = exporter;
        this.tar = new TarArchive(out);
        this.progress = progress;
    }

    /**
     * Writes the archive: the entry, what is below it, and the archive's end.
     *
     * @param entry the top entry
     * @param name  its name in the archive
     * @throws IOException when a block is missing or an entry name could leave the archive's top
     */
    public void write(UnixfsEntry entry, String name) throws IOException {
        write(entry, name, 0);
        tar.finish();
    }

    private void write(UnixfsEntry entry, String name, int depth) throws IOException {
        long mtime = seconds(entry.mtime());
        switch (entry.type()) {
            case FILE -> {
                try (InputStream in = new Counted(exporter.read(entry.cid()), progress)) {
                    tar.file(name, entry.mode() == null ? 0644 : entry.mode(), entry.size(), mtime, in);
                }
            }
            case SYMLINK -> tar.symlink(name, exporter.readSymlink(entry.cid()), entry.mode() == null ? 0777 : entry.mode(),
                    mtime);
            case DIRECTORY -> {
                if (depth >= MAX_DEPTH) {
                    throw new IOException(entry.cid() + ": directories nested deeper than " + MAX_DEPTH);
                }
                tar.directory(name, entry.mode() == null ? 0755 : entry.mode(), mtime);
                DirEntries entries = exporter.list(entry.cid(), false);
                for (DirEntry d; (d = entries.next()) != null; ) {
                    String child = d.name();
                    if (child.isEmpty() || child.equals(".") || child.equals("..") || child.contains("/")
                            || child.indexOf('\0') >= 0) {
                        throw new IOException(entry.cid() + " has an entry named \"" + child.replace("\0", "\\0")
                                + "\", which cannot be put in an archive safely");
                    }
                    write(exporter.stat(d.cid()), name + "/" + child, depth + 1);
                }
            }
        }
    }

    /** Go's tar rounds a time to the nearest second; a missing one is now, as boxo's TarWriter. */
    private long seconds(Mtime mtime) {
        if (mtime == null) {
            return now;
        }
        return mtime.seconds() + (mtime.nanos() >= 500_000_000 ? 1 : 0);
    }

    /** gzip at a chosen level (-1: the default), as Kubo's {@code get -C}. */
    public static final class LeveledGzip extends GZIPOutputStream {
        /**
         * @param out   where the compressed bytes go
         * @param level 1 to 9, or -1 for the default
         * @throws IOException when the header cannot be written
         */
        public LeveledGzip(OutputStream out, int level) throws IOException {
            super(out, 64 * 1024);
            def.setLevel(level);
        }
    }

    /** A stream that reports what is read from it. */
    private static final class Counted extends java.io.FilterInputStream {
        private final LongConsumer progress;

        Counted(InputStream in, LongConsumer progress) {
            super(in);
            this.progress = progress;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            if (n > 0) {
                progress.accept(n);
            }
            return n;
        }

        @Override
        public int read() throws IOException {
            int c = super.read();
            if (c >= 0) {
                progress.accept(1);
            }
            return c;
        }
    }
}
