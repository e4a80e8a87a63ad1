package io.p2pkit.node.cli.content;

import io.p2pkit.ipfs.unixfs.exporter.EntryType;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.stream.Stream;

/**
 * The multipart form Kubo's CLI sends to {@code add} (boxo's MultiFileReader): one part per file,
 * directory or symlink, a directory before what it holds, named by its query-escaped path, with
 * the mode and mtime in the form name when asked. The tree is walked first (names only); each
 * file is opened when its part is reached, so one file is open at a time and nothing is held whole.
 */
public final class MultipartUpload {
    private final String boundary;
    private final List<Part> parts;

    /** One entry: its path in the upload, and where it is on disk (null for stdin). */
    private record Part(String name, Kind kind, Path file, InputStream stream, String target, String form) {
    }

    private enum Kind { FILE, DIRECTORY, SYMLINK }

    private MultipartUpload(List<Part> parts) {
        byte[] b = new byte[15];
        new SecureRandom().nextBytes(b);
        this.boundary = HexFormat.of().formatHex(b);
        this.parts = parts;
    }

    /**
     * The entries under {@code roots}, each named by its last segment: directories (walked, names
     * sorted as Go sorts them), files and symlinks (never followed).
     *
     * @param hidden    whether names starting with '.' below the roots are sent (the roots always are)
     * @param withMode  send each entry's permission bits (Kubo's {@code --preserve-mode})
     * @param withMtime send each entry's modification time ({@code --preserve-mtime})
     * @throws IOException naming an entry that is neither a file, a directory nor a symlink, or cannot be read
     */
    public static MultipartUpload of(List<Path> roots, boolean hidden, boolean withMode, boolean withMtime)
            throws IOException {
        List<Part> parts = new ArrayList<>();
        for (Path root : roots) {
            Path name = root.toAbsolutePath().normalize().getFileName();
            walk(root, name == null ? "" : name.toString(), true, hidden, withMode, withMtime, parts);
        }
        return new MultipartUpload(parts);
    }

    /** One unnamed file read from {@code in} (stdin): the daemon names it by its CID, or by {@code stdin-name}. */
    public static MultipartUpload stdin(InputStream in) {
        return new MultipartUpload(List.of(new Part("", Kind.FILE, null, in, "", "file")));
    }

    private static void walk(Path p, String name, boolean root, boolean hidden, boolean withMode, boolean withMtime,
                             List<Part> parts) throws IOException {
        if (!root && !hidden && p.getFileName().toString().startsWith(".")) {
            return;
        }
        BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        String form = form(p, a, withMode, withMtime);
        if (a.isSymbolicLink()) {
            parts.add(new Part(name, Kind.SYMLINK, p, null, Files.readSymbolicLink(p).toString(), form));
        } else if (a.isDirectory()) {
            parts.add(new Part(name, Kind.DIRECTORY, p, null, "", form));
            List<Path> children;
            try (Stream<Path> list = Files.list(p)) {
                children = new ArrayList<>(list.toList());
            }
            // Go's os.ReadDir order: by the names' bytes
            children.sort((x, y) -> Arrays.compareUnsigned(x.getFileName().toString().getBytes(StandardCharsets.UTF_8),
                    y.getFileName().toString().getBytes(StandardCharsets.UTF_8)));
            for (Path c : children) {
                walk(c, name + "/" + c.getFileName(), false, hidden, withMode, withMtime, parts);
            }
        } else if (a.isRegularFile()) {
            parts.add(new Part(name, Kind.FILE, p, null, "", form));
        } else {
            throw new IOException(p + " is neither a file, a directory nor a symlink: it cannot be added");
        }
    }

