package io.p2pkit.node.cli.command.files;

import io.p2pkit.node.cli.CommandFailedException;

import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * Writes what {@code get} unpacks with Kubo's overwrite rules (those of boxo's tar extractor, which
 * {@code ipfs get} uses whether its daemon runs or not):
 *
 * <ul>
 *   <li>a directory merges into an existing directory; a symlink or a file where it goes is an error;</li>
 *   <li>a file replaces an existing file, symlink or empty directory (a non-empty one is an error),
 *       written to a temporary file beside it and renamed over it, so a reader never sees half of it;</li>
 *   <li>a symlink replaces the same;</li>
 *   <li>a file or symlink whose target names an existing directory goes inside it, under its own name.</li>
 * </ul>
 *
 * Nothing is ever written through a symlink: the callers build each path from directories this
 * class made or checked.
 */
final class GetTarget {
    private GetTarget() {
    }

    /**
     * Where a file or symlink at the top goes: into {@code target} under {@code name} when
     * {@code target} is an existing directory (not followed if a symlink), else {@code target}.
     */
    static Path forTopEntry(Path target, String name) {
        if (Files.isDirectory(target, LinkOption.NOFOLLOW_LINKS)) {
            return target.resolve(GetCommand.safeName(name, target));
        }
        return target;
    }

    /** Makes {@code dir} (and its parents), or keeps it when it is already a directory. */
    static void directory(Path dir) throws IOException {
        if (Files.isSymbolicLink(dir)) {
            throw new CommandFailedException(dir + " is a symlink: a directory is not written through it (nothing more was written)");
        }
        try {
            Files.createDirectories(dir);
        } catch (FileAlreadyExistsException e) {
            throw new CommandFailedException(dir + " exists and is not a directory: nothing more was written", e);
        }
    }

    /** Writes {@code body} to {@code file}, replacing what is there (see the class comment). */
    static void file(Path file, InputStream body, Copier copier) throws IOException {
        clear(file);
        Path dir = file.toAbsolutePath().getParent();
        Path temp = Files.createTempFile(dir, ".p2pkit-get-", ".tmp");
        try {
            try (FileChannel out = FileChannel.open(temp, StandardOpenOption.WRITE)) {
                copier.copy(body, out);
            }
            Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(temp);
            throw e;
        }
    }

    /** Makes {@code link} point at {@code target}, replacing what is there (see the class comment). */
    static void symlink(Path link, String target) throws IOException {
        clear(link);
        Files.createSymbolicLink(link, Path.of(target));
    }

    /** Removes a file, symlink or empty directory in the way; a non-empty directory stays and fails the write. */
    private static void clear(Path p) throws IOException {
        try {
            Files.deleteIfExists(p);
        } catch (DirectoryNotEmptyException e) {
            throw new CommandFailedException(p + " is a directory that is not empty: it is not replaced (nothing more was written)", e);
        } catch (AccessDeniedException | NoSuchFileException e) {
            throw new CommandFailedException(p + " cannot be replaced: " + e.getMessage(), e);
        }
    }

    /** Copies a body, counting it. */
    @FunctionalInterface
    interface Copier {
        void copy(InputStream in, FileChannel out) throws IOException;
    }
}
