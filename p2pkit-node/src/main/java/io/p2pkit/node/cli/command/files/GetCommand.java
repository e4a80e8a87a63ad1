package io.p2pkit.node.cli.command.files;

import io.p2pkit.core.multiformats.Cid;
import io.p2pkit.ipfs.path.IpfsPath;
import io.p2pkit.ipfs.repo.Repository;
import io.p2pkit.ipfs.unixfs.exporter.DirEntries;
import io.p2pkit.ipfs.unixfs.exporter.DirEntry;
import io.p2pkit.ipfs.unixfs.exporter.EntryType;
import io.p2pkit.ipfs.unixfs.exporter.Exporter;
import io.p2pkit.ipfs.unixfs.exporter.UnixfsEntry;
import io.p2pkit.node.cli.CliCommand;
import io.p2pkit.node.cli.CommandFailedException;
import io.p2pkit.node.cli.ProgressBar;
import io.p2pkit.node.cli.UsageException;
import io.p2pkit.node.cli.content.ContentPath;
import io.p2pkit.node.cli.content.DaemonApi;
import io.p2pkit.node.cli.content.LocalFiles;
import io.p2pkit.node.cli.options.JsonOption;
import io.p2pkit.node.cli.options.ProgressOption;
import io.p2pkit.node.cli.content.OnlineRepository;
import io.p2pkit.node.cli.content.ProgressChannel;
import io.p2pkit.node.cli.content.TarReader;
import io.p2pkit.node.cli.content.UnixfsTar;
import io.p2pkit.node.cli.options.FetchOption;
import io.p2pkit.node.cli.options.RepoOption;
import io.p2pkit.node.exchange.ArrivingBlocks;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermission;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.zip.GZIPInputStream;

/** {@code p2pkit get}: a UnixFS file or directory written to the file system, as Kubo's {@code ipfs get}. */
@Command(name = "get", description = {
        "Write a UnixFS file, directory or symlink to the file system.",
        "",
        "Writes to --output, or else to an entry in the current directory named by the path's last segment "
                + "(or the CID). What is there is overwritten as Kubo does: a directory merges into an existing "
                + "directory; a file or symlink replaces a file, symlink or empty directory (a file is written "
                + "beside it and renamed over it); a single file or symlink whose target is an existing directory "
                + "goes inside it. Nothing is written through a symlink. Symlinks are written as symlinks; stored "
                + "modes and modification times are applied (files 0644 and directories 0755 without one, as "
                + "Kubo). Entry names that could leave the target ('..', '/', empty) are refused, as are "
                + "directories nested deeper than " + GetCommand.MAX_DEPTH + ". On an error, what was written so far stays.",
        "",
        "With --archive (-a) a tar archive is written instead (replacing a file there), to --output or to "
                + "'<name>.tar' ('.tar' is added unless the name ends in .tar or .tar.gz): the entry under its name and everything below it, "
                + "as Kubo writes it (stored mode and time, or else 0644/0755/0777 and the current time). With "
                + "--compress (-C) the archive is gzipped and '.gz' added; without --archive, -C gzips a single "
                + "file's bytes to '<name>.gz' (a directory is refused: 'file is not regular'). "
                + "--compression-level (-l) 1-9 sets gzip's level and is ignored without -C, as in Kubo.",
        "",
        "With --bootstrap MADDR (repeatable), what the repository lacks is first fetched over Bitswap by a "
                + "short-lived node connected to those peers and to the providers the DHT names; "
                + "--fetch-timeout gives up when no block arrives for that long (default 60s).",
        ""},
        footer = {"", "Prints 'Saving file(s) to <target>' (or 'Saving archive to <file>') first, as Kubo.",
                "With --json instead: {\"Path\":<target>,\"Cid\":…,\"Files\":…,\"Directories\":…,\"Symlinks\":…,\"Bytes\":…}."})
public final class GetCommand extends CliCommand {
    /** The deepest directory nesting written: beyond any real tree, and a bound on recursion. */
    static final int MAX_DEPTH = 1024;