    /** boxo's form name: "file", with "?mode=…&mtime=…&mtime-nsecs=…" when those are sent. */
    private static String form(Path p, BasicFileAttributes a, boolean withMode, boolean withMtime) throws IOException {
        StringBuilder q = new StringBuilder();
        // the file system's views, not getFileStore per file (which reads the mount table each time)
        if (withMode && !a.isSymbolicLink() && p.getFileSystem().supportedFileAttributeViews().contains("unix")) {
            // as Kubo's client: Go's os.FileMode, so setuid, setgid and sticky reach the daemon too
            int perms = (Integer) Files.getAttribute(p, "unix:mode", LinkOption.NOFOLLOW_LINKS) & 07777;
            long mode = GoFileMode.of(a.isDirectory() ? EntryType.DIRECTORY : EntryType.FILE, perms);
            if (mode != 0) {
                q.append("mode=0").append(Long.toOctalString(mode));
            }
        }
        if (withMtime) {
            var t = a.lastModifiedTime().toInstant();
            q.append(q.isEmpty() ? "" : "&").append("mtime=").append(t.getEpochSecond());
            if (t.getNano() != 0) {
                q.append("&mtime-nsecs=").append(t.getNano());
            }
        }
        return q.isEmpty() ? "file" : "file?" + q;
    }

    /** The request's Content-Type, with its boundary. */
    public String contentType() {
        return "multipart/form-data; boundary=" + boundary;
    }

    /** How many entries are sent. */
    public int entries() {
        return parts.size();
    }

    /**
     * The body; each file is opened when its part is reached. Closing it closes only the part being
     * read (java.io.SequenceInputStream's close would open every file not yet sent, to close it).
     */
    public InputStream body() {
        return new Body(parts.iterator());
    }

    /** The parts one after another: header, bytes, line end, and the closing boundary. */
    private final class Body extends InputStream {
        private final Iterator<Part> parts;
        private Part part;
        private int step = 3;    // 0: the part's header, 1: its bytes, 2: the line after them, 3: next part
        private boolean last;
        private InputStream current = InputStream.nullInputStream();

        Body(Iterator<Part> parts) {
            this.parts = parts;
        }

        /** Moves to the next piece; false when the closing boundary was the last one. */
        private boolean advance() throws IOException {
            current.close();
            if (last) {
                return false;
            }
            if (step == 3) {
                if (!parts.hasNext()) {
                    last = true;
                    current = bytes("--" + boundary + "--\r\n");
                    return true;
                }
                part = parts.next();
                step = 0;
            }
            current = switch (step++) {
                case 0 -> bytes("--" + boundary + "\r\n" + header(part));
                case 1 -> content(part);
                default -> {
                    step = 3;
                    yield bytes("\r\n");
                }
            };
            return true;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            java.util.Objects.checkFromIndexSize(off, len, b.length);
            if (len == 0) {
                return 0;
            }
            while (true) {
                int n = current.read(b, off, len);
                if (n >= 0) {
                    return n;
                }
                if (!advance()) {
                    return -1;
                }
            }
        }

        @Override
        public void close() throws IOException {
            last = true;
            step = 3;
            current.close();
            current = InputStream.nullInputStream();
        }
    }

    private static String header(Part p) {
        String type = switch (p.kind()) {
            case DIRECTORY -> "application/x-directory";
            case SYMLINK -> "application/symlink";
            case FILE -> "application/octet-stream";
        };
        // Go's url.QueryEscape, as boxo names parts (a space becomes '+')
        String filename = URLEncoder.encode(p.name(), StandardCharsets.UTF_8).replace("*", "%2A").replace("%7E", "~");
        // a file from disk carries its absolute path, as boxo sends it (add --nocopy refers to it)
        String abspath = p.kind() == Kind.FILE && p.file() != null
                ? "Abspath-Encoded: " + URLEncoder.encode(p.file().toAbsolutePath().normalize().toString(),
                        StandardCharsets.UTF_8).replace("*", "%2A").replace("%7E", "~") + "\r\n"
                : "";
        return "Content-Disposition: form-data; name=\"" + p.form() + "\"; filename=\""
                + filename + "\"\r\n" + abspath + "Content-Type: " + type + "\r\n\r\n";
    }

    private static InputStream content(Part p) throws IOException {
        return switch (p.kind()) {
            case DIRECTORY -> InputStream.nullInputStream();
            case SYMLINK -> bytes(p.target());
            case FILE -> {
                if (p.stream() != null) {
                    yield p.stream();
                }
                try {
                    yield Files.newInputStream(p.file(), LinkOption.NOFOLLOW_LINKS);
                } catch (IOException e) {
                    throw new IOException(p.file() + ": " + e.getMessage(), e);
                }
            }
        };
    }

    private static InputStream bytes(String s) {
        return new ByteArrayInputStream(s.getBytes(StandardCharsets.UTF_8));
    }
}
