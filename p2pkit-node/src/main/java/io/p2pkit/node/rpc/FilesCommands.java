package io.p2pkit.node.rpc;

import io.p2pkit.core.multiformats.Cid;
import io.p2pkit.core.multiformats.Multicodec;
import io.p2pkit.ipfs.block.Block;
import io.p2pkit.ipfs.codec.dagpb.PBLink;
import io.p2pkit.ipfs.codec.dagpb.PBNode;
import io.p2pkit.ipfs.filestore.Filestore;
import io.p2pkit.ipfs.pin.GcLock;
import io.p2pkit.ipfs.pin.PinType;
import io.p2pkit.ipfs.repo.ImportSettings;
import io.p2pkit.ipfs.repo.RepoConfig;
import io.p2pkit.ipfs.repo.Repository;
import io.p2pkit.ipfs.unixfs.exporter.DirEntries;
import io.p2pkit.ipfs.unixfs.exporter.DirEntry;
import io.p2pkit.ipfs.unixfs.exporter.EntryType;
import io.p2pkit.ipfs.unixfs.exporter.Exporter;
import io.p2pkit.ipfs.unixfs.exporter.UnixfsEntry;
import io.p2pkit.ipfs.unixfs.importer.BlockSink;
import io.p2pkit.ipfs.unixfs.importer.ImportListener;
import io.p2pkit.ipfs.unixfs.importer.ImportOptions;
import io.p2pkit.ipfs.unixfs.importer.ImportResult;
import io.p2pkit.ipfs.unixfs.importer.Importer;
import io.p2pkit.ipfs.unixfs.importer.TreeImporter;
import io.p2pkit.ipfs.unixfs.pb.Mtime;
import io.p2pkit.node.cli.content.CodecNames;
import io.p2pkit.node.cli.content.GoFileMode;
import io.p2pkit.node.cli.content.GoTime;
import io.p2pkit.node.cli.content.LocalFiles;
import io.p2pkit.node.cli.content.UnixfsTar;
import io.p2pkit.node.cli.options.RepoOption;
import io.p2pkit.node.exchange.ArrivingBlocks;
import io.p2pkit.node.multiformats.CidEncoder;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.WritableByteChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** {@code add}, {@code cat} and {@code ls}: UnixFS files in and out, in Kubo's shapes. */
final class FilesCommands {
    /** Kubo's link types in {@code ls}: unixfs_pb.Data_DataType. */
    private static final int RAW = 0;
    private static final int DIRECTORY = 1;
    private static final int FILE = 2;
    private static final int SYMLINK = 4;

    private FilesCommands() {
    }

    static List<RpcCommand> all() {
        return List.of(
                RpcCommand.at("add").args(RpcArgument.file("path", true, true))
                        .options(RpcOption.bool("recursive", "r"), RpcOption.bool("hidden", "H"),
                                RpcOption.string("stdin-name"), RpcOption.bool("quiet", "q"),
                                RpcOption.bool("quieter", "Q"), RpcOption.bool("silent"), RpcOption.bool("progress", "p"),
                                RpcOption.bool("trickle", "t"), RpcOption.bool("only-hash", "n"),
                                RpcOption.bool("wrap-with-directory", "w"), RpcOption.string("chunker", "s"),
                                RpcOption.bool("raw-leaves"), RpcOption.integer("cid-version"), RpcOption.string("hash"),
                                RpcOption.bool("inline"), RpcOption.integer("inline-limit"),
                                RpcOption.bool("pin").withDefault(true), RpcOption.string("pin-name"),
                                RpcOption.bool("preserve-mode"), RpcOption.bool("preserve-mtime"), RpcOption.uint("mode"),
                                RpcOption.int64("mtime"), RpcOption.uint("mtime-nsecs"),
                                RpcOption.integer("max-file-links"), RpcOption.integer("max-directory-links"),
                                RpcOption.integer("max-hamt-fanout"), RpcOption.bool("nocopy"), RpcOption.bool("fscache"),
                                RpcOption.bool("fast-provide-root"), RpcOption.bool("fast-provide-wait"))
                        .run(FilesCommands::add),
                RpcCommand.at("cat").args(RpcArgument.string("ipfs-path", true, true).withStdin())
                        .options(RpcOption.int64("offset", "o"), RpcOption.int64("length", "l"),
                                RpcOption.bool("progress", "p").withDefault(true))
                        .run(FilesCommands::cat),
                RpcCommand.at("get").args(RpcArgument.string("ipfs-path", true, false).withStdin())
                        .options(RpcOption.string("output", "o"), RpcOption.bool("archive", "a"),
                                RpcOption.bool("compress", "C"), RpcOption.integer("compression-level", "l"),
                                RpcOption.bool("progress", "p").withDefault(true))
                        .run(FilesCommands::get),
                RpcCommand.at("ls").args(RpcArgument.string("ipfs-path", true, true).withStdin())
                        .options(RpcOption.bool("headers", "v"), RpcOption.bool("resolve-type").withDefault(true),
                                RpcOption.bool("size").withDefault(true), RpcOption.bool("stream", "s"),
                                RpcOption.bool("long", "l"))
                        .run(FilesCommands::ls));
    }

