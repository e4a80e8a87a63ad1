package io.p2pkit.core.resource;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ProcLimitsTest {
    private static final String HEADER = "Limit                     Soft Limit           Hard Limit           Units     \n";

    @Test
    void readsTheSoftLimitOfOpenFiles(@TempDir Path dir) throws Exception {
        Path f = Files.writeString(dir.resolve("limits"), HEADER
                + "Max processes             63704                63704                processes \n"
                + "Max open files            1024                 524288               files     \n"
                + "Max locked memory         8388608              8388608              bytes     \n");
        assertEquals(1024, ProcLimits.openFiles(f));
    }

    @Test
    void unlimitedMissingOrMalformedIsZero(@TempDir Path dir) throws Exception {
        assertEquals(0, ProcLimits.openFiles(Files.writeString(dir.resolve("a"), HEADER
                + "Max open files            unlimited            unlimited            files     \n")));
        assertEquals(0, ProcLimits.openFiles(Files.writeString(dir.resolve("b"), HEADER)));
        assertEquals(0, ProcLimits.openFiles(Files.writeString(dir.resolve("c"), "Max open files\n")));
        assertEquals(0, ProcLimits.openFiles(Files.writeString(dir.resolve("d"), "Max open files  -1  5 files\n")));
        assertEquals(0, ProcLimits.openFiles(dir.resolve("missing")));
        assertEquals(0, ProcLimits.openFiles(dir));
    }

    @Test
    void thisProcessAgreesWithThePlatformMxBean() {
        Path self = Path.of("/proc/self/limits");
        assertTrue(Files.isRegularFile(self), "CI runs on Linux");
        var os = (com.sun.management.UnixOperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        assertEquals(os.getMaxFileDescriptorCount(), ProcLimits.openFiles(self));
        assertEquals(os.getMaxFileDescriptorCount(), ResourceManagerConfig.processFileDescriptorLimit());
    }
}