    @Parameters(index = "0", paramLabel = "CID|PATH", description = "what to write")
    private String arg;

    @Option(names = {"-o", "--output"}, paramLabel = "PATH", description = "where to write it")
    private Path target;

    @Option(names = {"-a", "--archive"}, description = "write a tar archive")
    private boolean archive;

    @Option(names = {"-C", "--compress"}, description = "gzip the output")
    private boolean compress;

    @Option(names = {"-l", "--compression-level"}, paramLabel = "1-9", description = "gzip's level (with -C)")
    private Integer level;

    @Mixin
    private ProgressOption progress;

    @Mixin
    private RepoOption repo;

    @Mixin
    private FetchOption fetch;

    @Mixin
    private JsonOption output;

    private long files;
    private long directories;
    private long symlinks;
    private long bytes;

    @Override
    protected int run() throws Exception {
        if (compress && level != null && (level < 1 || level > 9)) {
            throw new UsageException("compression level must be between 1 and 9");
        }
        Optional<DaemonApi> daemon = fetch.daemon(repo);
        if (daemon.isPresent()) {
            try (DaemonApi api = daemon.get()) {
                fetch.fetchThroughDaemon(api, List.of(arg));
                throughDaemon(api);
            }
            return 0;
        }
        try (OnlineRepository online = fetch.open(repo, console())) {
            Repository r = online.repo();
            String resolved = online.resolveName(arg);
            IpfsPath path = ContentPath.parse(resolved);
            Cid cid = online.resolveCid(resolved, true, progress, console());
            // a DAG not here is written while a fetch brings it
            boolean streams = online.streams(cid);
            if (!streams) {
                online.fetchDag(cid, progress, console());
            }
            try (ArrivingBlocks arriving = streams ? online.arriving(cid) : null) {
                save(path, cid, streams ? new Exporter(arriving) : LocalFiles.exporter(r));
            }
        }
        return 0;
    }

    /** Writes what {@code cid} is, read through {@code exporter}, as a file, a tree or an archive. */
    private void save(IpfsPath path, Cid cid, Exporter exporter) throws IOException {
        boolean packed = archive || compress;
        Path named = packed ? archivePath(target != null ? target.toString() : defaultName(path))
                : target != null ? target : Path.of(defaultName(path));
        UnixfsEntry root = LocalFiles.offline(() -> exporter.stat(cid));
        if (packed && !archive && root.type() == EntryType.DIRECTORY) {
            throw new CommandFailedException("file is not regular: " + arg + " is a directory (use --archive)");
        }
        Path to = packed || root.type() == EntryType.DIRECTORY ? named : GetTarget.forTopEntry(named, defaultName(path));
        if (!output.json()) {
            console().println((packed ? "Saving archive to " : "Saving file(s) to ") + named);
        }
        long total = root.type() == EntryType.FILE ? root.size() : -1;
        try (ProgressBar bar = progress.bar(console(), "saving", total, ProgressBar.Unit.BYTES, "")) {
            LocalFiles.offline(() -> {
                if (packed) {
                    pack(exporter, root, defaultName(path), to, bar);
                } else {
                    write(exporter, root, to, 0, bar);
                }
                return null;
            });
        }
        if (output.json()) {
            printJson(to, cid.toString());
        }
    }

