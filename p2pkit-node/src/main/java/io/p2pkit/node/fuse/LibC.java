package io.p2pkit.node.fuse;

import com.sun.jna.LastErrorException;
import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Pointer;

import java.nio.ByteBuffer;

/**
 * The C library calls a FUSE mount needs, through JNA: Java cannot open a character device for
 * mount(2)'s {@code fd=} option, mount, or receive the descriptor fusermount3 passes back. The
 * signatures assume a 64-bit Linux ({@code long} for {@code size_t}, {@code ssize_t} and
 * {@code unsigned long}); {@link FuseDevice} checks that before loading this.
 */
public interface LibC extends Library {
    int O_RDWR = 0x2;
    int O_CLOEXEC = 0x80000;
    long MS_RDONLY = 1;
    long MS_NOSUID = 2;
    long MS_NODEV = 4;
    int MNT_DETACH = 2;
    int AF_UNIX = 1;
    int SOCK_STREAM = 1;

    /** Loaded on first use: a node that never mounts never loads native code. */
    static LibC load() {
        return Native.load("c", LibC.class);
    }

    int open(String path, int flags) throws LastErrorException;

    int close(int fd) throws LastErrorException;

    long read(int fd, ByteBuffer buffer, long count) throws LastErrorException;

    long write(int fd, ByteBuffer buffer, long count) throws LastErrorException;

    int mount(String source, String target, String type, long flags, String data) throws LastErrorException;

    int umount2(String target, int flags) throws LastErrorException;

    int getuid();

    int getgid();

    int socketpair(int domain, int type, int protocol, int[] fds) throws LastErrorException;

    long recvmsg(int fd, Pointer message, int flags) throws LastErrorException;

    /** Starts a program that inherits the descriptors not marked close-on-exec (ProcessBuilder closes them all). */
    int posix_spawnp(int[] pid, String file, Pointer fileActions, Pointer attributes, String[] argv, String[] envp);

    int waitpid(int pid, int[] status, int options) throws LastErrorException;
}
