package io.p2pkit.node.cli.command.files;

import io.p2pkit.core.multiformats.Cid;
import io.p2pkit.core.multiformats.Multicodec;
import io.p2pkit.ipfs.block.Block;
import io.p2pkit.ipfs.codec.dagpb.PBLink;
import io.p2pkit.ipfs.codec.dagpb.PBNode;
import io.p2pkit.ipfs.ipld.ListNode;
import io.p2pkit.ipfs.ipld.MapNode;
import io.p2pkit.ipfs.repo.Repository;
import io.p2pkit.ipfs.unixfs.exporter.DirEntries;
import io.p2pkit.ipfs.unixfs.exporter.DirEntry;
import io.p2pkit.ipfs.unixfs.exporter.EntryType;
import io.p2pkit.ipfs.unixfs.exporter.Exporter;
import io.p2pkit.ipfs.unixfs.exporter.UnixfsEntry;
import io.p2pkit.node.cli.CliCommand;
import io.p2pkit.node.cli.CommandFailedException;
import io.p2pkit.node.cli.content.BlockNotFoundException;
import io.p2pkit.node.cli.content.ContentPath;
import io.p2pkit.node.cli.content.DaemonApi;
import io.p2pkit.node.cli.content.GoFileMode;
import io.p2pkit.node.cli.content.GoQuote;
import io.p2pkit.node.cli.content.GoTime;
import io.p2pkit.node.cli.content.LocalFiles;
import io.p2pkit.node.cli.content.TabTable;
import io.p2pkit.node.cli.options.CidBaseOption;
import io.p2pkit.node.cli.options.JsonOption;
import io.p2pkit.node.cli.options.RepoOption;
import io.p2pkit.node.multiformats.CidEncoder;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** {@code p2pkit ls}: the entries of UnixFS directories, as Kubo's {@code ipfs ls}. */
@Command(name = "ls", description = {
        "List the entries of UnixFS directories.",
        "",
        "Prints '<cid> <size> <name>' per entry, as Kubo 0.39 does: a file's size in bytes (a symlink's is its "
                + "target's length), '-' and a trailing '/' for a directory; the columns aligned as Go's tabwriter "
                + "aligns them; entries sorted by name. A file argument lists the blocks its root links to (name "
                + "empty), a raw block nothing. With several arguments each listing starts with '<arg>:'. Names "
                + "holding a backslash or an unprintable character are written as Go string literals.",
        "",
        "With --stream (-s) entries are printed as they are read, in the directory's order (a HAMT-sharded one "
                + "shard by shard), each line aligned on its own with columns at least 10 wide, as Kubo's.",
        "",
        "With --long (-l), as Kubo 0.40's: '<mode> <cid> <size> <mtime> <name>', the mode and time an entry stores "
                + "(add --preserve-mode, --preserve-mtime) as 'ls -l' writes them ('-rw-r--r--'; 'Jan 02 15:04' within "
                + "the last six months, else 'Jan 02  2006'), '-' for none.",
        ""},
        footer = {"", "With --json, one line per entry: {\"Objects\":[{\"Hash\":<arg>,\"Links\":[{\"Name\":…,\"Hash\":…,"
                + "\"Size\":…,\"Type\":1|2|4,\"Target\":…,\"Mode\":…,\"ModTime\":…}]}]} (Kubo's --stream shape; Type 1 "
                + "directory, 2 file, 4 symlink; Mode Go's os.FileMode, 0 for none; ModTime RFC 3339, Go's zero time for none)."})
public final class LsCommand extends CliCommand {
    @Parameters(paramLabel = "CID|PATH", arity = "1..*", description = "the directories")
    private List<String> args = new ArrayList<>();

    @Option(names = {"-v", "--headers"}, description = "print a header line per directory")
    private boolean headers;

    @Option(names = "--resolve-type", arity = "0..1", fallbackValue = "true", defaultValue = "true", paramLabel = "BOOL",
            description = "read each entry's root block for its type (default true)")
    private boolean resolveType;

    @Option(names = "--size", arity = "0..1", fallbackValue = "true", defaultValue = "true", paramLabel = "BOOL",
            description = "print file sizes (default true)")
    private boolean size;

    @Option(names = {"-s", "--stream"}, description = "print entries as they are read, in the directory's order")
    private boolean stream;

    @Option(names = {"-l", "--long"}, description = "print each entry's mode and modification time too")
    private boolean long_;

    @Mixin
    private RepoOption repo;

