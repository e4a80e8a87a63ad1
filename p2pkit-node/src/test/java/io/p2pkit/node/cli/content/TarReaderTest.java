package io.p2pkit.node.cli.content;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class TarReaderTest {
    private static final String LONG_ASCII = "d".repeat(120) + "/" + "f".repeat(90);
    private static final String LONG_NAME = "dir/" + "n".repeat(150);
    private static final String UNICODE = "dir/ünïcödé ✓";

    private static byte[] archive() throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        TarArchive tar = new TarArchive(bytes);
        tar.directory("dir", 0755, 1_700_000_000L);
        tar.file("dir/a", 0640, 5, 1_700_000_001L, new ByteArrayInputStream("hello".getBytes(StandardCharsets.UTF_8)));
        tar.file(LONG_ASCII, 0644, 513, 1L, new ByteArrayInputStream(new byte[513]));
        tar.file(LONG_NAME, 0644, 0, 2L, new ByteArrayInputStream(new byte[0]));
        tar.symlink(UNICODE, "t".repeat(200), 3L);
        tar.finish();
        return bytes.toByteArray();
    }

    @Test
    void readsWhatTarArchiveWrites() throws IOException {
        TarReader r = new TarReader(new ByteArrayInputStream(archive()));
        TarReader.Entry dir = r.next();
        assertEquals(new TarReader.Entry("dir", '5', 0755, 0, Instant.ofEpochSecond(1_700_000_000L), ""), dir);
        TarReader.Entry a = r.next();
        assertEquals(new TarReader.Entry("dir/a", '0', 0640, 5, Instant.ofEpochSecond(1_700_000_001L), ""), a);
        assertEquals("hello", new String(r.body().readAllBytes(), StandardCharsets.UTF_8));
        TarReader.Entry split = r.next();    // a long ASCII name in ustar's prefix field
        assertEquals(LONG_ASCII, split.name());
        assertEquals(513, split.size());
        // its body left unread: the next entry still comes
        assertEquals(LONG_NAME, r.next().name());    // a PAX path
        TarReader.Entry link = r.next();
        assertEquals(UNICODE, link.name());
        assertEquals('2', link.type());
        assertEquals("t".repeat(200), link.link());
        assertNull(r.next());
        assertNull(r.next());
    }

    @Test
    void refusesWhatIsNotATarArchive() throws IOException {
        byte[] good = archive();
        byte[] bad = good.clone();
        bad[10] ^= 1;    // inside the first header's name: the checksum no longer matches
        IOException e = assertThrows(IOException.class, () -> new TarReader(new ByteArrayInputStream(bad)).next());
        assertTrue(e.getMessage().contains("checksum"), e.getMessage());

        byte[] cut = Arrays.copyOf(good, 512 + 512 + 100);    // ends inside dir/a's bytes
        TarReader r = new TarReader(new ByteArrayInputStream(cut));
        r.next();
        r.next();
        assertThrows(EOFException.class, r::next);

        assertThrows(EOFException.class, () -> new TarReader(new ByteArrayInputStream(new byte[0])).next());
        assertThrows(EOFException.class, () -> new TarReader(new ByteArrayInputStream(new byte[300])).next());
    }

    @Test
    void readsPaxRecordsAndRefusesMalformedOnes() throws IOException {
        assertEquals(Map.of("path", "a/b", "mtime", "1.5"),
                TarReader.paxRecords("12 path=a/b\n13 mtime=1.5\n".getBytes(StandardCharsets.US_ASCII)));
        for (String bad : new String[]{"x path=a\n", "5 path=a\n", "99 path=a\n", "10 path=ab", "7 =abc\n"}) {
            assertThrows(IOException.class, () -> TarReader.paxRecords(bad.getBytes(StandardCharsets.US_ASCII)), bad);
        }
    }

    @Test
    void readsOctalAndBase256Numbers() throws IOException {
        byte[] h = new byte[16];
        byte[] octal = "0000644 \0".getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(octal, 0, h, 0, octal.length);
        assertEquals(0644, TarReader.number(h, 0, 8, "mode"));
        byte[] big = new byte[12];
        big[0] = (byte) 0x80;
        big[10] = 0x01;
        big[11] = 0x02;
        assertEquals(0x0102, TarReader.number(big, 0, 12, "size"));
        byte[] notOctal = "0009".getBytes(StandardCharsets.US_ASCII);
        assertThrows(IOException.class, () -> TarReader.number(notOctal, 0, 4, "size"));
    }

    @Test
    void refusesAnOversizedPaxHeader() throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        new TarArchive(bytes).file("x", 0644, 0, 0, new ByteArrayInputStream(new byte[0]));
        byte[] h = Arrays.copyOf(bytes.toByteArray(), 512);
        h[156] = 'x';
        byte[] size = String.format("%011o\0", TarReader.MAX_META + 1).getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(size, 0, h, 124, 12);
        Arrays.fill(h, 148, 156, (byte) ' ');
        long sum = 0;
        for (byte b : h) {
            sum += b & 0xff;
        }
        byte[] check = String.format("%06o\0 ", sum).getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(check, 0, h, 148, 8);
        IOException e = assertThrows(IOException.class, () -> new TarReader(new ByteArrayInputStream(h)).next());
        assertTrue(e.getMessage().contains("over the"), e.getMessage());
    }
}
