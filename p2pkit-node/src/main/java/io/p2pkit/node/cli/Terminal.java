package io.p2pkit.node.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Whether stderr is a terminal, which decides if progress bars are drawn without
 * {@code --progress}. Java 21 cannot ask about one stream, so: the {@code p2pkit} launcher tells
 * us ({@code -Dp2pkit.stderr.tty=true|false}, from the shell's {@code [ -t 2 ]}); without it, on
 * Linux, fd 2 is looked up in {@code /proc/self/fd}; anywhere else the answer is no.
 */
public final class Terminal {
    /** The system property the launcher sets. */
    public static final String PROPERTY = "p2pkit.stderr.tty";

    private Terminal() {
    }

    /** @return whether stderr is (most likely) a terminal */
    public static boolean stderrIsTerminal() {
        String told = System.getProperty(PROPERTY);
        if (told != null) {
            return Boolean.parseBoolean(told);
        }
        try {
            String target = Files.readSymbolicLink(Path.of("/proc/self/fd/2")).toString();
            return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty");
        } catch (IOException | UnsupportedOperationException | SecurityException e) {
            return false;
        }
    }
}
