package io.p2pkit.node.cli.command.files;

import io.p2pkit.core.multiformats.Cid;
import io.p2pkit.ipfs.path.IpfsPath;
import io.p2pkit.ipfs.repo.Repository;
import io.p2pkit.ipfs.unixfs.exporter.DirEntries;
import io.p2pkit.ipfs.unixfs.exporter.DirEntry;
import io.p2pkit.ipfs.unixfs.exporter.Exporter;
import io.p2pkit.ipfs.unixfs.exporter.UnixfsEntry;
import io.p2pkit.node.cli.CliCommand;
import io.p2pkit.node.cli.CommandFailedException;
import io.p2pkit.node.cli.ProgressBar;
import io.p2pkit.node.cli.content.ContentPath;
import io.p2pkit.node.cli.content.LocalFiles;
import io.p2pkit.node.cli.options.JsonOption;
import io.p2pkit.node.cli.options.ProgressOption;
import io.p2pkit.node.cli.content.OnlineRepository;
import io.p2pkit.node.cli.options.FetchOption;
import io.p2pkit.node.cli.options.RepoOption;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermission;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** {@code p2pkit get}: a UnixFS file or directory written to the file system, as Kubo's {@code ipfs get}. */
@Command(name = "get", description = {
        "Write a UnixFS file, directory or symlink to the file system.",
        "",
        "Writes to --output, or else to a new entry in the current directory named by the path's last segment "
                + "(or the CID). Nothing is overwritten: an existing target is an error. Symlinks are written as "
                + "symlinks; stored modes and modification times are applied. Entry names that could leave the "
                + "target ('..', '/', empty) are refused, as are directories nested deeper than "
                + GetCommand.MAX_DEPTH + ". On an error, what was written so far stays.",
        "",
        "With --bootstrap MADDR (repeatable), what the repository lacks is first fetched over Bitswap by a "
                + "short-lived node connected to those peers and to the providers the DHT names; "
                + "--fetch-timeout gives up when no block arrives for that long (default 60s).",
        ""},
        footer = {"", "With --json: {\"Path\":<target>,\"Cid\":…,\"Files\":…,\"Directories\":…,\"Symlinks\":…,\"Bytes\":…}."})
public final class GetCommand extends CliCommand {
    /** The deepest directory nesting written: beyond any real tree, and a bound on recursion. */
    static final int MAX_DEPTH = 1024;

    @Parameters(index = "0", paramLabel = "CID|PATH", description = "what to write")
    private String arg;

    @Option(names = {"-o", "--output"}, paramLabel = "PATH", description = "where to write it (must not exist)")
    private Path target;

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
        try (OnlineRepository online = fetch.open(repo, console())) {
            Repository r = online.repo();
            String resolved = online.resolveName(arg);
            IpfsPath path = ContentPath.parse(resolved);
            Cid cid = ContentPath.resolveCid(r, resolved);
            online.fetchDag(cid, progress, console());
            Path to = target != null ? target : Path.of(defaultName(path));
            if (Files.exists(to, LinkOption.NOFOLLOW_LINKS)) {
                throw new CommandFailedException(to + " already exists: nothing was written (choose another --output)");
            }
            Exporter exporter = LocalFiles.exporter(r);
            UnixfsEntry root = LocalFiles.offline(() -> exporter.stat(cid));
            long total = root.type() == io.p2pkit.ipfs.unixfs.exporter.EntryType.FILE ? root.size() : -1;
            try (ProgressBar bar = progress.bar(console(), "saving", total, ProgressBar.Unit.BYTES, "")) {
                LocalFiles.offline(() -> {
                    write(exporter, root, to, 0, bar);
                    return null;
                });
            }
            Map<String, Object> o = new LinkedHashMap<>();
            o.put("Path", to.toString());
            o.put("Cid", cid.toString());
            o.put("Files", files);
            o.put("Directories", directories);
            o.put("Symlinks", symlinks);
            o.put("Bytes", bytes);
            output.print(console(), o, "Saved " + cid + " to " + to + " (" + files + " files, " + directories
                    + " directories, " + bytes + " bytes)");
        }
        return 0;
    }

    private static String defaultName(IpfsPath path) {
        List<String> segments = path.segments();
        String last = segments.isEmpty() ? path.root().toString() : segments.get(segments.size() - 1);
        return safeName(last, path.root());
    }

    private void write(Exporter exporter, UnixfsEntry entry, Path to, int depth, ProgressBar bar) throws IOException {
        switch (entry.type()) {
            case FILE -> {
                try (InputStream in = exporter.read(entry.cid());
                     OutputStream out = Files.newOutputStream(to, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE,
                             LinkOption.NOFOLLOW_LINKS)) {
                    byte[] buf = new byte[64 * 1024];
                    for (int n; (n = in.read(buf)) > 0; ) {
                        out.write(buf, 0, n);
                        bytes += n;
                        bar.add(n);
                    }
                }
                files++;
            }
            case SYMLINK -> {
                Files.createSymbolicLink(to, Path.of(exporter.readSymlink(entry.cid())));
                symlinks++;
                return;    // a symlink's own mode and time are not applied: setting them would follow it
            }
            case DIRECTORY -> {
                if (depth >= MAX_DEPTH) {
                    throw new CommandFailedException(entry.cid() + ": directories nested deeper than " + MAX_DEPTH);
                }
                Files.createDirectory(to);
                directories++;
                DirEntries entries = exporter.list(entry.cid(), false);
                for (DirEntry d; (d = entries.next()) != null; ) {
                    Path child = to.resolve(safeName(d.name(), entry.cid()));
                    try {
                        write(exporter, exporter.stat(d.cid()), child, depth + 1, bar);
                    } catch (FileAlreadyExistsException e) {
                        throw new CommandFailedException(entry.cid() + " names \"" + d.name() + "\" twice", e);
                    }
                }
            }
        }
        applyMetadata(entry, to);
    }

    /** A directory entry's name, refused when it could lead out of the directory being written. */
    static String safeName(String name, Cid parent) {
        if (name.isEmpty() || name.equals(".") || name.equals("..") || name.indexOf('/') >= 0 || name.indexOf('\0') >= 0) {
            throw new CommandFailedException(parent + " has an entry named \"" + name.replace("\0", "\\0")
                    + "\", which cannot be written safely: nothing more was written");
        }
        return name;
    }

    private static void applyMetadata(UnixfsEntry entry, Path to) throws IOException {
        if (entry.mode() != null && Files.getFileStore(to).supportsFileAttributeView("posix")) {
            Files.setPosixFilePermissions(to, permissions(entry.mode()));
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
