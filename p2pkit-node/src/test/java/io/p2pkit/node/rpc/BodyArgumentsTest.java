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
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The lines of a body as go-ipfs-cmds' arguments.Scan reads them, and their bounds. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class BodyArgumentsTest {
    private static List<String> lines(String text) {
        return all(BodyArguments.of(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8))));
    }

    private static List<String> all(BodyArguments body) {
        List<String> out = new ArrayList<>();
        for (String line; (line = body.next()) != null; ) {
            out.add(line);
        }
        return out;
    }

    @Test
    void aLineEndsAtNewlineWithItsCarriageReturnAndTheLastNeedsNoEnding() {
        assertEquals(List.of("a", "b", "c"), lines("a\nb\r\nc"));
        assertEquals(List.of("a", "b"), lines("a\nb\n"));
        assertEquals(List.of(), lines(""));
        // a '\r' goes only just before '\n': inside a line, and at the very end, it stays
        assertEquals(List.of("a\rb", "c\r"), lines("a\rb\nc\r"));
        assertEquals(List.of("x\r"), lines("x\r\r\n"));
    }

    @Test
    void emptyLinesAreEmptyArguments() {
        assertEquals(List.of("", "a", "", ""), lines("\na\n\n\r\n"));
        assertEquals(List.of(""), lines("\n"));
    }

    @Test
    void linesAreUtf8AndSurviveReadsThatSplitThem() {
        byte[] text = "é→\r\nzwei\n\ndrei".getBytes(StandardCharsets.UTF_8);
        InputStream trickle = new FilterInputStream(new ByteArrayInputStream(text)) {
            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                return super.read(b, off, Math.min(len, 1)); // one byte at a time: every boundary falls between reads
            }
        };
        assertEquals(List.of("é→", "zwei", "", "drei"), all(BodyArguments.of(trickle)));
    }

    @Test
    void aBodyThatBreaksOffFailsAndKeepsFailing() {
        InputStream broken = new InputStream() {
            private final InputStream start = new ByteArrayInputStream("first\nsecond, cut".getBytes(StandardCharsets.UTF_8));

            @Override
            public int read() throws IOException {
                int b = start.read();
                if (b < 0) {
                    throw new IOException("the multipart body ends inside a part");
                }
                return b;
            }
        };
        BodyArguments body = BodyArguments.of(broken);
        assertEquals("first", body.next());
        RpcError e = assertThrows(RpcError.class, body::next); // the cut line is not an argument
        assertEquals("the multipart body ends inside a part", e.getMessage());
        assertEquals(RpcError.NORMAL, e.code());
        assertSame(e, assertThrows(RpcError.class, body::next));
    }

    @Test
    void bytesBeyondTheBoundAreRefused() {
        String line = "x".repeat(1023) + "\n";
        String atBound = line.repeat(BodyArguments.MAX_BYTES / 1024);
        assertEquals(BodyArguments.MAX_BYTES / 1024, lines(atBound).size());
        RpcError e = assertThrows(RpcError.class, () -> lines(atBound + "y"));
        assertEquals("the arguments in the body are over " + BodyArguments.MAX_BYTES + " bytes", e.getMessage());
        assertEquals(RpcError.CLIENT, e.code());
        // one endless line is stopped at the bound too, not held whole
        BodyArguments endless = BodyArguments.of(new InputStream() {
            @Override
            public int read() {
                return 'z';
            }

            @Override
            public int read(byte[] b, int off, int len) {
                java.util.Arrays.fill(b, off, off + len, (byte) 'z');
                return len;
            }
        });
        assertEquals(RpcError.CLIENT, assertThrows(RpcError.class, endless::next).code());
    }

    @Test
    void argumentsBeyondTheBoundAreRefused() {
        assertEquals(BodyArguments.MAX_ARGUMENTS, lines("\n".repeat(BodyArguments.MAX_ARGUMENTS)).size());
        RpcError e = assertThrows(RpcError.class, () -> lines("\n".repeat(BodyArguments.MAX_ARGUMENTS) + "last"));
        assertEquals("the body holds more than " + BodyArguments.MAX_ARGUMENTS + " arguments", e.getMessage());
        assertEquals(RpcError.CLIENT, e.code());
    }

    @Test
    void theFirstEntryIsTheOneReadWhateverItsNameAndADirectoryHasNoLines() throws IOException {
        String b = "bb";
        String file = "--bb\r\nContent-Disposition: form-data; name=\"file\"; filename=\"whatever\"\r\n\r\nA\nB\r\n"
                + "--bb\r\nContent-Disposition: form-data; name=\"file\"; filename=\"stdin\"\r\n\r\nC\n\r\n--bb--\r\n";
        assertEquals(List.of("A", "B"), all(first(file, b)));
        String link = "--bb\r\nContent-Disposition: form-data; name=\"file\"; filename=\"l\"\r\n"
                + "Content-Type: application/symlink\r\n\r\nT1\nT2\r\n--bb--\r\n";
        assertEquals(List.of("T1", "T2"), all(first(link, b)));
        assertNull(first("--bb--\r\n", b));
        String directory = "--bb\r\nContent-Disposition: form-data; name=\"file\"; filename=\"d\"\r\n"
                + "Content-Type: application/x-directory\r\n\r\n\r\n--bb--\r\n";
        String nested = "--bb\r\nContent-Disposition: form-data; name=\"file\"; filename=\"d%2Fx\"\r\n\r\nA\n\r\n--bb--\r\n";
        for (String body : List.of(directory, nested)) {
            BodyArguments lines = first(body, b);
            RpcError e = assertThrows(RpcError.class, lines::next);
            assertEquals("the body's first entry is a directory, not lines of arguments", e.getMessage());
        }
        RpcError malformed = assertThrows(RpcError.class, () -> first("no boundary at all", b));
        assertEquals(RpcError.CLIENT, malformed.code());
    }

    private static BodyArguments first(String body, String boundary) throws IOException {
        return BodyArguments.first(new Uploads(new MultipartReader(
                new ByteArrayInputStream(body.getBytes(StandardCharsets.UTF_8)), boundary, 16 * 1024)));
    }

    @Test
    void goTrimSpaceTrimsWhatGoCallsSpace() {
        assertEquals("a b", GoStrings.trimSpace(" \t\u000b\f\r\n\u0085\u00a0a b\u2003\u3000\u2028"));
        // Java's isWhitespace takes U+001C..U+001F, Go does not; U+200B is no space for either
        assertEquals("\u001ca\u200b", GoStrings.trimSpace("\u001ca\u200b"));
        assertEquals("", GoStrings.trimSpace(" \n "));
    }
}
