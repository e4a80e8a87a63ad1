package io.p2pkit.node.rpc;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** {@code files chmod}'s mode read as Go's {@code strconv.ParseInt(s, 8, 32)} and boxo's {@code ModePermsToUnixPerms}. */
@Timeout(value = 1, unit = TimeUnit.MINUTES)
class GoOctalTest {
    private static String error(String s) {
        return assertThrows(RpcError.class, () -> GoOctal.parseInt32(s)).getMessage();
    }

    @Test
    void parsesAsGo() {
        assertEquals(0644, GoOctal.parseInt32("0644"));
        assertEquals(0644, GoOctal.parseInt32("+644"));
        assertEquals(-1, GoOctal.parseInt32("-1"));
        assertEquals(Integer.MAX_VALUE, GoOctal.parseInt32("17777777777"));
        assertEquals(Integer.MIN_VALUE, GoOctal.parseInt32("-20000000000"));
        assertEquals("strconv.ParseInt: parsing \"999\": invalid syntax", error("999"));
        assertEquals("strconv.ParseInt: parsing \"\": invalid syntax", error(""));
        assertEquals("strconv.ParseInt: parsing \"-\": invalid syntax", error("-"));
        assertEquals("strconv.ParseInt: parsing \"0o644\": invalid syntax", error("0o644"));
        assertEquals("strconv.ParseInt: parsing \"20000000000\": value out of range", error("20000000000"));
        assertEquals("strconv.ParseInt: parsing \"77777777777\": value out of range", error("77777777777"));
        assertEquals("strconv.ParseInt: parsing \"-20000000001\": value out of range", error("-20000000001"));
    }

    @Test
    void unixPermissionsAsBoxo() {
        assertEquals(0644, GoOctal.unixPermissions(0644));
        assertEquals(0755, GoOctal.unixPermissions(04755)); // 04000 is no Go flag: dropped, as Kubo drops it
        assertEquals(07777, GoOctal.unixPermissions(-1));   // Go's setuid, setgid and sticky bits
    }
}
