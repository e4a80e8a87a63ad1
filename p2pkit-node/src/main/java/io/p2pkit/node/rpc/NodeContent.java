package io.p2pkit.node.rpc;

import io.p2pkit.ipfs.repo.Repository;
import io.p2pkit.node.exchange.ContentService;

/** The content parts of the node a command needs, or the error for a node without them. */
final class NodeContent {
    private NodeContent() {
    }

    /** The node's repository. */
    static Repository repository(RpcRequest request) {
        return content(request).repository();
    }

    static ContentService content(RpcRequest request) {
        return request.node().content().orElseThrow(() -> RpcError.failed(
                "this node has no repository: start the daemon with one (p2pkit init, then p2pkit daemon)"));
    }

    /** How long fetching a DAG may go without a block arriving before the command fails. */
    static final java.time.Duration FETCH_IDLE = java.time.Duration.ofSeconds(60);

    /**
     * Fetches the DAG under {@code root} over Bitswap (256 blocks at a time, from the node's peers
     * and the providers the DHT names), so that a command can then read it locally, as a Kubo
     * node does online. Blocks already here are not fetched again.
     */
    static void fetchDag(RpcRequest request, io.p2pkit.core.multiformats.Cid root) throws InterruptedException {
        fetchDag(request, root, io.p2pkit.node.cli.options.RepoOption.codecs(true));
    }

    /**
     * The DAG under {@code root} as a background fetch brings it, for a command that streams it
     * out while it comes; a block the fetch does not bring is fetched alone through {@code blocks}.
     */
    static io.p2pkit.node.exchange.ArrivingBlocks arriving(RpcRequest request, FetchingBlocks blocks,
                                                           io.p2pkit.core.multiformats.Cid root) {
        ContentService content = content(request);
        return io.p2pkit.node.exchange.ArrivingBlocks.start(content.bitswap(), content.repository().blocks().local(), blocks, root,
                io.p2pkit.node.cli.options.RepoOption.codecs(true), FETCH_IDLE);
    }

    /** The same, following only the links {@code links} gives. */
    private static void fetchDag(RpcRequest request, io.p2pkit.core.multiformats.Cid root,
                                 io.p2pkit.ipfs.block.LinkReader links) throws InterruptedException {
        try {
            content(request).bitswap().fetchDag(root, links, (block, fetched) -> { }, FETCH_IDLE);
        } catch (java.io.IOException e) {
            throw RpcError.failed("could not fetch " + root + ": " + e.getMessage());
        }
    }

    /**
     * Where {@code pin/add} and {@code pin/update} take a recursive pin's DAG from: online, a
     * Bitswap fetch of it (the blocks it has, fetched or found here, go to the pin as they come,
     * under the pin lock, so nothing is read back); offline, the local blocks alone, the first one
     * missing failing the command with Kubo's not-found error (the pin's own walk would fetch it
     * through the repository's store).
     */
    static io.p2pkit.ipfs.pin.Pinner.DagSource dagSource(RpcRequest request) {
        if (offline(request)) {
            return io.p2pkit.node.exchange.DagSources.local(repository(request).blocks().local());
        }
        return io.p2pkit.node.exchange.DagSources.fetched(content(request).bitswap(), FETCH_IDLE,
                (root, e) -> RpcError.failed("could not fetch " + root + ": " + e.getMessage()));
    }

    /**
     * Announces content just added here, as Kubo 0.39 does ({@link io.p2pkit.node.exchange.Reprovider#added}):
     * the strategy's share of what was written (the roots first) through the provide queue, and with the
     * request's {@code fast-provide-root} (Kubo's default: true) the last root at once, waited for
     * with {@code fast-provide-wait}. Nothing without a DHT, or offline.
     *
     * @param written   the blocks written ({@link WrittenKeys})
     * @param fastRoots the roots announced at once ({@code add}: its last root; {@code dag import}: each)
     * @throws RpcError with Kubo's {@code fast-provide: …} when a waited-for announcement reached no one
     */
    static void announceAdded(RpcRequest request, java.util.List<io.p2pkit.core.multiformats.Cid> roots,
                              java.util.List<io.p2pkit.core.multiformats.Cid> written,
                              java.util.List<io.p2pkit.core.multiformats.Cid> fastRoots, boolean pinned) {
        java.util.Optional<io.p2pkit.node.exchange.Reprovider> reprovider = content(request).reprovider();
        if (reprovider.isEmpty() || offline(request)) {
            return;
        }
        reprovider.get().added(roots, written, pinned);
        fastProvide(request, fastRoots, pinned);
    }

    /**
     * Kubo's {@code fast-provide-root} alone (Kubo 0.41's {@code pin add}, whose blocks were
     * announced when they were written or fetched): each root at once unless the request says
     * {@code fast-provide-root=false}, waited for with {@code fast-provide-wait}.
     */
    static void fastProvide(RpcRequest request, java.util.List<io.p2pkit.core.multiformats.Cid> roots, boolean pinned) {
        java.util.Optional<io.p2pkit.node.exchange.Reprovider> reprovider = content(request).reprovider();
        if (reprovider.isEmpty() || offline(request)) {
            return;
        }
        io.p2pkit.ipfs.repo.RepoConfig file = configOnDisk(request);
        if (!importFlag(request, "fast-provide-root", file, FAST_PROVIDE_ROOT, true)) {
            return;
        }
        boolean wait = importFlag(request, "fast-provide-wait", file, FAST_PROVIDE_WAIT, false);
        for (io.p2pkit.core.multiformats.Cid root : roots) {
            try {
                reprovider.get().provideRoot(root, pinned, wait);
            } catch (java.io.IOException e) {
                throw RpcError.failed(e.getMessage());
            }
        }
    }

    /** The file key of Kubo's {@code Import.FastProvideRoot}. */
    static final String FAST_PROVIDE_ROOT = "import.fastProvideRoot";
    /** The file key of Kubo's {@code Import.FastProvideWait}. */
    static final String FAST_PROVIDE_WAIT = "import.fastProvideWait";

    /** A request's flag, else the config file's key (Kubo reads Import.* per command), else the default. */
    private static boolean importFlag(RpcRequest request, String option, io.p2pkit.ipfs.repo.RepoConfig file,
                                      String fileKey, boolean fallback) {
        if (request.has(option)) {
            return request.bool(option);
        }
        return file.get(fileKey).map(v -> Boolean.parseBoolean(v.strip())).orElse(fallback);
    }

    private static io.p2pkit.ipfs.repo.RepoConfig configOnDisk(RpcRequest request) {
        try {
            return repository(request).configOnDisk();
        } catch (java.io.IOException e) {
            throw RpcError.failed("reading the repository's config: " + e.getMessage());
        }
    }

    /** Whether the request asks, as Kubo's global {@code --offline}, that nothing be fetched. */
    static boolean offline(RpcRequest request) {
        return request.bool("offline");
    }

    /** Reads input bytes up to {@code limit}, or fails naming what was too big. */
    static byte[] readBounded(java.io.InputStream in, int limit, String what) throws java.io.IOException {
        byte[] bytes = in.readNBytes(limit + 1);
        if (bytes.length > limit) {
            throw RpcError.failed(what + " is over its limit of " + limit + " bytes");
        }
        return bytes;
    }
}
