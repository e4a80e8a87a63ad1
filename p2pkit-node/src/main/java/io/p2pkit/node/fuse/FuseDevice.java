package io.p2pkit.node.fuse;

import com.sun.jna.LastErrorException;
import com.sun.jna.Memory;
import com.sun.jna.Platform;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One FUSE connection: the {@code /dev/fuse} descriptor the kernel sends a mount's requests on.
 * Mounted with mount(2) when the process may (root, or {@code CAP_SYS_ADMIN}), otherwise through
 * fusermount3, the setuid helper of the fuse3 package, which mounts and passes the descriptor
 * back over a socket pair, as libfuse does.
 */
final class FuseDevice implements AutoCloseable {
    private static final int EPERM = 1;
    private static final int SOL_SOCKET = 1;
    private static final int SCM_RIGHTS = 1;

    private final LibC libc;
    private final int fd;
    private final Path mountpoint;
    private final boolean helper;
    private volatile boolean closed;

    private FuseDevice(LibC libc, int fd, Path mountpoint, boolean helper) {
        this.libc = libc;
        this.fd = fd;
        this.mountpoint = mountpoint;
        this.helper = helper;
    }

    /**
     * Mounts a FUSE file system named {@code name} at {@code mountpoint}, an existing empty
     * directory. {@code viaHelper} forces fusermount3 even for root (tests use it to cover that path).
     */
    static FuseDevice mount(Path mountpoint, String name, boolean readOnly, boolean allowOther, boolean viaHelper)
            throws IOException {
        if (!Platform.isLinux() || !Platform.is64Bit()) {
            throw new IOException("FUSE mounts need 64-bit Linux; this is " + System.getProperty("os.name")
                    + " on " + System.getProperty("os.arch"));
        }
        if (!Files.isDirectory(mountpoint)) {
            throw new IOException("fuse failed to access mountpoint " + mountpoint + ": no such directory");
        }
        if (!Files.exists(Path.of("/dev/fuse"))) {
            throw new IOException("FUSE is not available: /dev/fuse is missing (load the fuse kernel module)");
        }
        LibC libc = LibC.load();
        String target = mountpoint.toAbsolutePath().normalize().toString();
        if (!viaHelper) {
            int fd = openDevice(libc);
            String data = "fd=" + fd + ",rootmode=40000,user_id=" + libc.getuid() + ",group_id=" + libc.getgid()
                    + ",default_permissions" + (allowOther ? ",allow_other" : "");
            long flags = LibC.MS_NOSUID | LibC.MS_NODEV | (readOnly ? LibC.MS_RDONLY : 0);
            try {
                libc.mount(name, target, "fuse." + name, flags, data);
                return new FuseDevice(libc, fd, mountpoint, false);
            } catch (LastErrorException e) {
                quietClose(libc, fd);
                if (e.getErrorCode() != EPERM) {
                    throw new IOException("could not mount " + name + " at " + target + ": " + Errno.describe(e.getErrorCode()));
                }
            }
        }
        return new FuseDevice(libc, viaFusermount(libc, target, name, readOnly, allowOther), mountpoint, true);
    }

    private static int openDevice(LibC libc) throws IOException {
        try {
            return libc.open("/dev/fuse", LibC.O_RDWR | LibC.O_CLOEXEC);
        } catch (LastErrorException e) {
            throw new IOException("could not open /dev/fuse: " + Errno.describe(e.getErrorCode()));
        }
    }

    /** fusermount3 mounts, then sends the device's descriptor over {@code _FUSE_COMMFD}. */
    private static int viaFusermount(LibC libc, String target, String name, boolean readOnly, boolean allowOther)
            throws IOException {
        String program = helperProgram();
        int[] pair = new int[2];
        try {
            libc.socketpair(LibC.AF_UNIX, LibC.SOCK_STREAM, 0, pair);
        } catch (LastErrorException e) {
            throw new IOException("could not make a socket pair for fusermount3: " + Errno.describe(e.getErrorCode()));
        }
        try {
            String options = "nosuid,nodev,default_permissions,fsname=" + name + ",subtype=" + name
                    + (readOnly ? ",ro" : "") + (allowOther ? ",allow_other" : "");
            List<String> env = new ArrayList<>();
            env.add("_FUSE_COMMFD=" + pair[0]);
            for (Map.Entry<String, String> e : System.getenv().entrySet()) {
                if (e.getKey().equals("PATH") || e.getKey().equals("LANG")) {
                    env.add(e.getKey() + "=" + e.getValue());
                }
            }
            int[] pid = new int[1];
            int spawned = libc.posix_spawnp(pid, program, null, null,
                    new String[] {program, "-o", options, "--", target}, env.toArray(String[]::new));
            if (spawned != 0) {
                throw new IOException("could not start " + program + ": " + Errno.describe(spawned));
            }
            int fd = receiveDescriptor(libc, pair[1]);
            int[] status = new int[1];
            libc.waitpid(pid[0], status, 0);
            if (fd < 0) {
                throw new IOException("fuse failed to mount " + target + " (" + program + " exited with status "
                        + ((status[0] >> 8) & 0xff) + "; is the directory there, empty and yours?)");
            }
            return fd;
        } finally {
            quietClose(libc, pair[0]);
            quietClose(libc, pair[1]);
        }
    }

