package io.p2pkit.node.fuse;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * A file system {@link FuseSession} serves. Nodes are named by their path in the mount ({@code /}
 * is the root, {@code /a/b} below it) and carry a reference the file system chose when it found
 * them (a CID, say), so that it need not resolve the path again. Writes answer {@code EROFS}
 * unless the file system overrides them.
 */
interface MountedFs {
    /** A node found by a lookup: its reference and attributes. */
    record Found(Object ref, FsAttr attr) {
    }

    /** A directory entry; {@code kind} null when finding it out would cost a fetch (the kernel then asks). */
    record Entry(String name, FsAttr.Kind kind) {
    }

    /** What a {@code setattr} changes; null fields stay as they are. */
    record Change(Long size, Integer permissions, Long mtimeSeconds, Integer mtimeNanos) {
    }

    /** How long the kernel may keep names and attributes without asking again. */
    Duration cacheTime();

    /** How long the kernel may keep the name and attributes of the node {@code ref} names; {@link #cacheTime()} unless a mount varies it. */
    default Duration cacheTime(Object ref) {
        return cacheTime();
    }

    /** Whether the kernel may keep a file's pages after it is closed (content that cannot change). */
    default boolean keepCache() {
        return false;
    }

    Object rootRef();

    FsAttr attr(String path, Object ref) throws IOException;

    Found lookup(String parent, Object parentRef, String name) throws IOException;

    List<Entry> list(String path, Object ref) throws IOException;

    default String readlink(String path, Object ref) throws IOException {
        throw new FsError(Errno.EINVAL, path + " is not a symbolic link");
    }

    FsHandle open(String path, Object ref, boolean write, boolean truncate) throws IOException;

    default Optional<byte[]> xattr(String path, Object ref, String name) throws IOException {
        return Optional.empty();
    }

    default List<String> xattrNames(String path, Object ref) throws IOException {
        return List.of();
    }

    default Found mkdir(String path, int permissions) throws IOException {
        throw FsError.readOnly();
    }

    /** Creates an empty file and opens it for writing. */
    default Created create(String path, int permissions) throws IOException {
        throw FsError.readOnly();
    }

    /** A created file and its open handle. */
    record Created(Found found, FsHandle handle) {
    }

    default void unlink(String path) throws IOException {
        throw FsError.readOnly();
    }

    default void rmdir(String path) throws IOException {
        throw FsError.readOnly();
    }

    /** Moves {@code from} to {@code to}, replacing what is there unless {@code noReplace}. */
    default void rename(String from, String to, boolean noReplace) throws IOException {
        throw FsError.readOnly();
    }

    /** Applies {@code change}, through {@code handle} when the file is open; returns the new attributes. */
    default FsAttr setattr(String path, Object ref, FsHandle handle, Change change) throws IOException {
        throw FsError.readOnly();
    }

    /** The numbers {@code df} shows: total and free bytes. */
    default long[] space() {
        return new long[] {0, 0};
    }
}
