package io.p2pkit.node.rpc;

import io.p2pkit.core.multiformats.Cid;
import io.p2pkit.ipfs.mfs.CidPrefix;
import io.p2pkit.ipfs.mfs.Mfs;
import io.p2pkit.ipfs.mfs.MfsEntry;
import io.p2pkit.ipfs.mfs.MfsException;
import io.p2pkit.ipfs.mfs.MfsStat;
import io.p2pkit.ipfs.path.IpfsUri;
import io.p2pkit.ipfs.unixfs.pb.Mtime;
import io.p2pkit.node.cli.content.CodecNames;
import io.p2pkit.node.multiformats.CidEncoder;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** {@code files/*}: the node's MFS, with Kubo's options, JSON shapes and error texts. */
final class MfsCommands {
    /** Kubo's default {@code files stat --format}. */
    static final String DEFAULT_STAT_FORMAT = "<hash>\nSize: <size>\nCumulativeSize: <cumulsize>\nChildBlocks: <childs>\n"
            + "Type: <type>\nMode: <mode> (<mode-octal>)\nMtime: <mtime>";
    private static final String NOT_SET = "not set";

    private MfsCommands() {
    }

    /** Kubo's {@code --flush} is an option of the {@code files} group; every subcommand takes it. */
    private static RpcOption flush() {
        return RpcOption.bool("flush", "f").withDefault(true);
    }

    private static RpcOption[] prefixOptions() {
        return new RpcOption[] {RpcOption.integer("cid-version", "cid-ver"), RpcOption.string("hash")};
    }

    static List<RpcCommand> all() {
        return List.of(
                RpcCommand.at("files/stat").args(RpcArgument.string("path", true, false))
                        .options(flush(), RpcOption.string("format").withDefault(DEFAULT_STAT_FORMAT),
                                RpcOption.bool("hash"), RpcOption.bool("size"), RpcOption.bool("with-local"))
                        .text(MfsCommands::statText).run(MfsCommands::stat),
                RpcCommand.at("files/ls").args(RpcArgument.string("path", false, false))
                        .options(flush(), RpcOption.bool("long", "l"), RpcOption.bool("U"))
                        .text(MfsCommands::lsText).run(MfsCommands::ls),
                RpcCommand.at("files/read").args(RpcArgument.string("path", true, false))
                        .options(flush(), RpcOption.int64("offset", "o"), RpcOption.int64("count", "n"))
                        .run(MfsCommands::read),
                RpcCommand.at("files/write").args(RpcArgument.string("path", true, false), RpcArgument.file("data", true, false))
                        .options(flush(), RpcOption.int64("offset", "o"), RpcOption.bool("create", "e"),
                                RpcOption.bool("parents", "p"), RpcOption.bool("truncate", "t"), RpcOption.int64("count", "n"),
                                RpcOption.bool("raw-leaves"), prefixOptions()[0], prefixOptions()[1])
                        .run(MfsCommands::write),
                RpcCommand.at("files/mkdir").args(RpcArgument.string("path", true, false))
                        .options(flush(), RpcOption.bool("parents", "p"), prefixOptions()[0], prefixOptions()[1])
                        .run(MfsCommands::mkdir),
                RpcCommand.at("files/rm").args(RpcArgument.string("path", true, true))
                        .options(flush(), RpcOption.bool("recursive", "r"), RpcOption.bool("force"))
                        .run(MfsCommands::rm),
                RpcCommand.at("files/cp").args(RpcArgument.string("source", true, false), RpcArgument.string("dest", true, false))
                        .options(flush(), RpcOption.bool("force"), RpcOption.bool("parents", "p"),
                                prefixOptions()[0], prefixOptions()[1])
                        .run(MfsCommands::cp),
                RpcCommand.at("files/mv").args(RpcArgument.string("source", true, false), RpcArgument.string("dest", true, false))
                        .options(flush()).run(MfsCommands::mv),
                RpcCommand.at("files/flush").args(RpcArgument.string("path", false, false))
                        .options(flush()).run(MfsCommands::flushPath),
                RpcCommand.at("files/chcid").args(RpcArgument.string("path", false, false))
                        .options(flush(), prefixOptions()[0], prefixOptions()[1])
                        .run(MfsCommands::chcid),
                RpcCommand.at("files/chmod").args(RpcArgument.string("mode", true, false), RpcArgument.string("path", true, false))
                        .options(flush()).run(MfsCommands::chmod),
                RpcCommand.at("files/touch").args(RpcArgument.string("path", true, false))
                        .options(flush(), RpcOption.int64("mtime"), RpcOption.uint("mtime-nsecs"))
                        .run(MfsCommands::touch));
    }

    private static Mfs mfs(RpcRequest req) throws IOException {
        return NodeContent.repository(req).mfs();
    }

    /** Runs an MFS call, answering its errors with their (Kubo's) text. */
    private interface Call<T> {
        T run() throws IOException;
    }

    private static <T> T kubo(Call<T> call) throws IOException {
        try {
            return call.run();
        } catch (MfsException e) {
            throw RpcError.failed(e.getMessage());
        }
    }

    private static CidPrefix prefix(RpcRequest req) {
        try {
            Long hash = req.string("hash").map(h -> CodecNames.hashFunction("hash", h.toLowerCase(Locale.ROOT))).orElse(null);
            return CidPrefix.of(req.number("cid-version").map(Long::intValue).orElse(null), hash);
        } catch (IllegalArgumentException e) {
            String h = req.string("hash").orElse("");
            throw RpcError.failed(e.getMessage().contains("hash") && !h.isEmpty()
                    ? "unrecognized hash function: " + h.toLowerCase(Locale.ROOT) : e.getMessage());
        }
    }

    private static String arg(RpcRequest req, int i, String otherwise) {
        return req.arguments().size() > i ? req.argument(i) : otherwise;
    }

    // --- stat

    private static void stat(RpcRequest req, RpcResponse res) throws Exception {
        int formats = (req.bool("hash") ? 1 : 0) + (req.bool("size") ? 1 : 0)
                + (DEFAULT_STAT_FORMAT.equals(req.string("format").orElse(DEFAULT_STAT_FORMAT)) ? 0 : 1);
        if (formats > 1) {
            throw RpcError.client("invalid parameters: format was set by multiple options. Only one format option is allowed");
        }
        String path = req.argument(0);
        CidEncoder enc = req.cidEncoder();
        Cid cid = node(req, path);
        MfsStat s = kubo(() -> mfs(req).stat(cid));
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("Hash", enc.encode(s.cid()));
        o.put("Size", s.size());
        o.put("CumulativeSize", s.cumulativeSize());
        o.put("Blocks", s.blocks());
        o.put("Type", s.directory() ? "directory" : "file");
        if (req.bool("with-local")) {
            long[] local = kubo(() -> mfs(req).locality(cid));
            o.put("WithLocality", true);
            if (local[0] == 1) {
                o.put("Local", true);
            }
            if (local[1] > 0) {
                o.put("SizeLocal", local[1]);
            }
        }
        if (s.mtime() != null) { // Go's omitempty drops a 0 of either
            if (s.mtime().seconds() != 0) {
                o.put("Mtime", s.mtime().seconds());
            }
            if (s.mtime().nanos() > 0) {
                o.put("MtimeNsecs", s.mtime().nanos());
            }
        }
        int mode = goMode(s);
        if (mode != 0) {
            o.put("Mode", String.format("%04o", mode));
        }
        res.single(o);
    }

    /**
     * boxo's {@code FSNode.Mode()}: the UnixFS permission bits as a Go {@code os.FileMode}
     * (setuid, setgid and sticky moved to Go's flags, and Go's directory flag), 0 when none.
     */
    private static int goMode(MfsStat s) {
        if (s.mode() == null) {
            return 0;
        }
        if ((s.mode() & 0x08000000) != 0) {
            return s.mode(); // already Go's bits: a symlink without a mode
        }
        int perms = s.mode() & 0xFFF;
        if (perms == 0) {
            return 0;
        }
        return (perms & 0x1FF) | ((perms & 0xC00) << 12) | ((perms & 0x200) << 11) | (s.directory() ? 0x80000000 : 0);
    }

    /**
     * The node an argument names: an {@code /ipfs/} path or a native URI ({@code ipfs://…},
     * {@code ipns://…}: Kubo 0.43 takes them as content, a name resolved first), else an MFS path.
     */
    private static Cid node(RpcRequest req, String path) throws IOException, InterruptedException {
        if (path.startsWith("/ipfs/") || IpfsUri.isUri(path)) {
            return KuboPaths.fetchAndResolve(req, path);
        }
        return kubo(() -> mfs(req).lookup(path));
    }

    private static String statText(RpcRequest req, Object value) {
        if (!(value instanceof Map<?, ?> v)) {
            return String.valueOf(value);
        }
        String format = req.bool("hash") ? "<hash>" : req.bool("size") ? "<cumulsize>"
                : req.string("format").orElse(DEFAULT_STAT_FORMAT);
        String mode = NOT_SET;
        String modeOctal = NOT_SET;
        if (v.get("Mode") instanceof String m) {
            int bits = (int) Long.parseLong(m, 8);
            mode = goFileMode(bits);
            modeOctal = "0" + Integer.toOctalString(bits & 0777);
        }
        String mtime = NOT_SET;
        String mtimeSecs = NOT_SET;
        String mtimeNsecs = NOT_SET;
        if (v.get("Mtime") instanceof Number secs && secs.longValue() > 0) {
            long ns = v.get("MtimeNsecs") instanceof Number n ? n.longValue() : 0;
            mtime = DateTimeFormatter.ofPattern("d MMM yyyy, HH:mm:ss 'UTC'", Locale.ROOT)
                    .format(Instant.ofEpochSecond(secs.longValue(), ns).atZone(ZoneOffset.UTC));
            mtimeSecs = Long.toString(secs.longValue());
            mtimeNsecs = Long.toString(ns);
        }
        String s = format.replace("<hash>", String.valueOf(v.get("Hash")))
                .replace("<size>", String.valueOf(v.get("Size")))
                .replace("<cumulsize>", String.valueOf(v.get("CumulativeSize")))
                .replace("<childs>", String.valueOf(v.get("Blocks")))
                .replace("<type>", String.valueOf(v.get("Type")))
                .replace("<mode>", mode).replace("<mode-octal>", modeOctal)
                .replace("<mtime>", mtime).replace("<mtime-secs>", mtimeSecs).replace("<mtime-nsecs>", mtimeNsecs);
        StringBuilder out = new StringBuilder(s).append('\n');
        if (Boolean.TRUE.equals(v.get("WithLocality"))) {
            long local = v.get("SizeLocal") instanceof Number n ? n.longValue() : 0;
            long total = ((Number) v.get("CumulativeSize")).longValue();
            out.append(String.format(Locale.ROOT, "Local: %s of %s (%.2f%%)%n", humanBytes(local), humanBytes(total),
                    100.0 * local / total));
        }
        return out.toString();
    }

    /** Go's {@code os.FileMode.String()} in lower case, as Kubo prints it: a letter for each type bit set, then rwx. */
    private static String goFileMode(int bits) {
        StringBuilder b = new StringBuilder();
        String types = "dalTLDpSugct?"; // bits 31 down to 19
        for (int i = 0; i < types.length(); i++) {
            if ((bits & (1 << (31 - i))) != 0) {
                b.append(Character.toLowerCase(types.charAt(i)));
            }
        }
        if (b.isEmpty()) {
            b.append('-');
        }
        String rwx = "rwxrwxrwx";
        for (int i = 0; i < 9; i++) {
            b.append((bits & (1 << (8 - i))) != 0 ? rwx.charAt(i) : '-');
        }
        return b.toString();
    }

    /** go-humanize's {@code Bytes}: SI units, one decimal below 10. */
    private static String humanBytes(long n) {
        if (n < 10) {
            return n + " B";
        }
        String[] units = {"B", "kB", "MB", "GB", "TB", "PB", "EB"};
        int e = (int) Math.floor(Math.log(n) / Math.log(1000));
        double v = Math.floor(n / Math.pow(1000, e) * 10 + 0.5) / 10;
        return (v < 10 ? String.format(Locale.ROOT, "%.1f", v) : String.format(Locale.ROOT, "%.0f", v)) + " " + units[e];
    }

    // --- ls

    private static void ls(RpcRequest req, RpcResponse res) throws Exception {
        boolean long_ = req.bool("long");
        String path = arg(req, 0, "/");
        List<MfsEntry> entries = kubo(() -> mfs(req).list(path, long_));
        CidEncoder options = req.cidEncoder(); // checked for any listing, as Kubo
        CidEncoder enc = long_ && isFile(req, path, entries) ? options : CidEncoder.DEFAULT;
        List<Map<String, Object>> out = new ArrayList<>();
        for (MfsEntry e : entries) {
            Map<String, Object> o = new LinkedHashMap<>();
            o.put("Name", e.name());
            o.put("Type", long_ && e.directory() ? 1 : 0);
            o.put("Size", long_ ? e.size() : 0);
            o.put("Hash", long_ ? enc.encode(e.cid()) : "");
            out.add(o);
        }
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("Entries", out.isEmpty() ? null : out); // Go's nil slice
        res.single(o);
    }

    /**
     * Whether a listing is of a file, not of a directory: Kubo writes a file's CID with the
     * options' encoder, a directory's entries' in the default form (as boxo's MFS lists them).
     */
    private static boolean isFile(RpcRequest req, String path, List<MfsEntry> entries) throws IOException {
        // a directory's one entry never has the directory's own CID
        return entries.size() == 1 && !entries.getFirst().directory()
                && entries.getFirst().cid().equals(kubo(() -> mfs(req).lookup(path)));
    }

    private static String lsText(RpcRequest req, Object value) {
        if (!(value instanceof Map<?, ?> v) || !(v.get("Entries") instanceof List<?> entries)) {
            return "";
        }
        List<Map<?, ?>> sorted = new ArrayList<>();
        entries.forEach(e -> sorted.add((Map<?, ?>) e));
        if (!req.bool("U")) {
            sorted.sort((a, b) -> String.valueOf(a.get("Name")).compareTo(String.valueOf(b.get("Name"))));
        }
        StringBuilder b = new StringBuilder();
        for (Map<?, ?> e : sorted) {
            if (req.bool("long")) {
                String name = e.get("Name") + (Integer.valueOf(1).equals(e.get("Type")) ? "/" : "");
                b.append(name).append('\t').append(e.get("Hash")).append('\t').append(e.get("Size")).append('\n');
            } else {
                b.append(e.get("Name")).append('\n');
            }
        }
        return b.toString();
    }

    // --- read and write

    private static void read(RpcRequest req, RpcResponse res) throws Exception {
        long offset = req.number("offset").orElse(0L);
        if (offset < 0) {
            throw RpcError.failed("cannot specify negative offset");
        }
        long count = req.number("count").orElse(-1L);
        if (req.has("count") && count < 0) {
            throw RpcError.failed("cannot specify negative 'count'");
        }
        String path = req.argument(0);
        InputStream in;
        try {
            in = mfs(req).read(path, offset, count);
        } catch (MfsException e) {
            throw RpcError.failed(e.notFound() ? clean(path) + ": " + e.getMessage() : e.getMessage());
        }
        try (in) {
            OutputStream out = res.stream();
            in.transferTo(out);
            out.flush();
        }
    }

    private static String clean(String path) {
        String c = java.nio.file.Path.of("/").resolve(path).normalize().toString();
        return path.endsWith("/") && !c.equals("/") ? c + "/" : c;
    }

    private static void write(RpcRequest req, RpcResponse res) throws Exception {
        long offset = req.number("offset").orElse(0L);
        if (offset < 0) {
            throw RpcError.failed("cannot have negative write offset");
        }
        long count = req.number("count").orElse(-1L);
        if (req.has("count") && count < 0) {
            throw RpcError.failed("cannot have negative byte count");
        }
        Uploads.Entry data = req.files().next();
        if (data == null || data.body() == null) {
            throw RpcError.client("file argument 'data' is required");
        }
        Mfs.WriteOptions options = new Mfs.WriteOptions(offset, count, req.bool("create"), req.bool("truncate"),
                req.bool("parents"), req.has("raw-leaves") ? req.bool("raw-leaves") : null, prefix(req));
        String path = req.argument(0);
        kubo(() -> {
            mfs(req).write(path, data.body(), options);
            return null;
        });
    }

    // --- the tree

    private static void mkdir(RpcRequest req, RpcResponse res) throws Exception {
        boolean parents = req.bool("parents");
        CidPrefix prefix = prefix(req);
        kubo(() -> {
            mfs(req).mkdir(req.argument(0), parents, prefix);
            return null;
        });
    }

    private static void rm(RpcRequest req, RpcResponse res) throws Exception {
        if (!req.bool("flush")) {
            throw RpcError.failed("files rm always flushes for safety. The --flush flag cannot be set to false for this command");
        }
        Mfs mfs = mfs(req);
        List<String> errors = new ArrayList<>();
        for (String path : req.arguments()) {
            try {
                mfs.remove(path, req.bool("recursive"), req.bool("force"));
            } catch (MfsException e) {
                boolean invalid = path.isEmpty() || path.charAt(0) != '/';
                errors.add(invalid ? path + " is not a valid path: " + e.getMessage() : clean(path) + ": " + e.getMessage());
            }
        }
        if (!errors.isEmpty()) {
            for (String e : errors) {
                res.emit(e);
            }
            throw RpcError.failed("can't remove some files");
        }
    }

    private static void cp(RpcRequest req, RpcResponse res) throws Exception {
        CidPrefix prefix = prefix(req);
        boolean uri = IpfsUri.isUri(req.argument(0));
        String src = IpfsUri.toPath(req.argument(0));
        if (!src.isEmpty() && src.charAt(0) == '/') {
            src = src.replaceAll("/+$", "");
        }
        String dst = req.argument(1);
        String source = src;
        Cid node;
        try {
            node = src.startsWith("/ipfs/") || uri ? KuboPaths.fetchAndResolve(req, src) : mfs(req).lookup(src);
        } catch (MfsException e) {
            throw RpcError.failed(e.getMessage().startsWith("paths ") ? e.getMessage()
                    : "cp: cannot get node from path " + clean(src) + ": " + e.getMessage());
        }
        String dest = dst.endsWith("/") ? dst + source.substring(source.lastIndexOf('/') + 1) : dst;
        kubo(() -> {
            mfs(req).copy(node, dest, req.bool("parents"), req.bool("force"), prefix);
            return null;
        });
    }

    private static void mv(RpcRequest req, RpcResponse res) throws Exception {
        kubo(() -> {
            mfs(req).move(req.argument(0), req.argument(1));
            return null;
        });
    }

    private static void flushPath(RpcRequest req, RpcResponse res) throws Exception {
        CidEncoder enc = req.cidEncoder();
        Cid cid = kubo(() -> mfs(req).lookup(arg(req, 0, "/")));
        res.single(Map.of("Cid", enc.encode(cid)));
    }

    private static void chcid(RpcRequest req, RpcResponse res) throws Exception {
        CidPrefix prefix = prefix(req);
        kubo(() -> {
            mfs(req).changeCid(arg(req, 0, "/"), prefix);
            return null;
        });
    }

    // --- mode and mtime

    private static void chmod(RpcRequest req, RpcResponse res) throws Exception {
        String path = req.argument(1);
        if (path.isEmpty() || path.charAt(0) != '/') { // Kubo checks the path's form before the mode
            throw RpcError.failed(path.isEmpty() ? "paths must not be empty" : "paths must start with a leading slash");
        }
        int mode = GoOctal.parseInt32(req.argument(0));
        kubo(() -> {
            mfs(req).chmod(path, GoOctal.unixPermissions(mode));
            return null;
        });
    }

    private static void touch(RpcRequest req, RpcResponse res) throws Exception {
        long seconds = req.number("mtime").orElse(0L);
        long nanos = req.number("mtime-nsecs").orElse(0L);
        Mtime mtime;
        if (seconds != 0) { // Go's time.Unix(sec, nsec): nanoseconds past a second carry into the seconds
            mtime = new Mtime(seconds + Long.divideUnsigned(nanos, 1_000_000_000L),
                    (int) Long.remainderUnsigned(nanos, 1_000_000_000L));
        } else {
            mtime = Mtime.of(Instant.now()); // Kubo: no --mtime (or 0) is now, whatever --mtime-nsecs says
        }
        kubo(() -> {
            mfs(req).touch(req.argument(0), mtime);
            return null;
        });
    }
}
