package io.p2pkit.node.cli.content;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

/**
 * Reads a tar archive entry by entry: ustar headers (with the prefix field), PAX extended headers
 * ({@code path}, {@code linkpath}, {@code size}, {@code mtime}; global ones skipped) and GNU long
 * names, which is what Go's archive/tar (Kubo) and {@link TarArchive} write. Bounded: a PAX header
 * or long name over {@value #MAX_META} bytes, a bad checksum or a truncated entry is an
 * {@link IOException} saying what is wrong. The bytes come from the daemon's {@code get}.
 */
public final class TarReader {
    private static final int BLOCK = 512;
    /** The largest PAX header or GNU long name read: far over any real path. */
    static final int MAX_META = 1 << 20;

    private final InputStream in;
    private long remaining;
    private long padding;
    private boolean ended;

    /**
     * One entry.
     *
     * @param name  its path in the archive, without a trailing '/'
     * @param type  '0' a file, '5' a directory, '2' a symlink, or another tar type flag
     * @param mode  the permission bits it carries
     * @param size  a file's length in bytes (0 for others)
     * @param mtime its modification time
     * @param link  a symlink's target, else ""
     */
    public record Entry(String name, char type, int mode, long size, Instant mtime, String link) {
    }

    /** An archive read from {@code in}. */
    public TarReader(InputStream in) {
        this.in = in;
    }

    /**
     * The next entry, its bytes then readable from {@link #body()}; null after the last one. What
     * was left unread of the previous entry is skipped.
     */
    public Entry next() throws IOException {
        if (ended) {
            return null;
        }
        skip(remaining + padding);
        remaining = 0;
        padding = 0;
        Map<String, String> pax = new HashMap<>();
        String longName = null;
        String longLink = null;
        while (true) {
            byte[] h = in.readNBytes(BLOCK);
            if (h.length == 0) {
                throw new EOFException("the archive ends without its two empty blocks");
            }
            if (h.length < BLOCK) {
                throw new EOFException("the archive ends inside a header");
            }
            if (zero(h)) {
                ended = true;
                return null;
            }
            checksum(h);
            char type = (char) (h[156] & 0xff);
            long size = number(h, 124, 12, "size");
            if (size < 0) {
                throw new IOException("an entry of negative size");
            }
            switch (type) {
                case 'x', 'g' -> {
                    byte[] records = meta(size, type == 'x' ? "PAX header" : "global PAX header");
                    if (type == 'x') {
                        pax.putAll(paxRecords(records));
                    }
                    continue;
                }
                case 'L' -> {
                    longName = cString(meta(size, "GNU long name"), 0, (int) size);
                    continue;
                }
                case 'K' -> {
                    longLink = cString(meta(size, "GNU long link name"), 0, (int) size);
                    continue;
                }
                default -> {
                }
            }
            String name = cString(h, 0, 100);
            String prefix = ustar(h) ? cString(h, 345, 155) : "";
            if (!prefix.isEmpty()) {
                name = prefix + "/" + name;
            }
            name = pax.getOrDefault("path", longName != null ? longName : name);
            String link = pax.getOrDefault("linkpath", longLink != null ? longLink : cString(h, 157, 100));
            if (pax.containsKey("size")) {
                size = paxNumber(pax.get("size"), "size");
            }
            Instant mtime = pax.containsKey("mtime") ? paxTime(pax.get("mtime"))
                    : Instant.ofEpochSecond(number(h, 136, 12, "mtime"));
            int mode = (int) (number(h, 100, 8, "mode") & 07777);
            if (type == '\0') {
                type = name.endsWith("/") ? '5' : '0';
            }
            while (name.endsWith("/") && name.length() > 1) {
                name = name.substring(0, name.length() - 1);
            }
            // only files (and the old-style '7') carry bytes here; a size on others is skipped
            remaining = size;
            padding = (BLOCK - size % BLOCK) % BLOCK;
            return new Entry(name, type, mode, type == '0' || type == '7' ? size : 0, mtime, link);
        }
    }

    /** The current entry's bytes; ends at its size. */
    public InputStream body() {
        return new InputStream() {
            @Override
            public int read() throws IOException {
                byte[] one = new byte[1];
                return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                if (remaining == 0) {
                    return -1;
                }
                int n = in.read(b, off, (int) Math.min(len, remaining));
                if (n < 0) {
                    throw new EOFException("the archive ends inside an entry's bytes");
                }
                remaining -= n;
                return n;
            }
        };
    }

