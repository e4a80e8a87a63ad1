package io.p2pkit.node.cli.command.files;

import io.p2pkit.core.multiformats.Cid;
import io.p2pkit.ipfs.repo.Repository;
import io.p2pkit.ipfs.unixfs.exporter.DirEntries;
import io.p2pkit.ipfs.unixfs.exporter.DirEntry;
import io.p2pkit.ipfs.unixfs.exporter.EntryType;
import io.p2pkit.ipfs.unixfs.exporter.Exporter;
import io.p2pkit.ipfs.unixfs.exporter.UnixfsEntry;
import io.p2pkit.node.cli.CliCommand;
import io.p2pkit.node.cli.content.ContentPath;
import io.p2pkit.node.cli.content.LocalFiles;
import io.p2pkit.node.cli.options.JsonOption;
import io.p2pkit.node.cli.options.RepoOption;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@code p2pkit ls}: the entries of UnixFS directories, as Kubo's {@code ipfs ls}. */
@Command(name = "ls", description = {
        "List the entries of UnixFS directories.",
        "",
        "Prints '<cid> <size> <name>' per entry, in the directory's order (a HAMT-sharded one shard by shard, "
                + "read as it goes): a file's size in bytes, '-' and a trailing '/' for a directory. A file "
                + "argument is listed as itself. With several arguments each listing starts with '<arg>:'.",
        ""},
        footer = {"", "With --json, one line per entry: {\"Objects\":[{\"Hash\":<arg>,\"Links\":[{\"Name\":…,\"Hash\":…,"
                + "\"Size\":…,\"Type\":1|2|4,\"Target\":…}]}]} (Kubo's --stream shape; Type 1 directory, 2 file, 4 symlink)."})
public final class LsCommand extends CliCommand {
    @Parameters(paramLabel = "CID|PATH", arity = "1..*", description = "the directories")
    private List<String> args = new ArrayList<>();

    @Option(names = {"-v", "--headers"}, description = "print a header line per directory")
    private boolean headers;

    @Option(names = "--resolve-type", arity = "0..1", fallbackValue = "true", defaultValue = "true", paramLabel = "BOOL",
            description = "read each entry's root block for its type (default true)")
    private boolean resolveType;

    @Option(names = "--size", arity = "0..1", fallbackValue = "true", defaultValue = "true", paramLabel = "BOOL",
            description = "print file sizes (default true; needs --resolve-type)")
    private boolean size;

    @Option(names = {"-s", "--stream"}, description = "accepted for Kubo's sake: entries are always printed as they are read")
    private boolean stream;

    @Mixin
    private RepoOption repo;

    @Mixin
    private JsonOption output;

    @Override
    protected int run() throws Exception {
        try (Repository r = repo.open()) {
            Exporter exporter = LocalFiles.exporter(r);
            for (int i = 0; i < args.size(); i++) {
                String arg = args.get(i);
                Cid cid = ContentPath.resolveCid(r, arg);
                UnixfsEntry e = LocalFiles.offline(() -> exporter.stat(cid));
                if (!output.json()) {
                    if (args.size() > 1) {
                        console().println((i > 0 ? "\n" : "") + arg + ":");
                    }
                    if (headers) {
                        console().println(size ? "Hash\tSize\tName" : "Hash\tName");
                    }
                }
                if (e.type() != EntryType.DIRECTORY) {
                    print(arg, new DirEntry(arg, cid, e.size(), e.type(), e.size()), exporter);
                    continue;
                }
                DirEntries entries = LocalFiles.offline(() -> exporter.list(cid, resolveType || size));
                for (DirEntry d; (d = LocalFiles.offline(entries::next)) != null; ) {
                    print(arg, d, exporter);
                }
            }
        }
        return 0;
    }

    private void print(String arg, DirEntry d, Exporter exporter) throws java.io.IOException {
        EntryType type = resolveType ? d.type() : null;
        long bytes = d.type() == EntryType.FILE ? d.size() : 0;
        if (output.json()) {
            Map<String, Object> link = new LinkedHashMap<>();
            link.put("Name", d.name());
            link.put("Hash", d.cid().toString());
            link.put("Size", bytes);
            link.put("Type", type == null ? -1 : switch (type) {
                case DIRECTORY -> 1;
                case FILE -> 2;
                case SYMLINK -> 4;
            });
            link.put("Target", type == EntryType.SYMLINK ? LocalFiles.offline(() -> exporter.readSymlink(d.cid())) : "");
            Map<String, Object> object = new LinkedHashMap<>();
            object.put("Hash", arg);
            object.put("Links", List.of(link));
            console().json(Map.of("Objects", List.of(object)));
        } else if (type == EntryType.DIRECTORY) {
            console().println(d.cid() + (size ? "\t-\t" : "\t") + d.name() + "/");
        } else {
            console().println(d.cid() + (size ? "\t" + bytes + "\t" : "\t") + d.name());
        }
    }
}