    /**
     * The same through the running daemon, which holds the repository: its {@code get} answers a
     * tar archive (or a gzipped file with -C alone), written as it is with -a/-C and unpacked
     * otherwise, as Kubo's CLI does with its daemon's answer.
     */
    private void throughDaemon(DaemonApi api) throws IOException {
        IpfsPath path = ContentPath.parse(arg);
        boolean packed = archive || compress;
        Path named = packed ? archivePath(target != null ? target.toString() : defaultName(path))
                : target != null ? target : Path.of(defaultName(path));
        Path to = named;
        Map<String, String> options = new LinkedHashMap<>();
        options.put("archive", Boolean.toString(archive));
        options.put("compress", Boolean.toString(compress));
        if (compress && level != null) {
            options.put("compression-level", level.toString());
        }
        options.put("progress", "false");
        try (InputStream in = api.post("get", List.of(arg), options);
             ProgressBar bar = progress.bar(console(), "saving", -1, ProgressBar.Unit.BYTES, "")) {
            if (!output.json()) {
                console().println((packed ? "Saving archive to " : "Saving file(s) to ") + named);
            }
            if (packed) {
                try (OutputStream file = new BufferedOutputStream(archiveFile(to), 1 << 20)) {
                    if (archive) {
                        // the entries are counted as the archive goes by (for --json), its bytes written as they come
                        InputStream tee = new TeeInputStream(in, file, bar);
                        countArchive(new TarReader(compress ? new GZIPInputStream(tee, 1 << 16) : tee));
                        tee.transferTo(OutputStream.nullOutputStream());
                    } else {
                        copy(in, file, bar);
                        files++;
                    }
                }
            } else {
                to = new Extraction(named, bar).run(new TarReader(in));
            }
        }
        if (output.json()) {
            // the archive names no CID: the daemon resolves the path (Kubo's dag resolve)
            printJson(to, DaemonApi.cid(api.object("dag/resolve", List.of(arg), Map.of()), "Cid").toString());
        }
    }

    private void countArchive(TarReader tar) throws IOException {
        for (TarReader.Entry e; (e = tar.next()) != null; ) {
            switch (e.type()) {
                case '5' -> directories++;
                case '2' -> symlinks++;
                default -> {
                    files++;
                    bytes += e.size();    // the files' bytes, as the local archive counts them
                }
            }
        }
    }

    /** Unpacks the daemon's archive: the top entry becomes the target, each name checked as the local path checks it. */
    private final class Extraction {
        private final Path to;
        private final ProgressBar bar;
        private final Set<Path> directoriesMade = new java.util.HashSet<>();
        /** Directories get their time once their children are written (writing them moves it). */
        private final List<Map.Entry<Path, TarReader.Entry>> pending = new java.util.ArrayList<>();
        private String top;
        private Path topPath;

        Extraction(Path to, ProgressBar bar) {
            this.to = to;
            this.bar = bar;
        }

        /** @return where the top entry went */
        Path run(TarReader tar) throws IOException {
            for (TarReader.Entry e; (e = tar.next()) != null; ) {
                Path where = place(e);
                switch (e.type()) {
                    case '5' -> {
                        GetTarget.directory(where);
                        directoriesMade.add(where);
                        directories++;
                        pending.add(Map.entry(where, e));
                    }
                    case '2' -> {
                        GetTarget.symlink(where, e.link());
                        symlinks++;
                    }
                    case '0', '7' -> {
                        GetTarget.file(where, tar.body(), (in, out) -> copy(in, Channels.newOutputStream(out), bar));
                        files++;
                        apply(where, e);
                    }
                    default -> throw new CommandFailedException("the daemon's archive holds an entry of tar type '"
                            + e.type() + "' (" + e.name() + "), which get does not write: nothing more was written");
                }
            }
            for (int i = pending.size() - 1; i >= 0; i--) {
                apply(pending.get(i).getKey(), pending.get(i).getValue());
            }
            return topPath != null ? topPath : to;
        }

        /**
         * Where an entry goes: the first one is the target (or, a file or symlink, inside the target
         * when that is an existing directory); the others lie under a directory written before them.
         */
        private Path place(TarReader.Entry e) {
            String name = e.name();
            if (top == null) {
                top = name;
                topPath = e.type() == '5' ? to : GetTarget.forTopEntry(to, name);
                return topPath;
            }
            if (!name.startsWith(top + "/")) {
                throw new CommandFailedException("the daemon's archive has \"" + name + "\" outside its top entry \""
                        + top + "\": nothing more was written");
            }
            String[] parts = name.substring(top.length() + 1).split("/", -1);
            if (parts.length > MAX_DEPTH) {
                throw new CommandFailedException(name + ": directories nested deeper than " + MAX_DEPTH);
            }
            Path p = to;
            for (String part : parts) {
                if (!directoriesMade.contains(p)) {
                    // never write through a symlink or into something this archive did not make a directory
                    throw new CommandFailedException("the daemon's archive puts \"" + name + "\" under an entry that "
                            + "is not one of its directories: nothing more was written");
                }
                p = p.resolve(safeName(part, "the daemon's archive entry " + name));
            }
            return p;
        }

