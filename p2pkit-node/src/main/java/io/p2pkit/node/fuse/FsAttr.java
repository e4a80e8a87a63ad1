package io.p2pkit.node.fuse;

/**
 * What {@code stat} shows of a file, directory or symbolic link in a mount.
 *
 * @param kind         what it is
 * @param permissions  the permission bits ({@code 0444}, {@code 0755}, ...)
 * @param size         bytes of a file, of a link's target, or of a directory's entries
 * @param mtimeSeconds modification time, seconds since 1970 (0 when unknown)
 * @param mtimeNanos   and its nanoseconds
 */
record FsAttr(Kind kind, int permissions, long size, long mtimeSeconds, int mtimeNanos) {
    enum Kind {
        FILE(0100000, 8), DIRECTORY(0040000, 4), SYMLINK(0120000, 10);

        final int modeBits;
        final int direntType;

        Kind(int modeBits, int direntType) {
            this.modeBits = modeBits;
            this.direntType = direntType;
        }
    }

    static FsAttr file(int permissions, long size) {
        return new FsAttr(Kind.FILE, permissions, size, 0, 0);
    }

    static FsAttr directory(int permissions) {
        return new FsAttr(Kind.DIRECTORY, permissions, 0, 0, 0);
    }

    FsAttr withMtime(long seconds, int nanos) {
        return new FsAttr(kind, permissions, size, seconds, nanos);
    }
}
