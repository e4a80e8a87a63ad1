package io.p2pkit.core.resource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Linux's {@code /proc/self/limits}: the soft limit on open files, read without the platform MXBean. */
final class ProcLimits {
    private static final String OPEN_FILES = "Max open files";

    private ProcLimits() {
    }

    /**
     * The soft limit of the {@code Max open files} row of a limits file; 0 when there is no such
     * file or row, or the limit is {@code unlimited} or not a positive number.
     */
    static long openFiles(Path limits) {
        String text;
        try {
            if (!Files.isRegularFile(limits)) {
                return 0;
            }
            text = Files.readString(limits, StandardCharsets.US_ASCII);
        } catch (IOException | RuntimeException e) {
            return 0;
        }
        for (String line : text.split("\n")) {
            if (line.startsWith(OPEN_FILES)) {
                String[] columns = line.substring(OPEN_FILES.length()).trim().split("\\s+");
                try {
                    long soft = Long.parseLong(columns[0]);
                    return soft > 0 ? soft : 0;
                } catch (NumberFormatException e) {
                    return 0; // "unlimited"
                }
            }
        }
        return 0;
    }
}