        private void apply(Path where, TarReader.Entry e) throws IOException {
            if (Files.getFileStore(where).supportsFileAttributeView("posix")) {
                Files.setPosixFilePermissions(where, permissions(e.mode()));
            }
            Files.setLastModifiedTime(where, FileTime.from(e.mtime()));
        }
    }

    /** Reads through, writing what it reads to {@code copy} and counting it on the bar. */
    private static final class TeeInputStream extends java.io.FilterInputStream {
        private final OutputStream copy;
        private final ProgressBar bar;

        TeeInputStream(InputStream in, OutputStream copy, ProgressBar bar) {
            super(in);
            this.copy = copy;
            this.bar = bar;
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                copy.write(b);
                bar.add(1);
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            if (n > 0) {
                copy.write(b, off, n);
                bar.add(n);
            }
            return n;
        }

        @Override
        public long skip(long n) throws IOException {
            // skipped bytes must reach the copy too
            byte[] buf = new byte[(int) Math.min(n, 64 * 1024)];
            int r = read(buf, 0, buf.length);
            return Math.max(r, 0);
        }
    }

    private void printJson(Path to, String cid) {
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("Path", to.toString());
        o.put("Cid", cid);
        o.put("Files", files);
        o.put("Directories", directories);
        o.put("Symlinks", symlinks);
        o.put("Bytes", bytes);
        console().json(o);
    }

    /** The archive's file, created or truncated as Go's {@code os.Create} does in Kubo's get. */
    private static OutputStream archiveFile(Path to) throws IOException {
        if (Files.isDirectory(to)) {
            throw new CommandFailedException("open " + to + ": is a directory (nothing was written)");
        }
        return Files.newOutputStream(to);
    }

    /** Kubo's archive name: '.tar' added for -a unless there, then '.gz' for -C unless there. */
    private Path archivePath(String name) {
        String p = name;
        if (archive && !p.endsWith(".tar") && !p.endsWith(".tar.gz")) {
            p += ".tar";
        }
        if (compress && !p.endsWith(".gz")) {
            p += ".gz";
        }
        return Path.of(p);
    }

    /** The entry as a tar archive, or a single file's bytes gzipped (-C without -a). */
    private void pack(Exporter exporter, UnixfsEntry root, String name, Path to, ProgressBar bar) throws IOException {
        try (OutputStream file = new BufferedOutputStream(archiveFile(to), 1 << 20);
             OutputStream out = compress ? new UnixfsTar.LeveledGzip(file, level == null ? -1 : level) : file) {
            if (archive) {
                new UnixfsTar(exporter, out, n -> {
                    bytes += n;
                    bar.add(n);
                }).write(root, name);
                count(exporter, root);
            } else if (root.type() == EntryType.SYMLINK) {
                out.write(exporter.readSymlink(root.cid()).getBytes(StandardCharsets.UTF_8));
                symlinks++;
            } else {
                try (InputStream in = exporter.read(root.cid())) {
                    copy(in, out, bar);
                }
                files++;
            }
        }
    }

    /** A file's bytes, counted for --json and the bar. */
    private void copy(InputStream in, OutputStream out, ProgressBar bar) throws IOException {
        byte[] buf = new byte[64 * 1024];
        for (int n; (n = in.read(buf)) > 0; ) {
            out.write(buf, 0, n);
            bytes += n;
            bar.add(n);
        }
    }

