package io.p2pkit.node.cli.command.files;

import io.p2pkit.core.multiformats.Cid;
import io.p2pkit.ipfs.ipld.MapNode;
import io.p2pkit.ipfs.filestore.Filestore;
import io.p2pkit.ipfs.pin.GcLock;
import io.p2pkit.ipfs.pin.PinType;
import io.p2pkit.ipfs.repo.ImportSettings;
import io.p2pkit.ipfs.repo.RepoConfig;
import io.p2pkit.ipfs.repo.Repository;
import io.p2pkit.ipfs.unixfs.importer.BlockSink;
import io.p2pkit.ipfs.unixfs.importer.ImportListener;
import io.p2pkit.ipfs.unixfs.importer.ImportOptions;
import io.p2pkit.ipfs.unixfs.importer.ImportResult;
import io.p2pkit.ipfs.unixfs.importer.Importer;
import io.p2pkit.ipfs.unixfs.pb.Mtime;
import io.p2pkit.node.cli.CliCommand;
import io.p2pkit.node.cli.CommandFailedException;
import io.p2pkit.node.cli.ProgressBar;
import io.p2pkit.node.cli.UsageException;
import io.p2pkit.node.cli.content.CodecNames;
import io.p2pkit.node.cli.content.DaemonApi;
import io.p2pkit.node.cli.content.MultipartUpload;
import io.p2pkit.node.cli.options.CidBaseOption;
import io.p2pkit.node.cli.options.FastProvideOption;
import io.p2pkit.node.cli.options.JsonOption;
import io.p2pkit.node.cli.options.ProgressOption;
import io.p2pkit.node.cli.options.RepoOption;
import io.p2pkit.node.multiformats.CidEncoder;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** {@code p2pkit add}: files and directories into UnixFS DAGs in the repository, as Kubo's {@code ipfs add}. */
@Command(name = "add", description = {
        "Add files or directories to the repository as UnixFS, and pin them.",
        "",
        "Each PATH (or stdin) is chunked and stored as a UnixFS DAG; its root is pinned recursively unless "
                + "--pin=false. Directories need -r; names starting with a dot are skipped unless -H; symlinks are "
                + "stored as symlinks, never followed. Prints 'added <cid> <name>' for every file and directory, "
                + "children before their directory and the root last.",
        "",
        "The layout comes from the repository's import.profile (set with 'p2pkit init --profile "
                + "unixfs-v1-2025'; default unixfs-v0-2015, Kubo's defaults), and each option below overrides it "
                + "as Kubo's do: same options and same input give Kubo's CIDs. --only-hash computes the CIDs and "
                + "stores nothing (it needs no repository, and reads the profile of one if there is).",
        ""},
        footer = {"", "With --json: {\"Name\":…,\"Hash\":…,\"Size\":\"<cumulative DAG size>\"} per entry (Kubo's shape)."})
public final class AddCommand extends CliCommand {
    @Parameters(paramLabel = "PATH", arity = "0..*", description = "files or directories (default: stdin)")
    private List<Path> paths = new ArrayList<>();

    @Option(names = {"-r", "--recursive"}, description = "add directories and everything under them")
    private boolean recursive;

    @Option(names = {"-H", "--hidden"}, description = "include files whose names start with a dot")
    private boolean hidden;

    @Option(names = "--stdin-name", paramLabel = "NAME", description = "the name of the file read from stdin")
    private String stdinName = "";

    @Option(names = {"-q", "--quiet"}, description = "print only the CIDs")
    private boolean quiet;

    @Option(names = {"-Q", "--quieter"}, description = "print only the final CID")
    private boolean quieter;

    @Option(names = "--silent", description = "print nothing")
    private boolean silent;

    @Option(names = {"-n", "--only-hash"}, description = "compute the CIDs only; store and pin nothing")
    private boolean onlyHash;

    @Option(names = {"-w", "--wrap-with-directory"}, description = "put the added files into one new directory")
    private boolean wrap;

    @Option(names = {"-t", "--trickle"}, description = "use the trickle layout instead of the balanced one")
    private boolean trickle;

    @Option(names = {"-s", "--chunker"}, paramLabel = "SPEC",
            description = "size-N, rabin[-MIN-AVG-MAX] or buzhash (default: the profile's, size-262144)")
    private String chunker;

