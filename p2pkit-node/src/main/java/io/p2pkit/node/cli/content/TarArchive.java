package io.p2pkit.node.cli.content;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Writes a POSIX tar archive entry by entry, byte for byte as Go's archive/tar writes it with
 * its format left to choose (what Kubo's {@code get -a} writes): ustar headers (a long ASCII name
 * split into the prefix field), and a PAX extended header in front of an entry whose name or
 * link target does not fit them (over 100 bytes, or not ASCII) or whose size does. File bytes are copied from a stream, so
 * nothing is held whole. The RPC API's {@code get} and the gateway's {@code ?format=tar} write
 * with it.
 */
public final class TarArchive {
    private static final int BLOCK = 512;
    /** The largest size a ustar header holds (eleven octal digits); larger ones go in a PAX record. */
    private static final long MAX_USTAR_SIZE = 077777777777L;

    private final OutputStream out;

    /** An archive written to {@code out}. */
    public TarArchive(OutputStream out) {
        this.out = out;
    }

    /** A directory entry, named as given (Kubo's {@code get} writes no trailing slash, the gateway one). */
    public void directory(String name, int mode, long mtime) throws IOException {
        header(name, '5', mode, 0, mtime, "");
    }

    /** A symlink entry. */
    public void symlink(String name, String target, long mtime) throws IOException {
        symlink(name, target, 0777, mtime);
    }

    /** A symlink entry with a stored mode. */
    public void symlink(String name, String target, int mode, long mtime) throws IOException {
        header(name, '2', mode, 0, mtime, target);
    }

    /** A file entry: {@code size} bytes copied from {@code in}. */
    public void file(String name, int mode, long size, long mtime, InputStream in) throws IOException {
        header(name, '0', mode, size, mtime, "");
        long copied = in.transferTo(out);
        if (copied != size) {
            throw new IOException(name + ": " + copied + " bytes where its size says " + size);
        }
        pad(size);
    }

    /** The two empty blocks that end an archive. */
    public void finish() throws IOException {
        out.write(new byte[2 * BLOCK]);
        out.flush();
    }

    private void header(String name, char type, int mode, long size, long mtime, String link) throws IOException {
        byte[] nameBytes = name.getBytes(StandardCharsets.UTF_8);
        byte[] linkBytes = link.getBytes(StandardCharsets.UTF_8);
        // as Go's Header.allowedFormats: a field ustar cannot hold makes the whole header PAX,
        // with a record for every such field (a long ASCII name alone is split into ustar's prefix)
        boolean longName = nameBytes.length > 100 || !ascii(name);
        boolean longLink = linkBytes.length > 100 || !ascii(link);
        boolean bigSize = size > MAX_USTAR_SIZE;
        String[] split = longName && !longLink && !bigSize ? splitUstar(name) : null;
        if (split != null) {
            write(block(split[1], split[0], type, mode, size, mtime, link));
            return;
        }
        if (longName || longLink || bigSize) {
            StringBuilder pax = new StringBuilder();    // Go sorts the records by key
            if (longLink) {
                pax.append(record("linkpath", link));
            }
            if (longName) {
                pax.append(record("path", name));
            }
            if (bigSize) {
                pax.append(record("size", Long.toString(size)));
            }
            byte[] records = pax.toString().getBytes(StandardCharsets.UTF_8);
            int slash = name.lastIndexOf('/');
            String paxName = trimSlashes(cut(toAscii(name.substring(0, slash + 1) + "PaxHeaders.0/"
                    + name.substring(slash + 1)), 100));
            write(rawBlock(paxName, 'x', records.length));
            out.write(records);
            pad(records.length);
            write(block(fieldCut(toAscii(name)), "", type, mode, bigSize ? 0 : size, mtime, fieldCut(toAscii(link))));
            return;
        }
        write(block(name, "", type, mode, size, mtime, link));
    }

    /** Go's splitUSTARPath: a long ASCII name cut at a slash into a prefix (155 bytes) and a name (100). */
    private static String[] splitUstar(String name) {
        if (name.length() <= 100 || !ascii(name)) {
            return null;
        }
        int length = name.length();
        if (length > 156) {
            length = 156;
        } else if (name.charAt(length - 1) == '/') {
            length--;
        }
        int i = name.substring(0, length).lastIndexOf('/');
        int suffix = name.length() - i - 1;
        if (i <= 0 || suffix > 100 || suffix == 0 || i > 155) {
            return null;
        }
        return new String[] {name.substring(0, i), name.substring(i + 1)};
    }

