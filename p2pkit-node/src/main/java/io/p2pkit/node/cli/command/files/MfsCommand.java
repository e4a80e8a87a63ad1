package io.p2pkit.node.cli.command.files;

import io.p2pkit.node.cli.CliCommand;
import io.p2pkit.node.cli.CommandFailedException;
import io.p2pkit.node.cli.UsageException;
import io.p2pkit.node.cli.content.DaemonApi;
import io.p2pkit.node.cli.content.MultipartUpload;
import io.p2pkit.node.cli.options.CidBaseOption;
import io.p2pkit.node.cli.options.JsonOption;
import io.p2pkit.node.cli.options.RepoOption;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code p2pkit files}: Kubo's {@code ipfs files}, the running daemon's mutable file system (MFS),
 * through its RPC API, printed as Kubo prints it.
 */
@Command(name = "files", description = {
        "Work with the mutable file system (MFS), as Kubo's 'ipfs files'.",
        "",
        "A directory tree whose root CID changes with every change, kept in the repository and by garbage "
                + "collection. These ask the daemon that holds the repository ($P2PKIT_HOME or --repo-dir).",
        ""},
        subcommands = {MfsCommand.Stat.class, MfsCommand.Ls.class, MfsCommand.Read.class, MfsCommand.Write.class,
                MfsCommand.Mkdir.class, MfsCommand.Rm.class, MfsCommand.Cp.class, MfsCommand.Mv.class,
                MfsCommand.Flush.class, MfsCommand.Chcid.class, MfsCommand.Chmod.class, MfsCommand.Touch.class})
public final class MfsCommand extends CliCommand {
    /** The most bytes {@code read --json} writes (base64 in one line), as {@code cat --json}. */
    static final int JSON_LIMIT = 16 << 20;

    @Override
    protected int run() {
        throw new UsageException("missing subcommand: stat, ls, read, write, mkdir, rm, cp, mv, flush, chcid, chmod or touch");
    }

    /** What every subcommand shares: the repository, Kubo's {@code --flush}, and the call to the daemon. */
    abstract static class Sub extends CliCommand {
        @Mixin
        RepoOption repo;

        @Mixin
        JsonOption output;

        @Option(names = {"-f", "--flush"}, arity = "0..1", defaultValue = "true", fallbackValue = "true",
                description = "flush target and ancestors after the change (always, in p2pkit; false is refused by rm)")
        boolean flush = true;

        final Map<String, String> options = new LinkedHashMap<>();

        void option(String name, boolean value) {
            if (value) {
                options.put(name, "true");
            }
        }

        void option(String name, Object value) {
            if (value != null) {
                options.put(name, value.toString());
            }
        }

        /** Kubo's text from the daemon, or its JSON lines with --json. */
        void text() {
            if (!output.json()) {
                options.put("encoding", "text");
            }
        }

        /** Posts the command and copies the daemon's answer to stdout. */
        void call(String command, List<String> args, InputStream file) throws IOException {
            if (!flush) {
                options.put("flush", "false");
            }
            try (DaemonApi api = DaemonApi.require(repo.root());
                 InputStream in = file == null ? api.post(command, args, options) : upload(api, command, args, options, file)) {
                in.transferTo(console().out());
                console().out().flush();
            }
        }
    }

    /** {@code files/write}'s data: one unnamed file part, as Kubo's client sends it. */
    private static InputStream upload(DaemonApi api, String command, List<String> args, Map<String, String> options,
                                      InputStream file) throws IOException {
        MultipartUpload body = MultipartUpload.stdin(file);
        return api.upload(command, args, options, body.contentType(), body.body());
    }

    /** Kubo's {@code --cid-version} and {@code --hash}. */
    abstract static class WithPrefix extends Sub {
        @Option(names = {"--cid-version", "--cid-ver"}, paramLabel = "N", description = "CID version of new nodes")
        Integer cidVersion;

        @Option(names = "--hash", paramLabel = "NAME", description = "hash function of new nodes (implies CIDv1)")
        String hash;

        void prefix() {
            option("cid-version", cidVersion);
            option("hash", hash);
        }
    }

    @Command(name = "stat", description = {"Show a node's hash, size, cumulative size, child blocks and type.", ""})
    static final class Stat extends Sub {
        @Mixin
        CidBaseOption cids;

        @Parameters(index = "0", paramLabel = "PATH", description = "an MFS path or /ipfs/ path")
        String path;

        @Option(names = "--format", paramLabel = "FORMAT",
                description = "tokens <hash> <size> <cumulsize> <type> <childs> <mode> <mode-octal> <mtime> <mtime-secs> <mtime-nsecs>")
        String format;

