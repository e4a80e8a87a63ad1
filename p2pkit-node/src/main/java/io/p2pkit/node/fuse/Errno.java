package io.p2pkit.node.fuse;

/** The Linux error numbers FUSE replies carry (negated), and their C library texts. */
final class Errno {
    static final int EPERM = 1;
    static final int ENOENT = 2;
    static final int EINTR = 4;
    static final int EIO = 5;
    static final int EBADF = 9;
    static final int EAGAIN = 11;
    static final int EACCES = 13;
    static final int EEXIST = 17;
    static final int EXDEV = 18;
    static final int ENODEV = 19;
    static final int ENOTDIR = 20;
    static final int EISDIR = 21;
    static final int EINVAL = 22;
    static final int EFBIG = 27;
    static final int ENOSPC = 28;
    static final int EROFS = 30;
    static final int ERANGE = 34;
    static final int ENAMETOOLONG = 36;
    static final int ENOSYS = 38;
    static final int ENOTEMPTY = 39;
    static final int ENODATA = 61;
    static final int ENOTSUP = 95;

    private Errno() {
    }

    static String describe(int errno) {
        String text = switch (errno) {
            case EPERM -> "operation not permitted";
            case ENOENT -> "no such file or directory";
            case EIO -> "input/output error";
            case EACCES -> "permission denied";
            case EBUSY -> "device or resource busy";
            case ENODEV -> "no such device";
            case ENOTDIR -> "not a directory";
            case EINVAL -> "invalid argument";
            case EROFS -> "read-only file system";
            case ENOSYS -> "function not implemented";
            default -> "error";
        };
        return text + " (errno " + errno + ")";
    }

    static final int EBUSY = 16;
}