    // --- add

    private static void add(RpcRequest req, RpcResponse res) throws Exception {
        Repository repo = NodeContent.repository(req);
        boolean onlyHash = req.bool("only-hash");
        boolean pin = req.bool("pin") && !onlyHash;
        if (req.has("pin-name") && !req.bool("pin")) {
            throw RpcError.failed("pin-name option requires pin to be set");
        }
        ImportOptions options = importOptions(req, repo.configOnDisk());
        boolean nocopy = req.bool("nocopy");
        if (nocopy && repo.filestore().isEmpty()) {
            throw RpcError.failed(Filestore.NOCOPY_NOT_ENABLED);
        }
        CidEncoder enc = req.cidEncoder();
        Uploads files = req.files();
        AddEvents events = new AddEvents(res, req.bool("progress"), req.bool("silent"), enc);
        GcLock.Held held = onlyHash ? null : repo.gcLock().pinLock(); // from the first block until the roots are pinned
        try {
            WrittenKeys sink = new WrittenKeys(onlyHash ? BlockSink.NONE
                    : nocopy ? repo.filestore().orElseThrow().sink(BlockSink.of(repo.blocks()))
                    : BlockSink.of(repo.addTarget()));
            List<Cid> roots = new ArrayList<>();
            try (TreeImporter tree = new TreeImporter(options, sink, events)) {
                for (Uploads.Entry e; (e = files.next()) != null; ) {
                    if (nocopy && e.kind() == Uploads.Kind.FILE && e.abspath().isEmpty()) {
                        throw RpcError.failed(Importer.MISSING_FILE); // boxo's: only a file can be referred to
                    }
                    if (e.path().isEmpty()) {
                        roots.add(unnamed(options, sink, events, e.body(), req.string("stdin-name").orElse("")));
                        continue;
                    }
                    switch (e.kind()) {
                        case DIRECTORY -> tree.directory(e.path(), mode(options, e.mode()), mtime(options, e.mtime()));
                        case SYMLINK -> tree.symlink(e.path(), e.target(), mtime(options, e.mtime()));
                        case FILE -> {
                            java.nio.file.Path source = nocopy ? abspath(e.abspath()) : null;
                            if (source != null) {
                                repo.filestore().orElseThrow().requireUnderRoot(source); // before its event is sent
                            }
                            tree.file(e.path(), e.body(), mode(options, e.mode()), mtime(options, e.mtime()), source);
                        }
                    }
                }
                for (TreeImporter.Root r : tree.finish()) {
                    roots.add(r.result().root());
                }
                events.directories();
            }
            if (pin) {
                for (Cid root : roots) {
                    repo.pinner().pin(root, PinType.RECURSIVE, req.string("pin-name").orElse(""));
                }
            }
            if (!onlyHash && !roots.isEmpty()) {
                NodeContent.announceAdded(req, roots, sink.written(), List.of(roots.getLast()), pin);
            }
        } catch (IllegalArgumentException e) {
            throw RpcError.failed(e.getMessage());
        } finally {
            if (held != null) {
                held.close();
            }
        }
    }