    @Mixin
    private JsonOption output;

    @Mixin
    private CidBaseOption cids;

    /** How the entries' CIDs are written (Kubo's GetCidEncoder; a daemon's answer is written so here too). */
    private CidEncoder enc;

    /** The present, for --long's recent or old times. */
    private final ZonedDateTime now = ZonedDateTime.now();

    /**
     * An entry as Kubo's ls sees it: type null when not resolved, mode Go's os.FileMode (0 for
     * none), mtime null for none.
     */
    private record Entry(String name, Cid cid, EntryType type, long size, String target, long mode, OffsetDateTime mtime) {
    }

    @Override
    protected int run() throws Exception {
        enc = cids.encoder();
        TabTable table = new TabTable(stream ? 10 : 1, 1);
        Optional<DaemonApi> daemon = DaemonApi.find(repo.root());
        if (daemon.isPresent()) {
            try (DaemonApi api = daemon.get()) {
                for (int i = 0; i < args.size(); i++) {
                    try (InputStream in = new BufferedInputStream(api.post("ls", List.of(args.get(i)), Map.of(
                            "stream", "true", "resolve-type", Boolean.toString(resolveType), "size", Boolean.toString(size))))) {
                        list(table, i, args.get(i), () -> remote(in));
                    }
                }
            }
        } else {
            try (Repository r = repo.open()) {
                Exporter exporter = LocalFiles.exporter(r);
                for (int i = 0; i < args.size(); i++) {
                    Cid cid = ContentPath.resolveCid(r, args.get(i));
                    UnixfsEntry e = LocalFiles.offline(() -> exporter.stat(cid));
                    Entries it = entries(r, exporter, cid, e);
                    list(table, i, args.get(i), () -> LocalFiles.offline(it::next));
                }
            }
        }
        if (!output.json()) {
            console().out().print(table.flush());
            console().out().flush();
        }
        return 0;
    }

    /** One argument's listing: as the entries come with --stream, else sorted by name. */
    private void list(TabTable table, int i, String arg, Entries it) throws IOException {
        List<Entry> sorted = new ArrayList<>();
        boolean first = true;
        for (Entry entry; (entry = it.next()) != null; ) {
            if (stream) {
                print(table, i, arg, first, entry);
                console().out().print(table.flush());
                first = false;
            } else {
                sorted.add(entry);
            }
        }
        if (!stream) {
            sorted.sort((a, b) -> Arrays.compareUnsigned(a.name().getBytes(StandardCharsets.UTF_8),
                    b.name().getBytes(StandardCharsets.UTF_8)));
            if (sorted.isEmpty()) {
                print(table, i, arg, true, null);
            }
            for (Entry entry : sorted) {
                print(table, i, arg, first, entry);
                first = false;
            }
        }
    }

    /** The next entry of the daemon's streamed listing ({@code {"Objects":[{"Links":[…]}]}} per entry). */
    private static Entry remote(InputStream in) throws IOException {
        MapNode event = DaemonApi.nextObject(in);
        if (event == null) {
            return null;
        }
        if (!(event.get("Objects").orElse(null) instanceof ListNode objects) || objects.values().isEmpty()
                || !(objects.values().getFirst() instanceof MapNode object)
                || !(object.get("Links").orElse(null) instanceof ListNode links) || links.values().size() != 1
                || !(links.values().getFirst() instanceof MapNode link)) {
            throw new CommandFailedException("the daemon's listing is not Kubo's: " + event);
        }
        long type = DaemonApi.number(link, "Type");
        EntryType t = type == 1 ? EntryType.DIRECTORY : type == 2 ? EntryType.FILE : type == 4 ? EntryType.SYMLINK : null;
        return new Entry(DaemonApi.text(link, "Name"), DaemonApi.cid(link, "Hash"), t, DaemonApi.number(link, "Size"),
                DaemonApi.text(link, "Target"), DaemonApi.number(link, "Mode"), modTime(DaemonApi.text(link, "ModTime")));
    }

    /** A daemon's ModTime: null when absent or Go's zero time. */
    private static OffsetDateTime modTime(String text) {
        if (text.isEmpty() || text.equals(GoTime.ZERO)) {
            return null;
        }
        try {
            return OffsetDateTime.parse(text);
        } catch (DateTimeParseException e) {
            throw new CommandFailedException("the daemon's listing has a ModTime that is not RFC 3339: " + text);
        }
    }