    @Option(names = "--raw-leaves", arity = "0..1", fallbackValue = "true", paramLabel = "BOOL",
            description = "store file data as raw blocks (default: true with CIDv1)")
    private Boolean rawLeaves;

    @Option(names = "--cid-version", paramLabel = "0|1", description = "the CID version (default: the profile's)")
    private Integer cidVersion;

    @Option(names = "--hash", paramLabel = "HASH", description = "the multihash function (default sha2-256; others imply CIDv1)")
    private String hash;

    @Option(names = "--inline", description = "put blocks of up to --inline-limit bytes into identity CIDs")
    private boolean inline;

    @Option(names = "--inline-limit", paramLabel = "BYTES", description = "the largest inlined block (default 32, at most 128)")
    private Integer inlineLimit;

    @Option(names = "--pin", arity = "0..1", fallbackValue = "true", defaultValue = "true", paramLabel = "BOOL",
            description = "pin the added roots (default true)")
    private boolean pin;

    @Option(names = "--pin-name", paramLabel = "NAME", description = "a name for the pins")
    private String pinName = "";

    @Option(names = "--preserve-mode", description = "store each file's permission bits")
    private boolean preserveMode;

    @Option(names = "--preserve-mtime", description = "store each file's modification time")
    private boolean preserveMtime;

    @Option(names = "--mode", paramLabel = "MODE", description = "store this mode (octal with a leading 0, e.g. 0644)")
    private String mode;

    @Option(names = "--mtime", paramLabel = "SECONDS", description = "store this modification time (seconds since 1970)")
    private Long mtime;

    @Option(names = "--mtime-nsecs", paramLabel = "NANOS", description = "the fraction of --mtime, in nanoseconds")
    private Integer mtimeNanos;

    @Option(names = "--max-file-links", paramLabel = "N", description = "most links of one file node (default 174)")
    private Integer maxFileLinks;

    @Option(names = "--max-directory-links", paramLabel = "N",
            description = "most entries of a basic directory before it is sharded (default: no limit)")
    private Integer maxDirectoryLinks;

    @Option(names = "--max-hamt-fanout", paramLabel = "N", description = "the fanout of HAMT shards (default 256)")
    private Integer maxHamtFanout;

    @Option(names = "--nocopy", description = "keep the files' bytes where they are: their raw leaves are "
            + "recorded as references (Kubo's filestore; needs Experimental.FilestoreEnabled, files under the "
            + "repository directory's parent; implies --raw-leaves)")
    private boolean nocopy;

    @Option(names = "--allow-big-block", description = "accept blocks over 2 MiB (they cannot be exchanged over Bitswap)")
    private boolean allowBigBlock;

    @Mixin
    private ProgressOption progress;

    @Mixin
    private RepoOption repo;

    @Mixin
    private JsonOption output;

    @Mixin
    private CidBaseOption cids;

    @Mixin
    private FastProvideOption fastProvide;

    /** How the CIDs printed are written (Kubo's GetCidEncoder). */
    private CidEncoder enc;

    @Override
    protected int run() throws Exception {
        checkPaths();
        enc = cids.encoder();
        if (onlyHash) {
            Path root = repo.root();
            RepoConfig config = Repository.isInitialized(root) ? Repository.readConfig(root) : RepoConfig.defaults();
            ImportOptions options = options(config);
            if (nocopy && !Repository.filestoreEnabled(config)) {
                throw new CommandFailedException(Filestore.NOCOPY_NOT_ENABLED);
            }
            importAll(options, BlockSink.NONE);
            return 0;
        }
        Optional<DaemonApi> daemon = DaemonApi.find(repo.root());
        if (daemon.isPresent()) {
            try (DaemonApi api = daemon.get()) {
                throughDaemon(api);
            }
            return 0;
        }
        try (Repository r = repo.openForAdding(allowBigBlock)) {
            // As Kubo: hold the pin lock from before the first block until the roots are pinned, so no collection
            // takes the blocks of an import in between.
            GcLock.Held held = r.gcLock().pinLock();
            try {
                ImportOptions options = options(r.config());
                BlockSink sink = BlockSink.of(r.addTarget());
                if (nocopy) {
                    Filestore fs = r.filestore().orElseThrow(() -> new CommandFailedException(Filestore.NOCOPY_NOT_ENABLED));
                    for (Path p : paths) {
                        fs.requireUnderRoot(p.toAbsolutePath().normalize());
                    }
                    sink = fs.sink(BlockSink.of(r.blocks()));
                }
                List<Cid> roots = importAll(options, sink);
                if (pin) {
                    for (Cid root : roots) {
                        r.pinner().pin(root, PinType.RECURSIVE, pinName);
                    }
                }
            } finally {
                held.close();
            }
        }
        return 0;
    }

