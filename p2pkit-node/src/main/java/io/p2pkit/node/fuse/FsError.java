package io.p2pkit.node.fuse;

import java.io.IOException;

/** A file system operation's failure, as the Linux error number FUSE replies with. */
final class FsError extends IOException {
    private final int errno;

    FsError(int errno, String message) {
        super(message);
        this.errno = errno;
    }

    static FsError notFound(String path) {
        return new FsError(Errno.ENOENT, path + ": no such file or directory");
    }

    static FsError readOnly() {
        return new FsError(Errno.EROFS, "read-only file system");
    }

    int errno() {
        return errno;
    }
}