    /** A directory's entries, or the blocks a file's root links to (Kubo lists a non-directory's links). */
    private Entries entries(Repository r, Exporter exporter, Cid cid, UnixfsEntry e) throws IOException {
        boolean resolve = resolveType || size;
        if (e.type() == EntryType.DIRECTORY) {
            DirEntries entries = LocalFiles.offline(() -> exporter.list(cid, false));
            return () -> {
                DirEntry d = entries.next();
                return d == null ? null : entry(exporter, d.name(), d.cid(), d.tsize(), resolve);
            };
        }
        List<Entry> links = new ArrayList<>();
        if (cid.codec() == Multicodec.DAG_PB) {
            Block block = r.blocks().local().get(cid).orElseThrow(() -> new BlockNotFoundException(cid));
            for (PBLink l : PBNode.decode(block.data()).links()) {
                links.add(LocalFiles.offline(() -> entry(exporter, l.nameOrEmpty(), l.hash(),
                        l.tsize() == null ? 0 : l.tsize(), resolve)));
            }
        }
        Iterator<Entry> it = links.iterator();
        return () -> it.hasNext() ? it.next() : null;
    }

    /** Entries read as they are asked for; null after the last. */
    @FunctionalInterface
    private interface Entries {
        Entry next() throws IOException;
    }

    /** Kubo's processLink: a raw block is a file of its link's size; a dag-pb one is read when resolving. */
    private static Entry entry(Exporter exporter, String name, Cid cid, long tsize, boolean resolve) throws IOException {
        if (cid.codec() == Multicodec.RAW) {
            return new Entry(name, cid, EntryType.FILE, tsize, "", 0, null);
        }
        if (!resolve || cid.codec() != Multicodec.DAG_PB) {
            return new Entry(name, cid, null, 0, "", 0, null);
        }
        UnixfsEntry s = exporter.stat(cid);
        long mode = GoFileMode.of(s.type(), s.mode());
        // as boxo: the time in the local zone
        OffsetDateTime mtime = s.mtime() == null ? null
                : s.mtime().toInstant().atZone(ZoneId.systemDefault()).toOffsetDateTime();
        if (s.type() == EntryType.SYMLINK) {
            String target = exporter.readSymlink(cid);
            return new Entry(name, cid, s.type(), target.getBytes(StandardCharsets.UTF_8).length, target, mode, mtime);
        }
        return new Entry(name, cid, s.type(), s.type() == EntryType.FILE ? s.size() : 0, "", mode, mtime);
    }

    /** One line (and, first in a listing, the '<arg>:' and header lines before it), as Kubo's tabularOutput. */
    private void print(TabTable table, int index, String arg, boolean first, Entry d) {
        if (output.json()) {
            if (d != null) {
                json(arg, d);
            }
            return;
        }
        if (first) {
            if (args.size() > 1) {
                if (index > 0) {
                    table.line("");
                }
                table.line(arg + ":");
            }
            if (headers) {
                String columns = size ? "Hash\tSize\t" : "Hash\t";
                table.line(long_ ? "Mode\t" + columns + "ModTime\tName" : columns + "Name");
            }
        }
        if (d == null) {
            return;
        }
        boolean dir = d.type() == EntryType.DIRECTORY;
        String line = enc.encode(d.cid()) + (!size ? "\t" : dir ? "\t-\t" : "\t" + d.size() + "\t");
        if (long_) {
            line = GoFileMode.lsText(d.mode()) + "\t" + line + GoTime.lsStamp(d.mtime(), now) + "\t";
        }
        table.line(line + GoQuote.escNonPrint(d.name()) + (dir ? "/" : ""));
    }

    private void json(String arg, Entry d) {
        Map<String, Object> link = new LinkedHashMap<>();
        link.put("Name", d.name());
        link.put("Hash", enc.encode(d.cid()));
        link.put("Size", d.size());
        link.put("Type", d.type() == null ? 0 : switch (d.type()) {
            case DIRECTORY -> 1;
            case FILE -> 2;
            case SYMLINK -> 4;
        });
        link.put("Target", d.target());
        link.put("Mode", d.mode());
        link.put("ModTime", d.mtime() == null ? GoTime.ZERO : GoTime.rfc3339(d.mtime().toInstant()));
        Map<String, Object> object = new LinkedHashMap<>();
        object.put("Hash", arg);
        object.put("Links", List.of(link));
        console().json(Map.of("Objects", List.of(object)));
    }
}
