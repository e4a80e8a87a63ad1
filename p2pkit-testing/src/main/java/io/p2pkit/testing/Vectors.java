package io.p2pkit.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Locates the official test vectors in {@code ../shared/vectors} beside the repository. */
public final class Vectors {
    private Vectors() {
    }

    /** The vectors folder; fails loudly when it is missing, since a skipped vector test proves nothing. */
    public static Path root() {
        String prop = System.getProperty("p2pkit.vectors");
        Path p = prop != null ? Path.of(prop) : Path.of("..", "..", "shared", "vectors");
        if (!Files.isDirectory(p)) {
            throw new IllegalStateException("test vectors not found at " + p.toAbsolutePath()
                    + " (expected ../shared/vectors beside the repository, or -Dp2pkit.vectors=DIR)");
        }
        return p;
    }

    public static Path path(String relative) {
        Path p = root().resolve(relative);
        if (!Files.exists(p)) {
            throw new IllegalStateException("test vector missing: " + p.toAbsolutePath());
        }
        return p;
    }

    public static byte[] bytes(String relative) {
        try {
            return Files.readAllBytes(path(relative));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static List<String> lines(String relative) {
        try {
            return Files.readAllLines(path(relative), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