    /** Go's toASCII: every character outside ASCII (and NUL) dropped. */
    private static String toAscii(String s) {
        StringBuilder b = new StringBuilder(s.length());
        s.chars().filter(c -> c < 0x80 && c != 0).forEach(c -> b.append((char) c));
        return b.toString();
    }

    /** What Go's formatString keeps of an ASCII string in a 100-byte field (no trailing slash at the cut). */
    private static String fieldCut(String ascii) {
        if (ascii.length() <= 100) {
            return ascii;
        }
        String kept = ascii.substring(0, 100);
        return kept.endsWith("/") ? trimSlashes(ascii.substring(0, 99)) : kept;
    }

    private static String trimSlashes(String s) {
        int end = s.length();
        while (end > 0 && s.charAt(end - 1) == '/') {
            end--;
        }
        return s.substring(0, end);
    }

    private static boolean ascii(String s) {
        return s.chars().allMatch(c -> c < 0x80);
    }

    /** A PAX record: "<length> <key>=<value>\n", the length counting itself. */
    private static String record(String key, String value) {
        int body = (" " + key + "=" + value + "\n").getBytes(StandardCharsets.UTF_8).length;
        int length = body + Integer.toString(body).length();
        if (Integer.toString(length).length() != Integer.toString(body).length()) {
            length++;
        }
        return length + " " + key + "=" + value + "\n";
    }

    private static String cut(String s, int bytes) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        return b.length <= bytes ? s : new String(Arrays.copyOf(b, bytes), StandardCharsets.UTF_8).replace("\uFFFD", "");
    }

    /** A ustar header as Go's templateV7Plus fills it: numbers in octal, device numbers zero. */
    private static byte[] block(String name, String prefix, char type, int mode, long size, long mtime, String link) {
        byte[] h = new byte[BLOCK];
        put(h, 0, 100, name.getBytes(StandardCharsets.UTF_8));
        octal(h, 100, 8, mode & 07777);
        octal(h, 108, 8, 0);
        octal(h, 116, 8, 0);
        octal(h, 124, 12, size);
        octal(h, 136, 12, Math.max(0, mtime));
        h[156] = (byte) type;
        put(h, 157, 100, link.getBytes(StandardCharsets.UTF_8));
        octal(h, 329, 8, 0);
        octal(h, 337, 8, 0);
        put(h, 345, 155, prefix.getBytes(StandardCharsets.US_ASCII));
        return finish(h);
    }

    /** A PAX extended header's own header, as Go's writeRawFile writes it: mode, owner and time zero, no device numbers. */
    private static byte[] rawBlock(String name, char type, long size) {
        byte[] h = new byte[BLOCK];
        put(h, 0, 100, name.getBytes(StandardCharsets.US_ASCII));
        octal(h, 100, 8, 0);
        octal(h, 108, 8, 0);
        octal(h, 116, 8, 0);
        octal(h, 124, 12, size);
        octal(h, 136, 12, 0);
        h[156] = (byte) type;
        return finish(h);
    }

    /** The ustar magic and version, then the checksum (six octal digits, NUL, space). */
    private static byte[] finish(byte[] h) {
        put(h, 257, 6, "ustar\0".getBytes(StandardCharsets.US_ASCII));
        put(h, 263, 2, "00".getBytes(StandardCharsets.US_ASCII));
        Arrays.fill(h, 148, 156, (byte) ' ');
        long sum = 0;
        for (byte b : h) {
            sum += b & 0xff;
        }
        octal(h, 148, 7, sum);
        return h;
    }

    private static void put(byte[] h, int at, int max, byte[] value) {
        System.arraycopy(value, 0, h, at, Math.min(max, value.length));
    }

    /** An octal number, zero-padded, ending in NUL. */
    private static void octal(byte[] h, int at, int width, long value) {
        String s = Long.toOctalString(value);
        if (s.length() > width - 1) {
            throw new IllegalArgumentException("too large for a tar header: " + value);
        }
        s = "0".repeat(width - 1 - s.length()) + s;
        put(h, at, width - 1, s.getBytes(StandardCharsets.US_ASCII));
        h[at + width - 1] = 0;
    }

    private void write(byte[] b) throws IOException {
        out.write(b);
    }

    private void pad(long size) throws IOException {
        int rest = (int) (size % BLOCK);
        if (rest != 0) {
            out.write(new byte[BLOCK - rest]);
        }
    }
}
