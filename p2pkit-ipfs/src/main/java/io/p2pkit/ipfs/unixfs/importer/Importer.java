package io.p2pkit.ipfs.unixfs.importer;

import io.p2pkit.ipfs.codec.dagpb.PBNode;
import io.p2pkit.ipfs.unixfs.pb.Mtime;
import io.p2pkit.ipfs.unixfs.pb.UnixfsData;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * Turns files, directories and streams into UnixFS DAGs: Kubo's {@code ipfs add}.
 *
 * <pre>{@code
 * Importer importer = new Importer(ImportOptions.UNIXFS_V1_2025, BlockSink.of(repo.blocks()));
 * try (GcLock.Held held = repo.gcLock().pinLock()) {            // before the first block ...
 *     ImportResult r = importer.importPath(Path.of("photos"));   // directories recursively
 *     repo.pinner().pin(r.root(), PinType.RECURSIVE, "photos");  // ... until the root is pinned
 * }
 * Cid cid = new Importer(ImportOptions.UNIXFS_V0_2015, BlockSink.NONE).importStream(in, "").root(); // --only-hash
 * }</pre>
 *
 * <p>Files are read as a stream (memory stays bounded whatever their size); directories are read
 * in name order and each one's entries are held until it is written. Blocks reach the sink
 * children first and the root last. Symlinks are stored as symlinks (never followed), names
 * starting with a dot are skipped unless {@link ImportOptions#hidden()}, and other kinds of files
 * (devices, sockets, pipes) are refused. Thread-safe: each call is an import of its own.
 */
public final class Importer {
    /** boxo's ErrMissingFsRef: a nocopy import of bytes that are not a file. */
    public static final String MISSING_FILE = "missing file path or URL, can't create filestore reference";
    private final ImportOptions options;
    private final BlockSink sink;
    private final ImportListener listener;
    private final boolean nocopy;

    /** An importer that reports no progress. */
    public Importer(ImportOptions options, BlockSink sink) {
        this(options, sink, ImportListener.NONE);
    }

    /**
     * @param options  how to build the DAG
     * @param sink     where the blocks go ({@link BlockSink#NONE} to only compute CIDs)
     * @param listener told about progress
     */
    public Importer(ImportOptions options, BlockSink sink, ImportListener listener) {
        this(options, sink, listener, false);
    }

    private Importer(ImportOptions options, BlockSink sink, ImportListener listener, boolean nocopy) {
        this.options = Objects.requireNonNull(options, "options");
        this.sink = Objects.requireNonNull(sink, "sink");
        this.listener = Objects.requireNonNull(listener, "listener");
        this.nocopy = nocopy;
    }

    /**
     * The same importer, but the raw leaves of files read from paths go to the sink as ranges of
     * those files ({@link BlockSink#putReference}): Kubo's {@code add --nocopy}. The options must
     * make raw leaves; a stream has no file to refer to and is refused.
     *
     * @return the importer
     */
    public Importer nocopy() {
        if (!options.rawLeaves()) {
            throw new IllegalArgumentException("nocopy option requires '--raw-leaves' to be enabled as well");
        }
        return new Importer(options, sink, listener, true);
    }

    /** @return the options */
    public ImportOptions options() {
        return options;
    }

    /**
     * Imports a stream as one file, with the options' mode and mtime if any.
     *
     * @param in   the file's bytes, read to the end (not closed)
     * @param name the file's name, used only when {@link ImportOptions#wrapWithDirectory()}
     * @return the result
     * @throws IOException when the stream or the sink fails
     */
    public ImportResult importStream(InputStream in, String name) throws IOException {
        if (nocopy) {
            throw new IOException(MISSING_FILE);
        }
        try (Run run = new Run()) {
            Child file = run.file(in, -1, "", options.mode(), options.mtime(), null);
            return run.finish(wrap(run, name, file));
        }
    }

    /**
     * Imports a file, a symlink, or a directory and everything under it.
     *
     * @param path what to import
     * @return the result
     * @throws IOException when something cannot be read, is of an unsupported kind, or the sink fails
     */
    public ImportResult importPath(Path path) throws IOException {
        try (Run run = new Run()) {
            BasicFileAttributes attrs = Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            Child entry = run.entry(path, "", attrs);
            Path name = path.toAbsolutePath().normalize().getFileName();
            return run.finish(wrap(run, name == null ? "" : name.toString(), entry));
        }
    }

    /**
     * Imports several files, symlinks or directories into one new directory, each under its own
     * file name: Kubo's {@code add -w} with several arguments. The directory takes the options'
     * mode and mtime; {@link ImportOptions#wrapWithDirectory()} does not add a second one. The
     * listener sees each entry's path with its name in front ({@code name}, {@code name/a}).
     *
     * @param paths what to import, whose file names differ
     * @return the result, whose root is the new directory
     * @throws IOException              when something cannot be read or the sink fails
     * @throws IllegalArgumentException when two paths have the same file name, or one has none
     */
    public ImportResult importPaths(List<Path> paths) throws IOException {
        try (Run run = new Run()) {
            DirectoryBuilder dir = new DirectoryBuilder(options, run.writer, options.mode(), options.mtime());
            for (Path path : paths) {
                Path fileName = path.toAbsolutePath().normalize().getFileName();
                if (fileName == null) {
                    throw new IllegalArgumentException(path + " has no file name to put in the directory");
                }
                String name = fileName.toString();
                BasicFileAttributes attrs = Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
                dir.add(name, run.entry(path, name, attrs));
            }
            run.directories++;
            return run.finish(dir.finish());
        }
    }

    private Child wrap(Run run, String name, Child entry) throws IOException {
        if (!options.wrapWithDirectory()) {
            return entry;
        }
        DirectoryBuilder dir = new DirectoryBuilder(options, run.writer, options.mode(), options.mtime());
        dir.add(name, entry);
        run.directories++;
        return dir.finish();
    }

    /** One import's state. */
    private final class Run implements AutoCloseable {
        final BlockWriter writer = new BlockWriter(options, sink);
        long bytes;
        long files;
        long directories;

        ImportResult finish(Child root) throws IOException {
            writer.drain();
            sink.flush();
            return new ImportResult(root.cid(), root.tsize(), bytes, files, directories, writer.blocks);
        }

        @Override
        public void close() {
            writer.close();
        }

        Child file(InputStream in, long size, String path, Integer mode, Mtime mtime, Path source) throws IOException {
            FileImporter f = new FileImporter(options, writer, options.chunker().open(in, size), listener, path, source);
            Child c = f.build(mode, mtime);
            bytes += f.bytesRead();
            files++;
            listener.entryImported(path, c.cid(), c.tsize());
            return c;
        }

        Child entry(Path path, String rel, BasicFileAttributes attrs) throws IOException {
            Integer mode = options.preserveMode() ? mode(path) : options.mode();
            Mtime mtime = options.preserveMtime() ? Mtime.of(attrs.lastModifiedTime().toInstant()) : options.mtime();
            if (attrs.isSymbolicLink()) {
                byte[] target = Files.readSymbolicLink(path).toString().getBytes(StandardCharsets.UTF_8);
                // Kubo stores a symlink's mtime but never its mode.
                byte[] block = PBNode.of(UnixfsData.symlink(target).withMtime(mtime).encode()).encode();
                Child c = new Child(writer.dagPb(block), block.length, 0);
                listener.entryImported(rel, c.cid(), c.tsize());
                return c;
            }
            if (attrs.isDirectory()) {
                return directory(path, rel, mode, mtime);
            }
            if (attrs.isRegularFile()) {
                try (InputStream in = Files.newInputStream(path)) {
                    return file(in, attrs.size(), rel, mode, mtime, nocopy ? path.toAbsolutePath().normalize() : null);
                }
            }
            throw new IOException(path + " is neither a file, a directory nor a symlink: it cannot be imported");
        }

        private Child directory(Path path, String rel, Integer mode, Mtime mtime) throws IOException {
            List<Entry> children = new ArrayList<>();
            try (DirectoryStream<Path> ds = Files.newDirectoryStream(path)) {
                for (Path child : ds) {
                    String name = child.getFileName().toString();
                    if (options.hidden() || !name.startsWith(".")) {
                        children.add(new Entry(child, name, name.getBytes(StandardCharsets.UTF_8)));
                        if (children.size() > DirectoryBuilder.MAX_ENTRIES) {
                            throw new IOException(path + " has more than " + DirectoryBuilder.MAX_ENTRIES + " entries");
                        }
                    }
                }
            }
            // in the order of the names' UTF-8 bytes, as Kubo lists them
            children.sort((a, b) -> Arrays.compareUnsigned(a.key(), b.key()));
            DirectoryBuilder dir = new DirectoryBuilder(options, writer, mode, mtime);
            for (Entry child : children) {
                BasicFileAttributes attrs = Files.readAttributes(child.path(), BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
                dir.add(child.name(), entry(child.path(), rel.isEmpty() ? child.name() : rel + "/" + child.name(), attrs));
            }
            Child c = dir.finish();
            directories++;
            listener.directoryImported(rel, c.cid(), c.tsize());
            return c;
        }
    }

    /** A directory's entry, with its name's bytes to sort by. */
    private record Entry(Path path, String name, byte[] key) {
    }

    private static Integer mode(Path path) throws IOException {
        Object m = Files.getAttribute(path, "unix:mode", LinkOption.NOFOLLOW_LINKS);
        return ((Integer) m) & 07777;
    }
}