    /** The client's path of a file added with nocopy: absolute, as Kubo's CLI sends it. */
    private static java.nio.file.Path abspath(String sent) {
        java.nio.file.Path p;
        try {
            p = java.nio.file.Path.of(sent);
        } catch (java.nio.file.InvalidPathException e) {
            throw RpcError.failed("invalid abspath " + sent + ": " + e.getMessage());
        }
        if (!p.isAbsolute()) {
            throw RpcError.failed(Importer.MISSING_FILE);
        }
        return p.normalize();
    }

    /** A file sent without a name (stdin): Kubo names it by its CID, or by stdin-name. */
    private static Cid unnamed(ImportOptions options, BlockSink sink, AddEvents events, InputStream in, String name)
            throws IOException {
        ImportResult r = new Importer(options, sink, events.forName(name)).importStream(in, name);
        events.entry(options.wrapWithDirectory() ? "" : name.isEmpty() ? r.root().toString() : name, r.root(), r.size());
        return r.root();
    }

    private static Integer mode(ImportOptions options, Integer sent) {
        return options.preserveMode() && sent != null ? sent : options.mode();
    }

    private static Mtime mtime(ImportOptions options, Mtime sent) {
        return options.preserveMtime() && sent != null ? sent : options.mtime();
    }

    /** The repository's import profile with the request's options over it, as Kubo's add applies them. */
    private static ImportOptions importOptions(RpcRequest req, RepoConfig config) {
        ImportOptions.Builder b;
        try {
            b = ImportSettings.options(config).toBuilder();
            req.number("cid-version").ifPresent(v -> b.cidVersion(v.intValue()));
            req.string("hash").ifPresent(h -> b.hashFunction(CodecNames.hashFunction("hash", h.toLowerCase(Locale.ROOT))));
            if (req.has("raw-leaves")) {
                b.rawLeaves(req.bool("raw-leaves"));
            }
            req.string("chunker").ifPresent(b::chunker);
            if (req.bool("trickle")) {
                b.layout(ImportOptions.Layout.TRICKLE);
            }
            req.number("max-file-links").ifPresent(v -> b.maxLinks(v.intValue()));
            req.number("max-directory-links").ifPresent(v -> b.maxDirectoryLinks(v.intValue()));
            req.number("max-hamt-fanout").ifPresent(v -> b.hamtFanout(v.intValue()));
            if (req.bool("inline")) {
                b.inline(true);
            }
            req.number("inline-limit").ifPresent(v -> b.inlineLimit(v.intValue()));
            req.number("mode").ifPresent(v -> b.mode(v.intValue() & 07777));
            if (req.has("mtime")) {
                b.mtime(new Mtime(req.number("mtime").orElseThrow(), req.number("mtime-nsecs").orElse(0L).intValue()));
            } else if (req.has("mtime-nsecs")) {
                throw RpcError.failed("option \"mtime-nsecs\" requires \"mtime\" to be provided as well");
            }
            if (req.bool("nocopy")) {
                // as Kubo: nocopy implies raw leaves, unless they were turned off (or mode/mtime turn them off)
                boolean metadata = req.bool("preserve-mode") || req.bool("preserve-mtime") || req.has("mode")
                        || req.has("mtime");
                if ((req.has("raw-leaves") && !req.bool("raw-leaves")) || (metadata && !req.has("raw-leaves"))) {
                    throw RpcError.failed("nocopy option requires '--raw-leaves' to be enabled as well");
                }
                b.rawLeaves(true);
            }
            b.preserveMode(req.bool("preserve-mode")).preserveMtime(req.bool("preserve-mtime")).hidden(true)
                    .wrapWithDirectory(req.bool("wrap-with-directory"));
            return b.build();
        } catch (IllegalArgumentException e) {
            throw RpcError.failed(e.getMessage());
        }
    }