    private void checkPaths() throws IOException {
        for (Path p : paths) {
            BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            if (a.isDirectory() && !recursive) {
                throw new UsageException(p + " is a directory, use the '-r' flag to add directories");
            }
        }
        if (paths.isEmpty() && recursive) {
            throw new UsageException("-r needs a PATH: stdin is one file");
        }
    }

    /** The repository's profile with this command line's options over it. */
    private ImportOptions options(RepoConfig config) {
        ImportOptions.Builder b;
        try {
            b = ImportSettings.options(config).toBuilder();
        } catch (IllegalArgumentException e) {
            throw new UsageException("the repository's config: " + e.getMessage());
        }
        try {
            if (cidVersion != null) {
                b.cidVersion(cidVersion);
            }
            if (hash != null) {
                b.hashFunction(CodecNames.hashFunction("--hash", hash));
            }
            if (rawLeaves != null) {
                b.rawLeaves(rawLeaves);
            }
            if (chunker != null) {
                b.chunker(chunker);
            }
            if (trickle) {
                b.layout(ImportOptions.Layout.TRICKLE);
            }
            if (maxFileLinks != null) {
                b.maxLinks(maxFileLinks);
            }
            if (maxDirectoryLinks != null) {
                b.maxDirectoryLinks(maxDirectoryLinks);
            }
            if (maxHamtFanout != null) {
                b.hamtFanout(maxHamtFanout);
            }
            if (inline) {
                b.inline(true);
            }
            if (inlineLimit != null) {
                b.inlineLimit(inlineLimit);
            }
            if (mode != null) {
                b.mode(parseMode(mode));
            }
            if (mtime != null) {
                b.mtime(new Mtime(mtime, mtimeNanos == null ? 0 : mtimeNanos));
            } else if (mtimeNanos != null) {
                throw new UsageException("--mtime-nsecs needs --mtime");
            }
            if (nocopy) {
                // as Kubo: nocopy implies raw leaves, unless they were turned off (or mode/mtime turn them off)
                boolean metadata = preserveMode || preserveMtime || mode != null || mtime != null;
                if (Boolean.FALSE.equals(rawLeaves) || (metadata && rawLeaves == null)) {
                    throw new UsageException("nocopy option requires '--raw-leaves' to be enabled as well");
                }
                b.rawLeaves(true);
            }
            b.preserveMode(preserveMode).preserveMtime(preserveMtime).hidden(hidden);
            return b.build();
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
    }

    /** Kubo's --mode: octal with a leading 0 (or 0o), else decimal. */
    static int parseMode(String text) {
        String t = text.strip();
        try {
            int m;
            if (t.startsWith("0o") || t.startsWith("0O")) {
                m = Integer.parseInt(t.substring(2), 8);
            } else if (t.length() > 1 && t.startsWith("0")) {
                m = Integer.parseInt(t.substring(1), 8);
            } else {
                m = Integer.parseInt(t);
            }
            if (m < 0 || m > 07777) {
                throw new UsageException("--mode " + text + ": out of range (0 to 07777)");
            }
            return m;
        } catch (NumberFormatException e) {
            throw new UsageException("--mode " + text + ": not a number (octal with a leading 0, e.g. 0644)");
        }
    }

    /**
     * The same through the running daemon, which holds the repository: the files go up as Kubo's
     * CLI sends them (a multipart form, hidden names left out here) and its events are printed as
     * the local import prints them. The daemon applies its repository's import profile under the
     * options given.
     */
    private void throughDaemon(DaemonApi api) throws IOException {
        Map<String, String> o = new LinkedHashMap<>();
        if (cidVersion != null) {
            o.put("cid-version", cidVersion.toString());
        }
        putIf(o, "hash", hash);
        if (rawLeaves != null) {
            o.put("raw-leaves", rawLeaves.toString());
        }
        putIf(o, "chunker", chunker);
        if (trickle) {
            o.put("trickle", "true");
        }
        if (inline) {
            o.put("inline", "true");
        }
        if (inlineLimit != null) {
            o.put("inline-limit", inlineLimit.toString());
        }
        if (mode != null) {
            o.put("mode", Integer.toString(parseMode(mode)));
        }
        if (mtime != null) {
            o.put("mtime", mtime.toString());
        }
        if (mtimeNanos != null) {
            o.put("mtime-nsecs", mtimeNanos.toString());
        }
        if (maxFileLinks != null) {
            o.put("max-file-links", maxFileLinks.toString());
        }
        if (maxDirectoryLinks != null) {
            o.put("max-directory-links", maxDirectoryLinks.toString());
        }
        if (maxHamtFanout != null) {
            o.put("max-hamt-fanout", maxHamtFanout.toString());
        }
        o.put("pin", Boolean.toString(pin));
        fastProvide.addTo(o);
        if (!pinName.isEmpty()) {
            o.put("pin-name", pinName);
        }
        if (wrap) {
            o.put("wrap-with-directory", "true");
        }
        if (preserveMode) {
            o.put("preserve-mode", "true");
        }
        if (preserveMtime) {
            o.put("preserve-mtime", "true");
        }
        if (allowBigBlock) {
            o.put("allow-big-block", "true");
        }
        if (!stdinName.isEmpty()) {
            o.put("stdin-name", stdinName);
        }
        if (nocopy) {
            o.put("nocopy", "true");
        }
        o.put("progress", Boolean.toString(progress.enabled()));
        cids.addTo(o);
        // Kubo takes its arguments in name order
        List<Path> sorted = new ArrayList<>(paths);
        sorted.sort(Comparator.comparing(AddCommand::baseName));
        MultipartUpload upload = paths.isEmpty() ? MultipartUpload.stdin(console().in())
                : MultipartUpload.of(sorted, hidden, preserveMode, preserveMtime);
        long total = paths.isEmpty() || !progress.enabled() ? -1 : totalBytes(paths, hidden);
        try (ProgressBar bar = progress.bar(console(), "adding", total, ProgressBar.Unit.BYTES, "");
             InputStream in = new BufferedInputStream(api.upload("add", List.of(), o, upload.contentType(), upload.body()))) {
            Reporter reporter = new Reporter(bar);
            Map<String, Long> read = new HashMap<>();
            boolean any = false;
            for (MapNode event; (event = DaemonApi.nextObject(in)) != null; ) {
                String name = DaemonApi.text(event, "Name");
                String hashText = DaemonApi.text(event, "Hash");
                if (hashText.isEmpty()) {
                    // a progress event: the bytes read so far of one file
                    long bytes = DaemonApi.number(event, "Bytes");
                    bar.add(bytes - read.getOrDefault(name, 0L));
                    read.put(name, bytes);
                    continue;
                }
                any = true;
                reporter.printEntry(name, hashText, DaemonApi.text(event, "Size"));
            }
            if (!any) {
                throw new CommandFailedException("the daemon added nothing and said nothing of why");
            }
            reporter.flushLast();
        }
    }

    private static void putIf(Map<String, String> o, String key, String value) {
        if (value != null) {
            o.put(key, value);
        }
    }

    private Importer importer(ImportOptions options, BlockSink sink, ImportListener listener) {
        Importer importer = new Importer(options, sink, listener);
        return nocopy ? importer.nocopy() : importer;
    }

    /** Imports every argument (or stdin); returns the roots to pin. */
    private List<Cid> importAll(ImportOptions options, BlockSink sink) throws IOException {
        // the total is a second walk of the tree: only for a bar that shows it
        long total = paths.isEmpty() || !progress.enabled() ? -1 : totalBytes(paths, options.hidden());
        List<Cid> roots = new ArrayList<>();
        // Kubo takes its arguments in name order
        List<Path> sorted = new ArrayList<>(paths);
        sorted.sort(Comparator.comparing(AddCommand::baseName));
        try (ProgressBar bar = progress.bar(console(), "adding", total, ProgressBar.Unit.BYTES, "")) {
            Reporter reporter = new Reporter(bar);
            if (paths.isEmpty()) {
                reporter.prefix = stdinName;
                ImportOptions o = wrap ? options.toBuilder().wrapWithDirectory(true).build() : options;
                ImportResult r = importer(o, sink, reporter).importStream(console().in(), stdinName);
                reporter.finish();
                if (wrap) {
                    reporter.print("", r.root(), r.size());
                } else if (stdinName.isEmpty()) {
                    // Kubo names a file from stdin without --stdin-name by its CID
                    reporter.print(r.root().toString(), r.root(), r.size());
                }
                roots.add(r.root());
            } else if (wrap) {
                reporter.prefix = "";
                ImportResult r = importer(options, sink, reporter).importPaths(sorted);
                reporter.finish();
                reporter.print("", r.root(), r.size());
                roots.add(r.root());
            } else {
                for (Path p : sorted) {
                    reporter.prefix = baseName(p);
                    ImportResult r = importer(options, sink, reporter).importPath(p);
                    reporter.finish();
                    roots.add(r.root());
                }
            }
            reporter.flushLast();
        }
        return roots;
    }

    private static String baseName(Path p) {
        Path name = p.toAbsolutePath().normalize().getFileName();
        return name == null ? "" : name.toString();
    }

    private static long totalBytes(List<Path> paths, boolean hidden) throws IOException {
        long[] total = {0};
        for (Path p : paths) {
            Files.walkFileTree(p, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
                    return !hidden && !dir.equals(p) && dir.getFileName().toString().startsWith(".")
                            ? FileVisitResult.SKIP_SUBTREE : FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                    if (attrs.isRegularFile() && (hidden || file.equals(p) || !file.getFileName().toString().startsWith("."))) {
                        total[0] += attrs.size();
                    }
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFileFailed(Path file, IOException e) {
                    return FileVisitResult.CONTINUE;    // the import reports it, with its name
                }
            });
        }
        return total[0];
    }

