package io.p2pkit.node.cli.content;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** stdout for bulk output: counted, and a reader gone away said in the same words either way. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class StdoutStreamTest {
    private static final String CLOSED = "stdout was closed (the reading end of the pipe went away)";

    @Test
    void bytesGoThroughAndAreCounted() throws IOException {
        ByteArrayOutputStream sink = new ByteArrayOutputStream();
        try (StdoutStream out = new StdoutStream(new PrintStream(sink, false, StandardCharsets.UTF_8))) {
            out.write(new byte[100_000], 0, 100_000);
            out.write('x');
            out.flush();
            assertEquals(100_001, out.count());
        }
        assertEquals(100_001, sink.size());
    }

    @Test
    void aPrintStreamThatFailedIsAClosedStdout() {
        OutputStream broken = new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                throw new IOException("Broken pipe");
            }
        };
        StdoutStream out = new StdoutStream(new PrintStream(broken, false, StandardCharsets.UTF_8));
        IOException e = assertThrows(IOException.class, () -> {
            out.write(new byte[70_000], 0, 70_000);
            out.flush();
        });
        assertEquals(CLOSED, e.getMessage());
    }

    @Test
    void aChannelsBrokenPipeIsSaidTheSameWayAndOtherErrorsAsThey() {
        IOException pipe = new IOException("Broken pipe");
        IOException said = StdoutStream.closedOr(pipe);
        assertEquals(CLOSED, said.getMessage());
        assertSame(pipe, said.getCause());
        IOException full = new IOException("No space left on device");
        assertSame(full, StdoutStream.closedOr(full));
    }
}