    /**
     * Kubo's add events: {@code {"Name":…,"Bytes":…}} while a file is read (with progress),
     * {@code {"Name":…,"Hash":…,"Size":"…"}} for each file as it is done, and directories after
     * every file.
     */
    private static final class AddEvents implements ImportListener {
        private final RpcResponse res;
        private final boolean progress;
        private final boolean silent;
        private final CidEncoder enc;
        private final List<Map<String, Object>> directories = new ArrayList<>();

        AddEvents(RpcResponse res, boolean progress, boolean silent, CidEncoder enc) {
            this.res = res;
            this.progress = progress;
            this.silent = silent;
            this.enc = enc;
        }

        @Override
        public void bytesRead(String path, long total) {
            if (progress && !silent) {
                Map<String, Object> o = new LinkedHashMap<>();
                o.put("Name", path);
                if (total > 0) {
                    o.put("Bytes", total);      // Kubo's omitempty: an empty file's event is its name alone
                }
                send(o);
            }
        }

        @Override
        public void entryImported(String path, Cid cid, long size) {
            if (!path.isEmpty()) {
                entry(path, cid, size);
            }
        }

        @Override
        public void directoryImported(String path, Cid cid, long size) {
            directories.add(event(path, cid, size));
        }

        /** A listener for a file without a name: its progress under {@code name}, its result left to the caller. */
        ImportListener forName(String name) {
            return new ImportListener() {
                @Override
                public void bytesRead(String path, long total) {
                    AddEvents.this.bytesRead(name, total);
                }
            };
        }

        void entry(String path, Cid cid, long size) {
            send(event(path, cid, size));
        }

        void directories() {
            directories.forEach(this::send);
            directories.clear();
        }

        /** A done entry; an unnamed file's name is its CID in the default form, its hash in the encoder's (as Kubo). */
        private Map<String, Object> event(String path, Cid cid, long size) {
            Map<String, Object> o = new LinkedHashMap<>();
            o.put("Name", path);
            o.put("Hash", enc.encode(cid));
            o.put("Size", Long.toString(size));
            return o;
        }