    private static String helperProgram() throws IOException {
        for (String name : List.of("fusermount3", "fusermount")) {
            for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":")) {
                if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, name))) {
                    return Path.of(dir, name).toString();
                }
            }
        }
        throw new IOException("mounting needs root or fusermount3: install the fuse3 package");
    }

    /** One {@code SCM_RIGHTS} message: the layout of {@code struct msghdr} on 64-bit Linux. */
    private static int receiveDescriptor(LibC libc, int socket) throws IOException {
        try (Memory data = new Memory(8); Memory iov = new Memory(16); Memory control = new Memory(24);
             Memory header = new Memory(56)) {
            iov.setPointer(0, data);
            iov.setLong(8, 1);
            control.clear();
            header.clear();
            header.setPointer(16, iov);
            header.setLong(24, 1);
            header.setPointer(32, control);
            header.setLong(40, 24);
            long n;
            try {
                n = libc.recvmsg(socket, header, 0);
            } catch (LastErrorException e) {
                throw new IOException("fusermount3 sent no descriptor: " + Errno.describe(e.getErrorCode()));
            }
            if (n <= 0 || header.getLong(40) < 20 || control.getInt(8) != SOL_SOCKET || control.getInt(12) != SCM_RIGHTS) {
                return -1;
            }
            return control.getInt(16);
        }
    }

    Path mountpoint() {
        return mountpoint;
    }

    /** Reads one request into {@code buffer}; -1 once the file system is unmounted. */
    int read(ByteBuffer buffer) throws IOException {
        while (true) {
            try {
                return (int) libc.read(fd, buffer, buffer.capacity());
            } catch (LastErrorException e) {
                switch (e.getErrorCode()) {
                    case Errno.ENOENT, Errno.EINTR, Errno.EAGAIN -> {
                        // an interrupted request, or a signal: read the next one
                    }
                    case Errno.ENODEV -> {
                        return -1;
                    }
                    default -> {
                        if (closed) {
                            return -1;
                        }
                        throw new IOException("reading /dev/fuse: " + Errno.describe(e.getErrorCode()));
                    }
                }
            }
        }
    }

    /** Writes one reply; a reply to a request the kernel gave up on (ENOENT) is dropped. */
    void write(ByteBuffer reply, int length) throws IOException {
        try {
            libc.write(fd, reply, length);
        } catch (LastErrorException e) {
            if (e.getErrorCode() != Errno.ENOENT && e.getErrorCode() != Errno.ENODEV && !closed) {
                throw new IOException("writing /dev/fuse: " + Errno.describe(e.getErrorCode()));
            }
        }
    }

    /**
     * The number of this mount's connection under {@code /sys/fs/fuse/connections}: the minor
     * number of the mount's device. Read while the file system is served (stat asks it).
     */
    long connection() throws IOException {
        long dev = ((Number) Files.getAttribute(mountpoint, "unix:dev")).longValue();
        return (dev & 0xff) | ((dev >>> 12) & 0xfff00);
    }

    /** Unmounts lazily: the kernel ends the connection once no file is open any more. */
    void unmount() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        String target = mountpoint.toAbsolutePath().normalize().toString();
        IOException failure = null;
        if (helper) {
            try {
                Process p = new ProcessBuilder(helperProgram(), "-u", "-z", "--", target)
                        .redirectErrorStream(true).start();
                String out = new String(p.getInputStream().readAllBytes()).trim();
                if (!p.waitFor(30, java.util.concurrent.TimeUnit.SECONDS) || p.exitValue() != 0) {
                    p.destroyForcibly();
                    failure = new IOException("could not unmount " + target + ": " + out);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                failure = new IOException("interrupted while unmounting " + target);
            }
        } else {
            try {
                libc.umount2(target, LibC.MNT_DETACH);
            } catch (LastErrorException e) {
                failure = new IOException("could not unmount " + target + ": " + Errno.describe(e.getErrorCode()));
            }
        }
        if (failure != null) {
            throw failure;
        }
    }

    /** Closes the descriptor, once no thread reads it any more. */
    @Override
    public void close() {
        quietClose(libc, fd);
    }

    private static void quietClose(LibC libc, int fd) {
        try {
            libc.close(fd);
        } catch (LastErrorException e) {
            // the descriptor is gone either way; nothing more can be released
            java.util.logging.Logger.getLogger(FuseDevice.class.getName())
                    .fine("closing descriptor " + fd + ": " + Errno.describe(e.getErrorCode()));
        }
    }
}