        @Option(names = "--hash", description = "print only the hash")
        boolean hashOnly;

        @Option(names = "--size", description = "print only the cumulative size")
        boolean size;

        @Option(names = "--with-local", description = "also how much of the DAG is stored here")
        boolean withLocal;

        @Override
        protected int run() throws Exception {
            option("format", format);
            option("hash", hashOnly);
            option("size", size);
            option("with-local", withLocal);
            cids.addTo(options);
            text();
            call("files/stat", List.of(path), null);
            return 0;
        }
    }

    @Command(name = "ls", description = {"List a directory (default /), sorted by name.", ""})
    static final class Ls extends Sub {
        @Mixin
        CidBaseOption cids;

        @Parameters(index = "0", arity = "0..1", paramLabel = "PATH", description = "an MFS path")
        String path;

        @Option(names = {"-l", "--long"}, description = "name, hash and size")
        boolean long_;

        @Option(names = "-U", description = "directory order, not sorted")
        boolean unsorted;

        @Override
        protected int run() throws Exception {
            option("long", long_);
            option("U", unsorted);
            cids.addTo(options);
            text();
            call("files/ls", path == null ? List.of() : List.of(path), null);
            return 0;
        }
    }

    @Command(name = "read", description = {"Print a file's bytes.", ""})
    static final class Read extends Sub {
        @Parameters(index = "0", paramLabel = "PATH", description = "an MFS path to a file")
        String path;

        @Option(names = {"-o", "--offset"}, paramLabel = "N", description = "byte offset to start at")
        Long offset;

        @Option(names = {"-n", "--count"}, paramLabel = "N", description = "most bytes to read")
        Long count;

        @Override
        protected int run() throws Exception {
            option("offset", offset);
            option("count", count);
            if (!output.json()) {
                call("files/read", List.of(path), null);
                return 0;
            }
            // as cat --json: the bytes in one object, so the output stays JSON lines
            byte[] data;
            try (DaemonApi api = DaemonApi.require(repo.root());
                 InputStream in = api.post("files/read", List.of(path), options)) {
                data = in.readNBytes(JSON_LIMIT + 1);
            }
            if (data.length > JSON_LIMIT) {
                throw new UsageException(path + " has more than the " + JSON_LIMIT + " bytes that --json writes: "
                        + "drop --json to get the bytes");
            }
            Map<String, Object> o = new LinkedHashMap<>();
            o.put("Path", path);
            o.put("Size", data.length);
            o.put("Data", java.util.Base64.getEncoder().encodeToString(data));
            console().json(o);
            return 0;
        }
    }

    @Command(name = "write", description = {"Write to a file: stdin, or FILE, at an offset (default 0).", ""})
    static final class Write extends WithPrefix {
        @Parameters(index = "0", paramLabel = "PATH", description = "an MFS path")
        String path;

        @Parameters(index = "1", arity = "0..1", paramLabel = "FILE", description = "the data (default stdin)")
        Path data;

        @Option(names = {"-o", "--offset"}, paramLabel = "N", description = "byte offset to write at")
        Long offset;

        @Option(names = {"-e", "--create"}, description = "create the file if it does not exist")
        boolean create;

        @Option(names = {"-p", "--parents"}, description = "make parent directories as needed")
        boolean parents;

        @Option(names = {"-t", "--truncate"}, description = "truncate the file to size zero first")
        boolean truncate;

        @Option(names = {"-n", "--count"}, paramLabel = "N", description = "most bytes to take from the input")
        Long count;

        @Option(names = "--raw-leaves", arity = "0..1", fallbackValue = "true", description = "raw blocks for new leaves")
        Boolean rawLeaves;

        @Override
        protected int run() throws Exception {
            option("offset", offset);
            option("create", create);
            option("parents", parents);
            option("truncate", truncate);
            option("count", count);
            option("raw-leaves", rawLeaves);
            prefix();
            try (InputStream in = data == null ? console().in() : Files.newInputStream(data)) {
                call("files/write", List.of(path), in);
            }
            return 0;
        }
    }

    @Command(name = "mkdir", description = {"Make a directory.", ""})
    static final class Mkdir extends WithPrefix {
        @Parameters(index = "0", paramLabel = "PATH", description = "an MFS path")
        String path;

        @Option(names = {"-p", "--parents"}, description = "no error if it exists; make parents as needed")
        boolean parents;

        @Override
        protected int run() throws Exception {
            option("parents", parents);
            prefix();
            call("files/mkdir", List.of(path), null);
            return 0;
        }
    }

    @Command(name = "rm", description = {"Remove files or directories.", ""})
    static final class Rm extends Sub {
        @Parameters(arity = "1..*", paramLabel = "PATH", description = "MFS paths")
        List<String> paths = new ArrayList<>();

