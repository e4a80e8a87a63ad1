package io.p2pkit.node.cli.content;

import io.p2pkit.ipfs.unixfs.exporter.EntryType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;

import static org.junit.jupiter.api.Assertions.assertEquals;

@Timeout(10)
class GoFileModeTest {
    @Test
    void goModeIsBoxosFsNodeMode() {
        assertEquals(0L, GoFileMode.of(EntryType.FILE, null));
        assertEquals(0L, GoFileMode.of(EntryType.DIRECTORY, 0), "no permissions stored: no type bit either");
        assertEquals(0644L, GoFileMode.of(EntryType.FILE, 0644));
        assertEquals(2147484141L, GoFileMode.of(EntryType.DIRECTORY, 0755), "os.ModeDir | 0755, as Kubo's JSON");
        assertEquals((1L << 27) | 0777, GoFileMode.of(EntryType.SYMLINK, 0777));
        // setuid, setgid and sticky move to Go's own bits (1<<23, 1<<22, 1<<20)
        assertEquals((1L << 23) | (1L << 22) | (1L << 20) | 0755, GoFileMode.of(EntryType.FILE, 07755));
    }

    @Test
    void unixPermsIsBoxosModePermsToUnixPerms() {
        assertEquals(0644, GoFileMode.unixPerms(0644));
        assertEquals(0751, GoFileMode.unixPerms(2147484137L), "a directory's mode as Kubo's client sends it (020000000751)");
        assertEquals(07755, GoFileMode.unixPerms(GoFileMode.of(EntryType.FILE, 07755)));
        assertEquals(0755, GoFileMode.unixPerms(04755), "Unix's setuid bit is not Go's: dropped, as boxo drops it");
    }

    @Test
    void modeIsWhatLsMinusLWrites() {
        assertEquals("-", GoFileMode.lsText(0));
        assertEquals("-rw-r--r--", GoFileMode.lsText(0644));
        assertEquals("drwxr-xr-x", GoFileMode.lsText(GoFileMode.of(EntryType.DIRECTORY, 0755)));
        assertEquals("lrwxrwxrwx", GoFileMode.lsText(GoFileMode.of(EntryType.SYMLINK, 0777)));
        assertEquals("-rwsr-sr-t", GoFileMode.lsText(GoFileMode.of(EntryType.FILE, 07755)));
        assertEquals("-rwSr-Sr-T", GoFileMode.lsText(GoFileMode.of(EntryType.FILE, 07644)),
                "a special bit without its execute bit is a capital");
    }

    @Test
    void modTimeShowsTheYearOutsideTheLastSixMonths() {
        ZonedDateTime now = ZonedDateTime.of(2026, 11, 28, 12, 0, 0, 0, ZoneOffset.UTC);
        assertEquals("-", GoTime.lsStamp(null, now));
        assertEquals("Nov 27 09:05", GoTime.lsStamp(OffsetDateTime.of(2026, 11, 27, 9, 5, 0, 0, ZoneOffset.UTC), now));
        assertEquals("Jun 01 00:00", GoTime.lsStamp(OffsetDateTime.of(2026, 6, 1, 0, 0, 0, 0, ZoneOffset.UTC), now));
        assertEquals("May 28  2026", GoTime.lsStamp(OffsetDateTime.of(2026, 5, 28, 11, 0, 0, 0, ZoneOffset.UTC), now),
                "just over six months ago");
        assertEquals("Nov 29 11:00", GoTime.lsStamp(OffsetDateTime.of(2026, 11, 29, 11, 0, 0, 0, ZoneOffset.UTC), now),
                "less than a day ahead");
        assertEquals("Nov 30  2026", GoTime.lsStamp(OffsetDateTime.of(2026, 11, 30, 0, 0, 0, 0, ZoneOffset.UTC), now),
                "further ahead");
        assertEquals("Jan 02  2020", GoTime.lsStamp(OffsetDateTime.of(2020, 1, 2, 3, 4, 5, 0, ZoneOffset.ofHours(2)), now));
    }
}
