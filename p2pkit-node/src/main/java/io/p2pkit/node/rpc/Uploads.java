package io.p2pkit.node.rpc;

import io.p2pkit.ipfs.unixfs.pb.Mtime;
import io.p2pkit.node.cli.content.GoFileMode;

import java.io.IOException;
import java.io.InputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;

/**
 * The files of a multipart upload, entry by entry, laid out as Kubo's client sends them
 * (boxo's {@code MultiFileReader}): one part per file, directory or symlink, named by
 * {@code Content-Disposition: form-data; name="file"; filename="<query-escaped path>"}, typed
 * {@code application/x-directory}, {@code application/symlink} or anything else for a file, with
 * the mode and mtime in the form name ({@code file?mode=0644&mtime=…&mtime-nsecs=…}).
 */
public final class Uploads {
    /** The longest symlink target read. */
    static final int MAX_SYMLINK_BYTES = 4096;
    /** The most entries of one upload: the open directories hold each one's name and CID until they close. */
    static final int MAX_ENTRIES = 1_000_000;

    /** What an entry is. */
    public enum Kind { FILE, DIRECTORY, SYMLINK }

    /**
     * One entry.
     *
     * @param kind   what it is
     * @param path   its path, names separated by '/', cleaned as Go's path.Clean cleans it ("" for an unnamed file)
     * @param body   a file's bytes (valid until the next entry), else an empty stream
     * @param target a symlink's target, else ""
     * @param mode   the mode sent with it, or null
     * @param mtime  the mtime sent with it, or null
     * @param abspath the file's absolute path on the client, from the part's {@code Abspath-Encoded}
     *                or {@code Abspath} header (Kubo's CLI sends it; {@code add --nocopy} needs it), or ""
     */
    public record Entry(Kind kind, String path, InputStream body, String target, Integer mode, Mtime mtime,
                        String abspath) {
    }

    private final MultipartReader reader;
    private int entries;

    Uploads(MultipartReader reader) {
        this.reader = reader;
    }

    /**
     * The next entry.
     *
     * @return it, or null after the last
     * @throws RpcError (a client error) when the body is malformed
     */
    public Entry next() {
        MultipartReader.Part part;
        try {
            part = reader.next();
        } catch (IOException e) {
            throw RpcError.client(e.getMessage());
        }
        if (part == null) {
            return null;
        }
        if (++entries > MAX_ENTRIES) {
            throw RpcError.client("an upload may have at most " + MAX_ENTRIES + " entries");
        }
        Map<String, String> disposition = HeaderValues.params(part.header("content-disposition"));
        String path = cleanPath(unescape(disposition.getOrDefault("filename", "")));
        String type = HeaderValues.mediaType(part.header("content-type"));
        Map<String, String> form = formParams(disposition.getOrDefault("name", ""));
        Integer mode = mode(form.get("mode"));
        Mtime mtime = mtime(form.get("mtime"), form.get("mtime-nsecs"));
        String abspath = abspath(part);
        return switch (type) {
            case "application/x-directory", "multipart/form-data" ->
                    new Entry(Kind.DIRECTORY, path, InputStream.nullInputStream(), "", mode, mtime, abspath);
            case "application/symlink" -> new Entry(Kind.SYMLINK, path, InputStream.nullInputStream(),
                    readTarget(part.body()), mode, mtime, abspath);
            default -> new Entry(Kind.FILE, path, part.body(), "", mode, mtime, abspath);
        };
    }

    /** boxo's headers: {@code abspath-encoded} (query-escaped) wins over the raw {@code abspath}. */
    private static String abspath(MultipartReader.Part part) {
        String encoded = part.header("abspath-encoded");
        if (encoded != null && !encoded.isEmpty()) {
            try {
                return java.net.URLDecoder.decode(encoded, java.nio.charset.StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                throw RpcError.client("invalid abspath-encoded header: " + e.getMessage());
            }
        }
        String raw = part.header("abspath");
        return raw == null ? "" : raw;
    }

    /**
     * boxo's mode parameter: Go's {@code os.FileMode} in octal (a directory's with Go's directory
     * bit, setuid as Go's own bit), of which the permission bits count; null when absent, unreadable
     * (boxo's {@code ParseUint(v, 8, 32)} fails) or without permissions, as boxo drops it then.
     */
    private static Integer mode(String text) {
        if (text == null || text.isEmpty() || text.length() > 12 || !text.chars().allMatch(c -> c >= '0' && c <= '7')) {
            return null;
        }
        long goMode = Long.parseLong(text, 8);
        if (goMode > 0xFFFF_FFFFL) {
            return null;
        }
        int perms = GoFileMode.unixPerms(goMode);
        return perms == 0 ? null : perms;
    }

    private static Mtime mtime(String seconds, String nanos) {
        if (seconds == null) {
            return null;
        }
        try {
            return new Mtime(Long.parseLong(seconds), nanos == null ? 0 : Integer.parseInt(nanos));
        } catch (IllegalArgumentException e) {
            return null; // unreadable, or nanoseconds out of range: boxo drops it too
        }
    }

    private static String readTarget(InputStream in) {
        try {
            byte[] bytes = in.readNBytes(MAX_SYMLINK_BYTES + 1);
            if (bytes.length > MAX_SYMLINK_BYTES) {
                throw RpcError.client("a symlink target is over " + MAX_SYMLINK_BYTES + " bytes");
            }
            return new String(bytes, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw RpcError.client(e.getMessage());
        }
    }

    /** Go's url.QueryUnescape, or the text as it is when it does not decode (as boxo). */
    static String unescape(String text) {
        try {
            return URLDecoder.decode(text, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return text;
        }
    }

    /** Go's path.Clean("/" + p) without the leading '/': "." and ".." resolved, never above the root. */
    static String cleanPath(String p) {
        return String.join("/", io.p2pkit.ipfs.path.GoPath.cleanNames(p));
    }

    /** The query after '?' in a form name: boxo's way of sending mode and mtime. */
    private static Map<String, String> formParams(String formName) {
        int q = formName.indexOf('?');
        Map<String, String> params = new java.util.HashMap<>();
        if (q < 0) {
            return params;
        }
        for (String pair : formName.substring(q + 1).split("&")) {
            int eq = pair.indexOf('=');
            if (eq > 0) {
                params.putIfAbsent(unescape(pair.substring(0, eq)).toLowerCase(Locale.ROOT), unescape(pair.substring(eq + 1)));
            }
        }
        return params;
    }
}