    /** The --json counts of an archive's entries (only directories are read again: their blocks are few). */
    private void count(Exporter exporter, UnixfsEntry entry) throws IOException {
        switch (entry.type()) {
            case FILE -> files++;
            case SYMLINK -> symlinks++;
            case DIRECTORY -> {
                directories++;
                DirEntries entries = exporter.list(entry.cid(), true);
                for (DirEntry d; (d = entries.next()) != null; ) {
                    if (d.type() == EntryType.DIRECTORY) {
                        count(exporter, exporter.stat(d.cid()));
                    } else if (d.type() == EntryType.FILE) {
                        files++;
                    } else {
                        symlinks++;
                    }
                }
            }
        }
    }

    private static String defaultName(IpfsPath path) {
        List<String> segments = path.segments();
        String last = segments.isEmpty() ? path.root().toString() : segments.get(segments.size() - 1);
        return safeName(last, path.root());
    }

    private void write(Exporter exporter, UnixfsEntry entry, Path to, int depth, ProgressBar bar) throws IOException {
        switch (entry.type()) {
            case FILE -> {
                try (InputStream in = exporter.read(entry.cid())) {
                    // each leaf from the buffer it was read into: no copy in Java
                    GetTarget.file(to, in, (i, o) -> Exporter.transfer(i, new ProgressChannel(o, bar, n -> bytes += n, e -> e)));
                }
                files++;
            }
            case SYMLINK -> {
                GetTarget.symlink(to, exporter.readSymlink(entry.cid()));
                symlinks++;
                return;    // a symlink's own mode and time are not applied: setting them would follow it
            }
            case DIRECTORY -> {
                if (depth >= MAX_DEPTH) {
                    throw new CommandFailedException(entry.cid() + ": directories nested deeper than " + MAX_DEPTH);
                }
                GetTarget.directory(to);
                directories++;
                DirEntries entries = exporter.list(entry.cid(), false);
                Set<String> names = new java.util.HashSet<>();
                for (DirEntry d; (d = entries.next()) != null; ) {
                    // a name twice would overwrite itself: refused, as a broken directory
                    if (!names.add(d.name())) {
                        throw new CommandFailedException(entry.cid() + " names \"" + d.name() + "\" twice");
                    }
                    Path child = to.resolve(safeName(d.name(), entry.cid()));
                    write(exporter, exporter.stat(d.cid()), child, depth + 1, bar);
                }
            }
        }
        applyMetadata(entry, to);
    }

    /** A directory entry's name, refused when it could lead out of the directory being written. */
    static String safeName(String name, Object parent) {
        if (name.isEmpty() || name.equals(".") || name.equals("..") || name.indexOf('/') >= 0 || name.indexOf('\0') >= 0) {
            throw new CommandFailedException(parent + " has an entry named \"" + name.replace("\0", "\\0")
                    + "\", which cannot be written safely: nothing more was written");
        }
        return name;
    }

    /** The stored mode and time; without a mode, 0644 for a file and 0755 for a directory, as Kubo's archive gives them. */
    private static void applyMetadata(UnixfsEntry entry, Path to) throws IOException {
        if (Files.getFileStore(to).supportsFileAttributeView("posix")) {
            int mode = entry.mode() != null ? entry.mode() : entry.type() == EntryType.DIRECTORY ? 0755 : 0644;
            Files.setPosixFilePermissions(to, permissions(mode));
        }
        if (entry.mtime() != null) {
            Files.setLastModifiedTime(to, FileTime.from(entry.mtime().toInstant()));
        }
    }

    /** The permission bits of a mode; set-id and sticky bits are not applied. */
    static Set<PosixFilePermission> permissions(int mode) {
        Set<PosixFilePermission> p = EnumSet.noneOf(PosixFilePermission.class);
        PosixFilePermission[] bits = {
                PosixFilePermission.OTHERS_EXECUTE, PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_READ,
                PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_READ,
                PosixFilePermission.OWNER_EXECUTE, PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_READ};
        for (int i = 0; i < bits.length; i++) {
            if ((mode & (1 << i)) != 0) {
                p.add(bits[i]);
            }
        }
        return p;
    }
}
