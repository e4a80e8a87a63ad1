package io.p2pkit.node.config;

import io.p2pkit.core.DecodeException;
import io.p2pkit.core.crypto.KeyType;
import io.p2pkit.core.crypto.PrivateKey;
import io.p2pkit.core.logging.LazyLogger;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * A node's identity key on disk. The file holds the libp2p {@code PrivateKey} protobuf bytes,
 * exactly what go-libp2p's {@code crypto.MarshalPrivateKey} and js-libp2p's
 * {@code privateKeyToProtobuf} produce, so one key file serves every implementation.
 */
public final class IdentityFile {
    private static final System.Logger LOG = LazyLogger.of(IdentityFile.class);

    /** Larger than any supported key (an 8192-bit RSA key is about 4.8 KB). */
    private static final long MAX_FILE_BYTES = 16 * 1024;

    private IdentityFile() {
    }

    /** The key read from, or just written to, a file. */
    public record Loaded(PrivateKey key, Path file, boolean created) {
    }

    /**
     * Reads the key in {@code file}, or creates a new key of {@code typeIfMissing} there when the
     * file does not exist. An existing file is never overwritten, even when it is unreadable.
     *
     * @throws IOException     when the file cannot be read or written
     * @throws DecodeException when the file does not hold a valid key
     */
    public static Loaded loadOrCreate(Path file, KeyType typeIfMissing) throws IOException {
        if (Files.exists(file)) {
            return new Loaded(read(file), file, false);
        }
        PrivateKey key = PrivateKey.generate(typeIfMissing);
        try {
            write(file, key.marshal());
            return new Loaded(key, file, true);
        } catch (FileAlreadyExistsException raced) {
            // Another process created it first: use theirs, so both agree on one identity.
            return new Loaded(read(file), file, false);
        }
    }

    /**
     * Writes a new key file, whole or not at all.
     *
     * @throws FileAlreadyExistsException when the file exists
     */
    public static void create(Path file, PrivateKey key) throws IOException {
        write(file, key.marshal());
    }

    /** Reads the key in {@code file}. */
    public static PrivateKey read(Path file) throws IOException {
        long size = Files.size(file);
        if (size > MAX_FILE_BYTES) {
            throw new DecodeException("identity", file + " is " + size + " bytes, too large for a key file");
        }
        try {
            return PrivateKey.unmarshal(Files.readAllBytes(file));
        } catch (DecodeException e) {
            throw new DecodeException("identity", file + " does not hold a libp2p private key: " + e.getMessage(), e);
        }
    }

    /**
     * Puts a new key in place of the one in {@code file} (Kubo's {@code key rotate}), whole or not
     * at all: a crash leaves the old key or the new one.
     */
    public static void replace(Path file, PrivateKey key) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        Path tmp = temporary(dir, key.marshal());
        try {
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(tmp);
        }
        syncDirectory(dir);
    }

    /**
     * Writes the key bytes to a private temporary file, syncs it, then moves it into place, so a
     * crash leaves either no file or a whole one. Fails if {@code file} already exists.
     */
    private static void write(Path file, byte[] bytes) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        Path tmp = temporary(dir, bytes);
        try {
            if (Files.exists(file)) {
                throw new FileAlreadyExistsException(file.toString());
            }
            try {
                // A hard link fails if the target exists, so concurrent creators cannot clobber each other.
                Files.createLink(file, tmp);
            } catch (UnsupportedOperationException | IOException linkFailed) {
                if (linkFailed instanceof FileAlreadyExistsException fe) {
                    throw fe;
                }
                try {
                    Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
                } catch (AtomicMoveNotSupportedException e) {
                    Files.move(tmp, file);
                }
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
        syncDirectory(dir);
    }

    /** A synced, owner-only temporary file in {@code dir} holding {@code bytes}. */
    private static Path temporary(Path dir, byte[] bytes) throws IOException {
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, ".identity", ".tmp",
                supportsPosix(dir) ? new java.nio.file.attribute.FileAttribute<?>[]{
                        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"))}
                        : new java.nio.file.attribute.FileAttribute<?>[0]);
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
            ch.write(java.nio.ByteBuffer.wrap(bytes));
            ch.force(true);
        } catch (IOException e) {
            Files.deleteIfExists(tmp);
            throw e;
        }
        return tmp;
    }

    private static boolean supportsPosix(Path dir) {
        return dir.getFileSystem().supportedFileAttributeViews().contains("posix");
    }

    /** Syncs a directory's entries (a move or link in it) to disk where the platform can. */
    static void syncDirectory(Path dir) {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException e) {
            // Not every platform can sync a directory; the file itself is already synced.
            LOG.log(System.Logger.Level.DEBUG, () -> "cannot sync the directory " + dir + ": " + e);
        }
    }
}