    /** Prints each imported entry as Kubo does, and moves the bar. */
    private final class Reporter implements ImportListener {
        private final ProgressBar bar;
        String prefix = "";
        private String file;
        private long fileBytes;
        // -Q prints the last root only: held back until the next one replaces it
        private String last;
        private Cid lastCid;
        private final List<Runnable> directories = new ArrayList<>();

        Reporter(ProgressBar bar) {
            this.bar = bar;
        }

        @Override
        public void bytesRead(String path, long total) {
            if (!path.equals(file)) {
                file = path;
                fileBytes = 0;
            }
            bar.add(total - fileBytes);
            fileBytes = total;
        }

        @Override
        public void entryImported(String path, Cid cid, long size) {
            String name = name(path);
            if (!name.isEmpty()) {
                print(name, cid, size);
            }
        }

        @Override
        public void directoryImported(String path, Cid cid, long size) {
            // Kubo prints an import's directories after its files, in the same post-order
            String name = name(path);
            if (!name.isEmpty()) {
                directories.add(() -> print(name, cid, size));
            }
        }

        private String name(String path) {
            return prefix.isEmpty() ? path : path.isEmpty() ? prefix : prefix + "/" + path;
        }

        /** The end of one import: its directories are printed, and the next file's count starts afresh. */
        void finish() {
            directories.forEach(Runnable::run);
            directories.clear();
            file = null;
        }

        void print(String name, Cid cid, long size) {
            if (silent) {
                return;
            }
            if (quieter) {
                // only the last is printed: its text is made then (base58 is costly in a fresh JVM)
                lastCid = cid;
                last = null;
                return;
            }
            printEntry(name, enc.encode(cid), Long.toString(size));
        }

        void printEntry(String name, String cid, String size) {
            if (silent) {
                return;
            }
            if (quieter) {
                last = cid;
                lastCid = null;
                return;
            }
            if (output.json()) {
                Map<String, Object> o = new LinkedHashMap<>();
                o.put("Name", name);
                o.put("Hash", cid);
                o.put("Size", size);
                console().json(o);
            } else if (quiet) {
                console().println(cid);
            } else {
                console().println("added " + cid + " " + name);
            }
        }

        void flushLast() {
            if (lastCid != null) {
                last = enc.encode(lastCid);
            }
            if (last != null) {
                if (output.json()) {
                    console().json(Map.of("Hash", last));
                } else {
                    console().println(last);
                }
            }
        }
    }
}
