package io.p2pkit.node.cli.content;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MultipartUploadTest {
    @TempDir
    Path dir;

    @Test
    void aTreeIsSentAsOnePartPerEntryDirectoriesFirstNamesInGosOrder() throws IOException {
        Path root = Files.createDirectory(dir.resolve("t"));
        Files.writeString(root.resolve("b.txt"), "bee");
        Files.writeString(root.resolve("a b.txt"), "a and b");
        Files.createDirectory(root.resolve("sub"));
        Files.writeString(root.resolve("sub").resolve("c"), "");
        MultipartUpload up = MultipartUpload.of(List.of(root), false, false, false);
        assertEquals(5, up.entries());
        String boundary = up.contentType().substring(up.contentType().indexOf("boundary=") + 9);
        String body;
        try (InputStream in = up.body()) {
            body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        Matcher m = Pattern.compile("filename=\"([^\"]*)\"\r\n(?:Abspath-Encoded: ([^\r]*)\r\n)?"
                + "Content-Type: ([^\r]*)\r\n\r\n([^\r]*)\r\n").matcher(body);
        StringBuilder seen = new StringBuilder();
        while (m.find()) {
            // files carry their absolute path, as boxo's multipart walker sends it (add --nocopy needs it)
            String abspath = m.group(2) == null ? "-"
                    : root.relativize(Path.of(java.net.URLDecoder.decode(m.group(2), StandardCharsets.UTF_8))).toString();
            seen.append(m.group(1)).append('|').append(abspath).append('|').append(m.group(3)).append('|')
                    .append(m.group(4)).append('\n');
        }
        assertEquals("""
                t|-|application/x-directory|
                t%2Fa+b.txt|a b.txt|application/octet-stream|a and b
                t%2Fb.txt|b.txt|application/octet-stream|bee
                t%2Fsub|-|application/x-directory|
                t%2Fsub%2Fc|sub/c|application/octet-stream|
                """, seen.toString());
        assertTrue(body.startsWith("--" + boundary + "\r\n"), body);
        assertTrue(body.endsWith("\r\n--" + boundary + "--\r\n"), body);
    }

    @Test
    void closingTheBodyEarlyOpensNoFileNotYetReached() throws IOException {
        Path root = Files.createDirectory(dir.resolve("t"));
        Files.writeString(root.resolve("a"), "first");
        Files.writeString(root.resolve("z"), "second");
        MultipartUpload up = MultipartUpload.of(List.of(root), false, false, false);
        InputStream in = up.body();
        assertTrue(in.read(new byte[16]) > 0);
        Files.delete(root.resolve("z")); // opening it now would fail
        in.close();
        assertEquals(-1, in.read());
    }

    @Test
    void aFileThatVanishedBeforeItsPartIsAnIoErrorNamingIt() throws IOException {
        Path root = Files.createDirectory(dir.resolve("t"));
        Files.writeString(root.resolve("gone"), "x");
        MultipartUpload up = MultipartUpload.of(List.of(root), false, false, false);
        Files.delete(root.resolve("gone"));
        try (InputStream in = up.body()) {
            IOException e = assertThrows(IOException.class, in::readAllBytes);
            assertTrue(e.getMessage().contains("gone"), e.getMessage());
            assertTrue(e.getCause() instanceof NoSuchFileException, String.valueOf(e.getCause()));
        }
    }

    @Test
    void stdinIsOneUnnamedFile() throws IOException {
        MultipartUpload up = MultipartUpload.stdin(new ByteArrayInputStream("hello".getBytes(StandardCharsets.UTF_8)));
        try (InputStream in = up.body()) {
            String body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(body.contains("name=\"file\"; filename=\"\"\r\nContent-Type: application/octet-stream\r\n\r\nhello\r\n"),
                    body);
        }
    }
}