        private void send(Map<String, Object> o) {
            if (silent) {
                return;
            }
            try {
                res.emit(o);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
    }

    // --- cat

    private static void cat(RpcRequest req, RpcResponse res) throws Exception {
        long offset = req.number("offset").orElse(0L);
        long length = req.number("length").orElse(-1L);
        if (offset < 0) {
            throw RpcError.failed("cannot specify negative offset");
        }
        if (req.has("length") && length < 0) {
            throw RpcError.failed("cannot specify negative length");
        }
        Repository repo = NodeContent.repository(req);
        req.parseBodyArguments();
        // Online, only the blocks on each path and the file's root come before the first byte goes
        // out; a whole file that is not here streams out as its DAG arrives, a range fetches only
        // its own blocks.
        FetchingBlocks blocks = FetchingBlocks.of(req);
        Exporter exporter = new Exporter(blocks);
        List<Cid> files = new ArrayList<>();
        List<Boolean> elsewhere = new ArrayList<>();
        long total = 0;
        for (String arg : req.arguments()) {
            Cid cid = KuboPaths.resolveCid(req, blocks, arg);
            elsewhere.add(!NodeContent.offline(req) && cid.multihash().code() != Multicodec.IDENTITY
                    && !repo.blocks().local().has(cid.multihash()));
            UnixfsEntry e = LocalFiles.offline(() -> exporter.stat(cid));
            if (e.type() == EntryType.DIRECTORY) {
                throw RpcError.failed("this dag node is a directory");
            }
            if (e.type() != EntryType.FILE) {
                throw RpcError.failed("operation not supported for this UnixFS node type: " + e.type());
            }
            files.add(cid);
            long from = Math.min(offset, e.size());
            total += length < 0 ? e.size() - from : Math.min(length, e.size() - from);
        }
        res.length(total);
        // each leaf from the buffer it was read into, as the gateway sends files
        WritableByteChannel out = res.channel();
        for (int i = 0; i < files.size(); i++) {
            Cid cid = files.get(i);
            boolean stream = elsewhere.get(i) && offset == 0 && length < 0;
            try (ArrivingBlocks arriving = stream ? NodeContent.arriving(req, blocks, cid) : null) {
                Exporter reader = stream ? new Exporter(arriving) : exporter;
                LocalFiles.offline(() -> {
                    try (InputStream in = reader.read(cid, offset, length)) {
                        Exporter.transfer(in, out);
                    }
                    return null;
                });
            }
        }
    }

    // --- get

    private static void get(RpcRequest req, RpcResponse res) throws Exception {
        boolean archive = req.bool("archive");
        // as Kubo: without --compress a level is ignored; with it, the level must be 1 to 9
        boolean compress = req.bool("compress");
        int level = compress ? req.number("compression-level").orElse(-1L).intValue() : 0;
        if (compress && req.has("compression-level") && (level < 1 || level > 9)) {
            throw RpcError.failed("compression level must be between 1 and 9");
        }
        Repository repo = NodeContent.repository(req);
        String arg = req.argument(0);
        // Online, the blocks on the path come first; a DAG that is not here then streams out as it arrives.
        FetchingBlocks blocks = FetchingBlocks.of(req);
        Cid cid = KuboPaths.resolveCid(req, blocks, arg);
        boolean elsewhere = !NodeContent.offline(req) && cid.multihash().code() != Multicodec.IDENTITY
                && !repo.blocks().local().has(cid.multihash());
        try (ArrivingBlocks arriving = elsewhere ? NodeContent.arriving(req, blocks, cid) : null) {
            write(res, arg, cid, new Exporter(elsewhere ? arriving : blocks), archive, compress, level);
        }
    }

    /** {@code get}'s answer: the file's bytes, gzipped or not, or a tar of what {@code cid} is. */
    private static void write(RpcResponse res, String arg, Cid cid, Exporter exporter, boolean archive, boolean compress,
                              int level) throws Exception {
        UnixfsEntry root = LocalFiles.offline(() -> exporter.stat(cid));
        // the archive's top entry is named after the path's last segment (the CID for a bare CID)
        String[] parts = Uploads.cleanPath(arg).split("/");
        String name = parts[parts.length - 1];
        if (root.type() == EntryType.FILE) {
            res.length(root.size());
        }
        if (!archive && compress && root.type() == EntryType.DIRECTORY) {
            throw RpcError.failed("file is not regular");
        }
        OutputStream out = compress ? new UnixfsTar.LeveledGzip(res.stream(), level) : res.stream();
        LocalFiles.offline(() -> {
            if (!archive && compress) {
                try (InputStream in = root.type() == EntryType.FILE ? exporter.read(cid)
                        : new java.io.ByteArrayInputStream(exporter.readSymlink(cid).getBytes(StandardCharsets.UTF_8))) {
                    in.transferTo(out);
                }
            } else {
                new UnixfsTar(exporter, out, n -> { }).write(root, name);
            }
            return null;
        });
        if (out instanceof UnixfsTar.LeveledGzip gzip) {
            gzip.finish();
        }
        out.flush();
    }

    // --- ls

    private static void ls(RpcRequest req, RpcResponse res) throws Exception {
        Repository repo = NodeContent.repository(req);
        FetchingBlocks blocks = FetchingBlocks.of(req);
        Exporter exporter = new Exporter(blocks);
        boolean resolve = req.bool("resolve-type") || req.bool("size");
        boolean stream = req.bool("stream");
        req.parseBodyArguments();
        CidEncoder enc = req.cidEncoder();
        List<Map<String, Object>> objects = new ArrayList<>();
        for (String arg : req.arguments()) {
            Cid cid = KuboPaths.resolveCid(req, blocks, arg);
            UnixfsEntry e = LocalFiles.offline(() -> exporter.stat(cid));
            List<Map<String, Object>> links = new ArrayList<>();
            if (e.type() == EntryType.DIRECTORY) {
                if (resolve) {
                    blocks.ensure(cid, RepoOption.codecs(true)); // the entries' first blocks in one batch
                }
                DirEntries entries = LocalFiles.offline(() -> exporter.list(cid, resolve));
                for (DirEntry d; (d = LocalFiles.offline(entries::next)) != null; ) {
                    Map<String, Object> link = link(d, resolve, exporter, enc);
                    if (stream) {
                        res.emit(Map.of("Objects", List.of(object(arg, List.of(link)))));
                    } else {
                        links.add(link);
                    }
                }
            }
            if (e.type() != EntryType.DIRECTORY && cid.codec() == Multicodec.DAG_PB) {
                // as Kubo: a file's listing is the blocks its root links to, unnamed
                Block root = blocks.get(cid).orElseThrow(() -> KuboPaths.notFound(cid));
                for (PBLink l : PBNode.decode(root.data()).links()) {
                    long tsize = l.tsize() == null ? 0 : l.tsize();
                    DirEntry d;
                    if (l.hash().codec() == Multicodec.RAW || !resolve) {
                        d = new DirEntry(l.nameOrEmpty(), l.hash(), tsize, EntryType.FILE, tsize);
                    } else {
                        UnixfsEntry s = LocalFiles.offline(() -> exporter.stat(l.hash()));
                        d = new DirEntry(l.nameOrEmpty(), l.hash(), tsize, s.type(), s.type() == EntryType.FILE ? s.size() : 0,
                                s.mode(), s.mtime());
                    }
                    Map<String, Object> link = link(d, resolve || l.hash().codec() == Multicodec.RAW, exporter, enc);
                    if (stream) {
                        res.emit(Map.of("Objects", List.of(object(arg, List.of(link)))));
                    } else {
                        links.add(link);
                    }
                }
            }
            links.sort((a, b) -> a.get("Name").toString().compareTo(b.get("Name").toString()));
            objects.add(object(arg, links));
        }
        if (!stream) {
            res.single(Map.of("Objects", objects));
        }
    }

    private static Map<String, Object> object(String arg, List<Map<String, Object>> links) {
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("Hash", arg);
        o.put("Links", links);
        return o;
    }

    private static Map<String, Object> link(DirEntry d, boolean resolve, Exporter exporter, CidEncoder enc)
            throws IOException {
        Map<String, Object> link = new LinkedHashMap<>();
        link.put("Name", d.name());
        link.put("Hash", enc.encode(d.cid()));
        String target = resolve && d.type() == EntryType.SYMLINK ? LocalFiles.offline(() -> exporter.readSymlink(d.cid())) : "";
        // Kubo's size of a symlink is its target's length
        long size = !resolve ? 0 : d.type() == EntryType.FILE ? d.size()
                : target.getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
        link.put("Size", size);
        link.put("Type", !resolve ? RAW : switch (d.type()) {
            case DIRECTORY -> DIRECTORY;
            case FILE -> FILE;
            case SYMLINK -> SYMLINK;
        });
        link.put("Target", target);
        // what boxo's FSNode gives: none unless the entry's root was read and stores them
        link.put("Mode", !resolve || d.type() == null ? 0 : GoFileMode.of(d.type(), d.mode()));
        link.put("ModTime", d.mtime() == null ? GoTime.ZERO : GoTime.rfc3339(d.mtime().toInstant()));
        return link;
    }
}
