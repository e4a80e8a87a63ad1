package io.p2pkit.node.cli.command.files;

import io.p2pkit.core.multiformats.Cid;
import io.p2pkit.ipfs.repo.Repository;
import io.p2pkit.ipfs.unixfs.exporter.EntryType;
import io.p2pkit.ipfs.unixfs.exporter.Exporter;
import io.p2pkit.ipfs.unixfs.exporter.UnixfsEntry;
import io.p2pkit.node.cli.CliCommand;
import io.p2pkit.node.cli.CommandFailedException;
import io.p2pkit.node.cli.ProgressBar;
import io.p2pkit.node.cli.UsageException;
import io.p2pkit.node.cli.content.DaemonApi;
import io.p2pkit.node.cli.content.LocalFiles;
import io.p2pkit.node.cli.content.OnlineRepository;
import io.p2pkit.node.cli.content.ProgressChannel;
import io.p2pkit.node.cli.content.StdoutStream;
import io.p2pkit.node.cli.options.FetchOption;
import io.p2pkit.node.cli.options.JsonOption;
import io.p2pkit.node.cli.options.ProgressOption;
import io.p2pkit.node.cli.options.RepoOption;
import io.p2pkit.node.exchange.ArrivingBlocks;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.WritableByteChannel;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** {@code p2pkit cat}: the bytes of UnixFS files on stdout, as Kubo's {@code ipfs cat}. */
@Command(name = "cat", description = {
        "Write the bytes of UnixFS files to stdout.",
        "",
        "Takes CIDs or paths (/ipfs/<cid>/dir/file, HAMT-sharded directories included) and writes the files one "
                + "after another. --offset and --length read a range; the blocks before the offset are not read. "
                + "Every block is checked against its CID; a missing block is an error naming it (the command "
                + "works offline, on the repository). With --bootstrap, a file the repository lacks is written while "
                + "its blocks arrive over Bitswap.",
        ""},
        footer = {"", "With --json: {\"Path\":…,\"Cid\":…,\"Size\":…,\"Data\":<base64>} per file, for files of up to "
                + "16 MiB (the bytes themselves otherwise)."})
public final class CatCommand extends CliCommand {
    /** The largest file --json puts into one line. */
    static final int JSON_LIMIT = 16 << 20;

    @Parameters(paramLabel = "CID|PATH", arity = "1..*", description = "the files")
    private List<String> args = new ArrayList<>();

    @Option(names = {"-o", "--offset"}, paramLabel = "BYTES", defaultValue = "0", description = "the first byte to write")
    private long offset;

    @Option(names = {"-l", "--length"}, paramLabel = "BYTES", defaultValue = "-1", description = "the most bytes to write")
    private long length;

    @Mixin
    private ProgressOption progress;

    @Mixin
    private RepoOption repo;

    @Mixin
    private FetchOption fetch;

    @Mixin
    private JsonOption output;

