package io.p2pkit.node.rpc;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.ByteArrayInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The streaming multipart reader: parts as boxo writes them, and malformed bodies. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class MultipartReaderTest {
    private static final String B = "xYzBoundary";

    private static byte[] body(byte[]... parts) {
        var out = new java.io.ByteArrayOutputStream();
        out.writeBytes(("preamble to skip\r\n").getBytes(StandardCharsets.US_ASCII));
        for (byte[] p : parts) {
            out.writeBytes(("--" + B + "\r\n").getBytes(StandardCharsets.US_ASCII));
            out.writeBytes(p);
            out.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
        }
        out.writeBytes(("--" + B + "--\r\n").getBytes(StandardCharsets.US_ASCII));
        return out.toByteArray();
    }

    private static byte[] part(String headers, byte[] data) {
        byte[] h = (headers + "\r\n\r\n").getBytes(StandardCharsets.UTF_8);
        byte[] all = new byte[h.length + data.length];
        System.arraycopy(h, 0, all, 0, h.length);
        System.arraycopy(data, 0, all, h.length, data.length);
        return all;
    }

    /** Hands out one to seven bytes per read, so that delimiters straddle reads. */
    private static InputStream trickling(byte[] bytes) {
        Random random = new Random(7);
        return new FilterInputStream(new ByteArrayInputStream(bytes)) {
            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                return super.read(b, off, Math.min(len, 1 + random.nextInt(7)));
            }
        };
    }

    @Test
    void partsComeWithTheirHeadersAndExactBytesWhateverTheReadSizes() throws Exception {
        byte[] big = new byte[200_000];
        new Random(1).nextBytes(big);
        // bytes that look like the start of a delimiter must stay data
        byte[] tricky = ("a\r\n--" + B.substring(0, 5) + "\r\n-").getBytes(StandardCharsets.US_ASCII);
        byte[] body = body(
                part("Content-Disposition: form-data; name=\"file\"; filename=\"d\"\r\nContent-Type: application/x-directory",
                        new byte[0]),
                part("Content-Disposition: form-data; name=\"file\"; filename=\"d%2Fbig\"\r\nContent-Type: "
                        + "application/octet-stream", big),
                part("Content-Disposition: form-data; name=\"file\"; filename=\"d%2Ftricky\"", tricky));
        for (InputStream in : List.of(new ByteArrayInputStream(body), trickling(body))) {
            MultipartReader reader = new MultipartReader(in, B, 4096);
            List<byte[]> data = new ArrayList<>();
            List<String> names = new ArrayList<>();
            for (MultipartReader.Part p; (p = reader.next()) != null; ) {
                names.add(HeaderValues.params(p.header("Content-Disposition")).get("filename"));
                data.add(p.body().readAllBytes());
            }
            assertEquals(List.of("d", "d%2Fbig", "d%2Ftricky"), names);
            assertEquals(0, data.get(0).length);
            assertArrayEquals(big, data.get(1));
            assertArrayEquals(tricky, data.get(2));
            assertNull(reader.next());
        }
    }

    @Test
    void aPartLeftUnreadIsSkipped() throws Exception {
        byte[] body = body(part("Content-Type: text/plain", "first".getBytes(StandardCharsets.UTF_8)),
                part("Content-Type: text/plain", "second".getBytes(StandardCharsets.UTF_8)));
        MultipartReader reader = new MultipartReader(new ByteArrayInputStream(body), B, 4096);
        reader.next();
        assertEquals("second", new String(reader.next().body().readAllBytes(), StandardCharsets.UTF_8));
        assertNull(reader.next());
    }

    @Test
    void malformedBodiesAreErrorsThatSayWhat() throws Exception {
        byte[] whole = body(part("Content-Type: text/plain", "data".getBytes(StandardCharsets.UTF_8)));
        byte[] truncated = java.util.Arrays.copyOf(whole, whole.length - 12);
        MultipartReader cut = new MultipartReader(new ByteArrayInputStream(truncated), B, 4096);
        IOException e = assertThrows(IOException.class, () -> cut.next().body().readAllBytes());
        assertTrue(e.getMessage().contains("ends"), e.getMessage());

        // what came before the cut is the part's data, the failure comes after it (as Go's multipart reader)
        MultipartReader cutLater = new MultipartReader(new ByteArrayInputStream(truncated), B, 4096);
        InputStream partBody = cutLater.next().body();
        byte[] got = new byte[64];
        int n = partBody.read(got, 0, got.length);
        assertEquals("data\r\n--xYz", new String(got, 0, n, StandardCharsets.UTF_8)); // the cut delimiter too
        assertThrows(IOException.class, partBody::read);

        byte[] hugeHeaders = body(part("X-Big: " + "y".repeat(10_000), new byte[1]));
        MultipartReader big = new MultipartReader(new ByteArrayInputStream(hugeHeaders), B, 4096);
        e = assertThrows(IOException.class, big::next);
        assertTrue(e.getMessage().contains("4096"), e.getMessage());

        MultipartReader noBoundary = new MultipartReader(new ByteArrayInputStream("just bytes".getBytes(StandardCharsets.UTF_8)), B, 4096);
        assertThrows(IOException.class, noBoundary::next);

        byte[] badHeader = body(part("no colon here", new byte[1]));
        MultipartReader bad = new MultipartReader(new ByteArrayInputStream(badHeader), B, 4096);
        assertThrows(IOException.class, bad::next);

        assertThrows(IOException.class, () -> new MultipartReader(InputStream.nullInputStream(), "", 4096));
    }

    @Test
    void namesAreUnescapedAndCleanedAsBoxoDoes() {
        assertEquals("a/b c", Uploads.cleanPath(Uploads.unescape("a%2Fb+c")));
        assertEquals("etc/passwd", Uploads.cleanPath(Uploads.unescape("..%2F..%2Fetc%2Fpasswd")));
        assertEquals("a/c", Uploads.cleanPath("/a/./b/../c/"));
        assertEquals("100%", Uploads.unescape("100%"));
    }
}