    private byte[] meta(long size, String what) throws IOException {
        if (size > MAX_META) {
            throw new IOException("a " + what + " of " + size + " bytes, over the " + MAX_META + " read");
        }
        byte[] b = in.readNBytes((int) size);
        if (b.length < size) {
            throw new EOFException("the archive ends inside a " + what);
        }
        skip((BLOCK - size % BLOCK) % BLOCK);
        return b;
    }

    private void skip(long n) throws IOException {
        long left = n;
        while (left > 0) {
            long s = in.skip(left);
            if (s <= 0) {
                if (in.read() < 0) {
                    throw new EOFException("the archive ends inside an entry's bytes");
                }
                s = 1;
            }
            left -= s;
        }
    }

    /** "<length> <key>=<value>\n" records, each length counting its whole record. */
    static Map<String, String> paxRecords(byte[] b) throws IOException {
        Map<String, String> records = new HashMap<>();
        int at = 0;
        while (at < b.length) {
            int space = at;
            while (space < b.length && b[space] != ' ') {
                space++;
            }
            int length;
            try {
                length = Integer.parseInt(new String(b, at, space - at, StandardCharsets.US_ASCII));
            } catch (NumberFormatException e) {
                throw new IOException("a PAX record without its length");
            }
            if (space >= b.length || length <= space - at + 1 || at + length > b.length || b[at + length - 1] != '\n') {
                throw new IOException("a malformed PAX record");
            }
            String record = new String(b, space + 1, at + length - 1 - (space + 1), StandardCharsets.UTF_8);
            int eq = record.indexOf('=');
            if (eq <= 0) {
                throw new IOException("a PAX record without a key");
            }
            records.put(record.substring(0, eq), record.substring(eq + 1));
            at += length;
        }
        return records;
    }

    private static long paxNumber(String text, String what) throws IOException {
        try {
            long v = Long.parseLong(text);
            if (v < 0) {
                throw new IOException("a negative PAX " + what);
            }
            return v;
        } catch (NumberFormatException e) {
            throw new IOException("a PAX " + what + " that is not a number: " + text);
        }
    }

    /** A PAX time: seconds, maybe negative, maybe with a decimal fraction. */
    private static Instant paxTime(String text) throws IOException {
        try {
            int dot = text.indexOf('.');
            if (dot < 0) {
                return Instant.ofEpochSecond(Long.parseLong(text));
            }
            long seconds = Long.parseLong(text.substring(0, dot));
            String fraction = (text.substring(dot + 1) + "000000000").substring(0, 9);
            long nanos = Long.parseLong(fraction);
            return text.startsWith("-") ? Instant.ofEpochSecond(seconds, -nanos) : Instant.ofEpochSecond(seconds, nanos);
        } catch (NumberFormatException | java.time.DateTimeException e) {
            throw new IOException("a PAX mtime that is not a time: " + text);
        }
    }

    /** An octal field (NUL or space ended), or GNU's base-256 when its first bit is set. */
    static long number(byte[] h, int at, int width, String what) throws IOException {
        if ((h[at] & 0x80) != 0) {
            long v = h[at] & 0x3f;
            for (int i = 1; i < width; i++) {
                if (v > (Long.MAX_VALUE >> 8)) {
                    throw new IOException("a " + what + " too large to read");
                }
                v = (v << 8) | (h[at + i] & 0xff);
            }
            return (h[at] & 0x40) != 0 ? -1 : v;
        }
        long v = 0;
        int i = at;
        int end = at + width;
        while (i < end && h[i] == ' ') {
            i++;
        }
        for (; i < end && h[i] != 0 && h[i] != ' '; i++) {
            if (h[i] < '0' || h[i] > '7') {
                throw new IOException("a header's " + what + " is not an octal number");
            }
            v = (v << 3) | (h[i] - '0');
        }
        return v;
    }

    private static void checksum(byte[] h) throws IOException {
        long stored = number(h, 148, 8, "checksum");
        long unsigned = 0;
        long signed = 0;
        for (int i = 0; i < BLOCK; i++) {
            int b = i >= 148 && i < 156 ? ' ' : h[i];
            unsigned += b & 0xff;
            signed += b;
        }
        if (stored != unsigned && stored != signed) {
            throw new IOException("a tar header with a wrong checksum (not a tar archive?)");
        }
    }

    private static boolean ustar(byte[] h) {
        return h[257] == 'u' && h[258] == 's' && h[259] == 't' && h[260] == 'a' && h[261] == 'r';
    }

    private static boolean zero(byte[] h) {
        for (byte b : h) {
            if (b != 0) {
                return false;
            }
        }
        return true;
    }

    private static String cString(byte[] b, int at, int width) {
        int end = at;
        while (end < at + width && b[end] != 0) {
            end++;
        }
        return new String(b, at, end - at, StandardCharsets.UTF_8);
    }
}
