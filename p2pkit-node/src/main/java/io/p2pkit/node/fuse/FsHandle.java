package io.p2pkit.node.fuse;

import java.io.IOException;

/** An open file in a mount. */
interface FsHandle {
    /** Reads up to {@code length} bytes at {@code offset} into {@code into}; fewer only at the end of the file. */
    int read(long offset, byte[] into, int length) throws IOException;

    default int write(long offset, byte[] from, int start, int length) throws IOException {
        throw new FsError(Errno.EBADF, "not open for writing");
    }

    /** Makes what was written visible to others (close, fsync). */
    default void flush() throws IOException {
    }

    default void release() throws IOException {
        flush();
    }
}
