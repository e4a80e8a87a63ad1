package io.p2pkit.node.rpc;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Reads a multipart body part by part as it arrives: each part's bytes are a stream that ends at
 * the next boundary, so no part is held whole in memory. A part's headers are bounded, and
 * anything malformed (no boundary, a truncated body, headers over the bound) is an
 * {@link IOException} saying what.
 */
final class MultipartReader {
    /** One part: its headers (names in lower case) and its bytes, valid until the next {@link #next()}. */
    record Part(Map<String, String> headers, InputStream body) {
        /** A header, or "". */
        String header(String name) {
            return headers.getOrDefault(name.toLowerCase(Locale.ROOT), "");
        }
    }

    private static final int BUFFER = 64 * 1024;

    private final InputStream in;
    private final byte[] delimiter;        // CRLF "--" boundary
    private final int maxHeaderBytes;
    private final byte[] buf = new byte[BUFFER];
    private int pos;
    private int limit;
    private boolean eof;
    private boolean done;
    private PartStream current;

    /**
     * @param in             the body
     * @param boundary       the boundary from the Content-Type
     * @param maxHeaderBytes the most bytes of one part's headers
     */
    MultipartReader(InputStream in, String boundary, int maxHeaderBytes) throws IOException {
        if (boundary.isEmpty() || boundary.length() > 70) {
            throw new IOException("the multipart boundary must have 1 to 70 characters");
        }
        this.in = in;
        this.delimiter = ("\r\n--" + boundary).getBytes(StandardCharsets.ISO_8859_1);
        this.maxHeaderBytes = maxHeaderBytes;
        // The body opens with the boundary itself: a CRLF in front makes it one more delimiter.
        buf[0] = '\r';
        buf[1] = '\n';
        limit = 2;
        current = new PartStream();
    }

    /**
     * The next part, after skipping what is left of the current one.
     *
     * @return the part, or null after the closing boundary
     * @throws IOException when the body is malformed or ends early
     */
    Part next() throws IOException {
        if (done) {
            return null;
        }
        current.skipRest();
        // after a delimiter: "--" closes the body, else optional whitespace and CRLF start a part
        fill(2);
        if (limit - pos >= 2 && buf[pos] == '-' && buf[pos + 1] == '-') {
            done = true;
            return null;
        }
        while (true) {
            fill(1);
            if (pos == limit) {
                throw new IOException("the multipart body ends without its closing boundary");
            }
            if (buf[pos] == ' ' || buf[pos] == '\t') {
                pos++;
            } else {
                break;
            }
        }
        if (!consumeLineEnd()) {
            throw new IOException("malformed multipart boundary line");
        }
        Map<String, String> headers = readHeaders();
        current = new PartStream();
        return new Part(headers, current);
    }

    private Map<String, String> readHeaders() throws IOException {
        Map<String, String> headers = new LinkedHashMap<>();
        int total = 0;
        while (true) {
            StringBuilder line = new StringBuilder();
            while (true) {
                fill(1);
                if (pos == limit) {
                    throw new IOException("the multipart body ends inside a part's headers");
                }
                byte b = buf[pos++];
                if (++total > maxHeaderBytes) {
                    throw new IOException("a multipart part's headers exceed " + maxHeaderBytes + " bytes");
                }
                if (b == '\n') {
                    break;
                }
                line.append((char) (b & 0xff));
            }
            if (!line.isEmpty() && line.charAt(line.length() - 1) == '\r') {
                line.setLength(line.length() - 1);
            }
            if (line.isEmpty()) {
                return headers;
            }
            int colon = line.indexOf(":");
            if (colon <= 0 || line.charAt(0) == ' ' || line.charAt(0) == '\t') {
                throw new IOException("malformed multipart header line");
            }
            String name = line.substring(0, colon).strip().toLowerCase(Locale.ROOT);
            String value = new String(line.substring(colon + 1).strip().getBytes(StandardCharsets.ISO_8859_1),
                    StandardCharsets.UTF_8);
            headers.putIfAbsent(name, value);
        }
    }

    private boolean consumeLineEnd() throws IOException {
        fill(2);
        if (limit - pos >= 2 && buf[pos] == '\r' && buf[pos + 1] == '\n') {
            pos += 2;
            return true;
        }
        if (limit - pos >= 1 && buf[pos] == '\n') {
            pos++;
            return true;
        }
        return false;
    }

    /** Reads until at least {@code n} bytes are buffered or the body ends. */
    private void fill(int n) throws IOException {
        if (limit - pos >= n || eof) {
            return;
        }
        if (pos > 0) {
            System.arraycopy(buf, pos, buf, 0, limit - pos);
            limit -= pos;
            pos = 0;
        }
        while (limit - pos < n && !eof) {
            int r = in.read(buf, limit, buf.length - limit);
            if (r < 0) {
                eof = true;
            } else {
                limit += r;
            }
        }
    }

    /** Where the delimiter starts in the buffer, or -1. */
    private int findDelimiter() {
        outer:
        for (int i = pos; i <= limit - delimiter.length; i++) {
            for (int j = 0; j < delimiter.length; j++) {
                if (buf[i + j] != delimiter[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    /** A part's bytes up to the next delimiter. */
    private final class PartStream extends InputStream {
        private boolean ended;

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int n = read(one, 0, 1);
            return n < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (ended) {
                return -1;
            }
            if (len == 0) {
                return 0;
            }
            fill(delimiter.length + 1);
            int at = findDelimiter();
            int available;
            if (at == pos) {
                pos += delimiter.length;
                ended = true;
                return -1;
            } else if (at >= 0) {
                available = at - pos;
            } else if (eof) {
                if (pos == limit) {
                    throw new IOException("the multipart body ends inside a part");
                }
                // no delimiter can end the part now: what came is its data, the failure comes after it (as Go's)
                available = limit - pos;
            } else {
                // the last bytes may be the start of a delimiter: keep them for the next read
                available = limit - pos - (delimiter.length - 1);
            }
            int n = Math.min(len, available);
            System.arraycopy(buf, pos, b, off, n);
            pos += n;
            return n;
        }

        void skipRest() throws IOException {
            byte[] skip = new byte[8192];
            int n;
            do {
                n = read(skip, 0, skip.length);
            } while (n >= 0);
        }
    }
}
