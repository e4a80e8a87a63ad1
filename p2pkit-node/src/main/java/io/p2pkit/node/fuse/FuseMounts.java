package io.p2pkit.node.fuse;

import io.p2pkit.core.multiformats.Cid;
import io.p2pkit.ipfs.repo.Repository;
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
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * A node's FUSE mounts, as Kubo's {@code ipfs mount} makes them: {@code /ipfs} read-only;
 * {@code /ipns} read-only but for the node's own directory, whose changes are published as the
 * node's IPNS record once they settle (1 s after the last, at most 10 s after the first, and at
 * unmount); {@code /mfs} the node's MFS, read and written. Mounting again first unmounts what
 * was mounted; everything is unmounted when the node stops. Mounting needs Linux with FUSE: root
 * (or {@code CAP_SYS_ADMIN}) mounts directly, anyone else through fusermount3 (package fuse3).
 */
public final class FuseMounts implements Closeable {
    private static final ReentrantLock REGISTRY = new ReentrantLock();
    /** How long a lookup under {@code /ipns} waits for a name's record over pubsub alone. */
    private static final Duration PUBSUB_WAIT = Duration.ofSeconds(30);
    /** The own directory's root is published this long after its last change... */
    static final Duration PUBLISH_QUIET = Duration.ofSeconds(1);
    /** ...or this long after the first, when changes keep coming. */
    static final Duration PUBLISH_MOST = Duration.ofSeconds(10);
    /** The published record's validity and TTL: {@code name publish}'s defaults. */
    private static final Duration RECORD_LIFETIME = Duration.ofHours(48);
    private static final Duration RECORD_TTL = Duration.ofHours(1);
    private static final Logger LOG = Logger.getLogger(FuseMounts.class.getName());

    private final AtomicReference<List<Closeable>> sessions = new AtomicReference<>(List.of());
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
            Repository repo = content.repository();
            Path spool = Path.of(System.getProperty("java.io.tmpdir"));
            IpfsFs ipfs = new IpfsFs(FetchingBlocks.of(content, true));
            IpnsRepublisher republisher = new IpnsRepublisher(root -> publishOwn(node, root), PUBLISH_QUIET, PUBLISH_MOST);
            // Kubo 0.39 keeps no chmod or touch in the MFS (newer Kubo's Mounts.StoreMode and StoreMtime, off by default)
            IpnsFs ipns = new IpnsFs(ipfs, node.peerId(),
                    path -> NameCommands.resolveName(node, PUBSUB_WAIT, path, true, false), at.ipfs(),
                    resolved -> new MfsFs(repo.keptMfs(ownTreeName(node), resolved, republisher::changed), spool,
                            repo.root(), false, false, MfsFs.DEFAULT_CAP),
                    republisher);
            MfsFs mfs = new MfsFs(repo.mfs(), spool, repo.root(), false, false, MfsFs.DEFAULT_CAP);
            List<Closeable> mounted = new ArrayList<>();
            try {
                mounted.add(FuseSession.mount(ipfs, Path.of(at.ipfs()), "ipfs", true, allowOther, viaHelper)::close);
                FuseSession ipnsSession = FuseSession.mount(ipns, Path.of(at.ipns()), "ipns", false, allowOther, viaHelper);
                mounted.add(() -> {
                    try (ipns) {
                        ipnsSession.close(); // open files are saved first, then what they changed is published
                    }
                });
                mounted.add(FuseSession.mount(mfs, Path.of(at.mfs()), "mfs", false, allowOther, viaHelper)::close);
            } catch (IOException | RuntimeException e) {
                closeAll(mounted);
                if (mounted.size() < 2) {
                    ipns.close();
                }
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

    /** The metadata store's name for the tree of the node's own {@code /ipns} directory. */
    static String ownTreeName(Node node) {
        return "ipns-mount/" + node.peerId();
    }

    /**
     * Publishes a new root of the node's own {@code /ipns} directory as its name's record, as
     * {@code name publish --allow-offline} would: the record is kept locally when the DHT runs and
     * no peer took it. A node without any routing has nowhere to put it; the mount still shows
     * the new content, and its tree's root is kept in the repository.
     */
    private static void publishOwn(Node node, Cid root) throws IOException {
        if (!NameCommands.routed(node)) {
            LOG.info("ipns mount: /ipfs/" + root + " is not published as /ipns/" + node.peerId()
                    + ": the node has no DHT, IPNS over pubsub or delegated router");
            return;
        }
        int reached = NameCommands.publish(node, node.host().identity(), "/ipfs/" + root, RECORD_LIFETIME, RECORD_TTL, true);
        LOG.log(reached == 0 ? Level.INFO : Level.FINE, () -> "ipns mount: published /ipfs/" + root + " as /ipns/"
                + node.peerId() + (reached == 0 ? ", kept locally: no peer or router took it" : " to " + reached + " places"));
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
        List<Closeable> current = sessions.getAndSet(List.of());
        closeAll(current);
        return !current.isEmpty();
    }

    private static void closeAll(List<Closeable> sessions) throws IOException {
        IOException failure = null;
        for (Closeable s : sessions) {
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
