package io.p2pkit.node.gateway;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * A POSIX tar stream (ustar headers; a PAX header first when a name or link target does not fit
 * ustar's fields), written entry by entry.
 */
final class TarWriter {
    private static final int BLOCK = 512;

    private final OutputStream out;

    TarWriter(OutputStream out) {
        this.out = out;
    }

    void directory(String name, int mode, long mtime) throws IOException {
        header(name.endsWith("/") ? name : name + "/", mode, 0, mtime, '5', "");
    }

    void symlink(String name, String target, long mtime) throws IOException {
        header(name, 0777, 0, mtime, '2', target);
    }

    void file(String name, int mode, long size, long mtime, InputStream content) throws IOException {
        header(name, mode, size, mtime, '0', "");
        long copied = content.transferTo(out);
        if (copied != size) {
            throw new IOException(name + ": " + copied + " bytes read where the file has " + size);
        }
        pad(size);
    }

    /** The two zero blocks that end an archive. */
    void finish() throws IOException {
        out.write(new byte[2 * BLOCK]);
        out.flush();
    }

    private void header(String name, int mode, long size, long mtime, char type, String link) throws IOException {
        byte[] nameBytes = name.getBytes(StandardCharsets.UTF_8);
        byte[] linkBytes = link.getBytes(StandardCharsets.UTF_8);
        if (nameBytes.length > 100 || linkBytes.length > 100 || !ascii(name) || !ascii(link)) {
            StringBuilder pax = new StringBuilder();
            pax.append(record("path", name));
            if (!link.isEmpty()) {
                pax.append(record("linkpath", link));
            }
            byte[] body = pax.toString().getBytes(StandardCharsets.UTF_8);
            out.write(block("PaxHeaders/entry", 0644, body.length, mtime, 'x', ""));
            out.write(body);
            pad(body.length);
        }
        out.write(block(name, mode, size, mtime, type, link));
    }

    private static boolean ascii(String s) {
        return s.chars().allMatch(c -> c < 0x80);
    }

    /** A PAX record: its own length in decimal first, the length counting itself. */
    private static String record(String key, String value) {
        int rest = (" " + key + "=" + value + "\n").getBytes(StandardCharsets.UTF_8).length;
        int len = rest + String.valueOf(rest).length();
        if (String.valueOf(len).length() != String.valueOf(rest).length()) {
            len++;
        }
        return len + " " + key + "=" + value + "\n";
    }

    private static byte[] block(String name, int mode, long size, long mtime, char type, String link) {
        byte[] h = new byte[BLOCK];
        put(h, 0, 100, truncated(name, 100));
        octal(h, 100, 8, mode);
        octal(h, 108, 8, 0);
        octal(h, 116, 8, 0);
        octal(h, 124, 12, size);
        octal(h, 136, 12, mtime);
        h[156] = (byte) type;
        put(h, 157, 100, truncated(link, 100));
        put(h, 257, 6, "ustar\0".getBytes(StandardCharsets.US_ASCII));
        put(h, 263, 2, "00".getBytes(StandardCharsets.US_ASCII));
        for (int i = 148; i < 156; i++) {
            h[i] = ' ';
        }
        long sum = 0;
        for (byte b : h) {
            sum += b & 0xff;
        }
        byte[] digits = String.format("%06o", sum).getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(digits, 0, h, 148, 6);
        h[154] = 0;
        h[155] = ' ';
        return h;
    }

    private static byte[] truncated(String s, int max) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        return b.length <= max ? b : java.util.Arrays.copyOf(b, max);
    }

    private static void put(byte[] h, int at, int len, byte[] value) {
        System.arraycopy(value, 0, h, at, Math.min(len, value.length));
    }

    private static void octal(byte[] h, int at, int len, long value) {
        String s = Long.toOctalString(value);
        String padded = "0".repeat(Math.max(0, len - 1 - s.length())) + s;
        put(h, at, len - 1, padded.getBytes(StandardCharsets.US_ASCII));
    }

    private void pad(long size) throws IOException {
        int rem = (int) (size % BLOCK);
        if (rem != 0) {
            out.write(new byte[BLOCK - rem]);
        }
    }
}