    @Override
    protected int run() throws Exception {
        if (offset < 0) {
            throw new UsageException("--offset must not be negative: " + offset);
        }
        if (length < -1) {
            throw new UsageException("--length must not be negative: " + length);
        }
        Optional<DaemonApi> daemon = fetch.daemon(repo);
        if (daemon.isPresent()) {
            try (DaemonApi api = daemon.get()) {
                fetch.fetchThroughDaemon(api, args);
                return throughDaemon(api);
            }
        }
        try (OnlineRepository online = fetch.open(repo, console())) {
            Repository r = online.repo();
            Exporter exporter = LocalFiles.exporter(r);
            // a file not here streams while a fetch brings it (a range: only its blocks, one by one)
            Exporter fetching = new Exporter(r.blocks());
            List<Cid> files = new ArrayList<>();
            List<Boolean> streamed = new ArrayList<>();
            long total = 0;
            for (String arg : args) {
                Cid cid = online.resolveCid(arg, true, progress, console());
                boolean streams = online.streams(cid);
                if (!streams) {
                    online.fetchDag(cid, progress, console());
                }
                UnixfsEntry e = LocalFiles.offline(() -> (streams ? fetching : exporter).stat(cid));
                if (e.type() != EntryType.FILE) {
                    throw new CommandFailedException(arg + " is a " + e.type().name().toLowerCase(java.util.Locale.ROOT)
                            + ", not a file" + (e.type() == EntryType.DIRECTORY ? " (list it with 'p2pkit ls')" : ""));
                }
                if (output.json() && e.size() > JSON_LIMIT) {
                    throw new UsageException(arg + " has " + e.size() + " bytes, over the " + JSON_LIMIT
                            + " that --json writes: drop --json to get the bytes");
                }
                files.add(cid);
                streamed.add(streams);
                total += Math.max(0, length < 0 ? e.size() - offset : Math.min(length, e.size() - offset));
            }
            try (ProgressBar bar = progress.bar(console(), "reading", total, ProgressBar.Unit.BYTES, "");
                 StdoutStream out = new StdoutStream(console().out())) {
                for (int i = 0; i < files.size(); i++) {
                    Cid cid = files.get(i);
                    boolean whole = streamed.get(i) && offset == 0 && length < 0;
                    try (ArrivingBlocks arriving = whole ? online.arriving(cid) : null) {
                        Exporter reader = whole ? new Exporter(arriving) : streamed.get(i) ? fetching : exporter;
                        write(reader, cid, args.get(i), out, bar);
                    }
                }
            }
        }
        return 0;
    }

    /** One file's bytes: in a --json line, or to stdout. */
    private void write(Exporter reader, Cid cid, String arg, StdoutStream out, ProgressBar bar) throws IOException {
        if (output.json()) {
            ByteArrayOutputStream buf = new ByteArrayOutputStream();
            copy(reader, cid, buf, bar);
            Map<String, Object> o = new LinkedHashMap<>();
            o.put("Path", arg);
            o.put("Cid", cid.toString());
            o.put("Size", buf.size());
            o.put("Data", Base64.getEncoder().encodeToString(buf.toByteArray()));
            console().json(o);
        } else if (console().stdoutChannel().isPresent()) {
            out.flush();
            transfer(reader, cid, console().stdoutChannel().get(), bar);
        } else {
            copy(reader, cid, out, bar);
        }
    }

    /** The same through the running daemon's {@code cat}, which holds the repository. */
    private int throughDaemon(DaemonApi api) throws IOException {
        Map<String, String> range = new LinkedHashMap<>();
        range.put("offset", Long.toString(offset));
        if (length >= 0) {
            range.put("length", Long.toString(length));
        }
        try (StdoutStream out = new StdoutStream(console().out())) {
            for (String arg : args) {
                try (InputStream in = api.post("cat", List.of(arg), range)) {
                    if (!output.json()) {
                        in.transferTo(out);
                        continue;
                    }
                    byte[] data = in.readNBytes(JSON_LIMIT + 1);
                    if (data.length > JSON_LIMIT) {
                        throw new UsageException(arg + " has more than the " + JSON_LIMIT + " bytes that --json "
                                + "writes: drop --json to get the bytes");
                    }
                    Map<String, Object> o = new LinkedHashMap<>();
                    o.put("Path", arg);
                    o.put("Size", data.length);
                    o.put("Data", Base64.getEncoder().encodeToString(data));
                    console().json(o);
                }
            }
        }
        return 0;
    }

    /** The file's bytes to stdout from the buffers its leaves were read into: no copy in Java. */
    private void transfer(Exporter exporter, Cid cid, WritableByteChannel stdout, ProgressBar bar) throws IOException {
        WritableByteChannel counted = new ProgressChannel(stdout, bar, n -> { }, StdoutStream::closedOr);
        LocalFiles.offline(() -> {
            try (InputStream in = exporter.read(cid, offset, length)) {
                Exporter.transfer(in, counted);
            }
            return null;
        });
    }

    private void copy(Exporter exporter, Cid cid, OutputStream out, ProgressBar bar) throws IOException {
        LocalFiles.offline(() -> {
            try (InputStream in = exporter.read(cid, offset, length)) {
                byte[] buf = new byte[64 * 1024];
                for (int n; (n = in.read(buf)) > 0; ) {
                    out.write(buf, 0, n);
                    bar.add(n);
                }
            }
            return null;
        });
    }
}