        @Option(names = {"-r", "--recursive"}, description = "remove directories too")
        boolean recursive;

        @Option(names = "--force", description = "remove anything there; a missing path is fine")
        boolean force;

        @Override
        protected int run() throws Exception {
            option("recursive", recursive);
            option("force", force);
            // the daemon lists each failed path as a JSON string, then ends with an error in the trailer
            java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
            CommandFailedException failure = null;
            try (DaemonApi api = DaemonApi.require(repo.root());
                 InputStream in = api.post("files/rm", paths, withFlush())) {
                in.transferTo(out);
            } catch (CommandFailedException e) {
                failure = e;    // the trailer's error comes after the failed paths
            }
            String failed = out.toString(StandardCharsets.UTF_8);
            if (!failed.isBlank()) {
                console().out().print(failed);
                console().out().flush();
                throw new CommandFailedException("can't remove some files");
            }
            if (failure != null) {
                throw failure;
            }
            return 0;
        }

        private Map<String, String> withFlush() {
            if (!flush) {
                options.put("flush", "false");
            }
            return options;
        }
    }

    @Command(name = "cp", description = {"Copy an MFS or /ipfs/ path into MFS (only the root block need be here).", ""})
    static final class Cp extends WithPrefix {
        @Parameters(index = "0", paramLabel = "SOURCE", description = "an MFS or /ipfs/ path")
        String source;

        @Parameters(index = "1", paramLabel = "DEST", description = "an MFS path (ending in / to keep the name)")
        String dest;

        @Option(names = "--force", description = "replace an existing file")
        boolean force;

        @Option(names = {"-p", "--parents"}, description = "make parent directories as needed")
        boolean parents;

        @Override
        protected int run() throws Exception {
            option("force", force);
            option("parents", parents);
            prefix();
            call("files/cp", List.of(source, dest), null);
            return 0;
        }
    }

    @Command(name = "mv", description = {"Move a file or directory.", ""})
    static final class Mv extends Sub {
        @Parameters(index = "0", paramLabel = "SOURCE", description = "an MFS path")
        String source;

        @Parameters(index = "1", paramLabel = "DEST", description = "an MFS path, or a directory to move into")
        String dest;

        @Override
        protected int run() throws Exception {
            call("files/mv", List.of(source, dest), null);
            return 0;
        }
    }

    @Command(name = "flush", description = {"Print the CID of a path (default /); p2pkit's MFS is always flushed.", ""})
    static final class Flush extends Sub {
        @Mixin
        CidBaseOption cids;

        @Parameters(index = "0", arity = "0..1", paramLabel = "PATH", description = "an MFS path")
        String path;

        @Override
        protected int run() throws Exception {
            cids.addTo(options);
            call("files/flush", path == null ? List.of() : List.of(path), null);
            return 0;
        }
    }

    @Command(name = "chcid", description = {"Change a directory's CID version or hash function (default /).", ""})
    static final class Chcid extends WithPrefix {
        @Parameters(index = "0", arity = "0..1", paramLabel = "PATH", description = "an MFS path to a directory")
        String path;

        @Override
        protected int run() throws Exception {
            prefix();
            call("files/chcid", path == null ? List.of() : List.of(path), null);
            return 0;
        }
    }

    @Command(name = "chmod", description = {"Set a file's or directory's POSIX permission bits (octal, as 0644).", ""})
    static final class Chmod extends Sub {
        @Parameters(index = "0", paramLabel = "MODE", description = "the mode in octal notation")
        String mode;

        @Parameters(index = "1", paramLabel = "PATH", description = "an MFS path")
        String path;

        @Override
        protected int run() throws Exception {
            call("files/chmod", List.of(mode, path), null);
            return 0;
        }
    }

    @Command(name = "touch", description = {"Set a file's or directory's modification time (default: now).", ""})
    static final class Touch extends Sub {
        @Parameters(index = "0", paramLabel = "PATH", description = "an MFS path")
        String path;

        @Option(names = "--mtime", paramLabel = "SECONDS", description = "seconds since the Unix epoch (0 or absent: now)")
        Long mtime;

        @Option(names = "--mtime-nsecs", paramLabel = "NANOS", description = "the fraction in nanoseconds")
        Long mtimeNsecs;

        @Override
        protected int run() throws Exception {
            if (mtimeNsecs != null && mtimeNsecs < 0) {
                throw new UsageException("--mtime-nsecs must not be negative");
            }
            option("mtime", mtime);
            option("mtime-nsecs", mtimeNsecs);
            call("files/touch", List.of(path), null);
            return 0;
        }
    }
}
