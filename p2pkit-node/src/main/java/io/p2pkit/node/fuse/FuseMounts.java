package io.p2pkit.node.fuse;

import io.p2pkit.node.Node;
import io.p2pkit.node.exchange.ContentService;
import io.p2pkit.node.rpc.FetchingBlocks;
import io.p2pkit.node.rpc.NameCommands;

import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A node's FUSE mounts, as Kubo's {@code ipfs mount} makes them: {@code /ipfs} and {@code /ipns}
 * read-only, {@code /mfs} the node's MFS, read and written. Mounting again first unmounts what
 * was mounted; everything is unmounted when the node stops. Mounting needs Linux with FUSE: root
 * (or {@code CAP_SYS_ADMIN}) mounts directly, anyone else through fusermount3 (package fuse3).
 */
public final class FuseMounts implements Closeable {
    private static final ReentrantLock REGISTRY = new ReentrantLock();
    /** How long a lookup under {@code /ipns} waits for a name's record over pubsub alone. */
    private static final Duration PUBSUB_WAIT = Duration.ofSeconds(30);

    private final AtomicReference<List<FuseSession>> sessions = new AtomicReference<>(List.of());
    private final ReentrantLock lock = new ReentrantLock();

    private FuseMounts() {
    }

    /** Where the three file systems were mounted. */
    public record Mountpoints(String ipfs, String ipns, String mfs) {
    }

    /**
     * Mounts the node's {@code /ipfs}, {@code /ipns} and {@code /mfs} at the three directories
     * (each must exist). All or nothing: when one fails, the others are unmounted and the error
     * names the directory that failed.
     *
     * @param allowOther whether other users may use the mounts (FUSE's {@code allow_other})
     * @param viaHelper  mount through fusermount3 even when the process could mount itself
     */
    public static Mountpoints mount(Node node, Mountpoints at, boolean allowOther, boolean viaHelper) throws IOException {
        ContentService content = node.content()
                .orElseThrow(() -> new IOException("this node has no repository to mount"));
        FuseMounts mounts = of(node);
        mounts.lock.lock();
        try {
            mounts.unmountAll();
            IpfsFs ipfs = new IpfsFs(FetchingBlocks.of(content, true));
            IpnsFs ipns = new IpnsFs(ipfs, node.peerId(),
                    path -> NameCommands.resolveName(node, PUBSUB_WAIT, path, true, false), at.ipfs());
            // Kubo 0.39 keeps no chmod or touch in the MFS (newer Kubo's Mounts.StoreMode and StoreMtime, off by default)
            MfsFs mfs = new MfsFs(content.repository().mfs(), Path.of(System.getProperty("java.io.tmpdir")),
                    content.repository().root(), false, false, MfsFs.DEFAULT_CAP);
            List<FuseSession> mounted = new ArrayList<>();
            try {
                mounted.add(FuseSession.mount(ipfs, Path.of(at.ipfs()), "ipfs", true, allowOther, viaHelper));
                mounted.add(FuseSession.mount(ipns, Path.of(at.ipns()), "ipns", true, allowOther, viaHelper));
                mounted.add(FuseSession.mount(mfs, Path.of(at.mfs()), "mfs", false, allowOther, viaHelper));
            } catch (IOException | RuntimeException e) {
                closeAll(mounted);
                throw e;
            }
            mounts.sessions.set(List.copyOf(mounted));
            return at;
        } finally {
            mounts.lock.unlock();
        }
    }

    /** Unmounts the node's mounts, if any; whether there were some. */
    public static boolean unmount(Node node) throws IOException {
        Optional<FuseMounts> mounts = node.host().service(FuseMounts.class);
        if (mounts.isEmpty()) {
            return false;
        }
        mounts.get().lock.lock();
        try {
            return mounts.get().unmountAll();
        } finally {
            mounts.get().lock.unlock();
        }
    }

    /** The node's mounts, registered with its host on first use so that they end with it. */
    private static FuseMounts of(Node node) {
        REGISTRY.lock();
        try {
            Optional<FuseMounts> known = node.host().service(FuseMounts.class);
            if (known.isPresent()) {
                return known.get();
            }
            FuseMounts mounts = new FuseMounts();
            node.host().addService(mounts);
            return mounts;
        } finally {
            REGISTRY.unlock();
        }
    }

    private boolean unmountAll() throws IOException {
        List<FuseSession> current = sessions.getAndSet(List.of());
        closeAll(current);
        return !current.isEmpty();
    }

    private static void closeAll(List<FuseSession> sessions) throws IOException {
        IOException failure = null;
        for (FuseSession s : sessions) {
            try {
                s.close();
            } catch (IOException e) {
                failure = failure == null ? e : failure;
            }
        }
        if (failure != null) {
            throw failure;
        }
    }

    /** Unmounts everything (the node is stopping). */
    @Override
    public void close() throws IOException {
        lock.lock();
        try {
            unmountAll();
        } finally {
            lock.unlock();
        }
    }
}
